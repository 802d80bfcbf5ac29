/**
 * API auth that holds behind a proxy and against browsers, over real sockets: read and write
 * tokens, the loopback exemption only for requests that are really local (no proxy headers,
 * loopback Host, not cross-site), JSON-only state changes and ingest, security headers, and
 * /metrics behind a token when one is set. Tokens never appear in answers.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { startTestService, type TestService } from '../helpers/service.js';

const READ = 'read-token-0123456789abcdef';
const WRITE = 'write-token-0123456789abcdef';
const SILENCE = JSON.stringify({ matchers: [{ name: 'rule_id', value: 'ssh-brute-force' }], ends_at: new Date(Date.now() + 3600_000).toISOString(), comment: 'maintenance', created_by: 'ops' });

/** A raw request, so Host and other headers are exactly what a browser or proxy would send. */
function raw(port: number, method: string, path: string, headers: Record<string, string> = {}, body?: string): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path, headers: { Host: `127.0.0.1:${port}`, ...headers, ...(body !== undefined ? { 'Content-Length': String(Buffer.byteLength(body)) } : {}) } }, (res) => {
      let text = '';
      res.on('data', (d: Buffer) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

let open: TestService;
let openPort: number;
let locked: TestService;
let lockedPort: number;

before(async () => {
  open = await startTestService();
  openPort = await open.service.listen();
  locked = await startTestService({ server: { api_read_token: READ, api_write_token: WRITE } });
  lockedPort = await locked.service.listen();
});
after(async () => {
  await open.close();
  await locked.close();
});

test('no token configured: direct loopback requests under a loopback Host are answered', async () => {
  for (const host of [`127.0.0.1:${openPort}`, `localhost:${openPort}`, 'localhost', `[::1]:${openPort}`]) {
    assert.equal((await raw(openPort, 'GET', '/api/events', { Host: host })).status, 200, host);
  }
  const res = await raw(openPort, 'POST', '/api/silences', { 'Content-Type': 'application/json' }, SILENCE);
  assert.equal(res.status, 201, res.text);
});

test('DNS rebinding: a loopback request under a foreign Host name is refused, reads and writes', async () => {
  const read = await raw(openPort, 'GET', '/api/events', { Host: `attacker.example:${openPort}` });
  assert.equal(read.status, 401);
  assert.match(JSON.parse(read.text).message, /loopback Host/);
  const write = await raw(openPort, 'POST', '/api/silences', { Host: 'rebind.attacker.example', 'Content-Type': 'application/json' }, SILENCE);
  assert.equal(write.status, 401);
});

test('a request forwarded by a local reverse proxy gets no loopback exemption', async () => {
  const forwarded: Array<Record<string, string>> = [{ 'X-Forwarded-For': '198.51.100.7' }, { Forwarded: 'for=198.51.100.7' }, { 'X-Real-IP': '198.51.100.7' }, { Via: '1.1 nginx' }];
  for (const h of forwarded) {
    const res = await raw(openPort, 'GET', '/api/events', h);
    assert.equal(res.status, 401, JSON.stringify(h));
    assert.match(JSON.parse(res.text).message, /proxy needs an API token/);
  }
});

test('cross-site browser requests and simple (form, text) bodies cannot change anything', async () => {
  assert.equal((await raw(openPort, 'GET', '/api/events', { 'Sec-Fetch-Site': 'cross-site' })).status, 401);
  for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x']) {
    const res = await raw(openPort, 'POST', '/api/silences', { 'Content-Type': type }, SILENCE);
    assert.equal(res.status, 415, type);
    assert.equal(JSON.parse(res.text).error, 'unsupported_media_type');
  }
  // A no-cors fetch without a body carries no Content-Type at all.
  assert.equal((await raw(openPort, 'POST', '/api/anomaly/train')).status, 415);
  // Ingest too: Fluent Bit always sends application/json or application/x-ndjson.
  const ingest = await raw(openPort, 'POST', '/v1/ingest', { 'Content-Type': 'text/plain' }, '{"log":"x"}');
  assert.equal(ingest.status, 415);
  const silences = JSON.parse((await raw(openPort, 'GET', '/api/silences')).text) as { silences: Array<{ comment: string }> };
  assert.equal(silences.silences.length, 1, 'only the one JSON request made a silence');
});

test('read and write tokens: the read token reads, cannot write; the write token does both; wrong or none is 401', async () => {
  const auth = (t: string) => ({ Authorization: `Bearer ${t}` });
  const json = { 'Content-Type': 'application/json' };
  assert.equal((await raw(lockedPort, 'GET', '/api/events')).status, 401, 'no loopback exemption once tokens are set');
  assert.equal((await raw(lockedPort, 'GET', '/api/events', auth('wrong-token-0123456789'))).status, 401);
  assert.equal((await raw(lockedPort, 'GET', '/api/events', auth(READ))).status, 200);
  assert.equal((await raw(lockedPort, 'GET', '/api/events', auth(WRITE))).status, 200);
  const denied = await raw(lockedPort, 'POST', '/api/silences', { ...json, ...auth(READ) }, SILENCE);
  assert.equal(denied.status, 403);
  assert.equal(JSON.parse(denied.text).error, 'forbidden');
  assert.equal((await raw(lockedPort, 'POST', '/api/silences', { ...json, ...auth(WRITE) }, SILENCE)).status, 201);
  assert.equal((await raw(lockedPort, 'POST', '/api/silences', json, SILENCE)).status, 401);
  // /metrics needs a token once one is set; the open service keeps it open for scrapers.
  assert.equal((await raw(lockedPort, 'GET', '/metrics')).status, 401);
  assert.equal((await raw(lockedPort, 'GET', '/metrics', auth(READ))).status, 200);
  assert.equal((await raw(openPort, 'GET', '/metrics')).status, 200);
  // Tokens are never echoed back.
  for (const path of ['/api/events', '/metrics']) {
    const res = await raw(lockedPort, 'GET', path, auth(READ));
    assert.ok(!res.text.includes(READ) && !res.text.includes(WRITE), path);
  }
});

test('security headers: nosniff everywhere, no caching and a closed CSP on the API', async () => {
  const api = await raw(openPort, 'GET', '/api/events');
  assert.equal(api.headers['x-content-type-options'], 'nosniff');
  assert.equal(api.headers['cache-control'], 'no-store');
  assert.match(String(api.headers['content-security-policy']), /default-src 'none'/);
  const health = await raw(openPort, 'GET', '/healthz');
  assert.equal(health.headers['x-content-type-options'], 'nosniff');
});
