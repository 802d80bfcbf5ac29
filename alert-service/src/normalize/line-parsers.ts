/**
 * Raw log lines → Draft. One parser per line format; each first checks a cheap prefix, then runs
 * an anchored regex over the HEADER only (bounded quantifiers, no nested repetition) and takes
 * the message as a slice of the line, so the cost does not depend on how long or how hostile
 * the rest of the line is. Quoted fields (access-log request, referer, user agent) are read by
 * a linear scanner instead of a regex.
 *
 * Formats: RFC 3164 and RFC 3339 syslog file lines (optionally with <PRI>), RFC 5424, nginx/apache
 * access (combined and common), nginx error, apache 2.2/2.4 error, "timestamp LEVEL message" app
 * lines (python logging, log4j, Go), JSON lines, and anything else as a plain message.
 */
import type { EventFields, SourceKind } from '../generated/schema-types.js';
import type { Draft, LineEnv } from './draft.js';
import { extractAuthFields } from './auth-fields.js';
import { canonicalHost, canonicalHostCached, canonicalIp, cleanText, LIMITS, toUint, truncate } from './fields.js';
import { fromContent, fromHttpStatus, fromLevelWord, fromSyslogPri } from './severity.js';
import { fractionMs, inferSyslogYear, MONTHS, parseIsoLike, wallClock, inRange } from './time.js';
import { parseOffset, UTC_ZONE, wallClockToUtc, type Zone } from './zone.js';
import { fromJsonObject } from './json-log.js';
import { valueExceedsDepth } from '../util/json-depth.js';

// ---------------------------------------------------------------------------------------------
// syslog

const PRI = /^<(\d{1,3})>/;
const RFC3164_TIME = /([A-Z][a-z]{2}) {1,2}(\d{1,2}) (\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))? /y;
const RFC3339_TIME = /(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2}) /y;
const RFC5424_HEAD = /1 (\S{1,64}) (\S{1,255}) (\S{1,48}) (\S{1,128}) (\S{1,32}) /y;
// The host token and "sshd[3101]: " / "kernel: " / "postfix/smtpd[77]: " after the timestamp are
// read by character codes (readProgram, parseSyslogLine), as these regexes would read them:
//   host    /(\S{1,255}) /y (unless it ends in ':' or holds '[')
//   program /([^\s:[\]]{1,128})(?:\[(\d{1,10})\])?:(?: |$)/y

function exec(re: RegExp, s: string, at: number): RegExpExecArray | null {
  re.lastIndex = at;
  return re.exec(s);
}

/** "[sshd]: " / "[sshd] ": an ident in brackets with no pid (old BSD syslogds; fail2ban's __daemon_re accepts it). */
const BRACKET_PROGRAM = /\[([^\s:[\]]{1,128})\]:? /y;

/** Whitespace as a regex's `\s` sees it (ECMAScript WhiteSpace and LineTerminator). */
function isSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13) || (c > 127 && (c === 160 || c === 5760 || (c >= 8192 && c <= 8202) || c === 8232 || c === 8233 || c === 8239 || c === 8287 || c === 12288 || c === 65279));
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

let memoProgram = '';

/**
 * program[pid]: from `at` (what PROGRAM matches, read by character codes: the header of every
 * line goes through here); returns the message start.
 */
function readProgram(line: string, at: number, d: Draft): number {
  const lim = Math.min(line.length, at + 129);
  let k = at;
  while (k < lim) {
    const c = line.charCodeAt(k);
    if (c === 58 /* : */ || c === 91 /* [ */ || c === 93 /* ] */ || isSpace(c)) break;
    k++;
  }
  let q = k;
  let pid = -1;
  if (k > at && k - at <= 128) {
    if (line.charCodeAt(q) === 91) {
      let r = q + 1;
      let n = 0;
      while (r < q + 11 && isDigit(line.charCodeAt(r))) n = n * 10 + line.charCodeAt(r++) - 48;
      if (r > q + 1 && line.charCodeAt(r) === 93) {
        pid = n;
        q = r + 1;
      }
    }
    if (line.charCodeAt(q) === 58 && (q + 1 === line.length || line.charCodeAt(q + 1) === 32)) {
      // consecutive lines mostly share their program: the same string again, not a new slice
      d.program = k - at === memoProgram.length && line.startsWith(memoProgram, at) ? memoProgram : (memoProgram = line.slice(at, k));
      if (pid >= 0) d.pid = pid;
      return q + 1 === line.length ? q + 1 : q + 2;
    }
  }
  const b = line.charCodeAt(at) === 91 /* [ */ ? exec(BRACKET_PROGRAM, line, at) : null;
  if (!b) return at;
  d.program = b[1]!;
  return at + b[0].length;
}

