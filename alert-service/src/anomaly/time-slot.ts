/**
 * Which seasonal slot an hour falls in: weekday/weekend × hour of day, in the time zone the
 * hosts live by. A host's daily rhythm (busy at 09:00 local, quiet at night) only lines up with
 * slots computed in its own zone: in UTC it would be shifted for everyone east or west of it, and
 * its weekend would start and end hours off.
 */
export type SlotOf = (hourMs: number) => number;

export const SLOTS = 48;

const WEEKEND = new Set(['Sat', 'Sun']);

/** The zone the service runs in (TZ, else the system's), as an IANA name. */
export function serviceTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

/**
 * `anomaly.time_zone` '' (the default) or 'host': each host's slots in its own UTC offset, the
 * one its records last carried (host-offsets.ts), and in the service's zone for a host whose
 * records carry none. Any other value: that zone for every host.
 */
export function isPerHostZone(zone: string): boolean {
  return zone === '' || zone === 'host';
}

/**
 * The zone for hosts without an offset of their own: the configured one, or the service's for
 * ''/'host'. Throws RangeError for a name Intl does not know.
 */
export function resolveTimeZone(zone: string): string {
  const z = isPerHostZone(zone) ? serviceTimeZone() : zone;
  new Intl.DateTimeFormat('en-US', { timeZone: z });
  return z;
}

const UTC_SLOT: SlotOf = (hourMs) => {
  const d = new Date(hourMs);
  const day = d.getUTCDay();
  return (day === 0 || day === 6 ? 24 : 0) + d.getUTCHours();
};

/**
 * A slot function for an IANA zone. Intl is slow, and training asks for the same few thousand
 * hours over and over, so answers are cached (bounded).
 */
export function slotter(timeZone: string): SlotOf {
  if (timeZone === 'UTC' || timeZone === 'Etc/UTC') return UTC_SLOT;
  const fmt = new Intl.DateTimeFormat('en-US', { timeZone, weekday: 'short', hour: 'numeric', hourCycle: 'h23' });
  const cache = new Map<number, number>();
  return (hourMs) => {
    let s = cache.get(hourMs);
    if (s === undefined) {
      let weekday = '';
      let hour = 0;
      for (const p of fmt.formatToParts(hourMs)) {
        if (p.type === 'weekday') weekday = p.value;
        else if (p.type === 'hour') hour = Number(p.value) % 24;
      }
      s = (WEEKEND.has(weekday) ? 24 : 0) + hour;
      if (cache.size >= 100_000) cache.clear();
      cache.set(hourMs, s);
    }
    return s;
  };
}

const byOffset = new Map<number, SlotOf>();

/**
 * Slots at a fixed UTC offset (minutes east): a host's local time as its records state it. With a
 * half-hour offset (+05:30) the local hour of 10:00Z is 15 (15:30 local).
 */
export function offsetSlotter(offsetMin: number): SlotOf {
  if (offsetMin === 0) return UTC_SLOT;
  let s = byOffset.get(offsetMin);
  if (!s) {
    const shift = offsetMin * 60_000;
    s = (hourMs) => UTC_SLOT(hourMs + shift);
    if (byOffset.size < 256) byOffset.set(offsetMin, s);
  }
  return s;
}
