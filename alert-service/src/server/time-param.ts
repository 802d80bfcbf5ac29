/**
 * Times in query parameters: an ISO 8601 date or date-time, or epoch milliseconds. Without an
 * offset a time is UTC (Date.parse would use the server's zone for a date-time but UTC for a
 * date), and an impossible day (02-30) is refused, not rolled over.
 */
const ISO_TIME = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?)(Z|[+-]\d{2}:?\d{2})?)?$/i;

export function parseIsoTime(raw: string): number {
  const m = ISO_TIME.exec(raw);
  if (!m) return NaN;
  const [, y, mo, d, time, zone] = m;
  const day = new Date(Date.UTC(Number(y), Number(mo) - 1, Number(d)));
  if (day.getUTCFullYear() !== Number(y) || day.getUTCMonth() !== Number(mo) - 1 || day.getUTCDate() !== Number(d)) return NaN;
  return time === undefined ? day.getTime() : Date.parse(`${y}-${mo}-${d}T${time}${(zone ?? 'Z').toUpperCase()}`);
}

/** Milliseconds since epoch, or NaN. */
export function parseTimeParam(raw: string): number {
  return /^\d{10,14}$/.test(raw) ? Number(raw) : parseIsoTime(raw);
}

/** The JSON Schema of such a parameter (the OpenAPI document's, which the request validator applies). */
export const TIME_PARAM_SCHEMA = {
  type: 'string',
  maxLength: 40,
  pattern: '^(?:\\d{10,14}|\\d{4}-\\d{2}-\\d{2}(?:[Tt ]\\d{2}:\\d{2}(?::\\d{2}(?:\\.\\d{1,9})?)?(?:[Zz]|[+-]\\d{2}:?\\d{2})?)?)$',
  description: 'ISO 8601 date or date-time (UTC when no offset is given), or epoch milliseconds',
};
