/**
 * Alert lifecycle with a controllable clock and recording notifiers: fingerprint upsert, group
 * timings (group_wait, group_interval, repeat_interval), resolution, silences, acknowledgement,
 * rate-limit summaries, outbox retries and a restart in the middle of an outage.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAlertingModule, alertingConfig, DeliveryError, type ChannelName } from '../../alert-service/src/alerting/index.js';
import { openDatabase, type Db } from '../../alert-service/src/store/database.js';
import type { EmailMessage, ForwardMessage, SlackMessage } from '../../alert-service/src/alerting/notify/notifier.js';
import { ManualClock, RecordingNotifier, memoryDb, signal } from './helpers.js';
import { HeldBackLedger } from '../../alert-service/src/alerting/outbox/rate-limit.js';

const S = 1000;

function setup(cfg: Record<string, unknown> = {}, opts: { db?: Db; clock?: ManualClock; channels?: ChannelName[]; random?: () => number } = {}) {
  const clock = opts.clock ?? new ManualClock();
  const db = opts.db ?? memoryDb();
  const notifiers = {} as Record<ChannelName, RecordingNotifier>;
  for (const ch of opts.channels ?? ['slack']) notifiers[ch] = new RecordingNotifier(ch);
  const logs: string[] = [];
  const mod = createAlertingModule({
    db,
    config: alertingConfig({ digest: { enabled: false }, ...cfg }),
    publicUrl: 'https://logward.example',
    clock,
    log: (m) => logs.push(m),
    notifiers: Object.fromEntries(Object.entries(notifiers)),
    geo: null,
    random: opts.random ?? (() => 0),
  });
  return { mod, clock, db, notifiers, slack: notifiers.slack, logs };
}

/** Alert ids linked from a Slack message (each alert block links its alert once in the context line). */
const firingIds = (m: { blocks: Record<string, unknown>[] }) => [...new Set(JSON.stringify(m.blocks).match(/alerts\/(\d+)/g) ?? [])];

describe('alert records', () => {
  it('signals with the same fingerprint update one record (count, first/last seen, bounded samples)', () => {
    const { mod } = setup({ max_samples: 3 });
    mod.emit(signal({ group: { src_ip: '203.0.113.7', user: 'root' }, first_seen: '2026-11-20T09:00:00Z', last_seen: '2026-11-20T09:01:00Z' }));
    mod.emit(signal({ group: { user: 'root', src_ip: '203.0.113.7' }, first_seen: '2026-11-20T08:00:00Z', last_seen: '2026-11-20T09:30:00Z', samples: ['a', 'b', 'c'] }));
    mod.emit(signal({ group: { src_ip: '198.51.100.1' } }));
    const alerts = mod.listAlerts({ limit: 10 });
    assert.equal(alerts.length, 2);
    const a = alerts.find((x) => x.group.user === 'root')!;
    assert.equal(a.count, 10);
    assert.equal(a.first_seen, '2026-11-20T08:00:00Z');
    assert.equal(a.last_seen, '2026-11-20T09:30:00Z');
    assert.deepEqual(a.samples, ['a', 'b', 'c']);
    assert.equal(a.event_ids.length, 2);
    assert.equal(a.state, 'firing');
    assert.equal(a.url, `https://logward.example/alerts/${a.id}`);
  });

  it('folds new fingerprints into one overflow alert per rule past max_active_alerts', () => {
    const { mod } = setup({ max_active_alerts: 10 });
    for (let i = 0; i < 25; i++) mod.emit(signal({ group: { src_ip: `203.0.113.${i}` } }));
    const alerts = mod.listAlerts({ limit: 100 });
    assert.equal(alerts.length, 11);
    const overflow = alerts.find((a) => a.group._overflow === 'true')!;
    assert.equal(overflow.count, 15 * 5);
    assert.equal(mod.collectMetrics().overflow_total, 15);
  });
});

