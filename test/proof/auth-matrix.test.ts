/**
 * The auth matrix over every route the Express app has: routes are found by walking the app's
 * router stack (so a route added later is covered without editing this file), then each one is
 * called with no token, a wrong token and the other roles' tokens (ingest, API read, API write)
 * when tokens are configured, and with a DNS-rebinding Host and cross-site / simple content types
 * when none is. Tokens never appear in the service's log, its metrics or `logward config`.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestService, type TestService } from '../helpers/service.js';
import { FakeOllama } from '../helpers/fake-ollama.js';
import { BIN, freePort, ready, startChild } from './helpers.js';

const INGEST = 'ingest-token-matrix-0123456789';
const READ = 'read-token-matrix-0123456789';
const WRITE = 'write-token-matrix-0123456789';
/** Routes open to anyone by design: probes and the ingest endpoint (its own token). */
const PROBES = new Set(['/healthz', '/readyz']);
const INGEST_PATH = '/v1/ingest';

interface Route {
  method: string;
  path: string;
}

interface LayerLike {
  route?: { path: string | string[]; methods: Record<string, boolean> };
  handle?: { stack?: LayerLike[] };
  rawPath?: string | string[];
  path?: string;
}

/** Every (method, path) of the app, mounted routers included; `:params` filled with a harmless value. */
function routesOf(app: TestService['service']['app']): Route[] {
  const out: Route[] = [];
  const walk = (stack: LayerLike[], prefix: string) => {
    for (const layer of stack) {
      if (layer.route) {
        for (const p of [layer.route.path].flat()) {
          for (const [m, on] of Object.entries(layer.route.methods)) if (on && m !== '_all') out.push({ method: m.toUpperCase(), path: (prefix + p).replace(/:(\w+)/g, '1') });
        }
      } else if (layer.handle?.stack) {
        const mount = typeof layer.rawPath === 'string' && layer.rawPath !== '/' ? layer.rawPath : '';
        walk(layer.handle.stack, prefix + mount);
      }
    }
  };
  walk((app as unknown as { router: { stack: LayerLike[] } }).router.stack, '');
  return out.filter((r) => r.method !== 'HEAD' && r.method !== 'OPTIONS');
}

