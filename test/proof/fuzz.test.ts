/**
 * Seeded fuzz with a fixed number of cases (a failure reproduces from its seed and case number):
 * - the ingest route over a real socket: random bytes, truncated gzip, gzip bombs, huge fields,
 *   deep nesting, invalid UTF-8, `__proto__`/`constructor` keys, regex-bomb lines, and chunks
 *   mixing valid and invalid records. Never a 5xx, every error answer JSON, every valid record
 *   of a mixed chunk stored, the service answering throughout;
 * - every normalizer entry point (raw lines of every source kind, records of every shape, the
 *   offline CLI's file reader): a valid event or a NormalizeError, nothing else;
 * - the Sigma loader over random YAML-ish rules: a loaded rule, a skipped one with its reason, or
 *   an error naming the file; never a crash of another kind, never a hang.
 * Bounded by each test's timeout, not by wall-clock asserts.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { LogEvent, SourceKind } from '../../alert-service/src/generated/schema-types.js';
import { classifyRecord, normalizeRawLine, normalizeRecord, NormalizeError } from '../../alert-service/src/normalize/index.js';
import { readLogFile } from '../../alert-service/src/detect/input.js';
import { loadRuleSet } from '../../alert-service/src/detect/ruleset.js';
import { RuleLoadError } from '../../alert-service/src/detect/loader.js';
import { validatorFor } from '../../alert-service/src/schema/registry.js';
import { startTestService, type TestService } from '../helpers/service.js';
import { allEvents, post, seededRandom } from './helpers.js';

// ------------------------------------------------------------------ hostile material

/** Invalid UTF-8: lone continuation bytes, overlongs, surrogates encoded, truncated sequences. */
const BAD_UTF8 = [Buffer.from([0x80]), Buffer.from([0xc0, 0xaf]), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from([0xf4, 0x90, 0x80, 0x80]), Buffer.from([0xe2, 0x82]), Buffer.from([0xff, 0xfe])];
/** Lines built to make backtracking regexes explode (long runs with a failing tail). */
const REGEX_BOMBS = [
  `Nov 21 10:00:00 web1 sshd[1]: Failed password for ${'a '.repeat(20_000)}! from`,
  `Nov 21 10:00:00 web1 sshd[1]: ${'Invalid user '.repeat(3000)}x from ${'1.'.repeat(5000)}`,
  `${'1.1.1.1 - - ['.repeat(3000)}`,
  `"${'\\"'.repeat(20_000)}`,
  `Nov 21 10:00:00 web1 sudo: ${' ; '.repeat(20_000)}COMMAND=`,
  `2026/11/21 10:00:03 [error] 1#1: ${', client: '.repeat(8000)}`,
  `{"msg":"${'a'.repeat(60_000)}`,
  `<34>1 ${'- '.repeat(30_000)}`,
];
const KEYS = ['log', 'file', 'offset', 'hostname', 'source_kind', 'message', 'ident', 'pid', 'remote', 'code', 'EventID', 'EventRecordID', 'Channel', 'Computer', 'TimeCreated', 'EventData', 'MESSAGE', '_HOSTNAME', 'SYSLOG_IDENTIFIER', '__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty'];

