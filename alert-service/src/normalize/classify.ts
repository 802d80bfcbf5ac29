/**
 * Which incoming record shape a Fluent Bit record is, by its keys alone (cheap; the shape's JSON
 * Schema then validates it). Order matters: Windows shapes have unmistakable keys, and so do
 * journal entries (`_BOOT_ID`, `__CURSOR`, upper-case `MESSAGE`...); a record with a
 * `log` string is a raw tail line (our own configs); parser output is recognized by the keys of
 * Fluent Bit's stock syslog and web parsers; anything else with a message is a JSON app log.
 */
export type RecordShape = 'tail_raw' | 'tail_parsed' | 'app_json' | 'winevtlog' | 'winlog' | 'journald';

const SCHEMA_FILES: Readonly<Record<RecordShape, string>> = {
  tail_raw: 'records/tail-raw.schema.json',
  tail_parsed: 'records/tail-parsed.schema.json',
  app_json: 'records/app-json.schema.json',
  winevtlog: 'records/winevtlog.schema.json',
  winlog: 'records/winlog.schema.json',
  journald: 'records/journald.schema.json',
};

export function recordSchemaFile(shape: RecordShape): string {
  return SCHEMA_FILES[shape];
}

const SYSLOG_TIME = /^[A-Z][a-z]{2} [ \d]\d \d{2}:/;

export function classifyRecord(rec: Record<string, unknown>): RecordShape | undefined {
  if (typeof rec !== 'object' || rec === null || Array.isArray(rec)) return undefined;
  // Object.hasOwn directly, not a `has` closure: tsx names every closure it creates (a call per record).
  const has = Object.hasOwn;
  if (has(rec, 'EventRecordID') || (has(rec, 'TimeCreated') && has(rec, 'Channel'))) return 'winevtlog';
  if (has(rec, 'RecordNumber') || (has(rec, 'TimeGenerated') && has(rec, 'ComputerName'))) return 'winlog';
  // systemd journal entries (Fluent Bit's systemd input, journalctl -o json): fields only journald writes.
  if (has(rec, '__CURSOR') || has(rec, '_BOOT_ID') || has(rec, '_TRANSPORT') || (has(rec, 'MESSAGE') && (has(rec, '_HOSTNAME') || has(rec, 'SYSLOG_IDENTIFIER') || has(rec, 'PRIORITY')))) return 'journald';
  if (typeof rec.log === 'string') return 'tail_raw';
  // Stock nginx/apache parsers: remote (or host for apache2) + code
  if (has(rec, 'code') && (has(rec, 'remote') || has(rec, 'method'))) return 'tail_parsed';
  // Stock/own syslog parsers: ident (and pri for the rfc3164/rfc5424 ones)
  if (has(rec, 'message') && (has(rec, 'ident') || has(rec, 'pri'))) return 'tail_parsed';
  // A syslog parser whose ident group did not match: {time: "Nov 21 10:00:01", host, message}
  if (has(rec, 'message') && has(rec, 'host') && typeof rec.time === 'string' && SYSLOG_TIME.test(rec.time)) return 'tail_parsed';
  if (has(rec, 'msg') || has(rec, 'message') || has(rec, 'event')) return 'app_json';
  return undefined;
}
