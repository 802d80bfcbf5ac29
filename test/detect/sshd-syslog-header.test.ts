/**
 * The RFC 3164 syslog header (timestamp, host, program[pid]) that every sshd line of an auth log
 * carries is read by character codes (normalize/line-parsers.ts). These tests hold that reader
 * to the anchored regexes it replaced, on crafted headers and on many mutated ones (unicode
 * spaces, brackets, colons, over-long tokens, odd digits): the same time, host, program, pid and
 * message, or the same refusal.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseSyslogLine } from '../../alert-service/src/normalize/line-parsers.js';
import { canonicalHost, toUint } from '../../alert-service/src/normalize/fields.js';
import { fractionMs, inferSyslogYear, MONTHS } from '../../alert-service/src/normalize/time.js';
import { UTC_ZONE } from '../../alert-service/src/normalize/zone.js';
import type { LineEnv } from '../../alert-service/src/normalize/draft.js';
import { normalizeRawLine } from '../../alert-service/src/normalize/index.js';
import { config } from './helpers.js';

const env: LineEnv = {
  zoneFor: () => UTC_ZONE,
  refMs: Date.parse('2026-11-21T12:00:00Z'),
  toleranceMs: 48 * 3_600_000,
  hostForm: 'full',
  trustLineHost: true,
  maxExtraKeys: 64,
  maxExtraChars: 8192,
  transportKeys: new Set(),
  messageOnly: true,
};

// The regexes the reader replaced (line-parsers.ts before it read these by character codes).
const RFC3164_TIME = /([A-Z][a-z]{2}) {1,2}(\d{1,2}) (\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))? /y;
const HOST_TOKEN = /(\S{1,255}) /y;
const PROGRAM = /([^\s:[\]]{1,128})(?:\[(\d{1,10})\])?:(?: |$)/y;
const BRACKET_PROGRAM = /\[([^\s:[\]]{1,128})\]:? /y;

function exec(re: RegExp, s: string, at: number): RegExpExecArray | null {
  re.lastIndex = at;
  return re.exec(s);
}

interface Header {
  timeMs?: number;
  host?: string;
  program?: string;
  pid?: number;
  message: string;
}

/** The regex reading of an RFC 3164 line; 'other' when its timestamp does not match (another format's turn). */
function reference(line: string): Header | undefined | 'other' {
  const t = exec(RFC3164_TIME, line, 0);
  if (!t) return 'other';
  const mo = MONTHS[t[1]!];
  if (mo === undefined) return undefined;
  const out: Header = { message: '' };
  let at = t[0].length;
  const h = exec(HOST_TOKEN, line, at);
  if (h && !h[1]!.endsWith(':') && !h[1]!.includes('[')) {
    const host = canonicalHost(h[1]!, 'full');
    if (host !== undefined) out.host = host;
    at += h[0].length;
  }
  const p = exec(PROGRAM, line, at);
  if (p) {
    out.program = p[1]!;
    const pid = toUint(p[2]);
    if (pid !== undefined) out.pid = pid;
    at += p[0].length;
  } else {
    const b = line.charCodeAt(at) === 91 ? exec(BRACKET_PROGRAM, line, at) : null;
    if (b) {
      out.program = b[1]!;
      at += b[0].length;
    }
  }
  while (at < line.length && (line.charCodeAt(at) === 32 || line.charCodeAt(at) === 9)) at++;
  out.message = line.slice(at);
  const ms = inferSyslogYear(mo, Number(t[2]), Number(t[3]), Number(t[4]), Number(t[5]), fractionMs(t[6]), UTC_ZONE, env.refMs, env.toleranceMs);
  if (ms !== undefined) out.timeMs = ms;
  return out;
}

function check(line: string): void {
  const want = reference(line);
  const d = parseSyslogLine(line, env);
  if (want === 'other') {
    // not an RFC 3164 line: these samples are no RFC 3339 line either
    assert.equal(d, undefined, JSON.stringify(line));
    return;
  }
  if (want === undefined) {
    assert.equal(d, undefined, JSON.stringify(line));
    return;
  }
  assert.ok(d, JSON.stringify(line));
  const got: Header = { message: d.message };
  if (d.timeMs !== undefined) got.timeMs = d.timeMs;
  if (d.host !== undefined) got.host = d.host;
  if (d.program !== undefined) got.program = d.program;
  if (d.pid !== undefined) got.pid = d.pid;
  assert.deepEqual(got, want, JSON.stringify(line));
}

