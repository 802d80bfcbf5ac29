/**
 * Alerts as CSV (RFC 4180) for GET /alerts/export?format=csv. Alert text comes from log lines,
 * i.e. from attackers, and a spreadsheet runs a cell starting with = + - @ (or a tab or CR,
 * which some strip before looking) as a formula: such a cell is prefixed with ' and quoted
 * (OWASP's CSV injection advice). Every cell with a quote, comma or line break is quoted.
 */
import type { AlertRecord } from '../../generated/schema-types.js';

const FORMULA_START = /^[=+\-@\t\r]/;

export function csvCell(value: unknown): string {
  let s = value === null || value === undefined ? '' : typeof value === 'string' ? value : typeof value === 'number' || typeof value === 'boolean' ? String(value) : JSON.stringify(value);
  const formula = FORMULA_START.test(s);
  if (formula) s = `'${s}`;
  return formula || /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

const COLUMNS: Array<[string, (a: AlertRecord) => unknown]> = [
  ['id', (a) => a.id],
  ['rule_id', (a) => a.rule_id],
  ['title', (a) => a.title],
  ['severity', (a) => a.severity],
  ['state', (a) => a.state],
  ['source', (a) => a.source],
  ['host', (a) => a.host],
  ['group', (a) => Object.entries(a.group).map(([k, v]) => `${k}=${v}`).join(' ')],
  ['count', (a) => a.count],
  ['first_seen', (a) => a.first_seen],
  ['last_seen', (a) => a.last_seen],
  ['summary', (a) => a.summary],
  ['acknowledged_by', (a) => a.acknowledged_by],
  ['url', (a) => a.url],
];

export function alertsCsv(alerts: readonly AlertRecord[]): string {
  const lines = [COLUMNS.map(([name]) => name).join(',')];
  for (const a of alerts) lines.push(COLUMNS.map(([, get]) => csvCell(get(a))).join(','));
  return lines.join('\r\n') + '\r\n';
}
