/** The service over real sockets: health, readiness, metrics, API auth, keep-alive, start-up refusals. */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { readFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { startTestService, type TestService } from '../helpers/service.js';
import { loadConfig } from '../../alert-service/src/config/load.js';
import { createService } from '../../alert-service/src/service.js';

let t: TestService;
let base: string;
before(async () => {
  t = await startTestService({ ingest: { tokens: ['service-token-1234'] } });
  base = `http://127.0.0.1:${await t.service.listen()}`;
});
after(() => t.close());

test('healthz, readyz and metrics answer', async () => {
  assert.deepEqual(await (await fetch(`${base}/healthz`)).json(), { status: 'ok' });
  const ready = await fetch(`${base}/readyz`);
  assert.equal(ready.status, 200);
  const metrics = await (await fetch(`${base}/metrics`)).text();
  for (const name of ['logward_ingest_records_total', 'logward_ingest_latency_seconds', 'logward_ingest_rejected_total', 'logward_pipeline_backlog_events']) assert.match(metrics, new RegExp(`# TYPE ${name} `));
});

test('keep-alive outlasts Fluent Bit\'s 30 s idle timeout', async () => {
  const res = await fetch(`${base}/healthz`);
  assert.match(res.headers.get('keep-alive') ?? '', /timeout=65/);
});

test('the API answers loopback clients without a token when none is configured', async () => {
  const res = await fetch(`${base}/api/events?limit=5`);
  assert.equal(res.status, 200);
  assert.deepEqual(await res.json(), { events: [] });
  const bad = await fetch(`${base}/api/events?limit=0`);
  assert.equal(bad.status, 400);
  assert.match(((await bad.json()) as { message: string }).message, /limit must be an integer/);
});

test('with server.api_token, the API needs it', async () => {
  const s = await startTestService({ server: { api_token: 'api-token-0123456789' } });
  const b = `http://127.0.0.1:${await s.service.listen()}`;
  try {
    assert.equal((await fetch(`${b}/api/events`)).status, 401);
    assert.equal((await fetch(`${b}/api/events`, { headers: { Authorization: 'Bearer api-token-0123456789' } })).status, 200);
  } finally {
    await s.close();
  }
});

test('refuses to listen beyond loopback with an open ingest', async () => {
  const config = loadConfig({ env: {}, overrides: { server: { host: '0.0.0.0' }, storage: { path: ':memory:' } } });
  await assert.rejects(createService(config, { defaultMetrics: false }), /ingest\.tokens is empty but server\.host is 0\.0\.0\.0/);
});

const cli = join(import.meta.dirname, '..', '..', 'alert-service', 'bin', 'logward.js');
function run(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [cli, ...args], { env: { PATH: process.env.PATH ?? '', ...env }, cwd: mkdtempSync(join(tmpdir(), 'logward-cli-')) });
    let out = '';
    let err = '';
    p.stdout.on('data', (d: Buffer) => (out += d));
    p.stderr.on('data', (d: Buffer) => {
      err += d;
      // serve: once it listens, ask it to stop as an operator would.
      if (/listening on/.test(err)) p.kill('SIGTERM');
    });
    p.on('exit', (code) => resolve({ code, out, err }));
  });
}

test('logward --help lists the commands', async () => {
  const { code, out } = await run(['--help']);
  assert.equal(code, 0);
  for (const cmd of ['serve', 'test-rule', 'analyze']) assert.match(out, new RegExp(`\\n  ${cmd}`));
});

test('logward --version prints the package version; a usage error exits 2 (1 means alerts found)', async () => {
  const version = await run(['--version']);
  assert.equal(version.code, 0);
  assert.equal(version.out.trim(), (JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', 'package.json'), 'utf8')) as { version: string }).version);
  const unknown = await run(['no-such-command']);
  assert.equal(unknown.code, 2);
  assert.match(unknown.err, /unknown command 'no-such-command'/);
  assert.equal((await run(['analyze'])).code, 2, 'a missing argument is a usage error');
});

test('logward serve starts on its embedded defaults and stops cleanly on SIGTERM', async () => {
  const { code, err } = await run(['serve', '--port', '0']);
  assert.match(err, /logward listening on http:\/\/127\.0\.0\.1:\d+ \(store \.\/data\/logward\.db/);
  assert.match(err, /SIGTERM: shutting down/);
  assert.equal(code, 0);
});

test('logward config prints the effective settings with secrets masked', async () => {
  const { code, out } = await run(['config'], {
    LOGWARD_INGEST_TOKEN: 'very-secret-ingest-token',
    LOGWARD_ALERTING_CHANNELS_SLACK_WEBHOOK_URL: 'https://hooks.slack.com/services/T/B/SECRET',
    LOGWARD_SERVER_PORT: '9090',
  });
  assert.equal(code, 0);
  const config = JSON.parse(out) as { server: { port: number }; ingest: { tokens: string[] }; alerting: { channels: { slack: { webhook_url: string } } } };
  assert.equal(config.server.port, 9090);
  assert.deepEqual(config.ingest.tokens, ['***']);
  assert.equal(config.alerting.channels.slack.webhook_url, '***');
  assert.doesNotMatch(out, /very-secret|SECRET/);
});

test('logward serve refuses a wrong setting with a message naming it', async () => {
  const { code, err } = await run(['serve'], { LOGWARD_STORAGE_SYNCHRONOUS: 'SOMETIMES' });
  assert.equal(code, 2);
  assert.match(err, /storage\.synchronous must be equal to one of the allowed values \(from LOGWARD_STORAGE_SYNCHRONOUS\)/);
});

test('stop() answers a request in flight, then closes its kept-alive connection at once instead of waiting out the 65 s keep-alive', async () => {
  const s = await startTestService({ ingest: { tokens: ['service-token-1234'] } });
  const port = await s.service.listen();
  const http = await import('node:http');
  const body = JSON.stringify([{ log: 'Nov 21 10:00:03 web1 sshd[1]: hello', file: '/var/log/auth.log', offset: 0, hostname: 'web1' }]);
  const agent = new http.Agent({ keepAlive: true });
  const req = http.request({ port, host: '127.0.0.1', method: 'POST', path: '/v1/ingest', agent, headers: { Authorization: 'Bearer service-token-1234', 'Content-Type': 'application/json', 'Content-Length': String(body.length) } });
  const answered = new Promise<number>((r) => req.on('response', (res) => (res.resume(), r(res.statusCode!))));
  req.write(body.slice(0, 10));
  await new Promise((r) => setTimeout(r, 100)); // the request is in progress, its body half sent
  const started = Date.now();
  const stopped = s.close();
  req.end(body.slice(10));
  assert.equal(await answered, 204);
  await stopped;
  assert.ok(Date.now() - started < 5000, `stop took ${Date.now() - started} ms`);
  agent.destroy();
});