const CRAFTED = [
  'Nov  2 00:00:26 LabSZ sshd[20013]: Failed password for root from 23.21.39.94 port 39520 ssh2',
  'Nov 21 10:00:01 web1 sshd[3101]: Accepted password for deploy from 198.51.100.20 port 51022 ssh2',
  'Nov 21 10:00:01.482311 web1 sshd[3101]: x',
  'Nov 21 10:00:01.4 web1 sshd[3101]: x',
  'Nov 21 10:00:01.1234567 web1 sshd[3101]: x',
  'Nov 21 10:00:01. web1 sshd[3101]: x',
  'Nov 21 10:00:01 web1 sshd: no pid',
  'Nov 21 10:00:01 web1 sshd:',
  'Nov 21 10:00:01 web1 sshd:x',
  'Nov 21 10:00:01 sshd[77]: no host',
  'Nov 21 10:00:01 [sshd]: bracketed',
  'Nov 21 10:00:01 web1 [sshd] bracketed, no colon',
  'Nov 21 10:00:01 web1 sshd[12345678901]: pid too long',
  'Nov 21 10:00:01 web1 sshd[]: empty pid',
  'Nov 21 10:00:01 web1 sshd[12]x: junk after pid',
  'Nov 21 10:00:01 web1 postfix/smtpd[77]: slash',
  'Nov 21 10:00:01 web1 kernel: [  970.699396] ok',
  'Nov 21 10:00:01 web1:  sudo:    alice : TTY=pts/0',
  'Nov 21 10:00:01 WEB1.Example.COM sshd[1]: case',
  'Nov 21 10:00:01 web1\tsshd[1]: tab after host',
  'Nov 21 10:00:01 web1\u00a0sshd[1]: nbsp after host',
  'Nov 21 10:00:01 web\u2028x sshd[1]: line separator in host',
  'Nov 21 10:00:01 web1 ss\u3000hd[1]: ideographic space in program',
  'Nov 21 10:00:01 web1 ss\ufeffhd[1]: bom in program',
  'Nov 21 10:00:01 ' + 'h'.repeat(255) + ' sshd[1]: host of 255',
  'Nov 21 10:00:01 ' + 'h'.repeat(256) + ' sshd[1]: host of 256',
  'Nov 21 10:00:01 web1 ' + 'p'.repeat(128) + '[1]: program of 128',
  'Nov 21 10:00:01 web1 ' + 'p'.repeat(129) + '[1]: program of 129',
  'Nov 21 10:00:01 web1 ' + 'p'.repeat(128) + ': program of 128, no pid',
  'Nov 21 10:00:01 web1 ' + 'p'.repeat(129) + ': program of 129, no pid',
  'Nov 21 10:00:01 web1',
  'Nov 21 10:00:01 ',
  'Nov 21 10:00:01',
  'Nov  21 10:00:01 web1 sshd[1]: two spaces, two digits',
  'Nov   2 10:00:01 web1 sshd[1]: three spaces',
  'Nov 123 10:00:01 web1 sshd[1]: three digit day',
  'Nov 2 1:00:01 web1 sshd[1]: one digit hour',
  'Foo 21 10:00:01 web1 sshd[1]: unknown month',
  'NOV 21 10:00:01 web1 sshd[1]: upper case month',
  'Feb 30 10:00:01 web1 sshd[1]: no such day',
  'Nov 21 24:00:01 web1 sshd[1]: hour 24',
  'Nov 21 10:00:60 web1 sshd[1]: leap second',
  'Nov 21 10:00:01 web1 sshd[1]:    padded message',
];

test('syslog header reader: crafted RFC 3164 headers read as the regexes read them', () => {
  for (const line of CRAFTED) check(line);
  // twice in a row (the one-slot memos for the timestamp, host and program) and interleaved
  for (const line of [...CRAFTED, ...CRAFTED.slice().reverse()]) {
    check(line);
    check(line);
  }
});

test('syslog header reader: mutated headers (inserted, replaced and deleted characters) read as the regexes read them', () => {
  let seed = 12345;
  const rand = (n: number) => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % n;
  };
  const alphabet = [' ', ' ', '  ', '\t', '\u00a0', '\u2028', '\u3000', '\ufeff', ':', ':', '[', ']', '[1]', '0', '9', '.', 'a', 'Z', 'Nov', 'x'.repeat(130), '\r', 'é'];
  const bases = CRAFTED.slice(0, 20);
  let n = 0;
  for (let k = 0; k < 20_000; k++) {
    let line = bases[rand(bases.length)]!;
    for (let m = 1 + rand(3); m > 0; m--) {
      const at = rand(Math.min(line.length, 48) + 1);
      const op = rand(3);
      const ins = alphabet[rand(alphabet.length)]!;
      if (op === 0) line = line.slice(0, at) + ins + line.slice(at);
      else if (op === 1) line = line.slice(0, at) + ins + line.slice(at + 1);
      else line = line.slice(0, at) + line.slice(at + 1 + rand(3));
    }
    check(line);
    n++;
  }
  assert.equal(n, 20_000);
});

