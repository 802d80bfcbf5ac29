/**
 * On-demand investigation: POST /api/alerts/:id/investigate over HTTP, the real `ollama` client
 * against a local server speaking Ollama's tool-calling API, real ingest and store underneath.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { postRaw, startTestService, type TestService } from '../helpers/service.js';
import { FakeOllama, type ChatRequestSeen } from '../helpers/fake-ollama.js';
import type { AlertingModule } from '../../alert-service/src/alerting/index.js';

const TOKEN = 'investigate-token';
const ATTACKER = '198.51.100.77';
let ollama: FakeOllama;
let t: TestService;
let base: string;
let alertId: number;

const REPORT = JSON.stringify({
  verdict: 'likely_malicious',
  summary: 'The address brute-forced root on web1 and then tried db1.',
  findings: ['12 failed root logins on web1', '3 failed logins on db1 from the same address'],
  recommendations: ['Block 198.51.100.77'],
});

async function ingest(host: string, lines: string[], base0: number) {
  const records = lines.map((log, i) => ({ fb_time: '2026-11-21T10:05:30.000Z', file: '/var/log/auth.log', offset: base0 + i * 150, log, hostname: host, source_kind: 'auth' }));
  const headers = { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip', Authorization: `Bearer ${TOKEN}`, 'X-Fluent-Tag': 'auth.var.log.auth.log' };
  assert.equal((await postRaw(base, '/v1/ingest', headers, gzipSync(JSON.stringify(records)))).status, 204);
}
const failed = (host: string, i: number) => `Nov 21 10:05:${String(i * 2).padStart(2, '0')} ${host} sshd[${5000 + i}]: Failed password for root from ${ATTACKER} port ${50000 + i} ssh2`;

before(async () => {
  ollama = await new FakeOllama().start();
  t = await startTestService({
    ingest: { tokens: [TOKEN] },
    alerting: { geoip: { enabled: false } } as never,
    llm: { enabled: true, host: ollama.url, poll_interval_s: 3600, health_interval_s: 3600, review_interval_s: 0, summary_severities: [], investigate_max_steps: 3, investigate_timeout_s: 20 },
  });
  base = `http://127.0.0.1:${await t.service.listen()}`;
  await ingest('web1', Array.from({ length: 12 }, (_, i) => failed('web1', i)), 0);
  await ingest('db1', Array.from({ length: 3 }, (_, i) => failed('db1', i)), 0);
  await t.service.pump.notify();
  const alerting = t.service.modules.find((m) => m.name === 'alerting') as AlertingModule;
  const [alert] = alerting.listAlerts({ rule: 'ssh-brute-force', host: 'web1', limit: 1 });
  assert.ok(alert, 'the brute force fired');
  alertId = alert.id;
});
after(async () => {
  await t.close();
  await ollama.close();
});

const post = async (id: number | string) => {
  const res = await fetch(`${base}/api/alerts/${id}/investigate`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
};

test('the model calls read-only tools, sees their results as fenced data, and writes a validated report', async () => {
  ollama.chats.length = 0;
  ollama.behaviour = (req: ChatRequestSeen) => {
    if (req.format) return { kind: 'answer', content: REPORT };
    const toolTurns = req.messages.filter((m) => m.role === 'tool').length;
    if (toolTurns === 0) return { kind: 'tool_calls', calls: [{ name: 'search_events', arguments: { ip: ATTACKER, limit: 20 } }] };
    if (toolTurns === 1) return { kind: 'tool_calls', calls: [{ name: 'count_by_field', arguments: { field: 'host' } }] };
    return { kind: 'answer', content: 'I have enough.' };
  };
  const { status, body } = await post(alertId);
  assert.equal(status, 200, JSON.stringify(body));
  assert.equal(body.stopped, 'answered');
  assert.deepEqual(
    (body.steps as Array<{ tool: string; rows: number }>).map((s) => [s.tool, s.rows]),
    [
      ['search_events', 15],
      ['count_by_field', 2],
    ],
  );
  assert.deepEqual(body.report, JSON.parse(REPORT));
  assert.equal(ollama.chats.length, 4, 'three tool turns, then the report turn');
  assert.ok(ollama.chats[0]!.tools, 'tools offered');
  const last = ollama.chats[3]!;
  assert.equal(last.tools, undefined, 'the report turn offers no tools');
  assert.ok((last.format as { required: string[] }).required.includes('verdict'));
  const toolMsg = ollama.chats[1]!.messages.find((m) => m.role === 'tool')!;
  assert.match(toolMsg.content, /<<<LOGDATA [0-9a-f]{16}>>>/);
  assert.match(toolMsg.content, /Failed password for root from 198\.51\.100\.77/);
  const countMsg = ollama.chats[2]!.messages.filter((m) => m.role === 'tool')[1]!;
  assert.match(countMsg.content, /"value":"web1","count":12/);
});

test('the step limit holds however many tools the model asks for; bad arguments are reported back to it', async () => {
  ollama.chats.length = 0;
  ollama.behaviour = (req: ChatRequestSeen) =>
    req.format ? { kind: 'answer', content: REPORT } : { kind: 'tool_calls', calls: [{ name: 'count_by_field', arguments: { field: 'password' } }, { name: 'alert_history', arguments: { host: 'web1' } }] };
  const { status, body } = await post(alertId);
  assert.equal(status, 200, JSON.stringify(body));
  assert.equal(body.stopped, 'step_limit');
  const steps = body.steps as Array<{ tool: string; error?: string; rows?: number }>;
  assert.equal(steps.length, 3);
  assert.match(steps[0]!.error!, /field must be one of/);
  assert.ok(steps[1]!.rows! >= 1, 'the brute-force alert is in the host history');
  assert.equal(ollama.chats.length, 3, 'two tool turns (3 calls used), then the report');
});

test('a model that hangs: 504 at the deadline and the request is cancelled; unknown alert 404; garbage report 502', async () => {
  assert.equal((await post(999_999)).status, 404);
  ollama.behaviour = (req: ChatRequestSeen) => (req.format ? { kind: 'answer', content: 'not json' } : { kind: 'answer', content: 'done' });
  const bad = await post(alertId);
  assert.equal(bad.status, 502);
  assert.equal(bad.body.error, 'llm_invalid_answer');

  const short = await startTestService({
    alerting: { geoip: { enabled: false } } as never,
    llm: { enabled: true, host: ollama.url, poll_interval_s: 3600, health_interval_s: 3600, review_interval_s: 0, investigate_timeout_s: 1 },
  });
  try {
    const b = `http://127.0.0.1:${await short.service.listen()}`;
    const alerting = short.service.modules.find((m) => m.name === 'alerting') as AlertingModule;
    alerting.emit({ rule_id: 'x', title: 'X', severity: 'low', source: 'rule', host: 'h', group: { k: 'v' }, first_seen: '2026-11-21T10:00:00Z', last_seen: '2026-11-21T10:00:00Z', count: 1, summary: 's' });
    const [a] = alerting.listAlerts({ rule: 'x', limit: 1 });
    ollama.cancelled = 0;
    ollama.behaviour = { kind: 'hang' };
    const started = Date.now();
    const res = await fetch(`${b}/api/alerts/${a!.id}/investigate`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' });
    assert.equal(res.status, 504);
    assert.ok(Date.now() - started < 3000);
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(ollama.cancelled, 1);
  } finally {
    await short.close();
  }
});
