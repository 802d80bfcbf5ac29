/**
 * Timestamp parsing for every format a line or record may carry. All parsers are anchored,
 * precompiled and take short inputs (callers pass the header, never a whole 64 KB line), and
 * return UTC milliseconds or undefined: an unparseable or out-of-range time is never an error,
 * the event just falls back to the collection time.
 */
import { parseOffset, wallClockToUtc, UTC_ZONE, type Zone } from './zone.js';
import { IsoTimes } from '../util/iso-times.js';

/** Latest instant we accept (9999-12-31T23:59:59.999Z): keeps toISOString() in plain RFC 3339 form. */
const MAX_MS = 253402300799999;

export const MONTHS: Readonly<Record<string, number>> = {
  Jan: 1, Feb: 2, Mar: 3, Apr: 4, May: 5, Jun: 6, Jul: 7, Aug: 8, Sep: 9, Oct: 10, Nov: 11, Dec: 12,
};

export function inRange(ms: number): boolean {
  return Number.isFinite(ms) && ms >= 0 && ms <= MAX_MS;
}

const DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function daysInMonth(year: number, month: number): number {
  if (month === 2 && year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0)) return 29;
  return DAYS[month - 1]!;
}

/**
 * Date.UTC of the given wall-clock fields, or undefined when a field is out of range
 * (Date.UTC would silently roll "Feb 30" into March). A leap second (:60) reads as :59.
 */
export function wallClock(y: number, mo: number, d: number, h: number, mi: number, s: number, ms = 0): number | undefined {
  if (y < 1970 || y > 9999 || mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || s > 60) return undefined;
  if (d > daysInMonth(y, mo)) return undefined;
  return Date.UTC(y, mo - 1, d, h, mi, s === 60 ? 59 : s, ms);
}

/** Milliseconds from a fraction-of-second digit string ("482311" → 482). */
export function fractionMs(digits: string | undefined): number {
  if (!digits) return 0;
  return Number((digits + '00').slice(0, 3));
}

/** An epoch number in s, ms, µs or ns (told apart by magnitude) → ms. */
export function epochToMs(n: number): number | undefined {
  if (!Number.isFinite(n) || n < 0) return undefined;
  let ms: number;
  if (n >= 1e17) ms = n / 1e6; // ns
  else if (n >= 1e14) ms = n / 1e3; // µs
  else if (n >= 1e11) ms = n; // ms (1e11 ms is 1973; 1e11 s would be year 5138)
  else ms = n * 1000; // s, possibly fractional (Fluent Bit "double")
  ms = Math.round(ms);
  return inRange(ms) ? ms : undefined;
}

// 2026-11-21T10:10:01.482311+00:00, 2026-11-21 10:14:01 +0100, 2026-11-21T10:00:01Z, 2026-11-21 10:00:05,113
const ISO_LIKE = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)? ?(Z|z|UTC|[+-]\d{2}(?::?\d{2})?)?$/;

/**
 * ISO 8601 / RFC 3339 and the space-separated variants (Windows TimeCreated, java_sql_timestamp,
 * python asctime). A string without an offset is wall-clock time in `zone`.
 */
export function parseIsoLike(text: string, zone: Zone, offsetOut?: OffsetOut): number | undefined {
  if (text.length > 40) return undefined;
  if (text.length === 24) {
    // The day last seen, read by its digits alone (every record's collector time, most app log times).
    const known = isoDay.msOf(text);
    if (known >= 0 && known <= MAX_MS) return known;
    const ms = canonicalIso(text);
    if (ms !== NOT_CANONICAL) {
      if (ms !== undefined) isoDay.is(text, ms); // makes ms's day the one msOf knows
      return ms;
    }
  }
  const m = ISO_LIKE.exec(text);
  if (!m) return undefined;
  const wall = wallClock(Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6] ?? 0), fractionMs(m[7]));
  if (wall === undefined) return undefined;
  const tz = m[8];
  let ms: number;
  if (tz === undefined) ms = wallClockToUtc(wall, zone);
  else if (tz === 'Z' || tz === 'z' || tz === 'UTC') ms = wall;
  else {
    const off = parseOffset(tz.length === 3 ? tz + '00' : tz);
    if (off === undefined) return undefined;
    ms = wall - off;
    if (offsetOut && inRange(ms)) offsetOut.timeOffsetMin = off / 60_000;
  }
  return inRange(ms) ? ms : undefined;
}

const NOT_CANONICAL = -1;

/**
 * msOf of the canonical form on the day last seen: the same instant canonicalIso gives for such
 * a text (its date is a real one, toISOString wrote it; msOf checks the time fields as wallClock
 * does, and refuses a leap second, which canonicalIso then reads), without the ten digit reads
 * and the Date.UTC call. Days before 1970 are not in range: the ms >= 0 test leaves them to
 * canonicalIso, which refuses them.
 */
const isoDay = new IsoTimes();

function digitAt(text: string, i: number): number {
  const d = text.charCodeAt(i) - 48;
  return d >= 0 && d <= 9 ? d : Number.NaN;
}