test('event times are toISOString() of the line time, across days, years and milliseconds (the date part is formatted once per day)', () => {
  let seed = 777;
  const rand = (n: number) => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % n;
  };
  const where = { path: '/var/log/auth.log', offset: 0, kind: 'auth' as const };
  const times: number[] = [0, 999, 1000, 86_399_999, 86_400_000, Date.parse('2026-12-31T23:59:59.999Z'), Date.parse('2027-01-01T00:00:00Z'), Date.parse('2028-02-29T12:34:56.007Z'), Date.parse('9999-12-31T23:59:59.999Z')];
  for (let i = 0; i < 3000; i++) times.push(rand(2 ** 30) * 1000 + rand(1000) * (rand(2) ? 1 : 0) + rand(3) * 86_400_000);
  for (const ms of [...times, ...times.slice().reverse()]) {
    const iso = new Date(ms).toISOString();
    const line = `${iso.slice(0, 23)}Z web1 sshd[1]: x`;
    const e = normalizeRawLine(line, where, { receivedAt: new Date('9999-12-31T00:00:00Z') }, config.normalize, 'message');
    assert.equal(e.time, iso, line);
  }
});

test('RFC 3164 year inference: the per-day shortcut gives inferSyslogYear\'s time for every hour of days around the tolerance boundary, leap days and leap seconds', () => {
  const months = Object.keys(MONTHS);
  // references whose tolerance boundary (ref + tolerance) falls inside a day, at midnight, around new year and a leap day
  const refs = ['2026-11-21T12:00:00Z', '2026-12-31T23:30:00Z', '2027-01-01T00:00:00Z', '2028-02-28T06:15:00Z', '2026-11-20T00:00:00Z'].map(Date.parse);
  const tolerances = [0, 48 * 3_600_000, 3_600_000 * 7 + 1234];
  let checked = 0;
  for (const refMs of refs) {
    for (const toleranceMs of tolerances) {
      const e: LineEnv = { ...env, refMs, toleranceMs };
      for (let dd = -3; dd <= 3; dd++) {
        const day = new Date(refMs + toleranceMs + dd * 86_400_000);
        const mo = day.getUTCMonth() + 1;
        const d = day.getUTCDate();
        // every hour of the day, minutes and seconds that straddle the boundary, and a leap second
        for (const [h, mi, s] of [...Array.from({ length: 24 }, (_, h) => [h, 0, 0]), [day.getUTCHours(), day.getUTCMinutes(), day.getUTCSeconds()], [23, 59, 59], [23, 59, 60], [0, 0, 0], [12, 30, 60]]) {
          for (const ms of [0, 999]) {
            const stamp = `${months[mo - 1]} ${String(d).padStart(2, ' ')} ${String(h).padStart(2, '0')}:${String(mi).padStart(2, '0')}:${String(s).padStart(2, '0')}.${String(ms).padStart(3, '0')}`;
            const got = parseSyslogLine(`${stamp} web1 sshd[1]: x`, e)?.timeMs;
            assert.equal(got, inferSyslogYear(mo, d, h!, mi!, s!, ms, UTC_ZONE, refMs, toleranceMs), `${stamp} ref ${new Date(refMs).toISOString()} tolerance ${toleranceMs}`);
            checked++;
          }
        }
      }
    }
  }
  // Feb 29 picks the latest leap year that fits, on either side of a shortcut day
  for (const line of ['Feb 28 10:00:00 h sshd[1]: x', 'Feb 29 10:00:00 h sshd[1]: x', 'Mar  1 10:00:00 h sshd[1]: x', 'Feb 29 23:59:60 h sshd[1]: x']) {
    const [mon, d, time] = line.split(/ +/);
    const [h, mi, s] = time!.split(':').map(Number);
    assert.equal(parseSyslogLine(line, env)?.timeMs, inferSyslogYear(MONTHS[mon!]!, Number(d), h!, mi!, s!, 0, UTC_ZONE, env.refMs, env.toleranceMs), line);
  }
  assert.ok(checked > 1000);
});