/** Message body after the header: leading blanks dropped (sudo pads its invoker name). */
function body(line: string, at: number): string {
  let i = at;
  while (i < line.length && (line.charCodeAt(i) === 32 || line.charCodeAt(i) === 9)) i++;
  return line.slice(i);
}

// One-slot memos for what consecutive lines of a file share (the host, the second): the same
// results as calling through each time, without the address check and the zone arithmetic.
let memoHostToken: string | undefined;
let memoHostForm = '';
let memoHost: string | undefined;

function lineHost(token: string, form: 'short' | 'full'): string | undefined {
  if (token !== memoHostToken || form !== memoHostForm) {
    memoHostToken = token;
    memoHostForm = form;
    memoHost = canonicalHostCached(token, form);
  }
  return memoHost;
}

/** lineHost of line[at, end), without slicing the token when it is the remembered one. */
function lineHostAt(line: string, at: number, end: number, form: 'short' | 'full'): string | undefined {
  if (memoHostToken !== undefined && form === memoHostForm && end - at === memoHostToken.length && line.startsWith(memoHostToken, at)) return memoHost;
  return lineHost(line.slice(at, end), form);
}

/** A syslog timestamp's wall-clock fields (month 0-11, as Date.UTC takes it). */
interface WallTime {
  mo: number;
  day: number;
  h: number;
  mi: number;
  s: number;
  ms: number;
}
function copyWall(to: WallTime, from: WallTime): void {
  to.mo = from.mo;
  to.day = from.day;
  to.h = from.h;
  to.mi = from.mi;
  to.s = from.s;
  to.ms = from.ms;
}

/** MONTHS by the three character codes of the name (no slice per timestamp). */
const MONTH_CODES = new Map<number, number>(Object.entries(MONTHS).map(([name, n]) => [(name.charCodeAt(0) << 16) | (name.charCodeAt(1) << 8) | name.charCodeAt(2), n]));

/** What scanRfc3164 read (reused: parsing is synchronous). */
const wall3164: WallTime = { mo: 0, day: 0, h: 0, mi: 0, s: 0, ms: 0 };
/** The last RFC 3164 timestamp text (its trailing space included) and its fields: consecutive lines mostly share their second. */
let memoStamp = '';
const memoStampWall: WallTime = { mo: 0, day: 0, h: 0, mi: 0, s: 0, ms: 0 };

function twoDigits(line: string, i: number): number {
  const a = line.charCodeAt(i);
  const b = line.charCodeAt(i + 1);
  return isDigit(a) && isDigit(b) ? (a - 48) * 10 + b - 48 : -1;
}

/**
 * RFC3164_TIME at `at`, read by character codes into wall3164: the index after its trailing
 * space, -1 when it does not match, -2 when it matches with an unknown month name.
 */