describe('grouping and repeat timings (Alertmanager semantics)', () => {
  it('waits group_wait, batches within group_interval, reminds after repeat_interval (storm_threshold 0: plain Alertmanager grouping)', async () => {
    const { mod, clock, slack } = setup({ default_policy: { resolve_after_s: 86400 }, first_notify: { storm_threshold: 0 } });
    mod.emit(signal({ group: { src_ip: '203.0.113.1' } }));
    await mod.flush();
    clock.advance(29 * S);
    await mod.flush();
    assert.equal(slack.sent.length, 0, 'nothing before group_wait (30 s)');
    clock.advance(1 * S);
    await mod.flush();
    assert.equal(slack.sent.length, 1);
    assert.match((slack.sent[0] as SlackMessage).text, /^FIRING: SSH brute force/);

    // A second alert of the same rule waits for the group_interval (300 s after the last send).
    clock.advance(10 * S);
    mod.emit(signal({ group: { src_ip: '203.0.113.2' } }));
    mod.emit(signal({ group: { src_ip: '203.0.113.1' } })); // same alert again: no new notification by itself
    await mod.flush();
    clock.advance(289 * S);
    await mod.flush();
    assert.equal(slack.sent.length, 1, 'group_interval not over yet');
    clock.advance(1 * S);
    await mod.flush();
    assert.equal(slack.sent.length, 2);
    assert.equal(firingIds(slack.sent[1] as SlackMessage).length, 2, 'the group notification lists both firing alerts');

    // No change: nothing until repeat_interval (4 h) after the last notification.
    clock.advance(3 * 3600 * S);
    mod.emit(signal({ group: { src_ip: '203.0.113.2' } }));
    await mod.flush();
    assert.equal(slack.sent.length, 2);
    clock.advance(3600 * S);
    await mod.flush();
    assert.equal(slack.sent.length, 3);
    assert.match((slack.sent[2] as SlackMessage).text, /^REMINDER/);
  });

  it('sends a new critical alert at once, from emit, without a tick', async () => {
    const { mod, slack } = setup();
    const t0 = performance.now();
    mod.emit(signal({ severity: 'critical', rule_id: 'ransomware', title: 'Ransomware note written' }));
    // Only catches a send made inline (a Slack timeout is 30 s); a tight bound would measure the machine, not emit.
    assert.ok(performance.now() - t0 < 500, 'emit is synchronous: it returns without waiting for a send');
    assert.equal(slack.sent.length, 0, 'emit never sends inline');
    await new Promise((r) => setTimeout(r, 30));
    assert.equal(slack.sent.length, 1);
  });

  it('resolves after the quiet period and notifies the resolution once; a new signal fires again', async () => {
    const { mod, clock, slack } = setup({ policies: [{ match: { severity: ['critical'] }, group_wait_s: 0, resolve_after_s: 600 }] });
    mod.emit(signal({ severity: 'critical' }));
    await mod.flush();
    assert.equal(slack.sent.length, 1);
    clock.advance(599 * S);
    await mod.flush();
    assert.equal(mod.listAlerts({ limit: 1 })[0]!.state, 'firing');
    clock.advance(1 * S);
    await mod.flush();
    assert.equal(mod.listAlerts({ limit: 1 })[0]!.state, 'resolved');
    assert.equal(slack.sent.length, 1, 'the resolution waits for the group_interval (300 s after the last flush)');
    clock.advance(300 * S);
    await mod.flush();
    assert.equal(slack.sent.length, 2);
    assert.match((slack.sent[1] as SlackMessage).text, /^RESOLVED/);
    const [a] = mod.listAlerts({ limit: 1 });
    assert.equal(a!.state, 'resolved');
    assert.ok(a!.resolved_at);
    clock.advance(3600 * S);
    await mod.flush();
    assert.equal(slack.sent.length, 2, 'resolution notified once');
    mod.emit(signal({ severity: 'critical' }));
    await mod.flush();
    assert.equal(slack.sent.length, 3);
    assert.match((slack.sent[2] as SlackMessage).text, /^FIRING/);
    assert.equal(mod.listAlerts({ limit: 10 }).length, 1, 'the same record fires again');
  });
});

