/**
 * Byte-identity check for the decode worker: runs a fixed corpus of bodies through
 * decodeChunkPacked and writes everything it returns (every row's key, body, time and strings,
 * every dead letter's reason and text, the counts, or the chunk's error) to one file, so the
 * output of two builds can be compared byte for byte (`cmp`) after a change to the worker path.
 *
 *   node --import tsx alert-service/bench/decode-check.ts OUT_FILE
 *
 * The corpus, all from the repository (no ../shared): every body under test/fixtures/ (Fluent Bit
 * captures with their headers, the journald request, Windows and Sysmon samples, journalctl
 * lines), every line of every log file there wrapped as tail records (with and without inode,
 * offset, host; CRLF), those lines as parsed and app JSON records, records mutated to fail schema
 * validation in every way, seeded random records and lines built from log syntax, edge-case
 * bodies (bad JSON, too deep, blank lines, unknown shapes, invalid UTF-8), and the benchmarks'
 * record mix (bench/record-mix.ts). Each body runs under the default config and under a variant
 * (zone, host form, message and extra limits), in a fixed order with a fixed receive time, so
 * the worker's memos see the same sequence in every run.
 */
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { gzipSync } from 'node:zlib';
import { loadConfig } from '../src/config/load.js';
import { decodeChunkPacked, type DecodeSettings } from '../src/ingest/decode.js';
import { unpackRows } from '../src/ingest/packed-rows.js';
import { mulberry32 } from '../src/anomaly/forest/rng.js';
import { line as mixLine } from './record-mix.js';

const ROOT = join(import.meta.dirname, '..', '..');
const FIXTURES = join(ROOT, 'test', 'fixtures');
const RECEIVED_MS = Date.parse('2026-11-22T00:00:07.250Z');

interface Body {
  name: string;
  body: Uint8Array;
  encoding?: string;
  tag?: string;
}

const bodies: Body[] = [];
const jsonBody = (name: string, records: unknown[], tag?: string, gzip = true): void => {
  const text = Buffer.from(JSON.stringify(records));
  bodies.push({ name, body: gzip ? gzipSync(text) : text, ...(gzip ? { encoding: 'gzip' } : {}), ...(tag !== undefined ? { tag } : {}) });
};
const textBody = (name: string, text: string | Buffer, tag?: string): void => {
  bodies.push({ name, body: typeof text === 'string' ? Buffer.from(text) : text, ...(tag !== undefined ? { tag } : {}) });
};
const chunked = <T>(xs: T[], n: number): T[][] => {
  const out: T[][] = [];
  for (let i = 0; i < xs.length; i += n) out.push(xs.slice(i, i + n));
  return out;
};

function walk(dir: string): string[] {
  const out: string[] = [];
  for (const f of readdirSync(dir).sort()) {
    const p = join(dir, f);
    if (statSync(p).isDirectory()) out.push(...walk(p));
    else out.push(p);
  }
  return out;
}
const files = walk(FIXTURES).filter((p) => !p.includes('/sigmahq/rules/') && !p.includes('/openapi/'));
const rel = (p: string) => relative(FIXTURES, p);

// 1. Captured bodies, as sent (with their headers).
for (const p of files.filter((f) => f.endsWith('.body'))) {
  const headersFile = p.endsWith('request.body') ? p.replace('request.body', 'request.headers.json') : p.replace(/\.body$/, '.headers.json');
  const { headers } = JSON.parse(readFileSync(headersFile, 'utf8')) as { headers: Record<string, string> };
  bodies.push({ name: rel(p), body: readFileSync(p), ...(headers['Content-Encoding'] ? { encoding: headers['Content-Encoding'] } : {}), ...(headers['X-Fluent-Tag'] ? { tag: headers['X-Fluent-Tag'] } : {}) });
}

// 2. JSON arrays of records (Windows, Sysmon, journald) and JSON lines (journalctl).
const recordPool: Record<string, unknown>[] = [];
for (const p of files.filter((f) => f.endsWith('.json') && !f.endsWith('headers.json') && !f.endsWith('index.json'))) {
  const text = readFileSync(p, 'utf8');
  let records: unknown[];
  try {
    const v = JSON.parse(text) as unknown;
    records = Array.isArray(v) ? v : [v];
  } catch {
    records = text.split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as unknown);
  }
  if (!records.every((r) => typeof r === 'object' && r !== null && !Array.isArray(r))) continue;
  const tag = p.includes('journal') ? 'journal.x' : 'windows.x';
  jsonBody(rel(p), records, tag);
  textBody(`${rel(p)} (json_lines)`, records.map((r) => JSON.stringify(r)).join('\n'), tag);
  recordPool.push(...(records as Record<string, unknown>[]));
}

