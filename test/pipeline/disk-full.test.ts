/**
 * A real SQLITE_FULL (PRAGMA max_page_count on the service's own database) while alerting records
 * an alert: the detection consumer keeps its cursor, /readyz says why, and once space is freed the
 * alert is recorded and delivered to a local Slack receiver, without a restart.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestService, type TestService } from '../helpers/service.js';
import { startFakeSlack, type FakeSlack } from '../alerting/helpers.js';
import type { AlertingModule } from '../../alert-service/src/alerting/index.js';
import type { LogEvent } from '../../alert-service/src/generated/schema-types.js';
import { normalizeRawLine } from '../../alert-service/src/normalize/index.js';

class TestClock {
  constructor(public t: number) {}
  now = () => this.t;
}

let t: TestService;
let base: string;
let slack: FakeSlack;
const slackPosts = () => slack.requests.map((r) => r.body);
const clock = new TestClock(Date.parse('2026-11-21T10:06:00Z'));
const logs: string[] = [];

before(async () => {
  slack = await startFakeSlack();
  const webhook = slack.url;
  t = await startTestService(
    { alerting: { channels: { slack: { enabled: true, webhook_url: webhook } }, geoip: { enabled: false } } as never, anomaly: { enabled: false } },
    { clock, log: (m) => logs.push(m) },
  );
  base = `http://127.0.0.1:${await t.service.listen()}`;
});
after(async () => {
  await t.close();
  await slack.close();
});

/** SSH failures with long lines, so the alert's samples need new database pages. */
function failures(n: number): LogEvent[] {
  const user = 'u'.repeat(1500);
  return Array.from({ length: n }, (_, i) =>
    normalizeRawLine(
      `Nov 21 10:05:${String(i).padStart(2, '0')} web1 sshd[${700 + i}]: Failed password for invalid user ${user} from 198.51.100.9 port ${50000 + i} ssh2`,
      { path: '/var/log/auth.log', offset: 9000 + i * 2000, host: 'web1', kind: 'auth' },
      { receivedAt: new Date(clock.t) },
      t.config.normalize,
    ),
  );
}

/** Fills the database up to max_page_count with filler rows: the next write that needs a page fails with SQLITE_FULL. */
function fillDisk(): void {
  const db = t.service.db;
  db.exec('CREATE TABLE IF NOT EXISTS filler (b BLOB)');
  const pages = db.pragma('page_count', { simple: true }) as number;
  db.pragma(`max_page_count = ${pages + 8}`);
  const insert = db.prepare('INSERT INTO filler (b) VALUES (zeroblob(?))');
  for (const size of [4000, 1000, 200, 20]) {
    try {
      for (;;) insert.run(size);
    } catch (err) {
      assert.equal((err as { code?: string }).code, 'SQLITE_FULL');
    }
  }
}

test('disk full while recording an alert: nothing is lost, readyz says why, and after space is freed the alert reaches Slack', async () => {
  const alerting = t.service.modules.find((m) => m.name === 'alerting') as AlertingModule;
  // What ingest commits before its 2xx, stored while the disk still had room.
  const { stored } = t.service.store.insertEvents(failures(10));
  assert.equal(stored.length, 10);
  fillDisk();

  await t.service.pump.offer(stored);
  assert.equal(alerting.listAlerts({ rule: 'ssh-brute-force', limit: 10 }).length, 0);
  assert.match(logs.join('\n'), /could not record alert "ssh-brute-force": database or disk is full/);
  assert.equal(t.service.store.getCursor('detect'), 0, 'the cursor did not move past the unrecorded alert');
  const ready = await fetch(`${base}/readyz`);
  assert.equal(ready.status, 503);
  assert.match(JSON.stringify(await ready.json()), /consumer detect failing since .*database or disk is full/);
  assert.match(await (await fetch(`${base}/metrics`)).text(), /logward_pipeline_consumer_failing\{consumer="detect"\} 1/);

  // Space freed: the pump's retry (no new event, no restart) records the alert.
  t.service.db.exec('DROP TABLE filler');
  t.service.db.pragma('max_page_count = 4294967294');
  const deadline = Date.now() + 10_000;
  while (t.service.store.getCursor('detect') !== t.service.store.lastSeq()) {
    assert.ok(Date.now() < deadline, 'the pump retried the detection consumer');
    await new Promise((r) => setTimeout(r, 20));
  }
  const alerts = alerting.listAlerts({ rule: 'ssh-brute-force', limit: 10 });
  assert.equal(alerts.length, 1);
  assert.equal(alerts[0]!.count, 10);
  assert.equal((await fetch(`${base}/readyz`)).status, 200);

  clock.t += 60_000; // past group_wait (high severity)
  await alerting.flush();
  const posts = slackPosts().filter((p) => p.includes('198.51.100.9'));
  assert.equal(posts.length, 1, slackPosts().join('\n'));
  assert.match(posts[0]!, /SSH brute force/);
});

test('readyz is not ready while ingest commits fail, and ready again after one succeeds', async () => {
  const token = t.config.ingest.tokens[0];
  const headers: Record<string, string> = { 'Content-Type': 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) };
  const record = (i: number) => ({ log: `Nov 21 10:07:00 web1 cron[${i}]: ${'x'.repeat(3000)} ${i}`, file: '/var/log/syslog', offset: 500_000 + i * 4000, hostname: 'web1', source_kind: 'syslog' });
  fillDisk();
  const refused = await fetch(`${base}/v1/ingest`, { method: 'POST', headers, body: JSON.stringify(Array.from({ length: 20 }, (_, i) => record(i))) });
  assert.equal(refused.status, 503);
  const ready = await fetch(`${base}/readyz`);
  assert.equal(ready.status, 503);
  assert.match(JSON.stringify(await ready.json()), /storage: ingest commit failing .*database or disk is full/);
  t.service.db.exec('DROP TABLE filler');
  t.service.db.pragma('max_page_count = 4294967294');
  const ok = await fetch(`${base}/v1/ingest`, { method: 'POST', headers, body: JSON.stringify([record(99)]) });
  assert.equal(ok.status, 204);
  await t.service.pump.notify();
  assert.equal((await fetch(`${base}/readyz`)).status, 200);
});
