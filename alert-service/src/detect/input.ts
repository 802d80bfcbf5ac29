/**
 * Reads log files for the offline tools (test-rule, analyze) and turns them into LogEvents with
 * the service's own normalizer (no second parser here). Accepted per file:
 * - raw log lines of any supported kind (auth, syslog, nginx/apache access and error, JSON or
 *   text application logs), the kind taken from `--kind`, else the file name, else the content
 *   (a file called auth-1m.log or OpenSSH_2k.log says nothing, its lines do);
 * - JSON lines of Fluent Bit records (what out_http sends as json_lines);
 * - a JSON array of Fluent Bit records (out_http `format: json`, e.g. Windows event records).
 *
 * Lines are streamed (a fixed-size read buffer, one line at a time), so memory does not grow
 * with the file; only a JSON array is parsed whole, and only up to MAX_JSON_ARRAY bytes.
 * The host is the one the line names (syslog kinds); lines that name none get `--host`, or
 * "unknown" — never this machine's name, which says nothing about where a copied file came from.
 */
import { closeSync, fstatSync, openSync, readFileSync, readSync } from 'node:fs';
import { basename } from 'node:path';
import { isAscii } from 'node:buffer';
import type { LogEvent, NormalizeConfig, SourceKind } from '../generated/schema-types.js';
import type { CompiledRule } from './compiled.js';
import { classifyRecord, kindFromPath, normalizeRecord, parseCollectorTime, rawLineNormalizer } from '../normalize/index.js';

export interface ReadOptions {
  kind?: SourceKind;
  host?: string;
  /** Collection time assumed for the lines (RFC 3164 year inference). Default: now. */
  receivedAt?: Date;
  normalize: NormalizeConfig;
  /**
   * 'message' when every rule run reads only time, host, program, pid and message (`reads:
   * 'message'`): raw lines are normalized without auth fields, content severity or hashed id.
   */
  detail?: 'full' | 'message';
  /**
   * When every rule run names its programs (lower-cased): a raw auth/syslog line that does not
   * contain one of them, in any case, cannot carry one in its header, so it is not normalized and
   * comes out `skipped`. (Raw auth/syslog lines take their program from the header only; JSON
   * lines, where an escape could spell it, are always normalized.)
   */
  programs?: ReadonlySet<string>;
}

export interface InputLine {
  /** 1-based line number (record index for a JSON array). */
  line: number;
  raw: string;
  event?: LogEvent;
  error?: string;
  /** Not normalized: no rule run could read it (see ReadOptions.programs). */
  skipped?: true;
}

/** How a file's kind was decided, for the report. */
export type KindSource = 'option' | 'name' | 'content' | 'default' | 'records';

export interface LogFileInput {
  path: string;
  /** The kind raw lines are read as (records carry their own). */
  kind: SourceKind;
  kindFrom: KindSource;
  /** The lines, read lazily; each call reads the file again. */
  lines(): Generator<InputLine>;
}

/** Longest raw line kept; the normalizer bounds messages anyway, this bounds what we hold. */
const MAX_LINE = 65536;
const CHUNK = 1 << 18;
/** A JSON array is parsed whole: refuse beyond this rather than exhaust memory. */
const MAX_JSON_ARRAY = 256 * 1024 * 1024;
/** What content sniffing reads. */
const SNIFF_BYTES = 64 * 1024;
const SNIFF_LINES = 200;
const DATE_KEYS = ['fb_time', 'date', '@timestamp'];
const NON_BLANK = /\S/;

/**
 * The kind a file's name tells: the normalizer's path rules, then file names as copied off a
 * host (var-log-auth.log, web1-nginx-access.log). Undefined when the name says nothing.
 */
export function kindFromName(path: string): SourceKind | undefined {
  const k = kindFromPath(path);
  if (k !== 'app') return k;
  const b = basename(path).toLowerCase();
  if (/(?:^|[-_.])(?:auth\.log|secure)(?:[-_.]|$)/.test(b)) return 'auth';
  if (/(?:^|[-_.])(?:syslog|messages)(?:[-_.]|$)/.test(b)) return 'syslog';
  if (/nginx|apache|httpd/.test(b) && /access/.test(b)) return 'web_access';
  if (/nginx|apache|httpd/.test(b) && /error/.test(b)) return 'web_error';
  return undefined;
}

/** Kept for callers that only want a kind: the name's, else app. */
export function guessKind(path: string): SourceKind {
  return kindFromName(path) ?? 'app';
}

