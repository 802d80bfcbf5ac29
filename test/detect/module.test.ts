/** The detection service module: consumer, metrics, and what survives a restart (the window checkpoint). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Registry } from 'prom-client';
import type { AlertSignal } from '../../alert-service/src/generated/schema-types.js';
import { openDatabase, type Db } from '../../alert-service/src/store/database.js';
import { SqliteEventStore } from '../../alert-service/src/store/sqlite-event-store.js';
import { EventPump } from '../../alert-service/src/pipeline/event-pump.js';
import type { AlertSink } from '../../alert-service/src/pipeline/contracts.js';
import { createDetectionModule } from '../../alert-service/src/detect/module.js';
import { CollectSink, ManualClock, lines, rulesConfig, T0 } from './helpers.js';

const failures = (from: number, n: number, ip = '203.0.113.7') =>
  lines('auth', Array.from({ length: n }, (_, i) => `Nov 21 10:00:${String(from + i).padStart(2, '0')} web1 sshd[${100 + from + i}]: Failed password for root from ${ip} port ${4000 + i} ssh2`)).map((e, i) => ({
    ...e,
    id: `${ip}-${from + i}`.padEnd(32, '0'),
    source: { ...e.source, offset: (from + i) * 1000 + (ip === '203.0.113.7' ? 0 : 500) },
  }));

/** One "process": database, store, detection module and pump on the same file. */
async function start(path: string, sink: AlertSink = new CollectSink(), over = {}) {
  const db: Db = openDatabase({ path, synchronous: 'NORMAL' });
  const store = new SqliteEventStore(db, { retentionDays: 3650, deadLetterRetentionDays: 30 });
  const mod = await createDetectionModule({ config: rulesConfig({ disabled: [], ...over }), sink, clock: new ManualClock(T0 + 120_000), db, store, log: () => {} });
  await mod.start?.();
  const pump = new EventPump(store, [mod.consumer], undefined, { retryInitialMs: 10, retryMaxMs: 20 });
  const stop = async () => {
    await pump.stop();
    await mod.stop?.();
    db.close();
  };
  return { db, store, mod, pump, sink, stop };
}

const tmpDb = () => join(mkdtempSync(join(tmpdir(), 'logward-detect-')), 'd.db');
const brute = (sink: AlertSink) => (sink as CollectSink).signals.filter((s) => s.rule_id === 'ssh-brute-force');

test('a window near its threshold survives a restart: 6 failures before, 4 after → one SSH brute-force alert', async () => {
  const path = tmpDb();
  const first = await start(path);
  await first.pump.offer(first.store.insertEvents(failures(0, 6)).stored);
  assert.equal(brute(first.sink).length, 0);
  await first.stop();

  const second = await start(path); // restart: the checkpoint saved with the cursor is loaded
  assert.ok(second.mod.engine.groupCount() >= 1);
  await second.pump.offer(second.store.insertEvents(failures(6, 4)).stored);
  const alerts = brute(second.sink);
  assert.equal(alerts.length, 1);
  assert.equal(alerts[0]!.count, 10);
  await second.stop();
});

test('a burst that already fired does not fire again after a restart; stored but unconsumed events still fire', async () => {
  const path = tmpDb();
  const first = await start(path);
  await first.pump.offer(first.store.insertEvents(failures(0, 10)).stored);
  assert.equal(brute(first.sink).length, 1);
  await first.stop();

  const db = openDatabase({ path, synchronous: 'NORMAL' });
  const store = new SqliteEventStore(db, { retentionDays: 3650, deadLetterRetentionDays: 30 });
  store.insertEvents(failures(10, 5)); // same burst continues, stored while detection was down
  store.insertEvents(failures(10, 10, '192.0.2.1')); // a new burst, also stored but not yet consumed
  db.close();
  const second = await start(path);
  await second.pump.notify();
  assert.deepEqual(brute(second.sink).map((s) => s.group.src_ip), ['192.0.2.1']);
  assert.ok(second.mod.metrics.suppressed_total >= 5, 'the quiet period came back from the checkpoint');
  await second.stop();
});

test('with rules.warmup: false the saved windows are not loaded: documented trade-off', async () => {
  const path = tmpDb();
  const first = await start(path);
  await first.pump.offer(first.store.insertEvents(failures(0, 6)).stored);
  await first.stop();
  const second = await start(path, new CollectSink(), { warmup: false });
  await second.pump.offer(second.store.insertEvents(failures(6, 4)).stored);
  assert.equal(brute(second.sink).length, 0);
  await second.stop();
});

test('a restored group nobody touched keeps its saved window through later checkpoints and restarts', async () => {
  const path = tmpDb();
  const first = await start(path);
  await first.pump.offer(first.store.insertEvents([...failures(0, 6), ...failures(0, 6, '192.0.2.50')]).stored);
  await first.stop();

  const second = await start(path); // only 203.0.113.7 is touched after this restart
  await second.pump.offer(second.store.insertEvents(failures(6, 4)).stored);
  assert.deepEqual(brute(second.sink).map((s) => [s.group.src_ip, s.count]), [['203.0.113.7', 10]]);
  await second.stop();

  const third = await start(path); // 192.0.2.50's window was never loaded in between, and is still whole
  await third.pump.offer(third.store.insertEvents(failures(6, 4, '192.0.2.50')).stored);
  assert.deepEqual(brute(third.sink).map((s) => [s.group.src_ip, s.count]), [['192.0.2.50', 10]]);
  await third.stop();
});