// 3. Every line of every log file, as the tail records our agents send, in several forms.
const logFiles = files.filter((f) => /\.log$|\/sshd(-journal)?$|\/var-log-syslog$/.test(f));
const allLines: Array<{ path: string; line: string }> = [];
for (const p of logFiles) {
  const lines = readFileSync(p, 'utf8').split('\n').filter((l, i, a) => i < a.length - 1 || l !== '');
  const path = '/var/log/' + rel(p).replace(/[^A-Za-z0-9.]+/g, '-');
  for (const l of lines) allLines.push({ path, line: l });
  const fb = (i: number) => new Date(RECEIVED_MS - 60_000 + i * 7).toISOString();
  jsonBody(`${rel(p)} tail+inode`, lines.map((l, i) => ({ fb_time: fb(i), log: l, file: path, offset: i * 97, inode: 4242 + (i >> 6), hostname: 'web1.example.com', source_kind: undefined })));
  jsonBody(`${rel(p)} tail by path`, lines.map((l, i) => ({ fb_time: fb(i), log: l, file: path, offset: i * 97, hostname: i % 3 ? 'db1' : 'WEB2.Example.COM' })), 'app.file');
  jsonBody(`${rel(p)} tail, no offset, epoch date`, lines.map((l, i) => ({ date: (RECEIVED_MS - 5000 + i) / 1000, log: l + (i % 5 === 0 ? '\r\n' : ''), file: path })));
  jsonBody(`${rel(p)} tail, kinds`, lines.map((l, i) => ({ log: l, offset: i, source_kind: ['auth', 'syslog', 'web_access', 'web_error', 'app', 'windows'][i % 6] })), 'syslog.x', false);
}

// 4. Parsed shapes built from those lines: syslog parser output, web parser output, app JSON.
const rand = mulberry32(8).next;
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
const parsed: Record<string, unknown>[] = [];
for (const [i, { path, line }] of allLines.entries()) {
  const m = /^(\w{3} [ \d]\d \d\d:\d\d:\d\d) (\S+) ([^\s[:]+)(?:\[(\d+)\])?: (.*)$/.exec(line);
  if (m) parsed.push({ time: m[1], host: m[2], ident: m[3], ...(m[4] ? { pid: i % 2 ? m[4] : Number(m[4]) } : {}), message: m[5], file: path, offset: i, hostname: 'web1', ...(i % 4 === 0 ? { pri: String(i % 192) } : {}) });
  const w = /^(\S+) \S+ (\S+) \[([^\]]+)\] "(\S+) (\S+)[^"]*" (\d{3}) (\d+|-) "([^"]*)" "([^"]*)"/.exec(line);
  if (w) parsed.push({ remote: w[1], user: w[2], time: w[3], method: w[4], path: w[5], code: i % 2 ? w[6] : Number(w[6]), size: w[7], referer: w[8], agent: w[9], file: path, offset: i });
  if (line.startsWith('{')) {
    try {
      const o = JSON.parse(line) as Record<string, unknown>;
      if (typeof o === 'object' && o !== null && !Array.isArray(o)) parsed.push({ ...o, file: path, offset: i, hostname: 'app1' });
    } catch {
      // not JSON after all
    }
  }
}
for (const [k, part] of chunked(parsed, 400).entries()) jsonBody(`parsed records ${k}`, part, k % 2 ? 'app.parsed' : undefined);
recordPool.push(...parsed);

