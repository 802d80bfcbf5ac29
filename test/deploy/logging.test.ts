/**
 * The service's own log: pino JSON lines with levels; a request log that never carries a token
 * (Authorization header, ingest Bearer token, a token in a query string); module lines mapped to
 * levels and fields.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { loadConfig } from '../../alert-service/src/config/load.js';
import { createService } from '../../alert-service/src/service.js';
import { createLogger, lineLog, safeUrl, textStream } from '../../alert-service/src/server/logger.js';
import { Writable } from 'node:stream';

const INGEST_TOKEN = 'ingest-secret-token-0123456789';
const API_TOKEN = 'api-secret-token-abcdefghijkl';

function capture(level: 'info' | 'debug') {
  const lines: string[] = [];
  const logger = createLogger({ level, format: 'json', destination: { write: (s: string) => void lines.push(s) } });
  return { logger, lines, entries: () => lines.join('').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>) };
}

async function runRequests(level: 'info' | 'debug') {
  const dir = mkdtempSync(join(tmpdir(), 'logward-log-'));
  const config = loadConfig({ env: {}, overrides: { storage: { path: join(dir, 'l.db'), synchronous: 'NORMAL' }, server: { port: 0, api_token: API_TOKEN }, ingest: { tokens: [INGEST_TOKEN] }, alerting: { geoip: { enabled: false } } } });
  const cap = capture(level);
  const service = await createService(config, { logger: cap.logger });
  try {
    const base = `http://127.0.0.1:${await service.listen()}`;
    const auth = { Authorization: `Bearer ${API_TOKEN}` };
    assert.equal((await fetch(`${base}/api/alerts?limit=5`, { headers: auth })).status, 200);
    // A token pasted into a URL: refused (no such query parameter), and still masked in the log.
    assert.equal((await fetch(`${base}/api/alerts?limit=5&token=${API_TOKEN}`, { headers: auth })).status, 400);
    assert.equal((await fetch(`${base}/api/alerts`, { headers: { Authorization: 'Bearer wrong-token-0123456789xyz' } })).status, 401);
    const body = gzipSync(JSON.stringify([{ fb_time: new Date().toISOString(), file: '/var/log/auth.log', offset: 0, log: 'Nov 21 10:00:01 web1 sshd[1]: Invalid user admin from 203.0.113.7 port 1', hostname: 'web1', source_kind: 'auth' }]));
    const ingest = await fetch(`${base}/v1/ingest`, { method: 'POST', headers: { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip', Authorization: `Bearer ${INGEST_TOKEN}`, 'X-Fluent-Tag': 'auth.var.log.auth.log' }, body });
    assert.equal(ingest.status, 204);
    assert.equal((await fetch(`${base}/healthz`)).status, 200);
    // The request log is written when the response finishes: give it that moment.
    await new Promise((r) => setTimeout(r, 100));
  } finally {
    await service.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  return cap;
}

test('the request log records method, path, status and time, never a token, as JSON lines with levels', async () => {
  const cap = await runRequests('info');
  const all = cap.lines.join('');
  assert.ok(!all.includes(API_TOKEN), 'the API token appears in the log');
  assert.ok(!all.includes(INGEST_TOKEN), 'the ingest token appears in the log');
  assert.ok(!/authorization/i.test(all), 'a header reached the log');
  const entries = cap.entries();
  for (const e of entries) {
    assert.equal(typeof e.level, 'number');
    assert.equal(typeof e.time, 'number');
    assert.equal(typeof e.msg, 'string');
  }
  const requests = entries.filter((e) => e.req);
  const ok = requests.find((e) => (e.res as { statusCode: number }).statusCode === 200 && String((e.req as { url: string }).url).startsWith('/api/alerts'))!;
  assert.ok(ok, JSON.stringify(requests));
  assert.equal(ok.level, 30);
  assert.deepEqual(Object.keys(ok.req as object).sort(), ['id', 'method', 'remoteAddress', 'url']);
  assert.equal((ok.req as { url: string }).url, '/api/alerts?limit=5');
  const pasted = requests.find((e) => (e.res as { statusCode: number }).statusCode === 400)!;
  assert.equal((pasted.req as { url: string }).url, '/api/alerts?limit=5&token=%5Bredacted%5D');
  assert.equal(typeof ok.responseTime, 'number');
  assert.equal(ok.msg, 'GET /api/alerts 200');
  const refused = requests.find((e) => (e.res as { statusCode: number }).statusCode === 401)!;
  assert.equal(refused.level, 40, 'a 4xx is a warning');
  // Routine traffic (ingest chunks, probes) only at debug.
  assert.ok(!requests.some((e) => ['/v1/ingest', '/healthz'].includes(String((e.req as { url: string }).url))));
});

test('at debug the routine requests are logged too, still without their tokens', async () => {
  const cap = await runRequests('debug');
  const all = cap.lines.join('');
  assert.ok(!all.includes(INGEST_TOKEN) && !all.includes(API_TOKEN));
  const ingest = cap.entries().find((e) => (e.req as { url?: string } | undefined)?.url === '/v1/ingest');
  assert.ok(ingest);
  assert.equal(ingest.level, 20);
  assert.equal((ingest.res as { statusCode: number }).statusCode, 204);
});

test('module lines become entries with their module, failures as warnings', () => {
  const cap = capture('info');
  const log = lineLog(cap.logger);
  log('alerting: tick failed: disk I/O error');
  log('rules: 45 rules active (9 Sigma), 0 disabled, 0 Sigma rules skipped');
  log('a line without a module');
  const [a, b, c] = cap.entries();
  assert.deepEqual([a!.level, a!.module, a!.msg], [40, 'alerting', 'alerting: tick failed: disk I/O error']);
  assert.deepEqual([b!.level, b!.module], [30, 'rules']);
  assert.deepEqual([c!.level, c!.module], [30, undefined]);
});

test('text format: one short line an entry, control characters from log content shown escaped', async () => {
  let out = '';
  const sink = new Writable({ write: (chunk: Buffer, _e, done) => ((out += chunk.toString()), done()) });
  const logger = createLogger({ format: 'text', destination: textStream(sink) });
  logger.warn({ alert: { group: { user: 'evil\u001b[2J' } } }, 'alert: SSH brute force\u001b]0;pwned\u0007');
  await new Promise((r) => setImmediate(r));
  assert.match(out, /^\d\d:\d\d:\d\d WARN  alert: SSH brute force\\u001b\]0;pwned\\u0007  alert=/);
  assert.ok(!out.includes('\u001b'), 'a raw escape reached the terminal');
});

test('safeUrl masks secret-looking query values and keeps the rest', () => {
  assert.equal(safeUrl('/api/events?host=web1&api_key=abc&sig=x'), '/api/events?host=web1&api_key=%5Bredacted%5D&sig=%5Bredacted%5D');
  assert.equal(safeUrl('/healthz'), '/healthz');
});