function scanRfc3164(line: string, at: number): number {
  if (memoStamp !== '' && line.startsWith(memoStamp, at)) {
    copyWall(wall3164, memoStampWall);
    return at + memoStamp.length;
  }
  const c0 = line.charCodeAt(at);
  const c1 = line.charCodeAt(at + 1);
  const c2 = line.charCodeAt(at + 2);
  if (!(c0 >= 65 && c0 <= 90 && c1 >= 97 && c1 <= 122 && c2 >= 97 && c2 <= 122) || line.charCodeAt(at + 3) !== 32) return -1;
  let i = at + 4;
  if (line.charCodeAt(i) === 32) i++;
  if (!isDigit(line.charCodeAt(i))) return -1;
  let day = line.charCodeAt(i++) - 48;
  if (isDigit(line.charCodeAt(i))) day = day * 10 + line.charCodeAt(i++) - 48;
  if (line.charCodeAt(i++) !== 32) return -1;
  const h = twoDigits(line, i);
  if (h < 0 || line.charCodeAt(i + 2) !== 58) return -1;
  const mi = twoDigits(line, i + 3);
  if (mi < 0 || line.charCodeAt(i + 5) !== 58) return -1;
  const sec = twoDigits(line, i + 6);
  if (sec < 0) return -1;
  i += 8;
  let ms = 0;
  if (line.charCodeAt(i) === 46 /* . */) {
    let j = i + 1;
    while (j < i + 7 && isDigit(line.charCodeAt(j))) {
      if (j < i + 4) ms += (line.charCodeAt(j) - 48) * (j === i + 1 ? 100 : j === i + 2 ? 10 : 1);
      j++;
    }
    if (j === i + 1) return -1;
    i = j;
  }
  if (line.charCodeAt(i) !== 32) return -1;
  i++;
  const mo = MONTH_CODES.get((c0 << 16) | (c1 << 8) | c2);
  if (mo === undefined) return -2;
  wall3164.mo = mo;
  wall3164.day = day;
  wall3164.h = h;
  wall3164.mi = mi;
  wall3164.s = sec;
  wall3164.ms = ms;
  memoStamp = line.slice(at, i);
  copyWall(memoStampWall, wall3164);
  return i;
}

const memoWall: WallTime = { mo: -1, day: 0, h: 0, mi: 0, s: 0, ms: 0 };
let memoZone: Zone | undefined;
let memoRef = 0;
let memoTolerance = 0;
let memoMs: number | undefined;

/**
 * The day memo (UTC zone): for the last (month, day, tolerance), the UTC midnight of the year
 * inferSyslogYear picks for EVERY time of that day, or NaN when the pick depends on the time (the
 * tolerance boundary falls within the day) or no year fits; and the range of reference times
 * over which that answer holds (the reference is each record's collection time, a new one for
 * nearly every record). Lines of one day then cost an addition, not a year search, whatever
 * their second and reference.
 */
let dayMo = -1;
let dayDay = 0;
let dayTolerance = Number.NaN;
let dayRefFrom = Number.NaN; // the answer holds for dayRefFrom <= refMs < dayRefTo
let dayRefTo = Number.NaN;
let dayBase = Number.NaN;
const DAY_MS = 86_400_000;

/**
 * inferSyslogYear's loop at day granularity (see dayBase), setting dayRefFrom/dayRefTo: the
 * search reads refMs only through its UTC year and comparisons of `latest` (refMs + tolerance)
 * with each candidate year's midnight, so the answer holds while those stay as they are.
 */
function stableDayBase(mo: number, day: number, refMs: number, toleranceMs: number): number {
  const refYear = new Date(refMs).getUTCFullYear();
  const latest = refMs + toleranceMs;
  let from = Date.UTC(refYear, 0, 1) + toleranceMs; // bounds on `latest`, then shifted to refMs
  let to = Date.UTC(refYear + 1, 0, 1) + toleranceMs;
  let base = Number.NaN;
  for (let y = refYear + 1; y >= refYear - 8; y--) {
    const start = wallClock(y, mo, day, 0, 0, 0, 0);
    if (start === undefined) continue;
    if (start > latest) {
      to = Math.min(to, start); // no time of the day fits this year, while latest < start
      continue;
    }
    if (start + DAY_MS - 1 <= latest) {
      base = start; // every time fits, while latest >= the day's last ms
      from = Math.max(from, start + DAY_MS - 1);
    } else {
      from = Math.max(from, start); // only some times fit
      to = Math.min(to, start + DAY_MS - 1);
    }
    break;
  }
  dayRefFrom = from - toleranceMs;
  dayRefTo = to - toleranceMs;
  return base;
}

