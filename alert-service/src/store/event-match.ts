/**
 * Filters on what lives inside a stored event's body (severity, message text, source IP, user),
 * which no index serves: the API's event search applies them to rows as they are decoded, on
 * the read worker. Plain data, so the query crosses to the worker as it is.
 */
import type { LogEvent } from '../generated/schema-types.js';
import { compileCidr } from '../detect/cidr.js';

export interface EventMatch {
  /** Any of these severities. */
  severities?: string[];
  /** Case-insensitive substring of the message. */
  text?: string;
  /** fields.src_ip equal to this address, or inside this CIDR network. */
  ip?: string;
  /** fields.user or fields.actor equal to this (case-sensitive: accounts are). */
  user?: string;
  /** Any of these event ids (an alert's evidence). */
  ids?: string[];
}

export function compileEventMatch(m: EventMatch): (e: LogEvent) => boolean {
  const tests: Array<(e: LogEvent) => boolean> = [];
  if (m.severities?.length) {
    const wanted = new Set(m.severities);
    tests.push((e) => wanted.has(e.severity));
  }
  if (m.text !== undefined && m.text !== '') {
    const needle = m.text.toLowerCase();
    tests.push((e) => e.message.toLowerCase().includes(needle));
  }
  if (m.ip !== undefined) {
    const inNet = compileCidr(m.ip);
    tests.push((e) => typeof e.fields?.src_ip === 'string' && inNet(e.fields.src_ip));
  }
  if (m.user !== undefined) {
    const user = m.user;
    tests.push((e) => e.fields?.user === user || e.fields?.actor === user);
  }
  if (m.ids?.length) {
    const ids = new Set(m.ids);
    tests.push((e) => ids.has(e.id));
  }
  return (e) => {
    for (const t of tests) if (!t(e)) return false;
    return true;
  };
}

export const hasEventMatch = (m: EventMatch | undefined): m is EventMatch =>
  !!m && (!!m.severities?.length || !!m.text || m.ip !== undefined || m.user !== undefined || !!m.ids?.length);
