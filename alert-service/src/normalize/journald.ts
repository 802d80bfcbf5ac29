/**
 * systemd journal entries as Fluent Bit's `systemd` input sends them (plugins/in_systemd/systemd.c):
 * every field of the entry (sd_journal_enumerate_data) as a string, under its journal name
 * (`_HOSTNAME`, `SYSLOG_IDENTIFIER`, `_PID`, `_COMM`, `PRIORITY`, `SYSLOG_FACILITY`, `MESSAGE`,
 * `_SYSTEMD_UNIT`, `_BOOT_ID`, `_TRANSPORT`, `_SOURCE_REALTIME_TIMESTAMP`...; `strip_underscores` and
 * `lowercase` off), a field that occurs twice in one entry as an array of strings, and bytes that
 * are not UTF-8 as Fluent Bit's JSON encoder writes them (U+FFFD with `json.escape_unicode: off`).
 * The entry's own time (sd_journal_get_realtime_usec) is the record timestamp, which out_http
 * writes as the date key. Enumeration yields data fields only, so `__CURSOR` and
 * `__REALTIME_TIMESTAMP` are NOT in the record; both are used when present (`journalctl -o json`
 * and other shippers send them).
 *
 * Mapping: time from `__REALTIME_TIMESTAMP` (µs), else the record timestamp, else
 * `_SOURCE_REALTIME_TIMESTAMP`; severity from `PRIORITY`; program from `SYSLOG_IDENTIFIER`, else
 * `_COMM`; pid from `_PID`, else `SYSLOG_PID`; host from `_HOSTNAME`; message from `MESSAGE`;
 * user / src_ip as for the same line in a syslog file (auth-fields.ts), so a rule sees one sshd or
 * sudo line alike from /var/log/auth.log and from the journal.
 */
import type { SourceKind } from '../generated/schema-types.js';
import type { Draft, LineEnv } from './draft.js';
import { extractAuthFields } from './auth-fields.js';
import { canonicalHost, cleanText, LIMITS, toUint } from './fields.js';
import { fromContent, fromSyslogPri, worst } from './severity.js';
import { inRange } from './time.js';
import { eventId, sortedRecordText } from './event-id.js';

/** auth (4) and authpriv (10): what rsyslog writes to /var/log/auth.log or /var/log/secure. */
const AUTH_FACILITIES: ReadonlySet<number> = new Set([4, 10]);
/**
 * Programs whose lines are authentication events whatever facility they were logged under (a
 * native journal client may set none): sshd (and OpenSSH 9.8+'s sshd-session/sshd-auth), sudo,
 * su, login, and the account tools the auth rules watch (they log under auth on every distribution).
 */
const AUTH_PROGRAMS: ReadonlySet<string> = new Set([
  'sshd', 'sshd-session', 'sshd-auth', 'sudo', 'su', 'login',
  'useradd', 'adduser', 'usermod', 'userdel', 'groupadd', 'groupmod', 'groupdel', 'gpasswd', 'passwd', 'chpasswd', 'chage',
]);

/**
 * A journal field's text: the string; the first string of a repeated field; or, for the byte
 * array `journalctl -o json` writes for data that is not UTF-8, those bytes decoded with U+FFFD
 * for each invalid sequence (Fluent Bit sends such data as a string, already replaced).
 */
export function journalText(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (!Array.isArray(v) || v.length === 0) return undefined;
  if (typeof v[0] === 'number') return v.every((b) => Number.isInteger(b) && b >= 0 && b <= 255) ? Buffer.from(v as number[]).toString('utf8') : undefined;
  for (const x of v) if (typeof x === 'string') return x;
  return undefined;
}

function journalUint(v: unknown, max?: number): number | undefined {
  return toUint(journalText(v), max);
}

/** A µs timestamp field ("1795304871124424") → ms. */
function microsToMs(v: unknown): number | undefined {
  const t = journalText(v);
  if (t === undefined || !/^\d{1,19}$/.test(t)) return undefined;
  const ms = Math.floor(Number(t) / 1000);
  return inRange(ms) ? ms : undefined;
}