function syslogYearMs(w: WallTime, zone: Zone, env: LineEnv): number | undefined {
  if (zone === UTC_ZONE && w.h <= 23 && w.mi <= 59 && w.s <= 60) {
    if (w.mo !== dayMo || w.day !== dayDay || env.toleranceMs !== dayTolerance || !(env.refMs >= dayRefFrom && env.refMs < dayRefTo)) {
      dayMo = w.mo;
      dayDay = w.day;
      dayTolerance = env.toleranceMs;
      dayBase = stableDayBase(w.mo, w.day, env.refMs, env.toleranceMs);
    }
    if (!Number.isNaN(dayBase)) {
      // what wallClock + wallClockToUtc give in UTC (a leap second 60 read as 59)
      const utc = dayBase + w.h * 3_600_000 + w.mi * 60_000 + (w.s === 60 ? 59 : w.s) * 1000 + w.ms;
      return inRange(utc) ? utc : undefined;
    }
  }
  const m = memoWall;
  if (w.mo !== m.mo || w.day !== m.day || w.h !== m.h || w.mi !== m.mi || w.s !== m.s || w.ms !== m.ms || zone !== memoZone || env.refMs !== memoRef || env.toleranceMs !== memoTolerance) {
    memoMs = inferSyslogYear(w.mo, w.day, w.h, w.mi, w.s, w.ms, zone, env.refMs, env.toleranceMs);
    copyWall(m, w);
    memoZone = zone;
    memoRef = env.refMs;
    memoTolerance = env.toleranceMs;
  }
  return memoMs;
}

/** A syslog file line; undefined when the line has no syslog header. */
export function parseSyslogLine(line: string, env: LineEnv): Draft | undefined {
  let at = 0;
  let pri: number | undefined;
  if (line.charCodeAt(0) === 60 /* < */) {
    const p = PRI.exec(line);
    if (!p) return undefined;
    pri = Number(p[1]);
    if (pri > 191) return undefined;
    at = p[0].length;
    if (line.startsWith('1 ', at)) return parseRfc5424(line, at, pri, env);
  }
  const d: Draft = { message: '', fields: {} };
  let wall: WallTime | undefined;
  let t: RegExpExecArray | null;
  const end3164 = scanRfc3164(line, at);
  if (end3164 === -2) return undefined;
  if (end3164 >= 0) {
    wall = wall3164;
    at = end3164;
  } else if ((t = exec(RFC3339_TIME, line, at))) {
    const w = wallClock(Number(t[1]), Number(t[2]), Number(t[3]), Number(t[4]), Number(t[5]), Number(t[6]), fractionMs(t[7]));
    const off = t[8] === 'Z' ? 0 : parseOffset(t[8]!);
    if (w !== undefined && off !== undefined && inRange(w - off)) {
      d.timeMs = w - off;
      if (t[8] !== 'Z') d.timeOffsetMin = off / 60_000;
    }
    at += t[0].length;
  } else return undefined;

  // Host token (HOST_TOKEN, read by character codes), unless the writer left it out and this is
  // already "prog[pid]:".
  const lim = Math.min(line.length, at + 256);
  let j = at;
  let bracket = false;
  while (j < lim) {
    const c = line.charCodeAt(j);
    if (isSpace(c)) break;
    if (c === 91 /* [ */) bracket = true;
    j++;
  }
  if (j > at && j - at <= 255 && line.charCodeAt(j) === 32 && line.charCodeAt(j - 1) !== 58 /* : */ && !bracket) {
    if (env.trustLineHost) {
      const host = lineHostAt(line, at, j, env.hostForm);
      if (host !== undefined) d.host = host;
    }
    at = j + 1;
  }
  at = readProgram(line, at, d);
  d.message = body(line, at);

  if (wall) {
    const ms = syslogYearMs(wall, env.zoneFor(d.host), env);
    if (ms !== undefined) d.timeMs = ms;
  }
  if (pri !== undefined) d.severity = fromSyslogPri(pri);
  if (!env.messageOnly) extractAuthFields(d.program, d.message, d.fields);
  return d;
}

