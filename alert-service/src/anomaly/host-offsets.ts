/**
 * Each host's local UTC offset, as its own records last showed it: the "+05:30" an RFC 3339 /
 * RFC 5424 / ISO timestamp was written with (LogEvent.time_offset_minutes). The anomaly slots of a
 * host are kept in its local time by it (time-slot.ts), so a host's 09:00 rush is the same slot
 * whichever zone the service runs in. "Last" is by event time, not arrival, so a replay of old
 * logs after live traffic (or a rebuild reading history) does not overwrite a newer offset with
 * an older one. One fixed offset per host: a daylight-saving change moves the host's slots by an
 * hour from the first record written with the new offset on (for the whole history, at the next
 * training), which the per-slot pooling of neighbouring hours absorbs.
 */
import type { LogEvent } from '../generated/schema-types.js';

/** Hosts remembered at most (host names come from log content). */
export const MAX_HOST_OFFSETS = 100_000;
/** The largest real offset is +14:00; the event schema allows ±18:00 like ISO 8601. */
const MAX_OFFSET_MIN = 18 * 60;

interface Seen {
  /** Minutes east of UTC. */
  off: number;
  /** Event time (ms) of the record that carried it. */
  at: number;
}

export class HostOffsets {
  private readonly byHost = new Map<string, Seen>();
  private changed = false;

  /** Records the offset `e` carries for `host` (lower-cased by the caller); true when it changed the host's offset. */
  note(host: string, e: LogEvent, timeMs: number): boolean {
    const off = e.time_offset_minutes;
    if (off === undefined || !Number.isInteger(off) || Math.abs(off) > MAX_OFFSET_MIN) return false;
    const seen = this.byHost.get(host);
    if (seen) {
      if (timeMs < seen.at) return false;
      seen.at = timeMs;
      if (seen.off === off) return false;
      seen.off = off;
    } else {
      if (this.byHost.size >= MAX_HOST_OFFSETS) return false;
      this.byHost.set(host, { off, at: timeMs });
    }
    this.changed = true;
    return true;
  }

  /** The host's offset in minutes, or undefined when none of its records carried one. */
  get(host: string): number | undefined {
    return this.byHost.get(host)?.off;
  }

  get size(): number {
    return this.byHost.size;
  }

  /** Whether an offset changed since the last takeChanged() (the event time of a known one moving does not count). */
  takeChanged(): boolean {
    const c = this.changed;
    this.changed = false;
    return c;
  }

  toJSON(): Record<string, [number, number]> {
    const o = Object.create(null) as Record<string, [number, number]>;
    for (const [host, s] of this.byHost) o[host] = [s.off, s.at];
    return o;
  }

  /** From toJSON()'s text; anything malformed is skipped (the state is rebuilt by the next records). */
  static parse(json: string | undefined): HostOffsets {
    const h = new HostOffsets();
    if (!json) return h;
    let o: unknown;
    try {
      o = JSON.parse(json);
    } catch {
      return h;
    }
    if (!o || typeof o !== 'object') return h;
    for (const [host, v] of Object.entries(o as Record<string, unknown>)) {
      if (!Array.isArray(v) || !Number.isInteger(v[0]) || Math.abs(v[0] as number) > MAX_OFFSET_MIN || typeof v[1] !== 'number') continue;
      if (h.byHost.size >= MAX_HOST_OFFSETS) break;
      h.byHost.set(host, { off: v[0] as number, at: v[1] });
    }
    return h;
  }
}