describe('first notification and storms', () => {
  const fast = { channels: { slack: { rate_limit: { burst: 1000, per_minute: 1000 } } } };

  it('notifies a new fingerprint at once (high): a new source IP of the same rule is a new group, not a group_interval wait', async () => {
    const { mod, slack } = setup(fast);
    mod.emit(signal({ group: { src_ip: '203.0.113.1' } }));
    await new Promise((r) => setTimeout(r, 30));
    assert.equal(slack.sent.length, 1, 'high: first notification from emit, without waiting group_wait');
    mod.emit(signal({ group: { src_ip: '203.0.113.2' } }));
    await new Promise((r) => setTimeout(r, 30));
    assert.equal(slack.sent.length, 2, 'a new source IP does not wait for the group_interval of the first');
    assert.deepEqual(firingIds(slack.sent[1] as SlackMessage), ['alerts/2'], 'its own message lists only the new alert');
    mod.emit(signal({ group: { src_ip: '203.0.113.1' } }));
    await mod.flush();
    assert.equal(slack.sent.length, 2, 'the same fingerprint again is no news');
  });

  it('waits the short per-severity delay for lower severities, so signals arriving together still make one message', async () => {
    const { mod, clock, slack } = setup(fast);
    mod.emit(signal({ severity: 'medium', group: { src_ip: '203.0.113.9' } }));
    await mod.flush();
    clock.advance(4 * S);
    mod.emit(signal({ severity: 'medium', group: { src_ip: '203.0.113.9' } }));
    await mod.flush();
    assert.equal(slack.sent.length, 0, 'medium: first_notify.delay_s.medium is 5 s');
    clock.advance(1 * S);
    await mod.flush();
    assert.equal(slack.sent.length, 1);
    assert.match(JSON.stringify(slack.sent[0]), /10 events/);
  });

  it('a storm of one rule makes a bounded number of messages: storm_threshold own ones, then the rule group on group_wait/group_interval', async () => {
    const { mod, clock, slack } = setup(fast);
    const N = 1000;
    for (let i = 0; i < N; i++) mod.emit(signal({ group: { src_ip: `198.51.${i >> 8}.${i & 255}` } }));
    await mod.flush();
    assert.equal(slack.sent.length, 10, 'first_notify.storm_threshold (10 per storm_window_s) alerts notified on their own');
    clock.advance(30 * S);
    await mod.flush();
    assert.equal(slack.sent.length, 11, 'the rest in one storm message after group_wait');
    const storm = JSON.stringify(slack.sent[10]);
    assert.match(storm, new RegExp(`and ${N - 10 - 10} more alerts`), 'the storm message counts what it leaves out');
    // The storm goes on past the window: newcomers join the open storm group, one update per group_interval.
    clock.advance(120 * S);
    for (let i = 0; i < N; i++) mod.emit(signal({ group: { src_ip: `192.0.2.${i % 250}`, user: `u${i}` } }));
    clock.advance(179 * S);
    await mod.flush();
    assert.equal(slack.sent.length, 11);
    clock.advance(1 * S);
    await mod.flush();
    assert.equal(slack.sent.length, 12, `${2 * N} alerts of one rule: 12 messages`);
    assert.equal(mod.listAlerts({ limit: 5000 }).length, 2 * N, 'every alert is stored');
  });

  it('a new fingerprint after the storm has ended is notified at once again', async () => {
    const { mod, clock, slack } = setup({ ...fast, default_policy: { resolve_after_s: 60, group_interval_s: 10 } });
    for (let i = 0; i < 12; i++) mod.emit(signal({ group: { src_ip: `198.51.100.${i}` } }));
    await mod.flush();
    clock.advance(30 * S);
    await mod.flush();
    assert.equal(slack.sent.length, 11);
    clock.advance(3600 * S); // everything resolves; the storm group closes once its resolution is sent
    await mod.flush();
    clock.advance(60 * S);
    await mod.flush();
    const before = slack.sent.length;
    mod.emit(signal({ group: { src_ip: '203.0.113.99' } }));
    await new Promise((r) => setTimeout(r, 30));
    assert.equal(slack.sent.length, before + 1);
    assert.match((slack.sent.at(-1) as SlackMessage).text, /^FIRING/);
  });

  it('a storm message leads with the newest, most severe alert and counts the rest', async () => {
    const { mod, clock, slack } = setup({ ...fast, first_notify: { storm_threshold: 0 }, max_alerts_per_message: 5 });
    for (let i = 0; i < 30; i++) mod.emit(signal({ group: { src_ip: `198.51.100.${i}` }, title: `Attack ${i}`, severity: i === 7 ? 'critical' : 'high' }));
    clock.advance(30 * S);
    await mod.flush();
    // Critical goes to the critical policy (its own rule group); the high ones lead with the newest.
    const high = slack.sent.map((m) => m as SlackMessage).find((m) => m.text.includes('Attack 29'))!;
    assert.ok(high, slack.sent.map((m) => (m as SlackMessage).text).join(' | '));
    const ids = firingIds(high);
    assert.deepEqual(ids.slice(0, 3), ['alerts/30', 'alerts/29', 'alerts/28'], 'newest first');
    assert.match(JSON.stringify(high), /and 24 more alerts/);
  });
});

