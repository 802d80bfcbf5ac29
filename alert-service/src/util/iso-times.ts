/**
 * ISO 8601 text of instants, as Date#toISOString writes it, without calling it for every event
 * (it was a third of an encode's cost, and a new Date per event in the normalizer): the date part
 * of the current day is kept, the time of day is checked or written from digit tables. One
 * instance per role (event times, receive times): each keeps its own day.
 */
const DAY_MS = 86_400_000;
const D0 = 48; // '0'
const PAIRS = Array.from({ length: 100 }, (_, i) => (i < 10 ? '0' : '') + i);
/** "sssZ": the text's last four characters, one flat string each. */
const MILLIS_Z = Array.from({ length: 1000 }, (_, i) => (i < 10 ? '00' : i < 100 ? '0' : '') + i + 'Z');

/** Second texts IsoTimes#text keeps (a power of two). */
const SECOND_SLOTS = 1024;

function digit(text: string, i: number): number {
  const d = text.charCodeAt(i) - D0;
  return d >= 0 && d <= 9 ? d : Number.NaN;
}

export class IsoTimes {
  private day = NaN;
  private prefix = ''; // "YYYY-MM-DDT"
  /** text()'s last second ("YYYY-MM-DDTHH:MM:SS.", flat) and last result. */
  private second = NaN;
  private secondText = '';
  private lastMs = NaN;
  private lastText = '';
  /** text()'s second texts by second of the day mod SECOND_SLOTS, with the instant of each (NaN: none). */
  private readonly slotSecond = new Float64Array(SECOND_SLOTS).fill(NaN);
  private readonly slotText: string[] = new Array<string>(SECOND_SLOTS).fill('');

  /** Milliseconds into the day of `ms`, with `prefix` set to its date; -1 when toISOString would not be 24 characters. */
  private within(ms: number): number {
    const day = Math.floor(ms / DAY_MS);
    if (day !== this.day) {
      this.day = day;
      const iso = new Date(day * DAY_MS).toISOString();
      this.prefix = iso.length === 24 ? iso.slice(0, 11) : '';
    }
    return this.prefix ? ms - day * DAY_MS : -1;
  }

  /** Whether `text` is exactly `new Date(ms).toISOString()` (then it need not be stored). */
  is(text: string, ms: number): boolean {
    if (!Number.isFinite(ms) || text.length !== 24) return false;
    const t = this.within(ms);
    if (t < 0 || !text.startsWith(this.prefix)) return false;
    const h = Math.floor(t / 3_600_000);
    const m = Math.floor(t / 60_000) % 60;
    const sec = Math.floor(t / 1000) % 60;
    const milli = t % 1000;
    // (No helper closure here: tsx names every closure it creates, a cost per call.)
    return (
      text.charCodeAt(11) === D0 + Math.floor(h / 10) && text.charCodeAt(12) === D0 + (h % 10) && text.charCodeAt(13) === 58 &&
      text.charCodeAt(14) === D0 + Math.floor(m / 10) && text.charCodeAt(15) === D0 + (m % 10) && text.charCodeAt(16) === 58 &&
      text.charCodeAt(17) === D0 + Math.floor(sec / 10) && text.charCodeAt(18) === D0 + (sec % 10) && text.charCodeAt(19) === 46 &&
      text.charCodeAt(20) === D0 + Math.floor(milli / 100) && text.charCodeAt(21) === D0 + (Math.floor(milli / 10) % 10) &&
      text.charCodeAt(22) === D0 + (milli % 10) && text.charCodeAt(23) === 90
    );
  }

