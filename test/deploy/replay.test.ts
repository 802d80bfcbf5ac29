/**
 * `logward replay` against a real service on loopback: the records are what the repo's tail
 * inputs would emit, chunks are retried as out_http retries them, and a 401 drops a chunk as
 * Fluent Bit drops it. A relay in front of the real service answers 503 once and records what
 * arrives on the wire.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createServer, request, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { startTestService, type TestService } from '../helpers/service.js';
import { replayFiles } from '../../alert-service/src/agent/replay.js';
import { backoffSeconds, settingsFrom } from '../../alert-service/src/agent/out-http.js';
import type { AlertingModule } from '../../alert-service/src/alerting/index.js';

const TOKEN = 'replay-test-token-0123456789';
const root = join(import.meta.dirname, '..', '..');
let t: TestService;
let base: string;
let relay: Server;
let relayBase: string;
let failNext = 0;
const seen: Array<{ status: number; headers: IncomingHttpHeaders; body: Buffer }> = [];
const dir = mkdtempSync(join(tmpdir(), 'logward-replay-'));

const authLines = [
  ...Array.from({ length: 12 }, (_, i) => `Nov 21 10:05:${String(i * 2).padStart(2, '0')} web1 sshd[${5000 + i}]: Failed password for root from 198.51.100.77 port ${50000 + i} ssh2`),
  'Nov 21 10:06:00 web1 sshd[5100]: Accepted publickey for deploy from 198.51.100.20 port 51022 ssh2',
];

before(async () => {
  t = await startTestService({ ingest: { tokens: [TOKEN] }, alerting: { geoip: { enabled: false } } as never });
  base = `http://127.0.0.1:${await t.service.listen()}`;
  // The relay: answers 503 while failNext > 0, else forwards to the service and passes its answer back.
  relay = createServer((req, res) => {
    const parts: Buffer[] = [];
    req.on('data', (d: Buffer) => parts.push(d));
    req.on('end', () => {
      const body = Buffer.concat(parts);
      if (failNext > 0) {
        failNext--;
        seen.push({ status: 503, headers: req.headers, body });
        res.writeHead(503).end();
        return;
      }
      const fwd = request(base + req.url, { method: req.method, headers: req.headers }, (up) => {
        seen.push({ status: up.statusCode ?? 0, headers: req.headers, body });
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      });
      fwd.end(body);
    });
  });
  await new Promise<void>((r) => relay.listen(0, '127.0.0.1', r));
  relayBase = `http://127.0.0.1:${(relay.address() as AddressInfo).port}`;
  mkdirSync(join(dir, 'nginx'));
  writeFileSync(join(dir, 'auth.log'), authLines.join('\n') + '\n');
  writeFileSync(join(dir, 'nginx', 'access.log'), '203.0.113.50 - - [21/Nov/2026:10:00:02 +0000] "GET /wp-login.php HTTP/1.1" 404 153 "-" "python-requests/2.31"\n');
});
after(async () => {
  relay.close();
  await t.close();
  rmSync(dir, { recursive: true, force: true });
});

test('replayed files arrive as the tail inputs emit them, a 503 is retried, and the brute force alerts', async () => {
  failNext = 1;
  const answers: Array<{ status: number; retryInS?: number }> = [];
  const result = await replayFiles([join(dir, 'auth.log'), join(dir, 'nginx', 'access.log')], {
    url: relayBase,
    token: TOKEN,
    hostname: 'web1',
    settings: { schedulerBase: 0, schedulerCap: 1, flushMs: 50 },
    onAnswer: (a) => answers.push({ status: a.status, ...(a.retryInS !== undefined ? { retryInS: a.retryInS } : {}) }),
  });
  assert.equal(result.sentRecords, 14);
  assert.equal(result.dropped.length, 0);
  assert.equal(result.retries, 1);
  assert.deepEqual(answers.filter((a) => a.status === 503), [{ status: 503, retryInS: 1 }]);
  assert.deepEqual(result.files.map((f) => f.tag), [expectTag('auth', join(dir, 'auth.log')), expectTag('web.access', join(dir, 'nginx', 'access.log'))]);

  // On the wire: the agent config's output (uri, gzip, header_tag, Bearer token), one tag per chunk.
  const ok = seen.filter((s) => s.status === 204);
  assert.equal(ok.length, 2);
  const auth = ok.find((s) => String(s.headers['x-fluent-tag']).startsWith('auth.'))!;
  assert.equal(auth.headers['content-encoding'], 'gzip');
  assert.equal(auth.headers['content-type'], 'application/json');
  assert.equal(auth.headers.authorization, `Bearer ${TOKEN}`);
  const records = JSON.parse(gunzipSync(auth.body).toString()) as Array<Record<string, unknown>>;
  assert.equal(records.length, 13);
  // The record shape of fluent-bit/linux/fluent-bit.yaml, keys in the order Fluent Bit writes them.
  assert.deepEqual(Object.keys(records[0]!), ['fb_time', 'file', 'offset', 'inode', 'log', 'source_kind', 'hostname']);
  assert.match(String(records[0]!.fb_time), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
  assert.equal(records[0]!.file, join(dir, 'auth.log'));
  assert.equal(records[0]!.inode, statSync(join(dir, 'auth.log')).ino);
  assert.equal(records[0]!.source_kind, 'auth');
  assert.equal(records[0]!.hostname, 'web1');
  // offset_key is the byte offset of each line's start.
  let offset = 0;
  for (const [i, r] of records.entries()) {
    assert.equal(r.offset, offset);
    assert.equal(r.log, authLines[i]);
    offset += Buffer.byteLength(authLines[i]!) + 1;
  }
  // The 503'd chunk was sent again whole, the same bytes.
  const failed = seen.find((s) => s.status === 503)!;
  assert.ok(ok.some((s) => s.body.equals(failed.body)));

  await t.service.pump.notify();
  assert.equal(t.service.store.countEvents(), 14);
  const alerting = t.service.modules.find((m) => m.name === 'alerting') as AlertingModule;
  const alerts = alerting.listAlerts({ rule: 'ssh-brute-force', limit: 10 });
  assert.equal(alerts.length, 1);
  assert.deepEqual(alerts[0]!.group, { src_ip: '198.51.100.77' });
});

test('replaying the same file again stores nothing twice (host, file, inode and offset identify a line)', async () => {
  const before = t.service.store.countEvents();
  const result = await replayFiles([join(dir, 'auth.log')], { url: base, token: TOKEN, hostname: 'web1', settings: { flushMs: 50 } });
  assert.equal(result.sentRecords, 13);
  assert.equal(t.service.store.countEvents(), before);
});

test('a wrong token drops the chunk without retrying it, as out_http drops a 401', async () => {
  const posts = seen.length;
  const result = await replayFiles([join(dir, 'auth.log')], { url: relayBase, token: 'not-the-token-0123456789', hostname: 'web1', settings: { flushMs: 50 } });
  assert.equal(result.sent, 0);
  assert.deepEqual(result.dropped.map((d) => d.status), [401]);
  assert.equal(result.retries, 0);
  assert.equal(seen.length, posts + 1);
});

test('the scheduler backoff is uniform(base, min(cap, base·2^n)) + 1 s, from the agent config', () => {
  const s = settingsFrom();
  assert.equal(s.schedulerBase, 2);
  assert.equal(s.schedulerCap, 120);
  assert.equal(s.retryLimit, Infinity);
  assert.equal(s.uri, '/v1/ingest');
  assert.equal(backoffSeconds(1, 2, 120, () => 0), 3);
  assert.equal(backoffSeconds(1, 2, 120, () => 0.999), 5);
  assert.equal(backoffSeconds(10, 2, 120, () => 0.999), 121);
});

/** Runs the CLI without blocking this process, which serves the service it talks to. */
function cli(args: string[]): Promise<{ status: number | null; stderr: string }> {
  const env = { ...process.env, LOGWARD_INGEST_TOKEN: '' };
  return new Promise((resolve) => {
    execFile(process.execPath, [join(root, 'alert-service/bin/logward.js'), ...args], { env, encoding: 'utf8', timeout: 120_000 }, (err, _stdout, stderr) => {
      resolve({ status: err ? ((err as { code?: number }).code ?? null) : 0, stderr });
    });
  });
}

test('the CLI replays into the service and exits 2 on a file no tail input reads', async () => {
  const ok = await cli(['replay', '--to', base, '--token', TOKEN, '--hostname', 'web1', join(dir, 'nginx', 'access.log')]);
  assert.equal(ok.status, 0, ok.stderr);
  assert.match(ok.stderr, /sent 1 of 1 records in 1 chunks/);
  writeFileSync(join(dir, 'notes.txt'), 'hello\n');
  const bad = await cli(['replay', '--to', base, '--token', TOKEN, join(dir, 'notes.txt')]);
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /no tail input/);
});

function expectTag(prefix: string, path: string): string {
  return `${prefix}.${path.replace(/\//g, '.').replace(/^\.+/, '')}`;
}
