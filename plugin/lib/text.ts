/**
 * Small helpers for rule code that reads attacker-written text. Every regex a rule runs goes
 * through boundedMatch so no line, however long, costs more than a bounded prefix.
 */
import type { LogEvent } from '../../alert-service/src/generated/schema-types.js';

/** Longest message prefix a rule regex sees. Real sshd/sudo/kernel lines are far shorter. */
export const MAX_RULE_INPUT = 2048;

export function bounded(text: string, max = MAX_RULE_INPUT): string {
  return text.length > max ? text.slice(0, max) : text;
}

/** `re.exec` over at most `max` characters of `text`. Regexes passed here must not nest quantifiers. */
export function boundedMatch(re: RegExp, text: string, max = MAX_RULE_INPUT): RegExpExecArray | null {
  return re.exec(bounded(text, max));
}

/** A Windows EventData value as a string ('' when absent or '-'). */
export function eventData(e: LogEvent, key: string): string {
  const v = e.fields.event_data?.[key];
  if (v === undefined || v === null || v === '-') return '';
  return String(v);
}

/** Decodes %XX once, leaving malformed escapes as they are (attack strings are often malformed). */
export function decodeOnce(text: string): string {
  const s = bounded(text, 4096);
  if (!s.includes('%') && !s.includes('+')) return s;
  return s.replace(/\+/g, ' ').replace(/%([0-9a-fA-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
}

let lastPath: string | undefined;
let lastDecodedLower = '';

/** decodeOnce(path).toLowerCase(), remembered for the last path: several web rules read the same request in a row. */
export function decodedLower(path: string): string {
  if (path !== lastPath) {
    lastPath = path;
    lastDecodedLower = decodeOnce(path).toLowerCase();
  }
  return lastDecodedLower;
}
