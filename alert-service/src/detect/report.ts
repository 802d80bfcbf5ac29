/**
 * Alert reports for `analyze`: JSON (the signals as emitted) and CSV (one row per alert). Alert
 * content comes from log lines, i.e. from attackers: CSV cells are quoted and cells a spreadsheet
 * would evaluate as a formula (=, +, -, @, tab, CR first) are prefixed with a quote (OWASP CSV
 * injection guidance).
 */
import type { AlertSignal } from '../generated/schema-types.js';

export const CSV_COLUMNS = ['rule_id', 'title', 'severity', 'source', 'host', 'group_key', 'first_seen', 'last_seen', 'count', 'summary', 'sample_lines'] as const;

const FORMULA_START = /^[=+\-@\t\r]/;

/** One CSV cell: formula-neutralized, always quoted, inner quotes doubled. */
export function csvCell(value: string | number): string {
  if (typeof value === 'number') return String(value);
  const safe = FORMULA_START.test(value) ? `'${value}` : value;
  return `"${safe.replace(/"/g, '""')}"`;
}

/** Terminal output must not carry the attacker's control characters (escape sequences). */
export function printable(s: string): string {
  return s.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, '?').replace(/\n/g, '\\n');
}

export function groupKey(group: Record<string, string>): string {
  return Object.entries(group).map(([k, v]) => `${k}=${v}`).join(';');
}

export function alertsToCsv(signals: readonly AlertSignal[]): string {
  const rows = [CSV_COLUMNS.join(',')];
  for (const s of signals) {
    rows.push(
      [
        csvCell(s.rule_id), csvCell(s.title), csvCell(s.severity), csvCell(s.source), csvCell(s.host), csvCell(groupKey(s.group)),
        csvCell(s.first_seen), csvCell(s.last_seen), csvCell(s.count), csvCell(s.summary), csvCell((s.samples ?? []).join('\n')),
      ].join(','),
    );
  }
  return rows.join('\r\n') + '\r\n';
}

export interface AlertReport {
  generated_at: string;
  inputs: Array<{ file: string; lines: number; events: number; unparsed: number; skipped: number; kind: string; kind_from: string; rules_applied: string[]; matched: Record<string, number> }>;
  rules: number;
  alerts: AlertSignal[];
  by_rule: Record<string, number>;
}

export function countByRule(signals: readonly AlertSignal[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const s of signals) out[s.rule_id] = (out[s.rule_id] ?? 0) + 1;
  return out;
}
