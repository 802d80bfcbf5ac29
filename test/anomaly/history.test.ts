/**
 * History: closed hours rebuilt from stored events. Live buckets and rebuilt ones must agree
 * exactly for the same events, a rebuild never counts an event twice, and late events for a
 * closed hour are counted through a rebuild instead of being dropped.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openDatabase } from '../../alert-service/src/store/database.js';
import { SqliteEventStore } from '../../alert-service/src/store/sqlite-event-store.js';
import { createAnomalyModule } from '../../alert-service/src/anomaly/index.js';
import { AnomalyRepository } from '../../alert-service/src/anomaly/repository.js';
import type { LogEvent } from '../../alert-service/src/generated/schema-types.js';
import { anomalyConfig, ev, HOUR, ManualClock, MemorySink, MIN } from './helpers.js';

const T0 = Date.UTC(2026, 2, 2, 10, 0, 0);

function setup(clock: ManualClock) {
  const db = openDatabase({ path: ':memory:' });
  const store = new SqliteEventStore(db, { retentionDays: 30, deadLetterRetentionDays: 30, maxDeadLetters: 1000, durableIngest: false });
  const mod = createAnomalyModule({ db, store, config: anomalyConfig({ grace_period_minutes: 10 }), clock, sink: new MemorySink() });
  return { db, store, mod, repo: new AnomalyRepository(db) };
}

/** A mixed hour: sshd failures from many IPs, web 4xx/5xx, error lines of a few templates, info noise. */
function mixedHour(hour: number, variant: number): LogEvent[] {
  const out: LogEvent[] = [];
  for (let i = 0; i < 60; i++) {
    const t = hour + i * MIN;
    out.push(ev({ host: 'bastion', kind: 'auth', time: t, severity: 'warning', message: `Failed password for root from 203.0.113.${(i * 7 + variant) % 250} port ${40000 + i} ssh2`, fields: { src_ip: `203.0.113.${(i * 7 + variant) % 250}`, user: i % 3 ? 'root' : 'admin' } }));
    out.push(ev({ host: 'web-1', kind: 'web_access', time: t, severity: i % 10 === 0 ? 'error' : i % 4 === 0 ? 'warning' : 'info', message: `GET /p/${i} ${i % 10 === 0 ? 502 : i % 4 === 0 ? 404 : 200}`, fields: { http_status: i % 10 === 0 ? 502 : i % 4 === 0 ? 404 : 200, src_ip: `192.0.2.${i % 17}` } }));
    if (i % 5 === 0) out.push(ev({ host: 'web-1', kind: 'app', time: t, severity: 'error', message: `payment ${variant}-${i} failed: timeout after ${i} ms` }));
    if (i % 9 === variant % 9) out.push(ev({ host: 'db-1', kind: 'syslog', time: t, severity: 'error', message: `disk /dev/sd${'abc'[i % 3]}1 read error sector ${i * 1000}` }));
    if (variant === 2 && i === 30) out.push(ev({ host: 'db-1', kind: 'syslog', time: t, severity: 'critical', message: 'kernel: Out of memory: Killed process 4242 (postgres)' }));
  }
  return out;
}

function rowsOf(repo: AnomalyRepository, hours: number[]) {
  return hours.flatMap((h) => repo.hoursAt(h).map((r) => ({ key: `${r.host}/${r.source}@${new Date(h).toISOString()}`, features: r.features }))).sort((a, b) => a.key.localeCompare(b.key));
}

function templateRows(db: ReturnType<typeof openDatabase>) {
  return db.prepare('SELECT host, source, hour, template_id, count FROM anomaly_template_hours ORDER BY host, source, hour, template_id').all();
}

test('live buckets and rebuilt ones agree exactly for the same events, and rebuilding twice counts nothing twice', async () => {
  const clock = new ManualClock(T0);
  const { store, mod, repo, db } = setup(clock);
  const hours = [T0, T0 + HOUR, T0 + 2 * HOUR];
  for (const [i, h] of hours.entries()) {
    clock.t = h + 50 * MIN; // the hour's events are all in the past (none beyond the allowed clock skew)
    const { stored } = store.insertEvents(mixedHour(h, i));
    await mod.consumer.consume(stored.map((s) => s.event), stored.map((s) => s.seq));
  }
  clock.t = T0 + 3 * HOUR + 11 * MIN;
  mod.closeDueHours();
  const live = rowsOf(repo, hours);
  const liveTemplates = templateRows(db);
  assert.equal(live.length, 3 * 4, 'bastion/auth, web-1/web_access, web-1/app, db-1/syslog in each hour');
  assert.ok(live.some((r) => r.features.new_templates > 0), 'the comparison covers new templates');
  assert.ok(live.some((r) => r.features.distinct_src_ips > 10));

  const first = mod.rebuild({ days: 1 });
  assert.equal(first.events, store.countEvents());
  assert.deepEqual(rowsOf(repo, hours), live, 'rebuilt = live');
  assert.deepEqual(templateRows(db), liveTemplates, 'template counts rebuilt, not added to');
  mod.rebuild({ days: 1 });
  assert.deepEqual(rowsOf(repo, hours), live, 'a second rebuild changes nothing');
  assert.deepEqual(templateRows(db), liveTemplates);
});