/** Whether the entry says nothing: a blank line a service wrote to stdout. */
export function isBlankJournalEntry(rec: Record<string, unknown>): boolean {
  const m = journalText(rec.MESSAGE);
  return m === undefined || m.trim() === '';
}

/**
 * source.kind stays within the existing enum: an entry logged under the auth or authpriv facility,
 * or by sshd, sudo, su or login, is `auth` (what would have gone to auth.log), everything else
 * `syslog`. The event's source.origin says it came from the journal.
 */
export function journalKind(rec: Record<string, unknown>, program: string | undefined): SourceKind {
  const facility = journalUint(rec.SYSLOG_FACILITY, 23);
  if (facility !== undefined && AUTH_FACILITIES.has(facility)) return 'auth';
  return program !== undefined && AUTH_PROGRAMS.has(program) ? 'auth' : 'syslog';
}

export function fromJournal(rec: Record<string, unknown>, env: LineEnv, collectedMs: number | undefined): Draft {
  let message = journalText(rec.MESSAGE) ?? '';
  // journald keeps a trailing newline a client sent (native protocol); it is not content.
  let end = message.length;
  while (end > 0 && (message.charCodeAt(end - 1) === 10 || message.charCodeAt(end - 1) === 13)) end--;
  if (end !== message.length) message = message.slice(0, end);
  // Leading blanks dropped as the syslog file parser does (sudo pads its invoker name: "  deploy : ...").
  let start = 0;
  while (start < message.length && (message.charCodeAt(start) === 32 || message.charCodeAt(start) === 9)) start++;
  if (start > 0) message = message.slice(start);
  const d: Draft = { message, fields: {} };

  const host = canonicalHost(journalText(rec._HOSTNAME), env.hostForm);
  if (host !== undefined) d.host = host;
  const program = cleanText(journalText(rec.SYSLOG_IDENTIFIER), LIMITS.program) ?? cleanText(journalText(rec._COMM), LIMITS.program);
  if (program !== undefined) d.program = program;
  const pid = journalUint(rec._PID) ?? journalUint(rec.SYSLOG_PID);
  if (pid !== undefined) d.pid = pid;

  const timeMs = microsToMs(rec.__REALTIME_TIMESTAMP) ?? (collectedMs !== undefined && inRange(collectedMs) ? collectedMs : undefined) ?? microsToMs(rec._SOURCE_REALTIME_TIMESTAMP);
  if (timeMs !== undefined) d.timeMs = timeMs;

  extractAuthFields(d.program, d.message, d.fields);

  // PRIORITY is the program's own choice for syslog(3), sd_journal_print and the kernel. For a
  // service's stdout/stderr (_TRANSPORT=stdout) it is only the unit's default (info) unless the
  // line carried a "<3>" prefix, so there the content may raise it (a Python traceback on stderr).
  const priority = journalUint(rec.PRIORITY, 7);
  const content = fromContent(d.message, d.program);
  if (priority === undefined) d.severity = content;
  else d.severity = journalText(rec._TRANSPORT) === 'stdout' ? worst(fromSyslogPri(priority), content) : fromSyslogPri(priority);
  return d;
}

/**
 * The id of a journal entry. With a cursor (it names one entry of one journal) that is all.
 * Without one (Fluent Bit) the entry is identified by its realtime timestamp (the record
 * timestamp, µs in the date key; ms here) and all its fields, sorted: `_BOOT_ID`, `_PID`,
 * `_SOURCE_REALTIME_TIMESTAMP` and the message among them, which is what the cursor's own
 * xor_hash covers. A re-read after an agent restart yields the same fields, so the same id; two
 * entries can only merge if one process logged the same message twice within one microsecond.
 */
export function journalId(rec: Record<string, unknown>, collectedMs: number | undefined): string {
  const cursor = journalText(rec.__CURSOR);
  if (cursor !== undefined && cursor !== '') return eventId('journald-cursor', cursor);
  return eventId('journald-entry', collectedMs ?? '', sortedRecordText(rec));
}
