/**
 * The whole path over real sockets: Fluent Bit-shaped gzip requests → ingest → store → event
 * pump → detection rules → alerting → a Slack webhook served locally. Time is a test clock.
 * Storage as shipped (synchronous FULL: each ingest commit fsynced before its 204).
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { gzipSync } from 'node:zlib';
import type { AddressInfo } from 'node:net';
import { postRaw, startTestService, type TestService } from '../helpers/service.js';
import { loadCaptures, replayHeaders } from '../helpers/captures.js';
import type { AlertingModule } from '../../alert-service/src/alerting/index.js';

class TestClock {
  constructor(public t: number) {}
  now = () => this.t;
}

const TOKEN = 'example-token';
let t: TestService;
let base: string;
let slack: Server;
const slackPosts: Array<{ text?: string; blocks?: unknown[] }> = [];
const clock = new TestClock(Date.parse('2026-11-21T10:06:00Z'));

before(async () => {
  slack = createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d));
    req.on('end', () => {
      slackPosts.push(JSON.parse(body) as { text?: string });
      res.end('ok');
    });
  });
  await new Promise<void>((r) => slack.listen(0, '127.0.0.1', r));
  const webhook = `http://127.0.0.1:${(slack.address() as AddressInfo).port}/services/T000/B000/XXXX`;
  t = await startTestService(
    {
      ingest: { tokens: [TOKEN] },
      // The shipped default: ingest commits are made durable by an fsync off the main thread before 204.
      storage: { synchronous: 'FULL' },
      alerting: { channels: { slack: { enabled: true, webhook_url: webhook, rate_limit: { burst: 20, per_minute: 10 } } }, geoip: { enabled: false } } as never,
    },
    { clock },
  );
  base = `http://127.0.0.1:${await t.service.listen()}`;
});
after(async () => {
  await t.close();
  slack.close();
});

const alerting = () => t.service.modules.find((m) => m.name === 'alerting') as AlertingModule;

test('an SSH brute force sent by Fluent Bit ends up as one Slack alert', async () => {
  // The captured auth.log chunk (6 failures from 203.0.113.7), then a burst from another address.
  for (const cap of loadCaptures('raw-gzip-json')) {
    assert.equal((await postRaw(base, cap.path, replayHeaders(cap.headers), cap.body)).status, 204);
  }
  const burst = Array.from({ length: 12 }, (_, i) => ({
    fb_time: '2026-11-21T10:05:30.000Z',
    file: '/var/log/auth.log',
    offset: 100_000 + i * 100,
    log: `Nov 21 10:05:${String(i * 2).padStart(2, '0')} web1 sshd[${5000 + i}]: Failed password for root from 198.51.100.77 port ${50000 + i} ssh2`,
    hostname: 'web1',
    source_kind: 'auth',
  }));
  const headers = { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip', Authorization: `Bearer ${TOKEN}`, 'X-Fluent-Tag': 'auth.var.log.auth.log' };
  assert.equal((await postRaw(base, '/v1/ingest', headers, gzipSync(JSON.stringify(burst)))).status, 204);
  // The same chunk retried: no second alert, no double count.
  assert.equal((await postRaw(base, '/v1/ingest', headers, gzipSync(JSON.stringify(burst)))).status, 204);
  await t.service.pump.notify();

  const alerts = alerting().listAlerts({ rule: 'ssh-brute-force', limit: 10 });
  assert.equal(alerts.length, 1, JSON.stringify(alerts));
  assert.deepEqual(alerts[0]!.group, { src_ip: '198.51.100.77' });

  // high severity: a new fingerprint is notified at once (first_notify.delay_s.high 0), not after group_wait.
  // The captures fire other rules too (scanner, injection, sudo, OOM...): the burst allowance here
  // lets each through as its own message (the held-back summaries are tested in test/alerting).
  const posts = () => slackPosts.map((p) => JSON.stringify(p));
  await alerting().flush();
  assert.ok(posts().some((p) => p.includes('198.51.100.77')), 'first notification without waiting for group_wait');
  clock.t += 60_000;
  await alerting().flush();
  const ssh = posts().filter((p) => p.includes('SSH brute force') && p.includes('198.51.100.77'));
  assert.equal(ssh.length, 1, posts().join('\n'));
  assert.match(ssh[0]!, /Failed password for root from 198\.51\.100\.77/);
  // One event, one notification: the shipped Sigma scanner rule restates the built-in one and is inhibited.
  const titles = slackPosts.map((p) => p.text ?? '');
  assert.ok(titles.includes('FIRING: Web vulnerability scanner'), titles.join(' | '));
  assert.ok(!titles.some((t) => t.includes('Web Scanner Or Traversal')), titles.join(' | '));

  // API: the alert is visible with its state.
  const res = await fetch(`${base}/api/alerts?rule=ssh-brute-force`);
  assert.equal(res.status, 200);
  assert.match(await res.text(), /198\.51\.100\.77/);
});