describe('inhibition of Sigma alerts that restate a built-in rule', () => {
  const titles = (m: { text: string }) => m.text;

  it('notifies a scanner seen by a built-in rule and a Sigma rule once, under the built-in rule', async () => {
    const { mod, clock, slack } = setup({ default_policy: { group_wait_s: 0 }, first_notify: { delay_s: { medium: 0 } }, channels: { slack: { rate_limit: { burst: 50, per_minute: 50 } } } });
    mod.emit(signal({ rule_id: 'web-scanner-paths', title: 'Web vulnerability scanner', severity: 'medium', event_ids: ['a1', 'a2'] }));
    mod.emit(signal({ rule_id: '5e3f7a4b', title: 'Web Scanner (Sigma)', source: 'sigma', severity: 'medium', event_ids: ['a1'] }));
    await mod.flush();
    clock.advance(S);
    await mod.flush();
    assert.deepEqual(slack.sent.map((m) => titles(m as SlackMessage)), ['FIRING: Web vulnerability scanner']);
    // Still stored and listed.
    assert.equal(mod.listAlerts({ limit: 10, rule: '5e3f7a4b' })[0]!.state, 'firing');
  });

  it('still notifies a Sigma alert with evidence of its own, or one more severe than the built-in alert', async () => {
    const { mod, clock, slack } = setup({ default_policy: { group_wait_s: 0 }, first_notify: { delay_s: { medium: 0 } }, channels: { slack: { rate_limit: { burst: 50, per_minute: 50 } } } });
    mod.emit(signal({ rule_id: 'oom-kill', title: 'OOM kill', severity: 'medium', event_ids: ['k1'] }));
    mod.emit(signal({ rule_id: 'sigma-other', title: 'Sigma own evidence', source: 'sigma', severity: 'medium', event_ids: ['k1', 'k2'] }));
    mod.emit(signal({ rule_id: 'sigma-severe', title: 'Sigma more severe', source: 'sigma', severity: 'high', event_ids: ['k1'] }));
    mod.emit(signal({ rule_id: 'sigma-elsewhere', title: 'Sigma other host', source: 'sigma', severity: 'medium', host: 'web-2', event_ids: ['k1'] }));
    await mod.flush();
    clock.advance(S);
    await mod.flush();
    assert.deepEqual(slack.sent.map((m) => titles(m as SlackMessage)).sort(), ['FIRING: OOM kill', 'FIRING: Sigma more severe', 'FIRING: Sigma other host', 'FIRING: Sigma own evidence']);
  });

  it('notifies the Sigma alert once the built-in alert is resolved and it fires on', async () => {
    const { mod, clock, slack } = setup({ default_policy: { group_wait_s: 0, group_interval_s: 10, resolve_after_s: 60 }, channels: { slack: { rate_limit: { burst: 50, per_minute: 50 } } } });
    mod.emit(signal({ rule_id: 'audit-log-cleared', title: 'Log cleared', severity: 'high', event_ids: ['c1'] }));
    mod.emit(signal({ rule_id: 'sigma-cleared', title: 'Log cleared (Sigma)', source: 'sigma', severity: 'high', event_ids: ['c1'] }));
    await mod.flush();
    assert.equal(slack.sent.filter((m) => titles(m as SlackMessage).includes('(Sigma)')).length, 0);
    clock.advance(30 * S);
    mod.emit(signal({ rule_id: 'sigma-cleared', title: 'Log cleared (Sigma)', source: 'sigma', severity: 'high', event_ids: ['c1'] }));
    await mod.flush();
    assert.equal(slack.sent.filter((m) => titles(m as SlackMessage).includes('(Sigma)')).length, 0, 'still restating an open alert');
    clock.advance(40 * S); // the built-in alert is quiet past resolve_after; the Sigma one is not
    await mod.flush();
    assert.ok(slack.sent.some((m) => titles(m as SlackMessage) === 'FIRING: Log cleared (Sigma)'), slack.sent.map((m) => titles(m as SlackMessage)).join(', '));
  });
});

describe('escalation', () => {
  it('an open alert escalating to critical is announced again at once; a lower signal does not lower it', async () => {
    const { mod, clock, slack } = setup();
    mod.emit(signal({ severity: 'medium' }));
    clock.advance(30 * S);
    await mod.flush();
    assert.equal(slack.sent.length, 1);
    mod.emit(signal({ severity: 'critical' }));
    await mod.flush();
    assert.equal(slack.sent.length, 2);
    assert.match(JSON.stringify(slack.sent[1]), /:red_circle: critical/);
    mod.emit(signal({ severity: 'low' }));
    await mod.flush();
    assert.equal(slack.sent.length, 2);
    const [a] = mod.listAlerts({ limit: 5 });
    assert.equal(a!.severity, 'critical');
    assert.equal(mod.listAlerts({ limit: 5 }).length, 1);
  });
});