/** "<34>1 2026-11-21T10:00:01.003Z host app 1234 ID47 [sd...] message" (RFC 5424). */
function parseRfc5424(line: string, at: number, pri: number, env: LineEnv): Draft | undefined {
  const m = exec(RFC5424_HEAD, line, at);
  if (!m) return undefined;
  const d: Draft = { message: '', fields: {}, severity: fromSyslogPri(pri) };
  if (m[1] !== '-') {
    const ms = parseIsoLike(m[1]!, env.zoneFor(undefined), d);
    if (ms !== undefined) d.timeMs = ms;
  }
  if (env.trustLineHost && m[2] !== '-') {
    const host = canonicalHost(m[2], env.hostForm);
    if (host !== undefined) d.host = host;
  }
  if (m[3] !== '-') d.program = m[3]!;
  const pid = toUint(m[4]);
  if (pid !== undefined) d.pid = pid;
  let i = at + m[0].length;
  // Structured data: "-" or one or more [id k="v"...] elements; values may escape ] and ".
  if (line.charCodeAt(i) === 45 /* - */) i++;
  else {
    while (line.charCodeAt(i) === 91 /* [ */) {
      i++;
      while (i < line.length && line.charCodeAt(i) !== 93 /* ] */) {
        if (line.charCodeAt(i) === 92 /* \ */) i++;
        else if (line.charCodeAt(i) === 34 /* " */) {
          i++;
          while (i < line.length && line.charCodeAt(i) !== 34) i += line.charCodeAt(i) === 92 ? 2 : 1;
        }
        i++;
      }
      i++;
    }
  }
  let msg = body(line, i);
  if (msg.charCodeAt(0) === 0xfeff) msg = msg.slice(1);
  d.message = msg;
  if (!env.messageOnly) extractAuthFields(d.program, d.message, d.fields);
  return d;
}

/**
 * A syslog timestamp on its own (what a Fluent Bit syslog parser leaves in `time`): RFC 3164 with
 * year inference in the host's zone, or RFC 3339.
 */