// 5. Records mutated to exercise every schema check, classification and normalization branch.
const VALUES: unknown[] = [null, true, 0, -1, 1.5, 2 ** 53 + 2, '', ' ', 'x', '2026-11-21T10:00:01.120Z', '1795304879.5', 'Nov 21 10:00:01', '200', '99999', 'a'.repeat(300), '\ud800x', 'café', [], ['x'], {}, { a: { b: 1 } }];
const mutated: Record<string, unknown>[] = [];
for (const [i, rec] of recordPool.entries()) {
  if (i % 3 !== 0) continue;
  const keys = Object.keys(rec);
  const m: Record<string, unknown> = { ...rec };
  const k = pick(keys);
  if (rand() < 0.3) delete m[k];
  else m[k] = pick(VALUES);
  if (rand() < 0.2) m[pick(['hostname', 'file', 'offset', 'inode', 'source_kind', 'fb_time', 'date', 'level', 'time', 'pid', 'code'])] = pick(VALUES);
  mutated.push(m);
}
for (const [k, part] of chunked(mutated, 300).entries()) jsonBody(`mutated records ${k}`, part, 'app.mutated');

// 6. Seeded random lines and records from fragments of log syntax (as test/normalize/fuzz.test.ts).
const FRAGMENTS = [
  'Nov 21 10:00:01 ', 'Feb 29 23:59:60 ', '2026-11-21T10:10:01.482311+00:00 ', '<34>', '<999>', '1 ', 'web1 ', 'FS01.corp.example.com ', 'sshd[3101]: ', 'sudo: ', 'su[1]: ', 'kernel: ',
  'Failed password for ', 'invalid user ', 'Accepted publickey for ', 'Invalid user ', ' from ', ' port ', '203.0.113.7', '2001:db8::42', '::ffff:1.2.3.4', '999.1.1.1', '[', ']', '"', '\\', '\\"',
  'pam_unix(sshd:auth): authentication failure; ', 'rhost=', 'user=', ' ; ', 'USER=root', 'COMMAND=/bin/sh', ' : ', '(to root) ',
  '198.51.100.20 - - [21/Nov/2026:10:00:01 +0000] "', 'GET /x HTTP/1.1', '" 200 612 "-" "', '2026/11/21 10:00:03 [error] 811#811: *19 ', ', client: ', ', request: "',
  '2026-11-21 10:00:05,113 ', 'ERROR ', 'WARN ', '{', '}', '"msg":', '"level":', '"time":', '60', '"x"', ',', ':',
  '\u0000', '\u0007', '\r', '\n', '\t', '😀', '\ud800', 'é', ' ', 'error', 'failed', 'Out of memory', 'Traceback (most recent call last):',
];
const randomLine = () => {
  let s = '';
  for (let n = 1 + Math.floor(rand() * 14); n > 0; n--) s += pick(FRAGMENTS);
  return s;
};
const KEYS = ['log', 'file', 'offset', 'inode', 'hostname', 'source_kind', 'time', 'host', 'ident', 'pid', 'message', 'remote', 'user', 'method', 'path', 'code', 'size', 'referer', 'agent', 'msg', 'level', 'ts',
  'EventID', 'EventRecordID', 'Channel', 'Computer', 'TimeCreated', 'Level', 'EventData', 'RecordNumber', 'ComputerName', 'TimeGenerated', 'MESSAGE', '_HOSTNAME', 'PRIORITY', '__CURSOR', '__proto__', 'fb_time'];
const TEMPLATES: Array<Record<string, unknown>> = [
  { log: 'x' }, { ident: 'sshd', message: 'x' }, { remote: '1.2.3.4', code: '200' }, { msg: 'x' },
  { EventID: 1, EventRecordID: 1, Channel: 'Security', Computer: 'h', TimeCreated: '2026-11-21 10:00:00 +0100' },
  { RecordNumber: 1, EventID: 1, Channel: 'System', ComputerName: 'h', TimeGenerated: '2026-11-21 10:00:00 +0100' },
  { MESSAGE: 'x', _HOSTNAME: 'h', SYSLOG_IDENTIFIER: 'sshd', PRIORITY: '6' },
];
const randomValue = (): unknown => {
  const r = rand();
  if (r < 0.45) return randomLine();
  if (r < 0.6) return Math.floor(rand() * 100000) - 10;
  if (r < 0.65) return rand() * 1e13;
  if (r < 0.7) return null;
  if (r < 0.75) return rand() < 0.5;
  if (r < 0.85) return { k: randomLine(), n: [1, randomLine()] };
  return [randomLine()];
};
const fuzzed: string[] = [];
for (let i = 0; i < 6000; i++) {
  const rec: Record<string, unknown> = i % 2 ? { ...TEMPLATES[i % TEMPLATES.length]! } : { log: randomLine(), file: '/var/log/' + pick(['auth.log', 'syslog', 'nginx/access.log', 'nginx/error.log', 'app/x.log', 'secure']), offset: i, hostname: pick(['web1', 'db1.example.com', '', 'HOST']) };
  for (let n = Math.floor(rand() * 6); n > 0; n--) Object.defineProperty(rec, pick(KEYS), { value: randomValue(), enumerable: true, configurable: true, writable: true });
  fuzzed.push(JSON.stringify(rec));
}
for (const [k, part] of chunked(fuzzed, 500).entries()) {
  if (k % 2) textBody(`fuzzed json_lines ${k}`, part.join('\n'), pick(['auth.x', 'syslog.x', 'app.x', 'web.access', undefined]));
  else textBody(`fuzzed array ${k}`, '[' + part.join(',') + ']', 'app.fuzz');
}

