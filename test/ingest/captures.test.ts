/**
 * Replays the real Fluent Bit requests (and the Windows sample body) against the real service
 * over HTTP and checks what was stored.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { gunzipSync } from 'node:zlib';
import request from 'supertest';
import { postRaw, startTestService, type TestService } from '../helpers/service.js';
import { loadCaptures, replayHeaders, windowsSampleBody } from '../helpers/captures.js';
import { validatorFor } from '../../alert-service/src/schema/registry.js';
import type { LogEvent } from '../../alert-service/src/generated/schema-types.js';

let t: TestService;
let base: string;
before(async () => {
  t = await startTestService({ ingest: { tokens: ['example-token'] } });
  base = `http://127.0.0.1:${await t.service.listen()}`;
});
after(() => t.close());

const validEvent = validatorFor<LogEvent>('event.schema.json');
const all = () => t.service.store.query({ limit: 100000 });

test('every captured raw gzip request is stored, one event per record', async () => {
  let expected = 0;
  for (const cap of loadCaptures('raw-gzip-json')) {
    const records = JSON.parse(gunzipSync(cap.body).toString()) as unknown[];
    expected += records.length;
    const res = await postRaw(base, cap.path, replayHeaders(cap.headers), cap.body);
    assert.equal(res.status, 204, `${cap.name}: ${res.text}`);
    assert.equal(res.text, '', 'success replies carry no body (Fluent Bit logs it)');
  }
  const events = all();
  assert.equal(events.length, expected);
  for (const e of events) assert.ok(validEvent(e), JSON.stringify(validEvent.errors));
  assert.equal(t.service.store.deadLetters(10).length, 0);

  const byOffset = (path: string, offset: number) => events.find((e) => e.source.path === path && e.source.offset === offset)!;
  // RFC 3164 line: year inferred from the collection time (2026), UTC default zone.
  const invalid = byOffset('/var/log/auth.log', 104);
  assert.equal(invalid.time, '2026-11-21T10:00:01.000Z');
  assert.equal(invalid.time_source, 'line');
  assert.equal(invalid.host, 'web1');
  assert.equal(invalid.program, 'sshd');
  assert.equal(invalid.pid, 3101);
  assert.equal(invalid.fields.src_ip, '203.0.113.7');
  assert.equal(invalid.fields.user, 'admin');
  assert.equal(invalid.source.kind, 'auth');
  assert.equal(invalid.source.tag, 'auth.var.log.auth.log');
  // RFC 3339 line from another host, forwarded by web1's agent.
  const db1 = byOffset('/var/log/db1/auth.log', 0);
  assert.equal(db1.time, '2026-11-21T10:10:01.482Z');
  assert.equal(db1.host, 'db1');
  assert.equal(db1.agent_host, 'web1');
  assert.equal(db1.fields.user, 'oracle');
  assert.equal(db1.fields.src_ip, '192.0.2.99');
  // nginx access: HTTP fields and status-class severity.
  const login = byOffset('/var/log/nginx/access.log', 220);
  assert.equal(login.time, '2026-11-21T10:00:03.000Z');
  assert.equal(login.fields.http_status, 401);
  assert.equal(login.fields.http_method, 'POST');
  assert.equal(login.fields.http_path, '/admin/login');
  assert.equal(login.fields.src_ip, '203.0.113.50');
  assert.equal(login.severity, 'warning');
  // JSON app log: its own time and level, not Fluent Bit's.
  const timeout = byOffset('/var/log/myapp/orders.log', 108);
  assert.equal(timeout.time, '2026-11-21T10:00:02.500Z');
  assert.equal(timeout.severity, 'error');
  assert.equal(timeout.message, 'payment gateway timeout after 30000ms');
  // kernel OOM in syslog.
  const oom = byOffset('/var/log/syslog', 72);
  assert.equal(oom.program, 'kernel');
  assert.ok(['error', 'critical', 'alert', 'emergency'].includes(oom.severity), oom.severity);
});

test('replaying every captured request again stores nothing new', async () => {
  const before = all().length;
  for (const cap of loadCaptures('raw-gzip-json')) {
    const res = await postRaw(base, cap.path, replayHeaders(cap.headers), cap.body);
    assert.equal(res.status, 204);
  }
  assert.equal(all().length, before);
  const metrics = await request(t.service.app).get('/metrics');
  assert.match(metrics.text, /logward_ingest_records_total\{outcome="duplicate"\} [1-9]/);
});

test('parsed json_lines requests (Fluent Bit parsers, default date key) are stored', async () => {
  const before = all().length;
  let expected = 0;
  for (const cap of loadCaptures('parsed-json-lines')) {
    expected += cap.body.toString().split('\n').filter((l) => l.trim()).length;
    // These were captured without a token: the service here requires one.
    const res = await postRaw(base, cap.path, { ...replayHeaders(cap.headers), Authorization: 'Bearer example-token' }, cap.body);
    assert.equal(res.status, 204, `${cap.name}: ${res.text}`);
  }
  const events = all();
  assert.equal(events.length - before, expected);
  const retry = events.find((e) => e.message === 'retrying payment')!;
  // The app line's own `date` field replaced Fluent Bit's: it is kept as data, not taken as a timestamp.
  assert.equal(retry.time, '2026-11-21T10:00:03.001Z');
  assert.equal(retry.severity, 'warning');
  const parsedLogin = events.find((e) => e.source.path === '/var/log/nginx/access.log' && e.fields.http_status === 401 && e.source.tag?.startsWith('web'));
  assert.ok(parsedLogin);
});

test('the Windows sample body ingests with event time from TimeCreated', async () => {
  const body = windowsSampleBody();
  const records = JSON.parse(body.toString()) as Array<{ EventRecordID: number; Channel: string }>;
  const headers = { Authorization: 'Bearer example-token', 'Content-Type': 'application/json', 'X-Fluent-Tag': 'win.eventlog' };
  const res = await postRaw(base, '/v1/ingest', headers, body);
  assert.equal(res.status, 204, res.text);
  const win = all().filter((e) => e.source.kind === 'windows');
  assert.equal(win.length, records.length);
  const first = win.find((e) => e.source.record_id === 88120)!;
  assert.equal(first.time, '2026-11-21T09:14:01.000Z'); // 10:14:01 +0100
  assert.equal(first.fields.event_id, 4625);
  assert.equal(first.fields.audit, 'failure');
  assert.equal(first.fields.src_ip, '203.0.113.66');
  assert.equal(first.fields.user, 'administrator');
  assert.equal(first.source.channel, 'Security');
  // Sent twice (a retried chunk): still one event per EventRecordID.
  assert.equal((await postRaw(base, '/v1/ingest', headers, body)).status, 204);
  assert.equal(all().filter((e) => e.source.kind === 'windows').length, records.length);
});