function raw(port: number, method: string, path: string, headers: Record<string, string> = {}, body?: string): Promise<{ status: number; text: string; type: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path, agent: false, headers: { Host: `127.0.0.1:${port}`, ...headers, ...(body !== undefined ? { 'Content-Length': String(Buffer.byteLength(body)) } : {}) } }, (res) => {
      let text = '';
      res.on('data', (d: Buffer) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode!, text, type: String(res.headers['content-type'] ?? '') }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const bearer = (t: string) => ({ Authorization: `Bearer ${t}` });
const JSON_TYPE = { 'Content-Type': 'application/json' };
const isWrite = (r: Route) => r.method !== 'GET';
const isApi = (r: Route) => r.path.startsWith('/api/') || r.path === '/metrics';

let locked: TestService;
let lockedPort: number;
let open: TestService;
let openPort: number;
let routes: Route[];
const lockedLog: string[] = [];
let ollama: FakeOllama;

before(async () => {
  // Every module on (LLM included, against a local fake Ollama), so every module's routes are mounted.
  ollama = await new FakeOllama().start();
  const modules = { llm: { enabled: true, host: ollama.url }, alerting: { geoip: { enabled: false } } as never };
  locked = await startTestService({ server: { api_read_token: READ, api_write_token: WRITE }, ingest: { tokens: [INGEST] }, ...modules }, { log: (m) => lockedLog.push(m) });
  lockedPort = await locked.service.listen();
  open = await startTestService(modules);
  openPort = await open.service.listen();
  routes = routesOf(locked.service.app);
});
after(async () => {
  await locked.close();
  await open.close();
  await ollama.close();
});

test('the router walk finds the routes this suite knows of (and so any added later)', () => {
  const names = new Set(routes.map((r) => `${r.method} ${r.path}`));
  for (const r of ['POST /v1/ingest', 'GET /api/anomaly/status', 'GET /api/llm/status', 'GET /healthz', 'GET /readyz', 'GET /metrics', 'GET /api/events', 'GET /api/alerts', 'POST /api/silences']) assert.ok(names.has(r), `${r} in ${[...names].join(', ')}`);
  assert.ok(routes.filter(isApi).length >= 10, `${routes.length} routes`);
  // Every route found is one of the three kinds the matrix below covers.
  for (const r of routes) assert.ok(isApi(r) || PROBES.has(r.path) || r.path === INGEST_PATH || r.method === 'GET', `${r.method} ${r.path} is covered`);
});

test('tokens configured: every API route refuses no token, a wrong token and the ingest token; the read token cannot write', async () => {
  for (const r of routes.filter(isApi)) {
    const body = isWrite(r) ? '{}' : undefined;
    const h = isWrite(r) ? JSON_TYPE : {};
    const name = `${r.method} ${r.path}`;
    for (const [who, auth] of [['no token', {}], ['a wrong token', bearer(WRITE.slice(0, -1) + 'x')], ['the ingest token', bearer(INGEST)], ['a Basic header', { Authorization: `Basic ${Buffer.from(`x:${WRITE}`).toString('base64')}` }]] as const) {
      const res = await raw(lockedPort, r.method, r.path, { ...h, ...auth }, body);
      assert.equal(res.status, 401, `${name} with ${who}: ${res.status} ${res.text}`);
      assert.match(res.type, /application\/json/, `${name}: JSON error`);
      assert.equal(JSON.parse(res.text).error, 'unauthorized');
    }
    const asRead = await raw(lockedPort, r.method, r.path, { ...h, ...bearer(READ) }, body);
    if (isWrite(r)) {
      assert.equal(asRead.status, 403, `${name} with the read token: ${asRead.text}`);
      assert.equal(JSON.parse(asRead.text).error, 'forbidden');
    } else assert.notEqual(asRead.status, 401, `${name} with the read token`);
    // The write token passes auth everywhere (what the route then says is its own business).
    const asWrite = await raw(lockedPort, r.method, r.path, { ...h, ...bearer(WRITE) }, body);
    assert.ok(asWrite.status !== 401 && asWrite.status !== 403, `${name} with the write token: ${asWrite.status}`);
  }
});

test('tokens configured: ingest takes only the ingest token; the API tokens are refused there', async () => {
  const body = JSON.stringify([{ log: 'Nov 21 10:00:00 web1 app[1]: matrix', file: '/var/log/syslog', offset: 1, hostname: 'web1', source_kind: 'syslog' }]);
  for (const [who, auth] of [['no token', {}], ['a wrong token', bearer('x' + INGEST.slice(1))], ['the read token', bearer(READ)], ['the write token', bearer(WRITE)]] as const) {
    const res = await raw(lockedPort, 'POST', INGEST_PATH, { ...JSON_TYPE, ...auth }, body);
    assert.equal(res.status, 401, `ingest with ${who}`);
    assert.match(res.type, /application\/json/);
  }
  assert.equal((await raw(lockedPort, 'POST', INGEST_PATH, { ...JSON_TYPE, ...bearer(INGEST) }, body)).status, 204);
  // The probes stay open without a token (orchestrators call them), and say nothing secret.
  for (const p of PROBES) {
    const res = await raw(lockedPort, 'GET', p);
    assert.ok(res.status === 200 || (p === '/readyz' && res.status === 503), `${p}: ${res.status}`);
    assert.match(res.type, /application\/json/);
  }
});

test('no token configured: every API route refuses a DNS-rebinding Host and cross-site requests; every write refuses simple content types', async () => {
  for (const r of routesOf(open.service.app).filter(isApi)) {
    const name = `${r.method} ${r.path}`;
    const body = isWrite(r) ? '{}' : undefined;
    const h = isWrite(r) ? JSON_TYPE : {};
    if (r.path.startsWith('/api/')) {
      for (const host of [`attacker.example:${openPort}`, 'rebind.attacker.example', `127.0.0.1.attacker.example:${openPort}`]) {
        const res = await raw(openPort, r.method, r.path, { ...h, Host: host }, body);
        assert.equal(res.status, 401, `${name} under Host ${host}`);
        assert.match(res.type, /application\/json/);
      }
      assert.equal((await raw(openPort, r.method, r.path, { ...h, 'Sec-Fetch-Site': 'cross-site' }, body)).status, 401, `${name} cross-site`);
    }
    if (isWrite(r)) {
      for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/jsonx', '']) {
        const res = await raw(openPort, r.method, r.path, type ? { 'Content-Type': type } : {}, '{}');
        assert.equal(res.status, 415, `${name} as "${type}": ${res.status}`);
        assert.equal(JSON.parse(res.text).error, 'unsupported_media_type');
      }
    }
  }
  for (const type of ['text/plain', 'application/x-www-form-urlencoded']) assert.equal((await raw(openPort, 'POST', INGEST_PATH, { 'Content-Type': type }, '[]')).status, 415, `ingest as ${type}`);
});