// 7. Edge-case bodies.
const deep = (n: number) => '['.repeat(n) + ']'.repeat(n);
const deepRec = (n: number) => `{"log":"x","d":${deep(n)}}`;
const edge: Array<[string, string | Buffer]> = [
  ['empty', ''], ['spaces', '  \n\t '], ['bad json array', '[{"log":"x"},'], ['bad json lines', '{"log":"a"}\n{nope\n{"log":"b"}'], ['only bad lines', '{nope\n[1,'],
  ['not objects', '[1,"x",null,[],true,{"log":"ok"}]'], ['blank records', '[{"log":""},{"log":"  \\r\\n"},{"MESSAGE":" ","_HOSTNAME":"h","PRIORITY":"6"},{"log":"x"}]'],
  ['unknown shapes', '[{"a":1},{"hostname":"h"},{"time":"Nov 21 10:00:01","host":"h","message":"m"},{"message":"m","host":"h","time":"x"}]'],
  ['too deep record', `[${deepRec(40)},{"log":"after"}]`], ['too deep only', `[${deepRec(40)}]`], ['too deep line', `${deepRec(40)}\n{"log":"after"}`], ['depth at limit', `[{"log":"x","d":${deep(31)}}]`],
  ['strings with brackets', '[{"log":"[[[[{{{{\\"]]]]","file":"/var/log/a\\\\\\"b"}]'], ['trailing text', '[{"log":"x"}] x'], ['nested arrays', '[[{"log":"x"}]]'], ['empty array', '[]'], ['bom', '\ufeff[{"log":"x"}]'],
  ['invalid utf-8', Buffer.concat([Buffer.from('[{"log":"caf'), Buffer.from([0xe9, 0xff, 0xc3]), Buffer.from('","file":"/var/log/syslog"}]')])],
  ['lone surrogates', '[{"log":"\\ud800 sshd[1]: Failed password for root from 1.2.3.4 port 22 ssh2","file":"/var/log/auth.log","offset":1}]'],
  ['crlf lines', '{"log":"a\\r"}\r\n{"log":"b"}\r\n'], ['many dates', '[{"fb_time":1795304879,"log":"a"},{"fb_time":"1795304879123","log":"b"},{"date":"2026-11-21 10:00:01.5","log":"c"},{"fb_time":"garbage","log":"d"},{"fb_time":"2026-02-30T10:00:00.000Z","log":"e"},{"fb_time":"2026-11-21T23:59:60.000Z","log":"f"},{"fb_time":"1969-12-31T23:59:59.999Z","log":"g"}]'],
  ['proto keys', '[{"__proto__":{"x":1},"log":"a","file":"/f"},{"constructor":"x","msg":"m"},{"0":"n","log":"x"}]'],
  ['huge offset', '[{"log":"x","file":"/f","offset":281474976710656},{"log":"y","file":"/f","offset":9007199254740993}]'],
  ['deep json log lines', JSON.stringify([16, 17, 40].flatMap((n) => [{ log: '{"msg":"x","d":' + deep(n - 1) + '}', file: '/var/log/app/x.log', offset: n, source_kind: 'app' }, { log: '{"msg":"y","d":' + deep(n - 1) + ',}', file: '/var/log/app/x.log', offset: n + 100, source_kind: 'app' }]))],
  ['deep invalid lines', `${deepRec(40)},\n{"log":"x","d":${deep(31)}}\n{"log":"y","d":${deep(31)}\n{"log":"after"}`],
  ['long line', JSON.stringify([{ log: 'Nov 21 10:00:01 web1 sshd[1]: ' + 'x'.repeat(70000), file: '/var/log/auth.log', offset: 0 }, { msg: 'y'.repeat(20000), level: 'error', extra: 'z'.repeat(9000) }])],
];
for (const [name, text] of edge) textBody(`edge: ${name}`, text);
textBody('edge: not gzip', Buffer.from('hello'), undefined);
bodies[bodies.length - 1]!.encoding = 'gzip';
bodies.push({ name: 'edge: unsupported encoding', body: Buffer.from('[]'), encoding: 'br' });