/**
 * The form Date#toISOString and Fluent Bit's iso8601 date key write, "YYYY-MM-DDTHH:MM:SS.sssZ",
 * read digit by digit: the ISO_LIKE regex and its ten capture strings were a measurable share of
 * every record (the collector time of each, most JSON app log times). Same result as the general
 * path below for this form (wallClock checks the fields, Z is UTC); NOT_CANONICAL for anything
 * else, which the general path then reads.
 */
function canonicalIso(text: string): number | undefined {
  if (
    text.charCodeAt(4) !== 45 || text.charCodeAt(7) !== 45 || text.charCodeAt(10) !== 84 || text.charCodeAt(13) !== 58 ||
    text.charCodeAt(16) !== 58 || text.charCodeAt(19) !== 46 || text.charCodeAt(23) !== 90
  ) return NOT_CANONICAL;
  const y = digitAt(text, 0) * 1000 + digitAt(text, 1) * 100 + digitAt(text, 2) * 10 + digitAt(text, 3);
  const mo = digitAt(text, 5) * 10 + digitAt(text, 6);
  const d = digitAt(text, 8) * 10 + digitAt(text, 9);
  const h = digitAt(text, 11) * 10 + digitAt(text, 12);
  const mi = digitAt(text, 14) * 10 + digitAt(text, 15);
  const s = digitAt(text, 17) * 10 + digitAt(text, 18);
  const ms = digitAt(text, 20) * 100 + digitAt(text, 21) * 10 + digitAt(text, 22);
  // NaN (a non-digit) in any field: not this form (the general path refuses it too).
  if (Number.isNaN(y + mo + d + h + mi + s + ms)) return NOT_CANONICAL;
  const wall = wallClock(y, mo, d, h, mi, s, ms);
  return wall !== undefined && inRange(wall) ? wall : undefined;
}

/**
 * Where a parser reports the numeric UTC offset a timestamp was written with (a Draft is one):
 * the host's local offset, which the anomaly slots use. "Z" is not reported: loggers that
 * normalise to UTC write it whatever zone their host lives in.
 */
export interface OffsetOut {
  timeOffsetMin?: number;
}

const NUMERIC = /^\d{1,20}(?:\.\d{1,9})?$/;

/**
 * A Fluent Bit json_date_key value in any json_date_format: double (1795255081.124409),
 * epoch (seconds), epoch_ms, iso8601 ("2026-11-21T23:47:51.124409Z"), java_sql_timestamp
 * ("2026-11-21 23:47:51.124409", UTC). Anything else → undefined.
 */
export function parseCollectorTime(value: unknown): Date | undefined {
  const ms = parseCollectorMs(value);
  return ms === undefined ? undefined : new Date(ms);
}

/** parseCollectorTime's instant as a number (`new Date(ms)` of it is parseCollectorTime's Date): for ingest, which needs no Date per record. */
export function parseCollectorMs(value: unknown): number | undefined {
  if (typeof value === 'number') return epochToMs(value);
  if (typeof value !== 'string') return undefined;
  // "YYYY-…" (iso8601, java_sql_timestamp: a '-' where NUMERIC allows only digits) skips the regex
  if (value.charCodeAt(4) !== 45 && NUMERIC.test(value)) return epochToMs(Number(value));
  return parseIsoLike(value, UTC_ZONE); // Fluent Bit writes its date key in UTC
}

/** Anything a JSON log may hold in `time`/`ts`/`@timestamp`: epoch number or ISO string. */
export function parseJsonTime(value: unknown, zone: Zone, offsetOut?: OffsetOut): number | undefined {
  if (typeof value === 'number') return epochToMs(value);
  if (typeof value !== 'string' || value.length > 40) return undefined;
  if (NUMERIC.test(value)) return epochToMs(Number(value));
  return parseIsoLike(value, zone, offsetOut);
}

/**
 * RFC 3164 has no year. The year chosen is the latest one (from next year down) that does not
 * put the line more than `toleranceMs` after the reference (collection) time: a "Dec 31" line
 * collected on Jan 1 is last year's, a "Jan 1" line collected on Dec 31 by a host whose clock
 * runs slightly ahead is next year's, and an old line read from the head of a file is never
 * pushed into the future. Feb 29 skips to the latest leap year that fits.
 */
export function inferSyslogYear(
  mo: number, d: number, h: number, mi: number, s: number, ms: number,
  zone: Zone, refMs: number, toleranceMs: number,
): number | undefined {
  const refYear = new Date(refMs + zone.offsetAt(refMs)).getUTCFullYear();
  for (let y = refYear + 1; y >= refYear - 8; y--) {
    const wall = wallClock(y, mo, d, h, mi, s, ms);
    if (wall === undefined) continue;
    const utc = wallClockToUtc(wall, zone);
    if (utc <= refMs + toleranceMs) return inRange(utc) ? utc : undefined;
  }
  return undefined;
}