function pick<T>(rand: () => number, xs: readonly T[]): T {
  return xs[Math.floor(rand() * xs.length)]!;
}
function randomText(rand: () => number, max = 200): string {
  const n = Math.floor(rand() * max);
  let s = '';
  for (let i = 0; i < n; i++) {
    const r = rand();
    s += r < 0.7 ? String.fromCharCode(32 + Math.floor(rand() * 95)) : r < 0.8 ? pick(rand, ['\u0000', '\n', '\r', '\t', '\u2028', '\ud800', '\udfff', '😀', 'é', '\u202e']) : pick(rand, ['Failed password for ', ' from ', ' port ', 'sshd[1]: ', '203.0.113.7', '[', ']', '"', '\\', '{', '}']);
  }
  return s;
}
/** JSON nested `depth` levels deep, as text (JSON.stringify itself would overflow the stack). */
function deepText(depth: number): string {
  const half = Math.floor(depth / 2);
  return '{"a":['.repeat(half) + '1' + ']}'.repeat(half);
}
function randomValue(rand: () => number, depth = 0): unknown {
  const r = rand();
  if (r < 0.4) return randomText(rand);
  if (r < 0.5) return Math.floor(rand() * 1e9) - 1e6;
  if (r < 0.55) return pick(rand, [NaN, 1e308, -0, 2 ** 53 + 1]);
  if (r < 0.6) return null;
  if (r < 0.65) return rand() < 0.5;
  if (r < 0.7) return pick(rand, REGEX_BOMBS);
  if (r < 0.75) return 'x'.repeat(Math.floor(rand() * 20_000)); // long; the huge ones are case 3
  if (depth < 3 && r < 0.9) return Object.fromEntries(Array.from({ length: 1 + Math.floor(rand() * 4) }, () => [pick(rand, KEYS), randomValue(rand, depth + 1)]));
  return [randomValue(rand, depth + 1)];
}
/** A record as an attacker could shape it (JSON text, so `__proto__` is a real own key after JSON.parse). */
function randomRecordJson(rand: () => number): string {
  const n = 1 + Math.floor(rand() * 6);
  const parts = Array.from({ length: n }, () => `${JSON.stringify(pick(rand, KEYS))}:${JSON.stringify(randomValue(rand)) ?? 'null'}`);
  return `{${parts.join(',')}}`;
}

// ------------------------------------------------------------------ the ingest route

let t: TestService;
let base: string;
before(async () => {
  // Small limits so that bombs and floods reach them fast; the behaviour at each limit is the same.
  t = await startTestService({ ingest: { max_decoded_bytes: 2 * 1024 * 1024, max_body_bytes: 1024 * 1024, max_records: 2000 }, anomaly: { enabled: false }, alerting: { geoip: { enabled: false } } as never });
  base = `http://127.0.0.1:${await t.service.listen()}`;
});
after(async () => t.close());

/** Two gzip bombs (zeros; one JSON string of spaces), far past max_decoded_bytes; built once. */
let bombCache: Buffer[] | undefined;
const bombs = () => (bombCache ??= [gzipSync(Buffer.alloc(16 * 1024 * 1024)), gzipSync(Buffer.from(`[{"log":"${' '.repeat(8 * 1024 * 1024)}"}]`))]);

/** A valid record that must be stored, identified by its marker. */
const validRecord = (marker: string, i: number) => ({ log: `Nov 21 10:00:00 fuzzvalid app[1]: keep ${marker}`, file: '/var/log/fuzz.log', offset: i, hostname: 'fuzzvalid', source_kind: 'syslog' });

