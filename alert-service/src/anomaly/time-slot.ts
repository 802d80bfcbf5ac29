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

/** `zone` '' means the service's zone. Throws RangeError for a name Intl does not know. */
export function resolveTimeZone(zone: string): string {
  const z = zone || serviceTimeZone();
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
