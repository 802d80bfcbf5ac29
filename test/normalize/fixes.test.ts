/**
 * Normalization found wrong on real lines (issue 8, item 7), each checked at the level it broke:
 * pino/bunyan `hostname`, the agent's FQDN, Python tracebacks, invalid UTF-8 bytes, blank lines.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { postRaw, startTestService, type TestService } from '../helpers/service.js';
import { cfg, ingestOne } from './helpers.js';
import { FB_DIR } from '../fluent-bit/fluent-bit-config.js';

const TOKEN = 'fixes-test-token-0123456789';
let t: TestService;
let base: string;
before(async () => {
  t = await startTestService({ ingest: { tokens: [TOKEN] } });
  base = `http://127.0.0.1:${await t.service.listen()}`;
});
after(() => t.close());

const headers = (tag: string) => ({ 'Content-Type': 'application/json', 'Content-Encoding': 'gzip', Authorization: `Bearer ${TOKEN}`, 'X-Fluent-Tag': tag });
const appLine = (log: string, offset: number, file = '/var/log/myapp/api.log') => ({ fb_time: '2026-11-21T10:00:00.000000Z', file, offset, inode: 77, log, hostname: 'lw-agent1', source_kind: 'app' });

test('pino and bunyan `hostname` is kept in fields.extra (the agent host stays the host)', () => {
  const pino = ingestOne(appLine('{"level":30,"time":1795304871124,"pid":4242,"hostname":"api-7f9c8d-x2x4q","msg":"server listening"}', 0), 'app.var.log.myapp.api.log');
  assert.equal(pino.host, 'lw-agent1');
  assert.deepEqual(pino.fields.extra, { hostname: 'api-7f9c8d-x2x4q' });
  assert.equal(pino.pid, 4242);
  const bunyan = ingestOne(appLine('{"name":"orders","hostname":"orders-1","pid":1,"level":50,"msg":"charge failed","time":"2026-11-21T10:00:00.000Z","v":0}', 100), 'app.var.log.myapp.api.log');
  assert.equal((bunyan.fields.extra as Record<string, unknown>).hostname, 'orders-1');
  assert.equal(bunyan.severity, 'error');
  // The agent's own keys around a raw line are still transport, not content.
  assert.equal((bunyan.fields.extra as Record<string, unknown>).file, undefined);
});

test('an agent HOSTNAME pinned to an FQDN is shortened by default (host_form short), kept whole with host_form full; the agent README says so', () => {
  const rec = { ...appLine('plain line', 0), hostname: 'lw-agent1.example.com' };
  const short = ingestOne(rec, 'app.var.log.myapp.api.log');
  assert.equal(short.host, 'lw-agent1');
  assert.equal(short.agent_host, 'lw-agent1');
  const full = ingestOne(rec, 'app.var.log.myapp.api.log', cfg({ host_form: 'full' }));
  assert.equal(full.host, 'lw-agent1.example.com');
  const readme = readFileSync(join(FB_DIR, 'README.md'), 'utf8');
  assert.ok(readme.includes('HOSTNAME=lw-agent1.example.com'), 'the README pins an FQDN in its example');
  assert.ok(readme.includes('is shown as `lw-agent1`'), 'and says what the service shows for it by default');
  assert.match(readme, /host_form: full/);
  assert.doesNotMatch(readme, /for example to a FQDN/);
});

test('Python tracebacks are severity error: folded into one record and line by line', () => {
  const folded = 'Traceback (most recent call last):\n  File "/srv/app/worker.py", line 12, in <module>\n    main()\n  File "/srv/app/worker.py", line 8, in main\n    int("x")\nValueError: invalid literal for int() with base 10: \'x\'';
  assert.equal(ingestOne(appLine(folded, 0), 'app.x').severity, 'error');
  const lines = [
    'Traceback (most recent call last):',
    '  File "/srv/app/worker.py", line 12, in <module>',
    'ValueError: invalid literal for int() with base 10: \'x\'',
    'requests.exceptions.ConnectionError: HTTPSConnectionPool(host=\'api\', port=443)',
    'KeyboardInterrupt',
    'During handling of the above exception, another exception occurred:',
  ];
  lines.forEach((l, i) => assert.equal(ingestOne(appLine(l, 100 + i * 100), 'app.x').severity, 'error', l));
  // A syslog line from a Python daemon, too.
  assert.equal(ingestOne({ ...appLine('Nov 21 10:00:01 web1 worker[77]: Traceback (most recent call last):', 0, '/var/log/syslog'), source_kind: 'syslog' }, 'syslog.x').severity, 'error');
  // Not a traceback: stays info.
  for (const l of ['user clicked ErrorBoundary reset', 'KeyError handling is documented in docs/errors.md', 'Filed report, line 3 of the form']) {
    assert.equal(ingestOne(appLine(l, 900), 'app.x').severity, 'info', l);
  }
});

test('invalid UTF-8 bytes become U+FFFD through the HTTP path, never vanish', async () => {
  // A sender writing raw bytes (what a Latin-1 log line is), and Fluent Bit with json.escape_unicode off (U+FFFD already).
  const [pre, post] = JSON.stringify([appLine('caf\u0001', 0, '/var/log/myapp/latin1.log')]).split('\\u0001') as [string, string];
  const raw = Buffer.concat([Buffer.from(pre), Buffer.from([0xe9]), Buffer.from(post)]);
  assert.equal((await postRaw(base, '/v1/ingest', headers('app.var.log.myapp.latin1.log'), gzipSync(raw))).status, 204);
  const fffd = [appLine('caf\uFFFD', 100, '/var/log/myapp/latin1.log')];
  assert.equal((await postRaw(base, '/v1/ingest', headers('app.var.log.myapp.latin1.log'), gzipSync(JSON.stringify(fffd)))).status, 204);
  const events = t.service.store.query({ limit: 1000 }).filter((e) => e.source.path === '/var/log/myapp/latin1.log');
  assert.deepEqual(events.map((e) => e.message).sort(), ['caf\uFFFD', 'caf\uFFFD']);
});

test('blank (whitespace-only) lines are not stored as events: skipped and counted, not dead-lettered', async () => {
  const deadBefore = t.service.store.deadLetters(1000).length;
  const recs = ['', '   ', '\t', '\r', 'real line after blanks'].map((log, i) => appLine(log, i * 10, '/var/log/myapp/blank.log'));
  assert.equal((await postRaw(base, '/v1/ingest', headers('app.var.log.myapp.blank.log'), gzipSync(JSON.stringify(recs)))).status, 204);
  const events = t.service.store.query({ limit: 1000 }).filter((e) => e.source.path === '/var/log/myapp/blank.log');
  assert.deepEqual(events.map((e) => e.message), ['real line after blanks']);
  assert.equal(t.service.store.deadLetters(1000).length, deadBefore);
  const metrics = await (await fetch(`${base}/metrics`)).text();
  assert.match(metrics, /logward_ingest_records_total\{outcome="blank"\} 4\b/);
});