test('200 seeded hostile bodies to /v1/ingest: no 5xx, every error JSON, every valid record of a mixed chunk stored', { timeout: 240_000 }, async () => {
  const rand = seededRandom(20261201);
  const kept: string[] = [];
  const statuses = new Map<number, number>();
  const CASES = 200;
  for (let c = 0; c < CASES; c++) {
    const kind = c % 10;
    let body: Buffer;
    let headers: Record<string, string> = { 'Content-Type': 'application/json', 'X-Fluent-Tag': 'fuzz' };
    let mixed = false;
    switch (kind) {
      case 0: // random bytes, sometimes claiming gzip
        body = Buffer.from(Array.from({ length: Math.floor(rand() * 4096) }, () => Math.floor(rand() * 256)));
        if (rand() < 0.5) headers['Content-Encoding'] = 'gzip';
        break;
      case 1: {
        // a valid gzip body cut short
        const full = gzipSync(JSON.stringify(Array.from({ length: 50 }, (_, i) => validRecord(`t${c}`, i))));
        body = full.subarray(0, Math.floor(rand() * (full.length - 1)));
        headers['Content-Encoding'] = 'gzip';
        break;
      }
      case 2: // a gzip bomb: zeros, or a JSON string of spaces, far past max_decoded_bytes
        body = pick(rand, bombs());
        headers['Content-Encoding'] = 'gzip';
        break;
      case 3: // huge fields (within the body limit)
        body = Buffer.from(JSON.stringify([{ log: 'A'.repeat(500_000 + Math.floor(rand() * 400_000)), file: '/var/log/x', offset: c, hostname: 'h'.repeat(5000), source_kind: 'syslog', extra: 'e'.repeat(100_000) }]));
        break;
      case 4: // deep nesting, in an array or alone
        body = Buffer.from(rand() < 0.5 ? `[${deepText(40 + Math.floor(rand() * 5000))}]` : deepText(100_000));
        break;
      case 5: {
        // invalid UTF-8 inside JSON strings
        const bad = pick(rand, BAD_UTF8);
        body = Buffer.concat([Buffer.from('[{"log":"Nov 21 10:00:00 web1 sshd[1]: Failed password for '), bad, Buffer.from(' from 203.0.113.9 port 1 ssh2","file":"/var/log/auth.log","offset":'), Buffer.from(String(c)), Buffer.from(',"hostname":"'), bad, Buffer.from('","source_kind":"auth"}]')]);
        break;
      }
      case 6: // prototype keys at every level
        body = Buffer.from(`[{"__proto__":{"admin":true,"source_kind":"auth"},"constructor":{"prototype":{"polluted":1}},"log":"Nov 21 10:00:00 web1 app[1]: proto ${c}","file":"/var/log/syslog","offset":${c},"hostname":"web1","source_kind":"syslog","EventData":{"__proto__":"x"}}]`);
        break;
      case 7: // regex-bomb lines as logs of every kind
        body = Buffer.from(JSON.stringify(REGEX_BOMBS.map((log, i) => ({ log, file: pick(rand, ['/var/log/auth.log', '/var/log/nginx/access.log', '/var/log/nginx/error.log', '/var/log/app.log', '/var/log/syslog']), offset: c * 100 + i, hostname: 'web1' }))));
        break;
      default: {
        // mixed: valid records with markers among random, invalid ones, as json or json_lines
        mixed = true;
        const recs: string[] = [];
        for (let i = 0; i < 20; i++) {
          if (rand() < 0.4) {
            const marker = `m${c}-${i}`;
            kept.push(marker);
            recs.push(JSON.stringify(validRecord(marker, c * 100 + i)));
          } else recs.push(randomRecordJson(rand));
        }
        const lines = rand() < 0.5;
        if (lines) headers = { ...headers, 'Content-Type': 'application/x-ndjson' };
        const text = lines ? recs.join('\n') : `[${recs.join(',')}]`;
        body = rand() < 0.5 ? gzipSync(text) : Buffer.from(text);
        if (body[0] === 0x1f) headers['Content-Encoding'] = 'gzip';
      }
    }
    const res = await post(`${base}/v1/ingest`, headers, body);
    statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
    assert.ok(res.status !== 0, `case ${c}: the connection failed`);
    assert.ok(res.status < 500, `case ${c} (kind ${kind}): ${res.status} ${res.text.slice(0, 300)}`);
    if (mixed) assert.equal(res.status, 204, `case ${c}: a mixed chunk is stored (its bad records dead-lettered): ${res.text.slice(0, 300)}`);
    if (res.status >= 400) {
      assert.match(String(res.headers['content-type']), /application\/json/, `case ${c}: JSON error`);
      const err = JSON.parse(res.text) as { error?: unknown; message?: unknown };
      assert.equal(typeof err.error, 'string', `case ${c}: ${res.text}`);
    }
  }
  assert.equal((await fetch(`${base}/healthz`)).status, 200);
  const stored = new Set((await allEvents(base, {}, '&host=fuzzvalid')).map((e) => /keep (m\d+-\d+)/.exec(e.message)?.[1]));
  const lost = kept.filter((m) => !stored.has(m));
  assert.deepEqual(lost, [], `${lost.length} of ${kept.length} valid records lost; statuses ${JSON.stringify([...statuses])}`);
  // Nothing polluted the prototypes of this process's objects (the service runs in it).
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
  assert.equal(({} as Record<string, unknown>).admin, undefined);
});

// ------------------------------------------------------------------ normalizer entry points

const validEvent = validatorFor('event.schema.json');
const NCFG = { timezone: 'UTC', max_message_chars: 16384 } as const;
const KINDS: SourceKind[] = ['auth', 'syslog', 'web_access', 'web_error', 'app', 'windows'];

function checkEvent(e: LogEvent, what: string): void {
  assert.ok(validEvent(e), `${what}: ${JSON.stringify(validEvent.errors)}`);
  assert.equal(Object.getPrototypeOf(e.fields), Object.prototype, `${what}: fields is a plain object`);
}

