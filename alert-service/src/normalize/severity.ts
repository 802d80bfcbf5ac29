/**
 * Every source's notion of severity mapped onto one scale: the syslog (RFC 5424) keywords of
 * schemas/severity.schema.json.
 */
import type { Severity } from '../generated/schema-types.js';

export type { Severity };

/** RFC 5424 numeric severities 0..7. */
const BY_SYSLOG_NUMBER: readonly Severity[] = ['emergency', 'alert', 'critical', 'error', 'warning', 'notice', 'info', 'debug'];

const RANK: Readonly<Record<Severity, number>> = { emergency: 0, alert: 1, critical: 2, error: 3, warning: 4, notice: 5, info: 6, debug: 7 };

/** The more severe of two. */
export function worst(a: Severity, b: Severity): Severity {
  return RANK[a] <= RANK[b] ? a : b;
}

export function fromSyslogPri(pri: number): Severity {
  return BY_SYSLOG_NUMBER[pri & 7]!;
}

/**
 * Level words of application loggers (pino, bunyan, winston, zap, logrus, log4j, python logging,
 * nginx and apache error logs), case-insensitive.
 */
const WORDS: ReadonlyMap<string, Severity> = new Map<string, Severity>([
  ['emerg', 'emergency'], ['emergency', 'emergency'], ['panic', 'emergency'],
  ['alert', 'alert'],
  ['crit', 'critical'], ['critical', 'critical'], ['fatal', 'critical'], ['dpanic', 'critical'], ['severe', 'critical'],
  ['err', 'error'], ['error', 'error'], ['eror', 'error'],
  ['warn', 'warning'], ['warning', 'warning'], ['wrn', 'warning'],
  ['notice', 'notice'],
  ['info', 'info'], ['information', 'info'], ['informational', 'info'], ['inf', 'info'],
  ['debug', 'debug'], ['dbg', 'debug'], ['trace', 'debug'], ['verbose', 'debug'], ['fine', 'debug'], ['finer', 'debug'], ['finest', 'debug'],
  ['trace1', 'debug'], ['trace2', 'debug'], ['trace3', 'debug'], ['trace4', 'debug'], ['trace5', 'debug'], ['trace6', 'debug'], ['trace7', 'debug'], ['trace8', 'debug'],
]);

export function fromLevelWord(word: string): Severity | undefined {
  if (word.length > 16) return undefined;
  return WORDS.get(word.toLowerCase());
}

/**
 * Numeric levels: 0..7 are syslog severities; 10..60 are pino/bunyan (10 trace, 20 debug,
 * 30 info, 40 warn, 50 error, 60 fatal), values in between fall to the lower step.
 */
export function fromLevelNumber(n: number): Severity | undefined {
  if (!Number.isInteger(n) || n < 0) return undefined;
  if (n <= 7) return BY_SYSLOG_NUMBER[n];
  if (n >= 60) return 'critical';
  if (n >= 50) return 'error';
  if (n >= 40) return 'warning';
  if (n >= 30) return 'info';
  if (n >= 10) return 'debug';
  return undefined;
}

/** A JSON `level` value: word, number, or a number in a string ("50"). */
export function fromLevelValue(v: unknown): Severity | undefined {
  if (typeof v === 'number') return fromLevelNumber(v);
  if (typeof v !== 'string') return undefined;
  if (v.length > 0 && v.length <= 3 && /^\d+$/.test(v)) return fromLevelNumber(Number(v));
  return fromLevelWord(v.trim());
}

/** HTTP status class: 5xx error, 4xx warning, everything else info. */
export function fromHttpStatus(status: number | undefined): Severity {
  if (status === undefined) return 'info';
  if (status >= 500) return 'error';
  if (status >= 400) return 'warning';
  return 'info';
}

/** Windows Level (winevtlog): 1 critical, 2 error, 3 warning, 4 and 0 (LogAlways) info, 5 verbose → debug. */
export function fromWindowsLevel(level: unknown): Severity {
  switch (level) {
    case 1: return 'critical';
    case 2: return 'error';
    case 3: return 'warning';
    case 5: return 'debug';
    default: return 'info';
  }
}

/** winlog EventType words. Audit outcomes are returned separately by the Windows normalizer. */
export function fromWindowsEventType(type: unknown): Severity {
  if (typeof type !== 'string') return 'info';
  switch (type.toLowerCase()) {
    case 'critical': return 'critical';
    case 'error': return 'error';
    case 'warning': return 'warning';
    case 'failureaudit':
    case 'auditfailure': return 'warning';
    case 'verbose': return 'debug';
    default: return 'info';
  }
}

/*
 * Content heuristic for lines that carry no severity (RFC 3164 syslog without <PRI>, plain
 * application lines). Deliberately conservative, checked on the first 1 KB of the message, most
 * severe class first, whole words only:
 *   critical: "kernel panic", "panic:"-style kernel panics, "BUG:" oopses
 *   error:    a Python traceback on any line: "Traceback (most recent call last):", its
 *             "  File "x.py", line 3, in f" frames, "During handling of the above exception...",
 *             and the exception line ("ValueError: ...", "requests.exceptions.ConnectionError: ...",
 *             "KeyboardInterrupt"), whether folded into one record or sent line by line
 *   error:    "out of memory", "oom-kill", "segfault", "error" (so "I/O error", "EXT4-fs error"), "fatal", "critical"
 *   warning:  "failed"/"failure", "denied", "refused", "invalid", "incorrect", "timed out"/"timeout",
 *             "killed", "warning"/"warn", "unable", "cannot", "not allowed", "not in sudoers", "break-in"
 *   notice:   account changes by useradd/groupadd/usermod/userdel/passwd/chpasswd/gpasswd
 *   info:     everything else ("Accepted publickey", "session opened", "Started ...")
 * Rules match on fields and messages, not severity, so an unusual line mis-scored here is not
 * missed; the scale only has to be useful for filtering and the anomaly features.
 */
const CRITICAL_WORDS = /\b(?:kernel panic|BUG:)/i;
// Multiline: a folded traceback may start with the logger's own first line. Every alternative
// starts with a literal or a bounded class, and the head is cut to 1 KB first.
const TRACEBACK = /^(?:Traceback \(most recent call last\):|During handling of the above exception|The above exception was the direct cause|[ \t]{0,8}File "[^"\n]{1,512}", line \d{1,9}|[A-Za-z_][\w.]{0,128}(?:Error|Exception|Interrupt)(?::|$))/m;
const ERROR_WORDS = /\b(?:out of memory|oom-kill(?:er)?|segfault|error|fatal|critical)\b/i;
const WARNING_WORDS = /\b(?:fail(?:ed|ures?|s)?|denied|refused|invalid|incorrect|timed out|timeout|killed|warn(?:ing)?|unable|cannot|not allowed|not in sudoers|break-in)\b/i;
const ACCOUNT_PROGRAMS = new Set(['useradd', 'groupadd', 'usermod', 'userdel', 'groupdel', 'groupmod', 'passwd', 'chpasswd', 'gpasswd', 'chage']);

export function fromContent(message: string, program?: string): Severity {
  const head = message.length > 1024 ? message.slice(0, 1024) : message;
  if (CRITICAL_WORDS.test(head)) return 'critical';
  if (ERROR_WORDS.test(head) || TRACEBACK.test(head)) return 'error';
  if (WARNING_WORDS.test(head)) return 'warning';
  if (program !== undefined && ACCOUNT_PROGRAMS.has(program)) return 'notice';
  return 'info';
}