export function syslogTimestamp(text: string, host: string | undefined, env: LineEnv): number | undefined {
  if (text.length > 64) return undefined;
  const line = text + ' ';
  let t = exec(RFC3164_TIME, line, 0);
  if (t && t[0].length === line.length) {
    const mo = MONTHS[t[1]!];
    if (mo === undefined) return undefined;
    return inferSyslogYear(mo, Number(t[2]), Number(t[3]), Number(t[4]), Number(t[5]), fractionMs(t[6]), env.zoneFor(host), env.refMs, env.toleranceMs);
  }
  t = exec(RFC3339_TIME, line, 0);
  if (t && t[0].length === line.length) {
    const w = wallClock(Number(t[1]), Number(t[2]), Number(t[3]), Number(t[4]), Number(t[5]), Number(t[6]), fractionMs(t[7]));
    const off = t[8] === 'Z' ? 0 : parseOffset(t[8]!);
    if (w !== undefined && off !== undefined && inRange(w - off)) return w - off;
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// web access log (combined / common)

const ACCESS_HEAD = /^(\S{1,255}) (\S{1,255}) (\S{1,255}) \[(\d{2})\/([A-Z][a-z]{2})\/(\d{4}):(\d{2}):(\d{2}):(\d{2}) ([+-]\d{4})\] "/;
const STATUS_BYTES = /(\d{3}) (\d{1,19}|-)/y;
const ACCESS_TIME = /^(\d{2})\/([A-Z][a-z]{2})\/(\d{4}):(\d{2}):(\d{2}):(\d{2}) ([+-]\d{4})$/;

function accessMs(day: string, mon: string, year: string, h: string, mi: string, s: string, zone: string): number | undefined {
  const mo = MONTHS[mon];
  if (mo === undefined) return undefined;
  const wall = wallClock(Number(year), mo, Number(day), Number(h), Number(mi), Number(s));
  const off = parseOffset(zone);
  return wall !== undefined && off !== undefined && inRange(wall - off) ? wall - off : undefined;
}

/** "21/Nov/2026:10:00:01 +0000" (what the stock nginx/apache parsers leave in `time` with time_keep). */
export function accessTimestamp(text: string): number | undefined {
  const m = text.length <= 40 ? ACCESS_TIME.exec(text) : null;
  return m ? accessMs(m[1]!, m[2]!, m[3]!, m[4]!, m[5]!, m[6]!, m[7]!) : undefined;
}
const METHOD = /^[A-Za-z][A-Za-z_-]{0,31}$/;

/**
 * A quoted field starting after the opening quote at `from`: returns the raw text and the index
 * after the closing quote. Backslash escapes (apache's \" and nginx's \x22) are skipped, not decoded.
 */
function readQuoted(line: string, from: number): { value: string; end: number } | undefined {
  let i = from;
  while (i < line.length) {
    const c = line.charCodeAt(i);
    if (c === 92 /* \ */) i += 2;
    else if (c === 34 /* " */) return { value: line.slice(from, i), end: i + 1 };
    else i++;
  }
  return undefined;
}

/** "GET /path HTTP/1.1" → method and path (a request line that is not one leaves both unset). */
export function splitRequest(request: string, f: EventFields): void {
  const first = request.indexOf(' ');
  if (first <= 0) return;
  const method = request.slice(0, first);
  if (!METHOD.test(method)) return;
  const last = request.lastIndexOf(' ');
  const path = last > first && request.startsWith('HTTP/', last + 1) ? request.slice(first + 1, last) : request.slice(first + 1);
  f.http_method = method;
  if (path !== '') f.http_path = truncate(path, LIMITS.http_path);
}

export function parseAccessLine(line: string, program: string | undefined): Draft | undefined {
  const m = ACCESS_HEAD.exec(line.length > 1200 ? line.slice(0, 1200) : line);
  if (!m) return undefined;
  if (MONTHS[m[5]!] === undefined) return undefined;
  const d: Draft = { message: line, fields: {} };
  if (program !== undefined) d.program = program;
  const ms = accessMs(m[4]!, m[5]!, m[6]!, m[7]!, m[8]!, m[9]!, m[10]!);
  if (ms !== undefined) d.timeMs = ms;

  const f = d.fields;
  const ip = canonicalIp(m[1]);
  if (ip !== undefined) f.src_ip = ip;
  const user = cleanText(m[3], LIMITS.user);
  if (user !== undefined) f.user = user;

  const req = readQuoted(line, m[0].length);
  if (!req) return d;
  splitRequest(req.value, f);
  let i = req.end;
  if (line.charCodeAt(i) === 32) i++;
  const sb = exec(STATUS_BYTES, line, i);
  if (sb) {
    const status = Number(sb[1]);
    if (status >= 100 && status <= 599) f.http_status = status;
    const bytes = toUint(sb[2]);
    if (bytes !== undefined) f.http_bytes = bytes;
    i += sb[0].length;
    if (line.startsWith(' "', i)) {
      const ref = readQuoted(line, i + 2);
      if (ref) {
        const r = cleanText(ref.value, LIMITS.http_referer);
        if (r !== undefined) f.http_referer = r;
        i = ref.end;
        if (line.startsWith(' "', i)) {
          const ua = readQuoted(line, i + 2);
          const a = ua && cleanText(ua.value, LIMITS.user_agent);
          if (a) f.user_agent = a;
        }
      }
    }
  }
  d.severity = fromHttpStatus(f.http_status);
  return d;
}

// ---------------------------------------------------------------------------------------------
// nginx and apache error logs

const NGINX_ERROR = /^(\d{4})\/(\d{2})\/(\d{2}) (\d{2}):(\d{2}):(\d{2}) \[([a-z]{1,8})\] (\d{1,10})#\d{1,10}: (?:\*\d{1,20} )?/;
const APACHE_ERROR = /^\[[A-Z][a-z]{2} ([A-Z][a-z]{2}) (\d{2}) (\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))? (\d{4})\] \[(?:[A-Za-z0-9_]{1,32}:)?([a-z]{1,6}\d?)\] (?:\[pid (\d{1,10})(?::tid \d{1,20})?\] )?(?:\[client ([^\]\s]{1,64})\] )?/;

/** nginx "…, client: 203.0.113.50, server: _, request: "GET /x HTTP/1.1", host: "web1"" */
function nginxContext(message: string, f: EventFields): void {
  const c = message.indexOf(', client: ');
  if (c >= 0) {
    const start = c + 10;
    let end = message.indexOf(',', start);
    if (end < 0) end = message.length;
    if (end - start <= 64) {
      const ip = canonicalIp(message.slice(start, end));
      if (ip !== undefined) f.src_ip = ip;
    }
  }
  const r = message.indexOf(', request: "');
  if (r >= 0) {
    const q = readQuoted(message, r + 12);
    if (q) splitRequest(q.value, f);
  }
}