test('2,000 seeded hostile lines through normalizeRawLine for every source kind: valid events only', { timeout: 120_000 }, () => {
  const rand = seededRandom(7);
  for (let c = 0; c < 2000; c++) {
    const r = rand();
    const line = r < 0.3 ? pick(rand, REGEX_BOMBS) : r < 0.4 ? Buffer.concat([Buffer.from(randomText(rand)), pick(rand, BAD_UTF8), Buffer.from(randomText(rand))]).toString('utf8') : randomText(rand, 2000);
    const kind = KINDS[c % KINDS.length]!;
    const e = normalizeRawLine(line, { path: pick(rand, ['/var/log/auth.log', '/var/log/nginx/access.log', '/var/log/apache2/error.log', '/var/log/app.log', '']), offset: c, host: randomText(rand, 40), kind }, { receivedAt: new Date('2026-11-21T12:00:00Z'), tag: randomText(rand, 30) }, NCFG);
    checkEvent(e, `line case ${c} (${kind})`);
  }
});

test('2,000 seeded hostile records (prototype keys, deep values, huge fields) through normalizeRecord: a valid event or a NormalizeError', { timeout: 120_000 }, () => {
  const rand = seededRandom(11);
  let events = 0;
  for (let c = 0; c < 2000; c++) {
    const rec = JSON.parse(randomRecordJson(rand)) as Record<string, unknown>;
    // Give some a shape the classifier accepts, so the deeper code runs too.
    if (c % 3 === 0) Object.assign(rec, pick(rand, [{ log: randomText(rand) }, { ident: 'sshd', message: pick(rand, REGEX_BOMBS) }, { remote: '1.2.3.4', code: '200' }, { EventID: 4625, EventRecordID: c, Channel: 'Security', Computer: 'h', TimeCreated: '2026-11-21 10:00:00 +0100', EventData: JSON.parse('{"__proto__":{"x":1},"IpAddress":"203.0.113.5"}') }, { MESSAGE: randomText(rand), _HOSTNAME: 'h', SYSLOG_IDENTIFIER: 'sshd' }]));
    const shape = classifyRecord(rec);
    if (!shape) continue;
    try {
      checkEvent(normalizeRecord(rec, shape, { receivedAt: new Date('2026-11-21T12:00:00Z'), tag: 'fuzz' }, NCFG), `record case ${c} (${shape})`);
      events++;
    } catch (err) {
      assert.ok(err instanceof NormalizeError, `record case ${c} (${shape}): ${(err as Error).stack}`);
    }
  }
  assert.ok(events > 300, `${events} records normalized`);
});

