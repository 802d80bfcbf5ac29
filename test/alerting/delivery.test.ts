/**
 * Delivery guarantees over real protocols on loopback, in real time with short configured
 * intervals: a Slack receiver slower than the timeout gets at most max_copies copies; one that is
 * down and comes back gets the backlog in order, each message once; the same for SMTP; a process
 * dying in the middle of a send (its database connection gone) counts that send as a copy.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAlertingModule, alertingConfig, type AlertingModule } from '../../alert-service/src/alerting/index.js';
import { openDatabase, type Db } from '../../alert-service/src/store/database.js';
import { systemClock } from '../../alert-service/src/pipeline/contracts.js';
import { closedPort, memoryDb, parseMail, signal, startFakeSlack, startFakeSmtp } from './helpers.js';

/** Short pauses so outages and probes fit in a test; everything else is the default. */
const FAST_OUTBOX = { backoff_initial_ms: 20, probe_interval_max_ms: 100 };
const ROOMY = { rate_limit: { burst: 5000, per_minute: 5000 } };

function slackModule(url: string, cfg: Record<string, unknown> = {}, db: Db = memoryDb()): { mod: AlertingModule; logs: string[] } {
  const logs: string[] = [];
  const { outbox, slack, ...rest } = cfg as { outbox?: object; slack?: object };
  const mod = createAlertingModule({
    db,
    config: alertingConfig({ digest: { enabled: false }, outbox: { ...FAST_OUTBOX, ...outbox }, channels: { slack: { enabled: true, webhook_url: url, ...ROOMY, ...slack } }, ...rest }),
    publicUrl: 'https://logward.example',
    clock: systemClock,
    geo: null,
    log: (m) => logs.push(m),
  });
  return { mod, logs };
}