describe('silences and acknowledgement', () => {
  it('silenced alerts are stored (state silenced) but not notified; expiring the silence notifies them', async () => {
    const { mod, clock, slack } = setup({ default_policy: { group_wait_s: 0 } });
    const sil = mod.createSilence({
      matchers: [
        { name: 'rule_id', value: 'ssh-.*', is_regex: true },
        { name: 'src_ip', value: '203.0.113.7' },
      ],
      ends_at: new Date(clock.now() + 3600 * S).toISOString(),
      comment: 'pentest',
      created_by: 'alice',
    }) as { id: number; status: string };
    assert.equal(sil.status, 'active');
    mod.emit(signal({ group: { src_ip: '203.0.113.7' } }));
    mod.emit(signal({ group: { src_ip: '198.51.100.9' } }));
    await mod.flush();
    const silenced = mod.listAlerts({ state: 'silenced', limit: 10 });
    assert.equal(silenced.length, 1);
    assert.equal(slack.sent.length, 1);
    assert.deepEqual(firingIds(slack.sent[0] as SlackMessage), [`alerts/${silenced[0]!.id + 1}`], 'only the alert that is not silenced');
    assert.deepEqual(silenced[0]!.silenced_by, [sil.id]);

    mod.expireSilence(sil.id);
    assert.equal(mod.listAlerts({ state: 'silenced', limit: 10 }).length, 0);
    clock.advance(300 * S);
    await mod.flush();
    assert.equal(slack.sent.length, 2);
    assert.ok(firingIds(slack.sent[1] as SlackMessage).includes(`alerts/${silenced[0]!.id}`));
    assert.equal(mod.listAlerts({ state: 'firing', limit: 10 }).length, 2);
  });

  it('a silence that ends on its own lets the alert notify; one that starts later silences on time', async () => {
    const { mod, clock, slack } = setup({ default_policy: { group_wait_s: 0 } });
    mod.createSilence({ matchers: [{ name: 'host', value: 'web-1' }], ends_at: new Date(clock.now() + 60 * S).toISOString(), comment: 'maintenance', created_by: 'bob' });
    mod.emit(signal());
    await mod.flush();
    assert.equal(slack.sent.length, 0);
    clock.advance(61 * S);
    await mod.flush();
    assert.equal(slack.sent.length, 1);
    mod.createSilence({
      matchers: [{ name: 'host', value: 'db-1' }],
      starts_at: new Date(clock.now() + 60 * S).toISOString(),
      ends_at: new Date(clock.now() + 120 * S).toISOString(),
      comment: 'later',
      created_by: 'bob',
    });
    clock.advance(61 * S);
    mod.tick();
    mod.emit(signal({ host: 'db-1', rule_id: 'other' }));
    assert.equal(mod.listAlerts({ host: 'db-1', limit: 1 })[0]!.state, 'silenced');
  });

  it('acknowledged alerts get no reminders, but their resolution is notified', async () => {
    const { mod, clock, slack } = setup({ default_policy: { group_wait_s: 0, repeat_interval_s: 3600, resolve_after_s: 7200 } });
    mod.emit(signal());
    await mod.flush();
    assert.equal(slack.sent.length, 1);
    const id = mod.listAlerts({ limit: 1 })[0]!.id;
    const acked = mod.acknowledge(id, { by: 'carol', comment: 'looking' })!;
    assert.equal(acked.state, 'acknowledged');
    assert.equal(acked.acknowledged_by, 'carol');
    clock.advance(3600 * S);
    await mod.flush();
    assert.equal(slack.sent.length, 1, 'no reminder for an acknowledged alert');
    clock.advance(3600 * S);
    await mod.flush();
    assert.equal(slack.sent.length, 2);
    assert.match((slack.sent[1] as SlackMessage).text, /^RESOLVED/);
  });
});

describe('rate limits', () => {
  it('holds back beyond the token bucket and summarizes what was held back in the next message', async () => {
    const { mod, clock, slack } = setup({ channels: { slack: { rate_limit: { burst: 2, per_minute: 1 } } } });
    for (let i = 0; i < 5; i++) mod.emit(signal({ severity: 'critical', rule_id: `rule-${i}`, title: `Attack <${i}>` }));
    await mod.flush();
    assert.equal(slack.sent.length, 2);
    assert.equal(mod.collectMetrics().held_back_pending.slack, 3);

    // One token back after a minute: a new alert carries the summary of the three held back.
    clock.advance(60 * S);
    mod.emit(signal({ severity: 'critical', rule_id: 'rule-new', title: 'New attack' }));
    await mod.flush();
    assert.equal(slack.sent.length, 3);
    const text = JSON.stringify(slack.sent[2]);
    assert.match(text, /New attack/);
    assert.match(text, /\+3 more alerts held back by the rate limit/);
    assert.match(text, /Attack &lt;2&gt;/);
    assert.equal(mod.collectMetrics().held_back_pending.slack, undefined);
  });

  it('sends a summary-only message once tokens free up, even with no new alert', async () => {
    const { mod, clock, slack } = setup({ channels: { slack: { rate_limit: { burst: 1, per_minute: 1 } } } });
    for (let i = 0; i < 4; i++) mod.emit(signal({ severity: 'critical', rule_id: `r${i}` }));
    await mod.flush();
    assert.equal(slack.sent.length, 1);
    clock.advance(60 * S);
    await mod.flush();
    assert.equal(slack.sent.length, 2);
    assert.match((slack.sent[1] as SlackMessage).text, /HELD BACK/);
    assert.match(JSON.stringify(slack.sent[1]), /\+3 more alerts held back/);
    assert.deepEqual(mod.listOutbox({ limit: 10 }).map((o) => o.kind).sort(), ['alerts', 'held_back']);
  });

  it('names the worst severity held back for a rule, not the first', () => {
    const ledger = new HeldBackLedger(memoryDb());
    for (const severity of ['low', 'critical', 'medium']) ledger.add('email', [{ rule_id: 'r', title: 'T', severity }], 0);
    assert.deepEqual(ledger.peek('email').map((h) => [h.severity, h.alerts]), [['critical', 3]]);
  });
});