test('a late event for a closed hour is counted through a rebuild of that hour, not dropped', async () => {
  const clock = new ManualClock(T0 + 5 * MIN);
  const { store, mod, repo } = setup(clock);
  const early = store.insertEvents([ev({ host: 'h1', time: T0 + MIN }), ev({ host: 'h1', time: T0 + 2 * MIN, severity: 'error', message: 'disk failed' })]);
  await mod.consumer.consume(early.stored.map((s) => s.event), early.stored.map((s) => s.seq));
  clock.t = T0 + HOUR + 11 * MIN;
  mod.closeDueHours();
  assert.equal(repo.hoursAt(T0)[0]!.features.total, 2);
  // Shipped late (an agent that was down): for the closed 10:00 hour.
  const late = store.insertEvents([ev({ host: 'h1', time: T0 + 30 * MIN, severity: 'error', message: 'disk failed' }), ev({ host: 'h1', time: T0 + 40 * MIN })]);
  await mod.consumer.consume(late.stored.map((s) => s.event), late.stored.map((s) => s.seq));
  assert.equal(mod.status().late_events_rebuilt, 2);
  assert.equal(mod.status().late_events_dropped, 0);
  assert.equal(mod.status().hours_to_rebuild, 1);
  const r = mod.closeDueHours();
  assert.equal(r.rebuiltHours, 1);
  const row = repo.hoursAt(T0)[0]!.features;
  assert.equal(row.total, 4);
  assert.equal(row.errors, 2);
  assert.equal(row.new_templates, 1);
  assert.equal(mod.status().hours_to_rebuild, 0);
  // The same late batch redelivered (a crash before the pump saved its cursor) counts nothing again.
  await mod.consumer.consume(late.stored.map((s) => s.event), late.stored.map((s) => s.seq));
  mod.closeDueHours();
  assert.equal(repo.hoursAt(T0)[0]!.features.total, 4);
});

test('a rebuilt history gets the zero rows of silence live closing would have written, within silence_window_hours of the last events', async () => {
  // The service starts long after the history: none of these hours were closed live.
  const clock = new ManualClock(T0 + 4 * 24 * HOUR);
  const { store, mod, repo } = setup(clock);
  // A sparse host: events at 10:00 on day 0 and at 10:00 on day 3, nothing in between.
  const { stored } = store.insertEvents([ev({ host: 'quiet', time: T0 + MIN }), ev({ host: 'quiet', time: T0 + 3 * 24 * HOUR + MIN })]);
  await mod.consumer.consume(stored.map((s) => s.event), stored.map((s) => s.seq));
  clock.advance(2 * MIN); // the replay is over: closing no longer waits for the stream
  mod.closeDueHours();
  mod.rebuild({ days: 4 });
  const rowAt = (h: number) => repo.hoursAt(T0 + h * HOUR).find((r) => r.host === 'quiet');
  assert.equal(rowAt(0)!.features.total, 1);
  // The 24 hours after an hour with events are silent hours of a series still alive...
  for (const h of [1, 12, 24]) assert.equal(rowAt(h)?.features.total, 0, `zero row ${h} h after`);
  // ...after that the series is gone until it logs again (as live, silence_window_hours = 24).
  for (const h of [25, 48, 71]) assert.equal(rowAt(h), undefined, `no row ${h} h after`);
  assert.equal(rowAt(72)!.features.total, 1);
  // A rebuild again writes no second row and keeps the counted ones.
  const rows = (from: number, to: number) => repo.historyExtent(T0 + from * HOUR, T0 + to * HOUR).rows;
  const before = rows(0, 96);
  mod.rebuild({ days: 4 });
  assert.equal(rows(0, 96), before);
  assert.equal(rowAt(72)!.features.total, 1);
});