async function waitFor(what: string, cond: () => boolean, timeoutMs = 20_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const alertIdOf = (body: string) => Number(/alerts\/(\d+)/.exec(body)?.[1]);

describe('bounded copies', () => {
  it('a Slack receiver answering slower than the timeout gets at most max_copies copies, then the message is failed', async () => {
    const slack = await startFakeSlack();
    slack.setDefault({ status: 200, delayMs: 1500 });
    const { mod } = slackModule(slack.url, { outbox: { max_copies: 3 }, slack: { timeout_ms: 300 } });
    try {
      mod.emit(signal({ severity: 'critical' }));
      await mod.flush();
      await waitFor('the message to fail', () => mod.listOutbox({ status: 'failed', limit: 1 }).length === 1);
      await new Promise((r) => setTimeout(r, 300)); // nothing more comes
      // Each timed-out send may have reached the receiver (on a loaded machine one may time out before it did).
      assert.ok(slack.requests.length >= 1 && slack.requests.length <= 3, `${slack.requests.length} copies`);
      assert.equal(mod.listOutbox({ limit: 1 })[0]!.attempts, 3);
      assert.match(mod.listOutbox({ limit: 1 })[0]!.last_error!, /gave up after 3 unanswered send\(s\): the receiver may have up to 3 copies/);
    } finally {
      await mod.stop();
      await slack.close();
    }
  });

  it('a receiver slower than usual but within the timeout gets exactly one copy', async () => {
    const slack = await startFakeSlack();
    slack.setDefault({ status: 200, delayMs: 400 });
    const { mod } = slackModule(slack.url, { slack: { timeout_ms: 2000 } });
    try {
      mod.emit(signal({ severity: 'critical' }));
      await mod.flush();
      await waitFor('the message to be sent', () => mod.listOutbox({ status: 'sent', limit: 1 }).length === 1);
      assert.equal(slack.requests.length, 1);
    } finally {
      await mod.stop();
      await slack.close();
    }
  });

  it('a process dying mid-send re-sends on start with the send counted: at most max_copies copies across crashes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'logward-crash-'));
    const slack = await startFakeSlack();
    slack.setDefault({ status: 200, delayMs: 60_000 }); // never answers in time: every send is in flight when the process "dies"
    const path = join(dir, 'alerts.db');
    try {
      const cfg = { outbox: { max_copies: 2 }, slack: { timeout_ms: 30_000 } };
      for (let life = 1; life <= 3; life++) {
        const db = openDatabase({ path });
        const { mod } = slackModule(slack.url, cfg, db);
        mod.start();
        if (life === 1) mod.emit(signal({ severity: 'critical' }));
        mod.tick(); // not flush(): that would wait for the send the "crash" interrupts
        if (life < 3) {
          await waitFor(`send #${life} to reach the receiver`, () => slack.requests.length === life);
          db.close(); // SIGKILL: the process and its connection are gone, the row stays 'sending'
        } else {
          await waitFor('the message to fail', () => mod.listOutbox({ status: 'failed', limit: 1 }).length === 1);
          assert.match(mod.listOutbox({ limit: 1 })[0]!.last_error!, /gave up after 2 send\(s\) without an answer/);
          await mod.stop();
          db.close();
        }
      }
      assert.equal(slack.requests.length, 2, 'max_copies 2: two sends reached the receiver, no third');
    } finally {
      await slack.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('outage and recovery', () => {
  it('Slack down, then back: 1,000 queued messages are drained in order, each once, no copies counted for refused connections', async (t) => {
    const port = await closedPort();
    const { mod, logs } = slackModule(`http://127.0.0.1:${port}/services/T000/B000/XXXX`);
    let slack: Awaited<ReturnType<typeof startFakeSlack>> | undefined;
    try {
      const N = 1000;
      // Distinct rules: each alert its own message (no storm grouping), in the order they were raised.
      for (let i = 0; i < N; i++) mod.emit(signal({ severity: 'critical', rule_id: `rule-${i}`, group: { src_ip: `198.51.100.${i % 250}` } }));
      await mod.flush();
      await waitFor('the queue', () => mod.collectMetrics().outbox.slack!.pending === N, 60_000);
      // The outage: the breaker opens and probes (bounded wait: a loaded machine may take longer than 500 ms).
      await waitFor('the breaker to open', () => mod.collectMetrics().breakers.slack!.open === 1, 30_000);
      slack = await startFakeSlack(port);
      const t0 = Date.now();
      await waitFor('the backlog', () => slack!.requests.length >= N, 90_000); // generous: the machine may be busy (the figure is in bench:alert-latency)
      t.diagnostic(`caught up ${N} messages ${Date.now() - t0} ms after the receiver came back (probe_interval_max_ms ${FAST_OUTBOX.probe_interval_max_ms})`);
      await new Promise((r) => setTimeout(r, 100));
      const ids = slack.requests.map((r) => alertIdOf(r.body));
      assert.equal(ids.length, N, 'each message once');
      assert.deepEqual(ids, [...ids].sort((a, b) => a - b), 'in the order they were queued');
      assert.equal(new Set(ids).size, N);
      assert.equal(mod.collectMetrics().outbox.slack!.sent, N);
      assert.ok(logs.some((l) => /slack channel recovered; circuit breaker closed/.test(l)));
    } finally {
      await mod.stop();
      await slack?.close();
    }
  });

  it('SMTP down, then back: the queued emails arrive in order, each once', async () => {
    const port = await closedPort();
    const mod = createAlertingModule({
      db: memoryDb(),
      config: alertingConfig({
        digest: { enabled: false },
        outbox: FAST_OUTBOX,
        channels: { email: { enabled: true, host: '127.0.0.1', port, secure: false, require_tls: false, tls_reject_unauthorized: false, to: ['soc@example.com'], timeout_ms: 2000, ...ROOMY } },
      }),
      publicUrl: 'https://logward.example',
      clock: systemClock,
      geo: null,
      log: () => undefined,
    });
    let smtp: Awaited<ReturnType<typeof startFakeSmtp>> | undefined;
    try {
      const N = 30;
      for (let i = 0; i < N; i++) mod.emit(signal({ severity: 'critical', rule_id: `rule-${i}` }));
      await mod.flush();
      await waitFor('the queue', () => mod.collectMetrics().outbox.email!.pending === N);
      await new Promise((r) => setTimeout(r, 300));
      smtp = await startFakeSmtp({ port });
      await waitFor('the backlog', () => smtp!.mails.length >= N);
      await new Promise((r) => setTimeout(r, 100));
      const ids = smtp.mails.map((m) => alertIdOf(parseMail(m.raw).parts.map((p) => p.body).join('\n')));
      assert.equal(ids.length, N);
      assert.deepEqual(ids, Array.from({ length: N }, (_, i) => i + 1));
    } finally {
      await mod.stop();
      await smtp?.close();
    }
  });
});