test('the offline CLI reader takes random bytes, invalid UTF-8 and regex bombs in files of every kind name', { timeout: 120_000 }, () => {
  const rand = seededRandom(13);
  const dir = mkdtempSync(join(tmpdir(), 'logward-proof-files-'));
  try {
    for (const [c, name] of ['auth.log', 'access.log', 'error.log', 'syslog', 'app.json', 'events.jsonl', 'unknown.bin'].entries()) {
      const parts: Buffer[] = [];
      for (let i = 0; i < 200; i++) {
        const r = rand();
        parts.push(r < 0.3 ? Buffer.from(Array.from({ length: Math.floor(rand() * 300) }, () => Math.floor(rand() * 256))) : r < 0.5 ? Buffer.from(pick(rand, REGEX_BOMBS)) : r < 0.7 ? Buffer.from(randomRecordJson(rand)) : Buffer.concat([Buffer.from(randomText(rand)), pick(rand, BAD_UTF8)]));
        parts.push(Buffer.from('\n'));
      }
      const file = join(dir, name);
      writeFileSync(file, Buffer.concat(parts));
      const lines = readLogFile(file, { normalize: NCFG });
      assert.ok(lines.length > 0, `file ${c}`);
      for (const l of lines) if (l.event) checkEvent(l.event, `${name}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

// ------------------------------------------------------------------ the Sigma loader

const SIGMA_PIECES = {
  title: ['t', '', '{{x}}', 'a'.repeat(5000), '"quoted"', '[1, 2]', '!!binary aGk='],
  status: ['stable', 'test', 'experimental', 'nonsense', '', '{a: 1}'],
  level: ['high', 'critical', 'low', 'informational', 'bogus', '7'],
  logsource: ['{product: linux, service: auth}', '{product: windows, service: security}', '{category: process_creation, product: windows}', '{category: webserver}', '{}', 'linux', '{product: [a, b]}'],
  selection: ['{CommandLine|contains: x}', '{EventID: 4625}', '{EventID: [4625, "x", null]}', '{message|re: "(a+)+$"}', '{message|re: "(?<=x)y"}', '{message|re: "["}', '{CommandLine|contains|all: [a, b]}', '{CommandLine|base64offset|contains: x}', '{a|unknownmod: 1}', '{"": ""}', '{__proto__: {x: 1}}', '{constructor: 1}', '[]', 'null', '{message|endswith: "' + 'x'.repeat(3000) + '"}', '{message|cidr: 10.0.0.0/8}', '{message|cidr: 999.0.0.0/99}', '{keywords: ["*a*", "?"]}'],
  condition: ['selection', 'selection and not filter', '1 of selection*', 'all of them', 'selection | count() by src_ip > 10', '(((((selection', 'selection and', 'not', '', 'selection or ' .repeat(500) + 'selection', 'nonexistent', '1 of'],
  extra: ['', 'timeframe: 5m', 'timeframe: -1s', 'timeframe: 99999999d', 'correlation: {type: event_count, rules: [x], group-by: [src_ip], timespan: 5m, condition: {gte: 10}}', 'correlation: {type: temporal, rules: []}', 'tags: [attack.t1110]', 'falsepositives: !!js/function "function(){}"', '&a [*a, *a, *a, *a, *a, *a, *a, *a, *a]', 'id: not-a-uuid', 'id: 5b0a3b0e-1111-4111-8111-111111111111'],
};

function randomSigmaDoc(rand: () => number): string {
  const r = rand();
  if (r < 0.08) return randomText(rand, 400); // not YAML at all, or YAML of another shape
  if (r < 0.12) return `a: &a [1]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c]\ne: [*d, *d, *d, *d, *d, *d, *d, *d]`; // alias bomb
  const lines = [`title: ${pick(rand, SIGMA_PIECES.title)}`];
  if (rand() < 0.9) lines.push(`status: ${pick(rand, SIGMA_PIECES.status)}`);
  if (rand() < 0.9) lines.push(`level: ${pick(rand, SIGMA_PIECES.level)}`);
  if (rand() < 0.9) lines.push(`logsource: ${pick(rand, SIGMA_PIECES.logsource)}`);
  if (rand() < 0.95) {
    lines.push('detection:', `  selection: ${pick(rand, SIGMA_PIECES.selection)}`);
    if (rand() < 0.4) lines.push(`  filter: ${pick(rand, SIGMA_PIECES.selection)}`);
    if (rand() < 0.9) lines.push(`  condition: ${JSON.stringify(pick(rand, SIGMA_PIECES.condition))}`);
  }
  const extra = pick(rand, SIGMA_PIECES.extra);
  if (extra) lines.push(extra);
  return lines.join('\n');
}

test('400 seeded random Sigma files: each loads, is skipped with a reason, or fails with an error naming its file', { timeout: 180_000 }, async () => {
  const rand = seededRandom(1414);
  const dir = mkdtempSync(join(tmpdir(), 'logward-proof-sigma-'));
  const outcomes = { loaded: 0, skipped: 0, refused: 0 };
  try {
    for (let c = 0; c < 400; c++) {
      const docs = Array.from({ length: 1 + Math.floor(rand() * 3) }, () => randomSigmaDoc(rand));
      const file = join(dir, `case-${c}.yml`);
      writeFileSync(file, docs.join('\n---\n'));
      try {
        const set = await loadRuleSet({ sigma_status: ['stable', 'test', 'experimental'], sigma_min_level: 'informational' } as never, { files: [file] });
        outcomes.loaded += set.rules.length;
        outcomes.skipped += set.skipped.length;
        for (const s of set.skipped) assert.ok(JSON.stringify(s).length > 10, `case ${c}: a skip says why`);
      } catch (err) {
        outcomes.refused++;
        assert.ok(err instanceof RuleLoadError || (err instanceof Error && err.constructor === Error), `case ${c}: ${(err as Error).stack}`);
        assert.ok((err as Error).message.includes(`case-${c}.yml`), `case ${c}: the error names the file: ${(err as Error).message.slice(0, 300)}`);
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  assert.ok(outcomes.loaded > 0 && outcomes.refused + outcomes.skipped > 0, JSON.stringify(outcomes));
  assert.equal(({} as Record<string, unknown>).x, undefined, 'no prototype pollution');
});