// 8. The benchmark mix (what bench/decode-worker.ts and bench:ingest send).
const mix = Array.from({ length: 20_000 }, (_, i) => {
  const l = mixLine(i);
  return { fb_time: new Date(1795304879000 + i).toISOString(), file: l.file, offset: i * 120, log: l.log, hostname: `web${i % 20}`, source_kind: l.kind };
});
for (const [k, part] of chunked(mix, 1000).entries()) jsonBody(`bench mix ${k}`, part, 'bench');

// --- run
const defaults = loadConfig({});
const variant = structuredClone({ ingest: defaults.ingest, normalize: defaults.normalize }) as DecodeSettings;
Object.assign(variant.normalize, { timezone: 'Europe/Berlin', host_form: 'full', host_timezones: { web1: 'America/New_York', 'db1.example.com': 'Asia/Kolkata' }, max_message_chars: 200, max_extra_keys: 3, max_extra_chars: 100 });
Object.assign(variant.ingest, { max_depth: 8, max_dead_letters_per_chunk: 5 });
const configs: Array<[string, DecodeSettings]> = [['default', { ingest: defaults.ingest, normalize: defaults.normalize }], ['variant', variant]];

const out: string[] = [];
let rowCount = 0;
let errorCount = 0;
let deadCount = 0;
for (const [cname, settings] of configs) {
  for (const b of bodies) {
    out.push(`## ${cname} ${b.name}`);
    try {
      const r = await decodeChunkPacked({ body: new Uint8Array(b.body), receivedAtMs: RECEIVED_MS, ...(b.encoding ? { contentEncoding: b.encoding } : {}), ...(b.tag !== undefined ? { tag: b.tag } : {}) }, settings);
      out.push(`records ${r.records} blank ${r.blank} decoded ${r.decodedBytes} dead ${r.deadLetterCount}`);
      for (const d of r.deadLetters) out.push(`dead ${JSON.stringify([d.receivedAt.toISOString(), d.tag ?? null, d.reason, d.record])}`);
      deadCount += r.deadLetterCount;
      // The pack itself (string table order included), then each row as the main thread unpacks it.
      const p = r.packed;
      out.push(`pack ${createHash('sha256').update(p.text).update(new Uint8Array(p.lengths.buffer, p.lengths.byteOffset, p.lengths.byteLength)).update(p.bytes).update(new Uint8Array(p.byteLengths.buffer, p.byteLengths.byteOffset, p.byteLengths.byteLength)).update(new Uint8Array(p.timesMs.buffer, p.timesMs.byteOffset, p.timesMs.byteLength)).digest('hex')}`);
      for (const row of unpackRows(p)) {
        rowCount++;
        out.push(`row ${Buffer.from(row.key).toString('hex')} ${row.timeMs} ${JSON.stringify([row.host, row.kind, row.stream, row.program ?? null])} ${Buffer.from(row.body).toString('hex')}`);
      }
    } catch (err) {
      errorCount++;
      const e = err as { status?: number; code?: string; message: string };
      out.push(`error ${e.status ?? ''} ${e.code ?? ''} ${e.message}`);
    }
  }
}
const text = out.join('\n') + '\n';
const file = process.argv[2] ?? '/tmp/decode-check.txt';
writeFileSync(file, text);
console.log(`decode check: ${bodies.length} bodies × ${configs.length} configs, ${rowCount} rows, ${deadCount} dead letters, ${errorCount} chunk errors → ${file} (sha256 ${createHash('sha256').update(text).digest('hex').slice(0, 16)})`);