export function parseNginxErrorLine(line: string, env: LineEnv): Draft | undefined {
  if (line.charCodeAt(4) !== 47 /* / */) return undefined;
  const m = NGINX_ERROR.exec(line.length > 200 ? line.slice(0, 200) : line);
  if (!m) return undefined;
  const d: Draft = { message: line.slice(m[0].length), fields: {}, program: 'nginx' };
  const wall = wallClock(Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]));
  if (wall !== undefined) {
    const ms = wallClockToUtc(wall, env.zoneFor(undefined));
    if (inRange(ms)) d.timeMs = ms;
  }
  d.severity = fromLevelWord(m[7]!) ?? 'error';
  const pid = toUint(m[8]);
  if (pid !== undefined) d.pid = pid;
  nginxContext(d.message, d.fields);
  return d;
}

export function parseApacheErrorLine(line: string, env: LineEnv): Draft | undefined {
  if (line.charCodeAt(0) !== 91 /* [ */) return undefined;
  const m = APACHE_ERROR.exec(line.length > 300 ? line.slice(0, 300) : line);
  if (!m) return undefined;
  const mo = MONTHS[m[1]!];
  if (mo === undefined) return undefined;
  const d: Draft = { message: line.slice(m[0].length), fields: {}, program: 'apache' };
  const wall = wallClock(Number(m[7]), mo, Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5]), fractionMs(m[6]));
  if (wall !== undefined) {
    const ms = wallClockToUtc(wall, env.zoneFor(undefined));
    if (inRange(ms)) d.timeMs = ms;
  }
  d.severity = fromLevelWord(m[8]!) ?? 'error';
  const pid = toUint(m[9]);
  if (pid !== undefined) d.pid = pid;
  const client = m[10];
  if (client !== undefined) {
    // "203.0.113.5:51234", "[2001:db8::1]:51234", or a bare address
    let ip = canonicalIp(client);
    let port: string | undefined;
    if (ip === undefined) {
      const colon = client.lastIndexOf(':');
      if (colon > 0) {
        ip = canonicalIp(client.slice(0, colon));
        port = client.slice(colon + 1);
      }
    }
    if (ip !== undefined) {
      d.fields.src_ip = ip;
      const p = toUint(port, 65535);
      if (p !== undefined) d.fields.src_port = p;
    }
  }
  return d;
}

// ---------------------------------------------------------------------------------------------
// application lines: "2026-11-21 10:00:05,113 ERROR [worker-3] ..." and friends

const APP_TIME = /^(\d{4})([-/])(\d{2})\2(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:[.,](\d{1,9}))?(Z|[+-]\d{2}:?\d{2})? ?/;
/** A level token near the start of a plain line, upper-case only to stay conservative. */
const LEVEL_TOKEN = /^[\s\-|:[]*\[?(TRACE|DEBUG|INFO|NOTICE|WARN|WARNING|ERROR|CRITICAL|FATAL|SEVERE|ALERT|EMERG|PANIC)\]?(?::|\s|$)/;
const LEVEL_ANYWHERE = /(?:^|[\s[|])(TRACE|DEBUG|INFO|NOTICE|WARN|WARNING|ERROR|CRITICAL|FATAL|SEVERE)(?:[\]:|\s]|$)/;

export function parseAppLine(line: string, env: LineEnv): Draft | undefined {
  const c = line.charCodeAt(0);
  if (c < 48 || c > 57) return undefined;
  const m = APP_TIME.exec(line.length > 64 ? line.slice(0, 64) : line);
  if (!m) return undefined;
  const d: Draft = { message: '', fields: {} };
  const wall = wallClock(Number(m[1]), Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]), Number(m[7]), fractionMs(m[8]));
  if (wall !== undefined) {
    const tz = m[9];
    let ms: number | undefined;
    if (tz === undefined) ms = wallClockToUtc(wall, env.zoneFor(undefined));
    else if (tz === 'Z') ms = wall;
    else {
      const off = parseOffset(tz);
      if (off !== undefined) ms = wall - off;
    }
    if (ms !== undefined && inRange(ms)) d.timeMs = ms;
  }
  const rest = line.slice(m[0].length);
  const lv = LEVEL_TOKEN.exec(rest.length > 64 ? rest.slice(0, 64) : rest);
  if (lv) {
    d.severity = fromLevelWord(lv[1]!)!;
    d.message = body(rest, lv[0].length);
  } else {
    d.message = body(rest, 0);
    const any = LEVEL_ANYWHERE.exec(rest.length > 80 ? rest.slice(0, 80) : rest);
    if (any) d.severity = fromLevelWord(any[1]!)!;
  }
  return d;
}

