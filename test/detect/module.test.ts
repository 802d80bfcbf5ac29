/** The detection service module: consumer, metrics, and what survives a restart (warm-up from the store). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Registry } from 'prom-client';
import type { LogEvent } from '../../alert-service/src/generated/schema-types.js';
import type { EventQuery, EventStore, StoredEvent } from '../../alert-service/src/store/event-store.js';
import { createDetectionModule, DETECT_CONSUMER } from '../../alert-service/src/detect/module.js';
import { CollectSink, ManualClock, lines, rulesConfig, T0 } from './helpers.js';

/** In-memory EventStore: what the module uses of it (query by event time, readAfter, cursors). */
class MemoryStore implements Partial<EventStore> {
  rows: StoredEvent[] = [];
  cursors = new Map<string, number>();
  add(events: LogEvent[]): void {
    for (const event of events) this.rows.push({ seq: this.rows.length + 1, event });
  }
  query(q: EventQuery): LogEvent[] {
    return this.rows
      .map((r) => r.event)
      .filter((e) => Date.parse(e.time) >= (q.fromMs ?? -Infinity) && Date.parse(e.time) < (q.toMs ?? Infinity))
      .sort((a, b) => Date.parse(a.time) - Date.parse(b.time))
      .slice(0, q.limit ?? Infinity);
  }
  readAfter(seq: number, limit: number): StoredEvent[] {
    return this.rows.filter((r) => r.seq > seq).slice(0, limit);
  }
  getCursor(name: string): number {
    return this.cursors.get(name) ?? 0;
  }
  setCursors(cursors: Iterable<[string, number]>): void {
    for (const [name, seq] of cursors) this.cursors.set(name, seq);
  }
}

const failures = (from: number, n: number, ip = '203.0.113.7') =>
  lines('auth', Array.from({ length: n }, (_, i) => `Nov 21 10:00:${String(from + i).padStart(2, '0')} web1 sshd[${100 + from + i}]: Failed password for root from ${ip} port ${4000 + i} ssh2`));

async function start(store: MemoryStore) {
  const sink = new CollectSink();
  const mod = await createDetectionModule({ config: rulesConfig({ disabled: [] }), sink, clock: new ManualClock(T0 + 120_000), store: store as unknown as EventStore, log: () => {} });
  await mod.start?.();
  return { sink, mod };
}

/** Delivers stored events after the consumer's cursor, as the lead's event pump does. */
async function pump(store: MemoryStore, mod: Awaited<ReturnType<typeof start>>['mod']) {
  const batch = store.readAfter(store.getCursor(DETECT_CONSUMER), 10_000);
  if (!batch.length) return;
  await mod.consumer.consume(batch.map((b) => b.event));
  store.setCursors([[DETECT_CONSUMER, batch[batch.length - 1]!.seq]]);
}

test('a window near its threshold survives a restart: 6 failures before, 4 after → one SSH brute-force alert', async () => {
  const store = new MemoryStore();
  const first = await start(store);
  store.add(failures(0, 6));
  await pump(store, first.mod);
  assert.equal(first.sink.signals.filter((s) => s.rule_id === 'ssh-brute-force').length, 0);
  await first.mod.stop?.();

  const second = await start(store); // restart: warm-up replays the 6 consumed events silently
  assert.equal(second.mod.metrics.warmup_events_total, 6);
  store.add(failures(6, 4));
  await pump(store, second.mod);
  const alerts = second.sink.signals.filter((s) => s.rule_id === 'ssh-brute-force');
  assert.equal(alerts.length, 1);
  assert.equal(alerts[0]!.count, 10);
});

test('a burst that already fired does not fire again after a restart; stored but unconsumed events still fire', async () => {
  const store = new MemoryStore();
  const first = await start(store);
  store.add(failures(0, 10));
  await pump(store, first.mod);
  assert.equal(first.sink.signals.filter((s) => s.rule_id === 'ssh-brute-force').length, 1);

  store.add(failures(10, 5)); // same burst continues, stored while the service was down
  store.add(failures(10, 10, '192.0.2.1')); // a new burst, also stored but not yet consumed
  const second = await start(store);
  assert.equal(second.mod.metrics.warmup_events_total, 10, 'only events up to the cursor are replayed');
  await pump(store, second.mod);
  const alerts = second.sink.signals.filter((s) => s.rule_id === 'ssh-brute-force');
  assert.deepEqual(alerts.map((s) => s.group.src_ip), ['192.0.2.1']);
});

test('without warm-up (rules.warmup: false) the window is lost across a restart: documented trade-off', async () => {
  const store = new MemoryStore();
  const first = await start(store);
  store.add(failures(0, 6));
  await pump(store, first.mod);
  const sink = new CollectSink();
  const mod = await createDetectionModule({ config: rulesConfig({ warmup: false }), sink, clock: new ManualClock(T0 + 120_000), store: store as unknown as EventStore });
  await mod.start?.();
  store.add(failures(6, 4));
  await pump(store, mod);
  assert.equal(sink.signals.filter((s) => s.rule_id === 'ssh-brute-force').length, 0);
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
  await request(app).get('/api/rules/oom-kill').expect(404);
});
