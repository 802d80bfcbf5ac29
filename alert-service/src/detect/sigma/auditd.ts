/**
 * Linux audit records (auditd's /var/log/audit/audit.log, tailed by the agent as an app log whose
 * program is `audit`): SigmaHQ's `service: auditd` rules test the record's key=value fields by
 * their auditd names (type, syscall, SYSCALL, exe, comm, a0, a1, ..., name, key, ...). This reads
 * them out of the message, once per event, for those rules' field access. Like sysmon-linux.ts
 * it is a field source of the logsource mapping, not a branch in the matcher.
 *
 * Record shape: `type=EXECVE msg=audit(1700000000.123:456): argc=3 a0="ls" a1=2D6C ...`, and with
 * auditd's default ENRICHED log format a 0x1D separator followed by interpreted fields in upper
 * case (`SYSCALL=execve UID="root"`). Values are "quoted", or bare: numbers, hex syscall
 * arguments, or for untrusted strings (EXECVE arguments, file names, comm, exe, proctitle) the
 * string hex-encoded, which is decoded here as `ausearch -i` does. USER_* records nest their
 * fields in msg='...'; those are read too. Bounded: the normalizer already cut the message, and
 * at most MAX_FIELDS fields are read.
 */
import type { LogEvent } from '../../generated/schema-types.js';
import type { SigmaGetter } from './fields.js';

/** The program the normalizer gives records of /var/log/audit/audit.log (its directory name). */
export const AUDITD_PROGRAM = 'audit';
const MAX_FIELDS = 128;

/** Fields auditd hex-encodes when they hold a space, quote or control character (besides EXECVE's a0...). */
const ENCODED = new Set(['name', 'comm', 'exe', 'proctitle', 'cwd', 'path', 'key', 'data', 'cmd', 'acct', 'old', 'new', 'root_dir', 'watch']);

function decodeHex(v: string): string | undefined {
  if (v.length < 2 || v.length % 2 || !/^[0-9A-F]+$/.test(v)) return undefined;
  // Several keys are joined by 0x01 (auditctl -k a -k b): kept as a space-free separator.
  return Buffer.from(v, 'hex').toString('utf8');
}

/** key=value pairs of one record (or of a msg='...' part of it). */
function readPairs(text: string, out: Map<string, string>, type: string | undefined): void {
  let i = 0;
  while (i < text.length && out.size < MAX_FIELDS) {
    while (i < text.length && (text[i] === ' ' || text[i] === '\u001d')) i++;
    const eq = text.indexOf('=', i);
    if (eq < 0) return;
    const key = text.slice(i, eq);
    if (!/^[A-Za-z0-9_-]{1,64}$/.test(key)) {
      // Not a field (free text in a USER_* msg): skip to the next space.
      const sp = text.indexOf(' ', i);
      if (sp < 0) return;
      i = sp + 1;
      continue;
    }
    let value: string;
    const q = text[eq + 1];
    if (q === '"' || q === "'") {
      const close = text.indexOf(q, eq + 2);
      const end = close < 0 ? text.length : close;
      value = text.slice(eq + 2, end);
      i = end + 1;
      if (key === 'msg' && q === "'") {
        readPairs(value, out, type); // USER_* records: the fields are inside msg='...'
        continue;
      }
    } else {
      let end = eq + 1;
      while (end < text.length && text[end] !== ' ' && text[end] !== '\u001d') end++;
      value = text.slice(eq + 1, end);
      i = end;
      if (key === 'msg' && value.startsWith('audit(')) {
        out.set('msg', value);
        continue;
      }
      const execveArg = type === 'EXECVE' && /^a\d{1,4}$/.test(key);
      if (execveArg || ENCODED.has(key)) value = decodeHex(value) ?? value;
    }
    if (!out.has(key)) out.set(key, value);
  }
}

/** The fields of an audit record, or undefined when the message is not one. */
export function parseAuditRecord(message: string): Map<string, string> | undefined {
  if (!message.startsWith('type=')) return undefined;
  const sp = message.indexOf(' ');
  const type = message.slice(5, sp < 0 ? undefined : sp);
  const out = new Map<string, string>();
  readPairs(message, out, type);
  return out;
}

let memoEvent: LogEvent | undefined;
let memo: Map<string, string> | undefined;

function parsedOf(e: LogEvent): Map<string, string> | undefined {
  if (e !== memoEvent) {
    memoEvent = e;
    memo = e.program?.toLowerCase() === AUDITD_PROGRAM ? parseAuditRecord(e.message) : undefined;
  }
  return memo;
}

/**
 * Getter for a Sigma auditd field name: the record's field of that name (auditd names are case
 * sensitive: `syscall=59` is the number, `SYSCALL=execve` the ENRICHED name); host and message as
 * for any event.
 */
export function auditdGetter(field: string): SigmaGetter {
  const lower = field.toLowerCase();
  if (lower === 'host' || lower === 'hostname' || lower === 'computer') return (e) => e.host;
  if (lower === 'message' || lower === 'msg') return (e) => e.message;
  return (e) => parsedOf(e)?.get(field);
}