  /**
   * The instant whose toISOString() is `text`, when `text` is in that form on the day last seen
   * (the common case: consecutive events share their day); NaN otherwise (the caller then asks
   * Date.parse). Digit arithmetic instead of Date.parse's runtime call for every event.
   */
  msOf(text: string): number {
    if (text.length !== 24 || !this.prefix || !text.startsWith(this.prefix)) return Number.NaN;
    if (text.charCodeAt(13) !== 58 || text.charCodeAt(16) !== 58 || text.charCodeAt(19) !== 46 || text.charCodeAt(23) !== 90) return Number.NaN;
    const h = digit(text, 11) * 10 + digit(text, 12);
    const m = digit(text, 14) * 10 + digit(text, 15);
    const sec = digit(text, 17) * 10 + digit(text, 18);
    const milli = digit(text, 20) * 100 + digit(text, 21) * 10 + digit(text, 22);
    // A non-digit makes a field NaN, and then these comparisons fail too.
    if (!(h < 24 && m < 60 && sec < 60 && milli < 1000)) return Number.NaN;
    return this.day * DAY_MS + h * 3_600_000 + m * 60_000 + sec * 1000 + milli;
  }

  /**
   * Date.parse(text), exactly: the canonical form of the day last seen from its digits (msOf),
   * anything else by Date.parse, which then sets the day when its text is canonical. For a
   * consumer that reads every stored event's time (they are mostly of one day).
   */
  parse(text: string): number {
    // consecutive events mostly share their time text (text() hands out one string per ms)
    if (text === this.parsedText) return this.parsedMs;
    let ms = this.msOf(text);
    if (Number.isNaN(ms)) {
      ms = Date.parse(text);
      if (text.length === 24 && Number.isFinite(ms)) this.is(text, ms); // is() moves the day to ms's
    }
    this.parsedText = text;
    return (this.parsedMs = ms);
  }
  private parsedText = '';
  private parsedMs = Number.NaN;

  /**
   * `new Date(ms).toISOString()` (which truncates a fractional ms, as Math.trunc does). The same
   * ms gives the same string object again (consecutive events mostly share their time: the
   * detection engine's time memo then matches by identity), and a new ms of the same second is
   * one concatenation of two flat strings (the second's text, kept, and "sssZ"), not the eight
   * a rope of digit pairs took: fewer objects per event, and a cheap flatten when it is read.
   */
  text(ms: number): string {
    ms = Math.trunc(ms);
    if (ms === this.lastMs) return this.lastText;
    const t = this.within(ms);
    if (t < 0) return new Date(ms).toISOString();
    const second = ms - (t % 1000);
    if (second !== this.second) {
      // Lines of a chunk come from several files, each at its own second: the seconds seen are
      // kept by second of the day (direct-mapped, so bounded), not just the last one.
      const ofDay = Math.floor(t / 1000);
      const slot = ofDay & (SECOND_SLOTS - 1);
      let text = this.slotSecond[slot] === second ? this.slotText[slot]! : undefined;
      if (text === undefined) {
        text = this.prefix + PAIRS[Math.floor(t / 3_600_000)] + ':' + PAIRS[Math.floor(t / 60_000) % 60] + ':' + PAIRS[ofDay % 60] + '.';
        // Flattened once here (a read of a rope makes it flat), so every text of this second shares a flat head.
        text.charCodeAt(0);
        this.slotSecond[slot] = second;
        this.slotText[slot] = text;
      }
      this.second = second;
      this.secondText = text;
    }
    this.lastMs = ms;
    return (this.lastText = this.secondText + MILLIS_Z[t % 1000]);
  }
}

/**
 * The last event time text the normalizer issued (IsoTimes#text, in toISOString's own 24
 * characters) and its instant, for the encoder on the same thread: the decode worker encodes
 * each event right after normalizing it, so the time it meets is mostly that very string, whose
 * instant and canonical form are then known without comparing it to the encoder's last text,
 * flattening it and reading its digits again (as util/issued-id.ts does for ids).
 */
let issuedText = '';
let issuedMs = Number.NaN;

export function noteIssuedTime(text: string, ms: number): void {
  if (text.length !== 24) return; // not the canonical form (outside years 0-9999): left to the encoder's parse
  issuedText = text;
  issuedMs = Math.trunc(ms);
}

/** Date.parse(text) when `text` is the last time issued (then it is the canonical text of that instant), else NaN. */
export function issuedTimeMs(text: string): number {
  return text === issuedText && issuedText !== '' ? issuedMs : Number.NaN;
}