/** Plain text with no recognizable header: the whole line is the message. */
export function parsePlainLine(line: string): Draft {
  const d: Draft = { message: line, fields: {} };
  const any = LEVEL_ANYWHERE.exec(line.length > 80 ? line.slice(0, 80) : line);
  if (any) d.severity = fromLevelWord(any[1]!)!;
  return d;
}

/** Deeper JSON lines are kept as plain text: parsing and re-serializing them costs milliseconds and stack. */
const MAX_JSON_DEPTH = 16;

/** A JSON application line (`{...}`), or undefined when it is not a JSON object. */
export function parseJsonLine(line: string, env: LineEnv): Draft | undefined {
  if (line.charCodeAt(0) !== 123 /* { */) return undefined;
  let obj: unknown;
  try {
    obj = JSON.parse(line);
  } catch {
    return undefined;
  }
  // Parsed first, depth checked after (util/json-depth.ts: V8's JSON.parse does not recurse);
  // for text that parses, the same verdict as exceedsDepth(line) before parsing.
  if (typeof obj !== 'object' || obj === null || Array.isArray(obj) || valueExceedsDepth(obj, MAX_JSON_DEPTH)) return undefined;
  return fromJsonObject(obj as Record<string, unknown>, env, line);
}

// ---------------------------------------------------------------------------------------------
// dispatch

/** The web server a path belongs to, used as `program` for access lines. */
export function webProgram(path: string | undefined): string | undefined {
  if (!path) return undefined;
  const p = path.toLowerCase();
  if (p.includes('nginx')) return 'nginx';
  if (p.includes('apache2')) return 'apache2';
  if (p.includes('httpd')) return 'httpd';
  if (p.includes('apache')) return 'apache';
  if (p.includes('caddy')) return 'caddy';
  return undefined;
}

/** Lines longer than this are parsed on a prefix (the message still keeps the line, bounded later). */
export const PARSE_MAX = 65536;

/**
 * Parse a raw line of a given kind. The kind decides which format is tried first; every other
 * format is still tried (a web_error file may hold apache lines, an app directory may hold
 * syslog-format files), and a line that matches none is a plain message.
 */
export function parseRawLine(line: string, kind: SourceKind, path: string | undefined, env: LineEnv): Draft {
  let d: Draft | undefined;
  switch (kind) {
    case 'auth':
    case 'syslog':
      d = parseSyslogLine(line, env) ?? parseAppLine(line, env) ?? parseJsonLine(line, env);
      break;
    case 'web_access':
      d = parseAccessLine(line, webProgram(path)) ?? parseJsonLine(line, env);
      break;
    case 'web_error':
      d = parseNginxErrorLine(line, env) ?? parseApacheErrorLine(line, env) ?? parseAppLine(line, env);
      if (d && d.program === 'apache') d.program = webProgram(path) ?? 'apache';
      break;
    default: {
      // "2026-11-21T10:00:05Z WARN msg" and an RFC 3339 syslog line share their start: an app line
      // wins when a level word follows the timestamp, syslog otherwise ("... db1 sshd[7]: msg").
      const json = parseJsonLine(line, env);
      const appLine = json ? undefined : parseAppLine(line, env);
      d =
        json ??
        (appLine?.severity !== undefined ? appLine : undefined) ??
        parseSyslogLine(line, env) ??
        appLine ??
        parseAccessLine(line, webProgram(path)) ??
        parseNginxErrorLine(line, env) ??
        parseApacheErrorLine(line, env);
    }
  }
  d ??= parsePlainLine(line);
  if (!env.messageOnly) d.severity ??= fromContent(d.message, d.program);
  return d;
}