describe('durable outbox', () => {
  it('a failing channel pauses as a whole (doubling up to probe_interval_max_ms), probes do not use up attempts, the backlog then goes out in order', async () => {
    const { mod, clock, slack, logs } = setup({ outbox: { backoff_initial_ms: 1000, probe_interval_max_ms: 4000 }, channels: { slack: { rate_limit: { burst: 100, per_minute: 100 } } } });
    slack.fail = () => new DeliveryError('HTTP 503', true);
    for (let i = 0; i < 5; i++) mod.emit(signal({ severity: 'critical', rule_id: `r${i}` }));
    await mod.flush();
    assert.equal(slack.calls, 1, 'one failure pauses the channel: the other four are not tried behind it');
    // random() = 0 → half the exponential pause: 0.5 s, 1 s, 2 s (breaker opens at 3), then probes every 2 s (half of 4 s).
    for (const pause of [500, 1000, 2000, 2000, 2000, 2000]) {
      const calls: number = slack.calls;
      clock.advance(pause - 1);
      await mod.flush();
      assert.equal(slack.calls, calls, `nothing before the ${pause} ms pause ends`);
      clock.advance(1);
      await mod.flush();
      assert.equal(slack.calls, calls + 1);
    }
    assert.ok(logs.some((l) => /slack circuit breaker open after 3 consecutive failures/.test(l)), logs.join('\n'));
    assert.equal(mod.collectMetrics().breakers.slack!.open, 1);
    const head = mod.listOutbox({ limit: 10 }).at(-1)!;
    assert.equal(head.status, 'pending');
    assert.equal(head.attempts, 3, 'probes of an open breaker are not counted as attempts');
    // Recovery: the next probe goes through, the breaker closes, the backlog drains back to back, oldest first.
    slack.fail = undefined;
    clock.advance(2000);
    await mod.flush();
    assert.deepEqual(slack.sent.map((m) => (m as SlackMessage).text.replace(/^FIRING: /, '')), Array(5).fill('SSH brute force'));
    assert.deepEqual(mod.listOutbox({ limit: 10 }).map((o) => [o.id, o.status]).reverse(), [1, 2, 3, 4, 5].map((id) => [id, 'sent']));
    assert.ok(logs.some((l) => /slack channel recovered; circuit breaker closed, draining 4 queued/.test(l)));
    assert.equal(mod.collectMetrics().breakers.slack!.open, 0);
  });

  it('marks a message failed after max_attempts refusals while the channel is up, and after max_copies unanswered sends', async () => {
    const { mod, clock, slack } = setup({ outbox: { max_attempts: 2, max_copies: 2, breaker_failure_threshold: 5 }, channels: { slack: { rate_limit: { burst: 100, per_minute: 100 } } } });
    slack.fail = (_m, call) => (call <= 2 ? new DeliveryError('HTTP 503', true) : call <= 4 ? new DeliveryError('slack: request failed: timeout', true, undefined, true) : undefined);
    mod.emit(signal({ severity: 'critical', rule_id: 'refused' }));
    mod.emit(signal({ severity: 'critical', rule_id: 'unanswered' }));
    for (let i = 0; i < 6; i++) {
      await mod.flush();
      clock.advance(10_000);
    }
    const rows = mod.listOutbox({ limit: 10 }).reverse();
    assert.deepEqual(rows.map((r) => r.status), ['failed', 'failed']);
    assert.match(rows[0]!.last_error!, /503 \(after 2 attempt/);
    assert.match(rows[1]!.last_error!, /gave up after 2 unanswered send\(s\): the receiver may have up to 2 copies/);
    assert.equal(slack.calls, 4);
    // Manual retry from the API gives it a fresh budget; now the channel works.
    assert.equal(mod.retryOutbox(rows[1]!.id), true);
    await mod.flush();
    assert.equal(slack.sent.length, 1);
  });

  it('uses Retry-After for the channel pause, and fails permanent errors at once without pausing', async () => {
    const { mod, clock, slack } = setup();
    slack.fail = (_m, call) => (call === 1 ? new DeliveryError('HTTP 429', true, 42_000) : call === 2 ? undefined : new DeliveryError('HTTP 400 invalid_blocks', false));
    mod.emit(signal({ severity: 'critical', rule_id: 'a' }));
    await mod.flush();
    clock.advance(41_999);
    await mod.flush();
    assert.equal(slack.calls, 1);
    clock.advance(1);
    await mod.flush();
    assert.equal(slack.sent.length, 1);
    mod.emit(signal({ severity: 'critical', rule_id: 'b' }));
    mod.emit(signal({ severity: 'critical', rule_id: 'c' }));
    await mod.flush();
    assert.equal(slack.calls, 4, 'a permanent refusal does not pause the channel');
    const failed = mod.listOutbox({ status: 'failed', limit: 10 });
    assert.equal(failed.length, 2);
    assert.equal(failed[0]!.attempts, 1);
  });

  it('keeps Retry-After within bounds: 0 is no tight loop, a huge value does not park the channel', async () => {
    const { mod, clock, slack } = setup({ outbox: { backoff_initial_ms: 10_000, probe_interval_max_ms: 10_000, backoff_max_ms: 600_000 } });
    slack.fail = (_m, call) => new DeliveryError('HTTP 429', true, call === 1 ? 0 : 1e12);
    mod.emit(signal({ severity: 'critical' }));
    await mod.flush();
    assert.equal(slack.calls, 1, 'Retry-After: 0 still waits the pause');
    clock.advance(5_000);
    await mod.flush();
    assert.equal(slack.calls, 2);
    clock.advance(599_999);
    await mod.flush();
    assert.equal(slack.calls, 2);
    clock.advance(1);
    await mod.flush();
    assert.equal(slack.calls, 3, 'a huge Retry-After is capped at backoff_max_ms');
  });

  it('a restart in the middle of an outage delivers every pending alert exactly once', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'logward-alerting-'));
    try {
      const path = join(dir, 'alerts.db');
      const clock = new ManualClock();
      const cfg = { outbox: { backoff_initial_ms: 60_000 }, default_policy: { resolve_after_s: 86400 } };
      const dbA = openDatabase({ path });
      const a = setup(cfg, { db: dbA, clock, channels: ['slack', 'forward'] });
      a.notifiers.slack.fail = () => new DeliveryError('connect ECONNREFUSED', true);
      a.notifiers.forward.fail = () => new DeliveryError('connect ECONNREFUSED', true);
      a.mod.start();
      for (let i = 0; i < 3; i++) a.mod.emit(signal({ severity: 'critical', rule_id: `crit-${i}` }));
      a.mod.emit(signal({ severity: 'low', rule_id: 'waiting' })); // still in its first-notify delay (low: 15 s) when A stops
      await a.mod.flush();
      assert.equal(a.notifiers.slack.sent.length, 0);
      assert.equal(a.mod.listOutbox({ status: 'pending', limit: 100 }).length, 6);
      await a.mod.stop();
      dbA.close();

      clock.advance(60_000);
      const dbB = openDatabase({ path });
      const b = setup(cfg, { db: dbB, clock, channels: ['slack', 'forward'] });
      b.mod.start();
      await b.mod.flush();
      clock.advance(3600 * S);
      await b.mod.flush();
      clock.advance(3600 * S);
      await b.mod.flush();
      const slackIds = b.notifiers.slack.sent.flatMap((m) => firingIds(m as SlackMessage));
      assert.deepEqual(slackIds.sort(), ['alerts/1', 'alerts/2', 'alerts/3', 'alerts/4']);
      const fwd = b.notifiers.forward.sent.flatMap((m) => (m as ForwardMessage).records.map((r) => r.record.alert_id));
      assert.deepEqual(fwd.sort(), [1, 2, 3, 4]);
      assert.equal(b.mod.listOutbox({ status: 'pending', limit: 100 }).length, 0);
      await b.mod.stop();
      dbB.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a slow channel blocks neither emit nor the other channels', async () => {
    const { mod, notifiers } = setup({}, { channels: ['slack', 'forward'] });
    notifiers.slack.delayMs = 400;
    mod.emit(signal({ severity: 'critical' }));
    mod.tick();
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(notifiers.forward.sent.length, 1, 'forward delivered while slack is still sending');
    assert.equal(notifiers.slack.sent.length, 0);
    const t0 = performance.now();
    for (let i = 0; i < 100; i++) mod.emit(signal({ severity: 'critical', rule_id: `r${i % 3}`, group: { src_ip: `198.51.100.${i}` } }));
    assert.ok(performance.now() - t0 < 400, 'emit does not wait for the slow channel');
    await mod.flush();
    assert.ok(notifiers.slack.sent.length >= 1);
  });
});