const SYSLOG_HEAD = /^(?:<\d{1,3}>)?(?:[A-Z][a-z]{2} {1,2}\d{1,2} \d{2}:\d{2}:\d{2}(?:\.\d{1,6})?|\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:Z|[+-]\d{2}:\d{2})) (?:(\S{1,255}) )?([^\s:[\]]{1,128}|\[[^\s:[\]]{1,128}\])(?:\[\d{1,10}\])?:? /;
const RFC5424_HEAD = /^<\d{1,3}>1 \S{1,64} \S{1,255} (\S{1,48}) /;
const ACCESS_HEAD = /^\S{1,255} \S{1,255} \S{1,255} \[\d{2}\/[A-Z][a-z]{2}\/\d{4}:\d{2}:\d{2}:\d{2} [+-]\d{4}\] "/;
const WEB_ERROR_HEAD = /^(?:\d{4}\/\d{2}\/\d{2} \d{2}:\d{2}:\d{2} \[[a-z]{1,8}\]|\[[A-Z][a-z]{2} [A-Z][a-z]{2} {1,2}\d{1,2} \d{2}:\d{2}:\d{2}(?:\.\d{1,6})? \d{4}\] \[)/;
/** Programs that write to auth.log / secure rather than syslog / messages. */
const AUTH_PROGRAMS = new Set(['sshd', 'sshd-session', 'sshd-auth', 'sudo', 'su', 'login', 'passwd', 'useradd', 'usermod', 'userdel', 'groupadd', 'groupmod', 'groupdel', 'gpasswd', 'chpasswd', 'chage', 'chsh', 'chfn', 'systemd-logind', 'polkitd', 'pkexec', 'cron', 'crond', 'dbus-daemon', 'unix_chkpwd', 'agetty', 'doas']);

/**
 * The kind the first lines show: syslog lines (auth when most come from authentication programs),
 * web access or error lines; undefined when no kind has at least half of the lines.
 */
export function kindFromContent(sample: readonly string[]): SourceKind | undefined {
  const lines = sample.filter((l) => l.trim()).slice(0, SNIFF_LINES);
  if (!lines.length) return undefined;
  let syslog = 0;
  let auth = 0;
  let access = 0;
  let webError = 0;
  for (const l of lines) {
    let prog: string | undefined;
    const s = SYSLOG_HEAD.exec(l);
    if (s) prog = s[2];
    else {
      const r = RFC5424_HEAD.exec(l);
      if (r) prog = r[1];
    }
    if (prog !== undefined) {
      syslog++;
      const p = prog.replace(/^\[|\]$/g, '').toLowerCase();
      if (AUTH_PROGRAMS.has(p) || l.includes('pam_unix(') || l.includes('pam_sss(')) auth++;
      continue;
    }
    if (ACCESS_HEAD.test(l)) access++;
    else if (WEB_ERROR_HEAD.test(l)) webError++;
  }
  const half = lines.length / 2;
  if (syslog >= half) return auth * 2 >= syslog ? 'auth' : 'syslog';
  if (access >= half) return 'web_access';
  if (webError >= half) return 'web_error';
  return undefined;
}

function recordLike(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A Fluent Bit record rather than an application's own JSON log line? */
function isFluentRecord(rec: Record<string, unknown>): boolean {
  const shape = classifyRecord(rec);
  if (!shape) return false;
  if (shape !== 'app_json') return true;
  return DATE_KEYS.some((k) => typeof rec[k] === 'number') || (typeof rec.file === 'string' && 'offset' in rec) || 'hostname' in rec;
}

function fromRecord(rec: Record<string, unknown>, opts: ReadOptions, receivedAt: Date): LogEvent {
  const shape = classifyRecord(rec)!;
  const dateKey = DATE_KEYS.find((k) => rec[k] !== undefined);
  const collectedAt = dateKey ? parseCollectorTime(rec[dateKey]) : undefined;
  return normalizeRecord(rec, shape, { receivedAt, ...(collectedAt ? { collectedAt } : {}) }, opts.normalize);
}

/**
 * Raw lines, read through a fixed buffer: next() returns the next line (undefined at the end of
 * the file) and leaves its byte offset in `offset` (a plain reader, not a generator: the lines
 * generator below is the only one per line). Lines are found on the bytes and each is decoded
 * on its own (latin1 when the buffer is ASCII, the common case, else UTF-8): a flat string per
 * line, so a message an alert keeps as a sample holds its line and not a whole decoded buffer.
 * Lines beyond MAX_LINE characters are cut. close() releases the file (also done at the end).
 */
class RawLineReader {
  offset = 0;
  private fd: number | undefined;
  private readonly buf = Buffer.allocUnsafe(CHUNK);
  private have = 0; // bytes in buf
  private base = 0; // file offset of buf[0]
  private start = 0; // next unread byte in buf
  private enc: 'latin1' | 'utf8' = 'latin1';
  private skipping = false; // inside a line longer than the buffer, already returned: drop the rest up to its newline
  private eof = false;

  constructor(path: string) {
    this.fd = openSync(path, 'r');
  }

  next(): string | undefined {
    const buf = this.buf;
    for (;;) {
      if (!this.skipping) {
        const nl = buf.indexOf(10, this.start);
        if (nl >= 0 && nl < this.have) {
          const text = buf.toString(this.enc, this.start, nl);
          this.offset = this.base + this.start;
          this.start = nl + 1;
          return text.length > MAX_LINE ? text.slice(0, MAX_LINE) : text;
        }
      }
      // no complete line left in the buffer: keep its tail, read more
      if (this.fd === undefined) return undefined;
      if (this.start === 0 && this.have === CHUNK && !this.skipping) {
        // no newline in a full buffer: a line longer than it (and than MAX_LINE); keep its head
        this.offset = this.base;
        const head = buf.toString('utf8', 0, Math.min(this.have, MAX_LINE * 4)).slice(0, MAX_LINE);
        this.skipping = true;
        this.start = this.have;
        return head;
      }
      if (this.eof && this.start < this.have && !this.skipping) {
        const text = buf.toString(this.enc, this.start, this.have);
        this.offset = this.base + this.start;
        this.start = this.have;
        return text.length > MAX_LINE ? text.slice(0, MAX_LINE) : text;
      }
      buf.copy(buf, 0, this.start, this.have);
      this.base += this.start;
      this.have -= this.start;
      this.start = 0;
      if (this.eof && this.have === 0) {
        this.close();
        return undefined;
      }
      if (!this.eof) {
        const n = readSync(this.fd, buf, this.have, CHUNK - this.have, null);
        if (n === 0) this.eof = true;
        this.have += n;
      }
      if (this.skipping) {
        const nl = buf.indexOf(10);
        if (nl < 0 || nl >= this.have) {
          this.base += this.have;
          this.have = 0;
          if (this.eof) {
            this.close();
            return undefined;
          }
          continue;
        }
        this.skipping = false;
        this.start = nl + 1;
      }
      this.enc = isAscii(buf.subarray(this.start, this.have)) ? 'latin1' : 'utf8';
    }
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}

/** The first lines of a file (at most SNIFF_BYTES), for kind detection. */
function headLines(path: string): string[] {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.allocUnsafe(SNIFF_BYTES);
    const n = readSync(fd, buf, 0, SNIFF_BYTES, 0);
    const text = buf.subarray(0, n).toString('utf8');
    const lines = text.split('\n');
    if (n === SNIFF_BYTES && lines.length > 1) lines.pop(); // a cut last line
    return lines.map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
  } finally {
    closeSync(fd);
  }
}

function* jsonArrayLines(arr: unknown[], opts: ReadOptions, receivedAt: Date): Generator<InputLine> {
  for (let i = 0; i < arr.length; i++) {
    const rec = arr[i];
    const raw = JSON.stringify(rec).slice(0, MAX_LINE);
    try {
      if (!recordLike(rec) || !classifyRecord(rec)) throw new Error('not a Fluent Bit record');
      yield { line: i + 1, raw, event: fromRecord(rec, opts, receivedAt) };
    } catch (err) {
      yield { line: i + 1, raw, error: (err as Error).message };
    }
  }
}

/**
 * Whether a line could name one of `programs` (lower-cased): a case-insensitive search for any
 * of them (conservative: a line that passes may still not carry one). ASCII names only: for
 * others (whose case mapping a regex may not follow as toLowerCase does) every line passes.
 */
function programTest(programs: ReadonlySet<string>): ((line: string) => boolean) | undefined {
  const names = [...programs];
  if (!names.length || names.some((p) => !/^[\x21-\x7e]+$/.test(p))) return undefined;
  // the shortest names first, and names containing another dropped: "sshd" covers "sshd-session"
  const needles = names.sort((a, b) => a.length - b.length).filter((p, i, all) => !all.slice(0, i).some((q) => p.includes(q)));
  const re = new RegExp(needles.map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'), 'i');
  // The one non-ASCII character toLowerCase() maps to an ASCII letter that /i does not fold: KELVIN SIGN → k.
  const kelvin = needles.some((p) => p.includes('k'));
  return (line) => re.test(line) || (kelvin && line.includes('\u212a'));
}

/** Opens a log file for streaming: decides its kind now, reads its lines when asked. */
export function openLogFile(path: string, opts: ReadOptions): LogFileInput {
  const receivedAt = opts.receivedAt ?? new Date();
  const head = headLines(path);
  const first = head.find((l) => l.trim())?.trimStart() ?? '';
  if (first.startsWith('[')) {
    const fd = openSync(path, 'r');
    let size: number;
    try {
      size = fstatSync(fd).size;
    } finally {
      closeSync(fd);
    }
    if (size <= MAX_JSON_ARRAY) {
      let arr: unknown;
      try {
        arr = JSON.parse(readFileSync(path, 'utf8'));
      } catch {
        arr = undefined;
      }
      if (Array.isArray(arr)) {
        const records = arr;
        return { path, kind: 'windows', kindFrom: 'records', lines: () => jsonArrayLines(records, opts, receivedAt) };
      }
    }
  }
  let kind: SourceKind;
  let kindFrom: KindSource;
  if (opts.kind) [kind, kindFrom] = [opts.kind, 'option'];
  else {
    const byName = kindFromName(path);
    const byContent = byName ? undefined : kindFromContent(head);
    if (byName) [kind, kindFrom] = [byName, 'name'];
    else if (byContent) [kind, kindFrom] = [byContent, 'content'];
    else [kind, kindFrom] = ['app', 'default'];
  }
  const detail = opts.detail ?? 'full';
  const wanted = (kind === 'auth' || kind === 'syslog') && opts.programs?.size ? programTest(opts.programs) : undefined;
  // one prepared normalizer per file (its config, kind, host and parser environment)
  const normalize = rawLineNormalizer({ path, kind, ...(opts.host ? { host: opts.host } : {}) }, { receivedAt }, opts.normalize, detail);
  function* lines(): Generator<InputLine> {
    let lineNo = 0;
    const reader = new RawLineReader(path);
    try {
      for (let full = reader.next(); full !== undefined; full = reader.next()) {
        const offset = reader.offset;
        lineNo++;
        const line = full.charCodeAt(full.length - 1) === 13 ? full.slice(0, -1) : full;
        const c0 = line.charCodeAt(0);
        // no trim(): it would copy every line; a line starting with a visible character is not blank
        if (!(c0 > 32 && c0 < 127) && !NON_BLANK.test(line)) continue;
        if (wanted && c0 !== 123 /* { */ && !wanted(line)) {
          yield { line: lineNo, raw: line, skipped: true };
          continue;
        }
        try {
          if (c0 === 123 /* { */) {
            let rec: unknown;
            try {
              rec = JSON.parse(line);
            } catch {
              rec = undefined;
            }
            if (recordLike(rec) && isFluentRecord(rec)) {
              yield { line: lineNo, raw: line, event: fromRecord(rec, opts, receivedAt) };
              continue;
            }
          }
          yield { line: lineNo, raw: line, event: normalize(line, offset) };
        } catch (err) {
          yield { line: lineNo, raw: line, error: (err as Error).message };
        }
      }
    } finally {
      reader.close();
    }
  }
  return { path, kind, kindFrom, lines };
}

/**
 * What the rules of a run let the reader leave out: normalization detail 'message' when every
 * rule declares `reads: 'message'`, and the program prefilter when every rule names its programs.
 */
export function readScope(rules: readonly CompiledRule[]): Pick<ReadOptions, 'detail' | 'programs'> {
  const scope: Pick<ReadOptions, 'detail' | 'programs'> = {};
  if (rules.length && rules.every((r) => r.readsMessageOnly)) scope.detail = 'message';
  if (rules.length && rules.every((r) => r.programs?.size)) scope.programs = new Set(rules.flatMap((r) => [...r.programs!]));
  return scope;
}

/** Every line of a file at once (small files, tests). */
export function readLogFile(path: string, opts: ReadOptions): InputLine[] {
  return [...openLogFile(path, opts).lines()];
}