test('unknown routes and methods answer a JSON 404/401, never an HTML page', async () => {
  for (const [m, p] of [['GET', '/nope'], ['DELETE', '/v1/ingest'], ['PUT', '/api/events'], ['GET', '/api/%ZZ']] as const) {
    const res = await raw(lockedPort, m, p, bearer(WRITE));
    assert.ok(res.status >= 400 && res.status < 500, `${m} ${p}: ${res.status}`);
    assert.match(res.type, /application\/json/, `${m} ${p}: ${res.type} ${res.text.slice(0, 80)}`);
  }
});

test('tokens appear neither in the service log, nor in /metrics, nor in `logward config`', { timeout: 120_000 }, async () => {
  // The in-process service's log, after every request above (wrong and right tokens alike).
  const log = lockedLog.join('\n');
  for (const t of [INGEST, READ, WRITE]) assert.ok(!log.includes(t) && !log.includes(t.slice(0, 20)), 'token in the service log');
  const metrics = await raw(lockedPort, 'GET', '/metrics', bearer(READ));
  assert.equal(metrics.status, 200);
  for (const t of [INGEST, READ, WRITE]) assert.ok(!metrics.text.includes(t), 'token in /metrics');

  // The real process: its stdout and stderr (request log included) after right and wrong tokens.
  const dir = mkdtempSync(join(tmpdir(), 'logward-proof-auth-'));
  const env = { LOGWARD_STORAGE_PATH: join(dir, 'db.sqlite'), LOGWARD_SERVER_PORT: String(await freePort()), LOGWARD_INGEST_TOKEN: INGEST, LOGWARD_SERVER_API_READ_TOKEN: READ, LOGWARD_SERVER_API_WRITE_TOKEN: WRITE, LOGWARD_ALERTING_GEOIP_ENABLED: 'false', LOGWARD_ANOMALY_ENABLED: 'false' };
  const svc = await startChild(env, dir);
  try {
    await ready(svc.base);
    const port = Number(new URL(svc.base).port);
    for (const t of [INGEST, READ, WRITE, `${WRITE}x`]) {
      await raw(port, 'GET', '/api/events?limit=1', bearer(t));
      await raw(port, 'POST', '/api/silences', { ...JSON_TYPE, ...bearer(t) }, '{}');
      await raw(port, 'POST', INGEST_PATH, { ...JSON_TYPE, ...bearer(t) }, '[{"log":"x"}]');
      await raw(port, 'GET', '/metrics', bearer(t));
    }
    await svc.kill('SIGTERM');
    const out = svc.output();
    assert.match(out, /listening/);
    for (const t of [INGEST, READ, WRITE]) assert.ok(!out.includes(t), `token in the process output:\n${out.slice(0, 2000)}`);

    const config = await new Promise<string>((resolve, reject) =>
      execFile(process.execPath, [BIN, 'config'], { cwd: dir, env: { PATH: process.env.PATH, ...env } }, (err, stdout, stderr) => (err ? reject(new Error(stderr)) : resolve(stdout + stderr))),
    );
    assert.match(config, /"server"/);
    for (const t of [INGEST, READ, WRITE]) assert.ok(!config.includes(t), 'token in logward config');
  } finally {
    await svc.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
});