/** Alerting's emit when the database is full: throws until space is freed. */
class FullSink implements AlertSink {
  full = true;
  signals: AlertSignal[] = [];
  attempts = 0;
  emit(s: AlertSignal): void {
    this.attempts++;
    if (this.full) throw new Error('database or disk is full');
    this.signals.push(s);
  }
}

test('a sink that throws keeps the signal pending and the cursor in place; once it accepts, the alert is recorded exactly once', async () => {
  const path = tmpDb();
  const sink = new FullSink();
  const p = await start(path, sink);
  await p.pump.offer(p.store.insertEvents(failures(0, 10)).stored);
  assert.equal(p.store.getCursor('detect'), 0, 'not past the events whose alert is unrecorded');
  while (sink.attempts < 3) await new Promise((r) => setTimeout(r, 5));
  assert.equal(sink.signals.length, 0);
  sink.full = false;
  while (p.store.getCursor('detect') !== 10) await new Promise((r) => setTimeout(r, 5));
  assert.equal(sink.signals.filter((s) => s.rule_id === 'ssh-brute-force').length, 1);
  assert.equal(p.mod.metrics.signals_total, sink.signals.length, 'each signal recorded once, none fired twice');
  await p.stop();
});

test('a crash while the sink fails (state ahead of the saved cursor) replays from the checkpoint and fires once', async () => {
  const path = tmpDb();
  const sink = new FullSink();
  const p = await start(path, sink);
  await p.pump.offer(p.store.insertEvents(failures(0, 6)).stored); // saved: 6 in the window
  await p.pump.offer(p.store.insertEvents(failures(6, 4)).stored); // fires, the sink throws
  assert.equal(p.store.getCursor('detect'), 6);
  p.db.close(); // a crash: no final commit, the pending signal is gone with the process
  await p.pump.stop(); // (its final commit fails on the closed database and is only logged)
  const again = await start(path);
  await again.pump.notify();
  assert.equal(brute(again.sink).length, 1);
  assert.equal(brute(again.sink)[0]!.count, 10);
  await again.stop();
});

test('metrics are exported to a Prometheus registry', async () => {
  const registry = new Registry();
  const sink = new CollectSink();
  const mod = await createDetectionModule({ config: rulesConfig(), sink, clock: new ManualClock(), registry });
  await mod.consumer.consume(failures(0, 10));
  const text = await registry.metrics();
  assert.match(text, /logward_detect_events_total 10/);
  assert.match(text, /logward_detect_signals_total 1/); // the built-in rule (the Sigma sshd burst rule that restated it is gone)
  assert.match(text, /logward_detect_rule_signals_total\{rule="ssh-brute-force"\} 1/);
  assert.match(text, /logward_detect_groups_evicted_total 0/);
  assert.ok(mod.rules.rules.length >= 30);
});

test('rules.enabled: false gives a module that runs no rules', async () => {
  const sink = new CollectSink();
  const mod = await createDetectionModule({ config: rulesConfig({ enabled: false }), sink, clock: new ManualClock() });
  await mod.consumer.consume(failures(0, 10));
  assert.equal(mod.rules.rules.length, 0);
  assert.equal(sink.signals.length, 0);
  assert.equal(mod.metrics.events_total, 10);
});

test('GET /api/rules lists active rules with effective settings and counters, disabled and skipped rules', async () => {
  const express = (await import('express')).default;
  const request = (await import('supertest')).default;
  const sink = new CollectSink();
  const mod = await createDetectionModule({ config: rulesConfig({ disabled: ['oom-kill'], overrides: { 'ssh-brute-force': { threshold: 4, settings: { mode: 'aggressive' } } } }), sink, clock: new ManualClock() });
  await mod.consumer.consume(failures(0, 4));
  const app = express();
  app.use('/api', mod.router!);
  const list = await request(app).get('/api/rules').expect(200);
  const ssh = (list.body.rules as Array<Record<string, unknown>>).find((r) => r.id === 'ssh-brute-force')!;
  assert.deepEqual(ssh.fire, { mode: 'count', threshold: 4, window_s: 300, quiet_s: 900, group_by: ['src_ip'] });
  assert.deepEqual(ssh.settings, { mode: 'aggressive', max_sessions_per_host: 100 });
  assert.equal(ssh.matches, 4);
  assert.equal(ssh.signals, 1);
  assert.deepEqual(list.body.disabled, ['oom-kill']);
  assert.deepEqual(list.body.skipped, []);
  const one = await request(app).get('/api/rules/win-user-created').expect(200);
  assert.equal(one.body.source, 'rule');
  // Disabled in the config: known, but not loaded (409, not 404).
  await request(app).get('/api/rules/oom-kill').expect(409);
});
