import { createHash } from 'node:crypto';

/** Stable identity of an alert: rule id + group-by values sorted by key (insertion order must not matter). */
export function fingerprint(ruleId: string, group: Record<string, string>): string {
  const sorted = Object.keys(group)
    .sort()
    .map((k) => [k, group[k]]);
  return createHash('sha256').update(JSON.stringify([ruleId, sorted])).digest('hex').slice(0, 32);
}