describe('daily digest', () => {
  it('refuses an unknown time zone at start-up instead of failing every tick', () => {
    assert.throws(() => setup({ digest: { enabled: true, timezone: 'Europe/Pariss' } }, { channels: ['email'] }), /digest\.timezone: unknown time zone "Europe\/Pariss"/);
  });

  it('is sent at its scheduled time only: a start later in the day sends nothing until the next day; a start just after the hour catches up', async () => {
    const cfg = { digest: { enabled: true, hour: 7, timezone: 'UTC', recipients: ['soc@example.com'] } };
    const late = setup(cfg, { clock: new ManualClock(Date.parse('2026-11-20T15:00:00Z')), channels: ['email'] });
    await late.mod.flush();
    late.clock.advance(3600 * S);
    await late.mod.flush();
    assert.equal(late.notifiers.email.sent.length, 0, 'the first start after 07:00 does not send at once');
    late.clock.t = Date.parse('2026-11-21T06:59:59Z');
    await late.mod.flush();
    assert.equal(late.notifiers.email.sent.length, 0);
    late.clock.advance(1 * S);
    await late.mod.flush();
    assert.equal(late.notifiers.email.sent.length, 1, 'sent when 07:00 passes');
    assert.match((late.notifiers.email.sent[0] as EmailMessage).subject, /2026-11-21: no alerts/);

    const restart = setup(cfg, { clock: new ManualClock(Date.parse('2026-11-20T07:05:00Z')), channels: ['email'] });
    await restart.mod.flush();
    assert.equal(restart.notifiers.email.sent.length, 1, 'a restart across 07:00 (within 15 min) still sends it');
  });

  it('send_empty: false skips the digest of a quiet day, and sends the next one that has alerts', async () => {
    const { mod, clock, notifiers } = setup({ digest: { enabled: true, hour: 7, timezone: 'UTC', send_empty: false } }, { clock: new ManualClock(Date.parse('2026-11-20T06:59:00Z')), channels: ['email'] });
    await mod.flush();
    clock.advance(60 * S);
    await mod.flush();
    assert.equal(notifiers.email.sent.filter((m) => (m as EmailMessage).subject.includes('digest')).length, 0);
    mod.emit(signal({ severity: 'low' }));
    clock.t = Date.parse('2026-11-21T07:00:00Z');
    await mod.flush();
    assert.deepEqual(notifiers.email.sent.map((m) => (m as EmailMessage).subject).filter((s) => s.includes('digest')), ['[Logward] Daily digest 2026-11-21: 1 alerts']);
  });

  it('is sent at the configured local hour even without alerts, once per day across restarts', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'logward-digest-'));
    try {
      const path = join(dir, 'alerts.db');
      const clock = new ManualClock(Date.parse('2026-11-20T05:30:00Z')); // 06:30 in Europe/Paris
      const cfg = { digest: { enabled: true, hour: 7, timezone: 'Europe/Paris', recipients: ['soc@example.com'] } };
      const db1 = openDatabase({ path });
      const one = setup(cfg, { db: db1, clock, channels: ['email'] });
      await one.mod.flush();
      assert.equal(one.notifiers.email.sent.length, 0, 'before 07:00 local');
      clock.advance(30 * 60 * S);
      await one.mod.flush();
      assert.equal(one.notifiers.email.sent.length, 1);
      const mail = one.notifiers.email.sent[0] as EmailMessage;
      assert.equal(mail.subject, '[Logward] Daily digest 2026-11-20: no alerts');
      assert.match(mail.text, /No alerts in the last 24 hours/);
      assert.match(mail.html, /No alerts in the last 24 hours/);
      assert.deepEqual(mail.to, ['soc@example.com']);
      await one.mod.stop();
      db1.close();

      const db2 = openDatabase({ path });
      const two = setup(cfg, { db: db2, clock, channels: ['email'] });
      clock.advance(3600 * S);
      await two.mod.flush();
      assert.equal(two.notifiers.email.sent.length, 0, 'not sent twice after a restart');

      two.mod.emit(signal({ rule_id: 'ssh', title: 'SSH <b>brute</b>', group: { src_ip: '8.8.8.8' }, count: 40 }));
      two.mod.emit(signal({ rule_id: 'ssh', title: 'SSH <b>brute</b>', group: { src_ip: '10.1.2.3' }, count: 2 }));
      const anomaly = { rule_id: 'anomaly.hourly', source: 'anomaly' as const, title: 'Anomalous hour on web-1 (syslog)', group: { host: 'web-1', source: 'syslog' }, severity: 'medium' as const, count: 1 };
      two.mod.emit(signal({ ...anomaly, first_seen: '2026-11-21T03:00:00.000Z', last_seen: '2026-11-21T03:59:59.999Z' }));
      two.mod.emit(signal({ ...anomaly, first_seen: '2026-11-21T04:00:00.000Z', last_seen: '2026-11-21T04:59:59.999Z' }));
      clock.advance(23 * 3600 * S); // 2026-11-21 07:00 local
      await two.mod.flush();
      const digest = two.notifiers.email.sent.find((m) => (m as EmailMessage).subject.includes('2026-11-21')) as EmailMessage;
      assert.ok(digest);
      assert.match(digest.subject, /3 alerts/);
      assert.match(digest.text, /SSH <b>brute<\/b> \(ssh\): 2 alerts, 42 events/);
      assert.match(digest.html, /SSH &lt;b&gt;brute&lt;\/b&gt;/);
      assert.match(digest.text, /8\.8\.8\.8.*: 40 events in 1 alerts/);
      assert.match(digest.text, /10\.1\.2\.3 \(private \(RFC 1918\)\)/);
      assert.match(digest.text, /Anomalous hours:\n {2}2026-11-21T03:00Z … 2026-11-21T04:00Z web-1 \(2 h flagged\): Anomalous hour on web-1 \(syslog\)/);
      await two.mod.stop();
      db2.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
