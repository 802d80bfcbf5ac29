import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openDatabase } from '../../alert-service/src/store/database.js';
import { createAnomalyModule } from '../../alert-service/src/anomaly/index.js';
import { AnomalyRepository } from '../../alert-service/src/anomaly/repository.js';
import { DistinctCounter } from '../../alert-service/src/anomaly/distinct-counter.js';
import { generateHistory, makeSeries } from '../../alert-service/src/anomaly/synthetic.js';
import { anomalyConfig, ev, HOUR, ManualClock, MemorySink, MIN } from './helpers.js';

const T0 = Date.UTC(2026, 2, 2, 10, 0, 0); // a Monday, 10:00 UTC

function setup(over = {}, db = openDatabase({ path: ':memory:' }), clock = new ManualClock(T0 + 5 * MIN)) {
  const sink = new MemorySink();
  const mod = createAnomalyModule({ db, config: anomalyConfig(over), clock, sink });
  return { db, clock, sink, mod, repo: new AnomalyRepository(db) };
}

test('hourly buckets count features: severities, auth failures (sshd, Windows), HTTP, distinct IPs/users', async () => {
  const { mod, clock, repo } = setup();
  const t = T0 + 10 * MIN;
  await mod.consumer.consume([
    ev({ host: 'bastion', kind: 'auth', time: t, severity: 'warning', message: 'Failed password for root from 203.0.113.5 port 52211 ssh2', fields: { src_ip: '203.0.113.5', user: 'root' } }),
    ev({ host: 'bastion', kind: 'auth', time: t, severity: 'warning', message: 'Invalid user oracle from 203.0.113.6 port 52212', fields: { src_ip: '203.0.113.6', user: 'oracle' } }),
    ev({ host: 'bastion', kind: 'auth', time: t, severity: 'notice', message: 'pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=203.0.113.5  user=root', fields: { src_ip: '203.0.113.5', user: 'root' } }),
    ev({ host: 'bastion', kind: 'auth', time: t, message: 'Accepted publickey for deploy from 10.0.0.2 port 50000 ssh2', fields: { src_ip: '10.0.0.2', user: 'deploy' } }),
    ev({ host: 'dc1', channel: 'Security', time: t, severity: 'warning', message: 'An account failed to log on.', fields: { event_id: 4625, audit: 'failure', user: 'administrator', src_ip: '198.51.100.9' } }),
    ev({ host: 'dc1', channel: 'Security', time: t, message: 'NTLM validation', fields: { event_id: 4776, audit: 'success', user: 'bob' } }),
    ev({ host: 'dc1', channel: 'Security', time: t, severity: 'warning', message: 'NTLM validation failed', fields: { event_id: 4776, audit: 'failure', user: 'bob' } }),
    ev({ host: 'dc1', channel: 'System', time: t, severity: 'error', message: 'The service terminated unexpectedly', fields: { event_id: 7034 } }),
    ev({ host: 'web-1', kind: 'web_access', time: t, severity: 'warning', message: 'GET /x 404', fields: { http_status: 404, src_ip: '192.0.2.1' } }),
    ev({ host: 'web-1', kind: 'web_access', time: t, severity: 'error', message: 'upstream timed out while reading /y', fields: { http_status: 502, src_ip: '192.0.2.2' } }),
    ev({ host: 'WEB-1', kind: 'web_access', time: t, message: 'GET / 200', fields: { http_status: 200, src_ip: '192.0.2.1' } }),
  ]);
  assert.equal(mod.status().open_buckets, 4);
  clock.t = T0 + HOUR + 10 * MIN; // hour end + grace
  const closed = mod.closeDueHours();
  assert.deepEqual(closed.closedHours, [new Date(T0).toISOString()]);
  const rows = new Map(repo.hoursAt(T0).map((r) => [`${r.host}/${r.source}`, r.features]));
  const bastion = rows.get('bastion/auth')!;
  assert.equal(bastion.total, 4);
  assert.equal(bastion.auth_failures, 3, 'Failed password + Invalid user + PAM authentication failure; Accepted is not a failure');
  assert.equal(bastion.warnings, 2);
  assert.equal(bastion.info, 2);
  assert.equal(bastion.distinct_src_ips, 3);
  assert.equal(bastion.distinct_users, 3);
  const sec = rows.get('dc1/windows:security')!;
  assert.equal(sec.auth_failures, 2, '4625 always, 4776 only when audit failure');
  assert.equal(rows.get('dc1/windows:system')!.errors, 1);
  const web = rows.get('web-1/web_access')!;
  assert.deepEqual([web.total, web.http_4xx, web.http_5xx, web.errors, web.distinct_src_ips], [3, 1, 1, 1, 2]);
  assert.ok(web.error_rate > 0 && web.error_rate < 1 / 3, 'smoothed error rate');
  assert.equal(web.new_templates, 2, 'two error/warning templates seen for the first time on web-1');
});

test('grace period: an hour closes only after its end + grace; late events for a closed hour are dropped and counted', async () => {
  const { mod, clock, repo } = setup({ grace_period_minutes: 10 });
  clock.t = T0 + 31 * MIN;
  await mod.consumer.consume([ev({ time: T0 + 30 * MIN })]);
  clock.t = T0 + HOUR + 9 * MIN;
  assert.deepEqual(mod.closeDueHours().closedHours, []);
  // A late event for 10:xx arriving at 11:09 still counts.
  await mod.consumer.consume([ev({ time: T0 + 59 * MIN })]);
  clock.t = T0 + HOUR + 10 * MIN;
  assert.deepEqual(mod.closeDueHours().closedHours, [new Date(T0).toISOString()]);
  assert.equal(repo.hoursAt(T0)[0]!.features.total, 2);
  // Too late now: dropped, counted, the closed summary unchanged.
  await mod.consumer.consume([ev({ time: T0 + 45 * MIN }), ev({ time: T0 + HOUR + 5 * MIN })]);
  assert.equal(mod.status().late_events_dropped, 1);
  assert.equal(repo.hoursAt(T0)[0]!.features.total, 2);
  // Store order is not event-time order: the 11:05 event opened the next hour.
  assert.equal(mod.status().open_buckets, 1);
  // Events from the future (beyond max_clock_skew_minutes) open no bucket.
  await mod.consumer.consume([ev({ time: clock.t + 3 * HOUR })]);
  assert.equal(mod.status().future_events_dropped, 1);
  assert.equal(mod.status().open_buckets, 1);
});

test('restart: open buckets persist, a redelivered batch is not double-counted, closing continues', async () => {
  const db = openDatabase({ path: ':memory:' });
  const clock = new ManualClock(T0 + 5 * MIN);
  const a = setup({}, db, clock);
  const batch1 = [ev({ time: T0 + MIN, severity: 'error', message: 'disk /dev/sda1 failed 3 times' }), ev({ time: T0 + 2 * MIN, fields: { src_ip: '10.0.0.1' } })];
  const batch2 = [ev({ time: T0 + 3 * MIN, fields: { src_ip: '10.0.0.2' } }), ev({ time: T0 + 4 * MIN, severity: 'error', message: 'disk /dev/sdb1 failed 7 times' })];
  await a.mod.consumer.consume(batch1, [1, 2]);
  await a.mod.consumer.consume(batch2, [3, 4]);
  // Crash before the pipeline saved its cursor past batch2: a new instance gets batch2 again.
  const b = setup({}, db, clock);
  assert.equal(b.mod.status().open_buckets, 1);
  await b.mod.consumer.consume(batch2, [3, 4]);
  assert.equal(b.mod.status().duplicate_events_skipped, 2);
  await b.mod.consumer.consume([ev({ time: T0 + 5 * MIN, fields: { src_ip: '10.0.0.1' } })], [5]);
  clock.t = T0 + HOUR + 11 * MIN;
  b.mod.closeDueHours();
  const row = b.repo.hoursAt(T0)[0]!;
  assert.equal(row.features.total, 5);
  assert.equal(row.features.errors, 2);
  assert.equal(row.features.distinct_src_ips, 2, 'distinct set survived the restart');
  assert.equal(row.features.new_templates, 1, 'both disk lines are one template');
  // A third instance sees the hour as closed (not re-opened by the same events).
  const c = setup({}, db, clock);
  await c.mod.consumer.consume([ev({ time: T0 + 30 * MIN })]);
  assert.equal(c.mod.status().late_events_dropped, 1);
  assert.equal(c.mod.status().templates, 1);
  assert.match(c.mod.errorSummary({ fromMs: T0, toMs: T0 + HOUR }).templates[0]!.template, /^disk <PATH> failed <NUM> times$/);
});

test('silence: a series seen recently gets an all-zero hour when the service ran through it', async () => {
  const { mod, clock, repo } = setup({}, undefined, new ManualClock(T0 - MIN)); // started 09:59 → running from 10:00
  await mod.consumer.consume([ev({ host: 'db-1', time: T0 + 5 * MIN }), ev({ host: 'db-2', time: T0 + 6 * MIN })]);
  clock.t = T0 + HOUR + 15 * MIN;
  mod.closeDueHours();
  await mod.consumer.consume([ev({ host: 'db-1', time: T0 + HOUR + 20 * MIN })]);
  clock.t = T0 + 2 * HOUR + 15 * MIN;
  mod.closeDueHours();
  const at11 = new Map(repo.hoursAt(T0 + HOUR).map((r) => [r.host, r.features.total]));
  assert.equal(at11.get('db-1'), 1);
  assert.equal(at11.get('db-2'), 0, 'db-2 went silent: an explicit zero row');
});

test('backlog replay: hours wait for the event stream while the consumer is catching up', async () => {
  const { mod, clock, repo } = setup({}, undefined, new ManualClock(T0 + 6 * HOUR));
  // Backlog from 10:00-12:00 delivered at 16:00.
  await mod.consumer.consume([ev({ time: T0 + 10 * MIN })]);
  mod.closeDueHours();
  await mod.consumer.consume([ev({ time: T0 + HOUR + 10 * MIN })]);
  mod.closeDueHours();
  await mod.consumer.consume([ev({ time: T0 + 2 * HOUR + 30 * MIN })]);
  assert.equal(mod.status().late_events_dropped, 0);
  // Caught up and idle for a while: the clock alone closes the rest.
  clock.advance(2 * MIN);
  mod.closeDueHours();
  assert.deepEqual([T0, T0 + HOUR, T0 + 2 * HOUR].map((h) => repo.hoursAt(h).length), [1, 1, 1]);
});

test('bounded series: beyond max_series new series are counted under host (other)', async () => {
  const { mod, clock, repo } = setup({ max_series: 3 });
  await mod.consumer.consume(Array.from({ length: 10 }, (_, i) => ev({ host: `h${i}`, time: T0 + MIN })));
  clock.t = T0 + HOUR + 11 * MIN;
  mod.closeDueHours();
  const rows = repo.hoursAt(T0);
  assert.deepEqual(rows.map((r) => r.host).sort(), ['(other)', 'h0', 'h1', 'h2']);
  assert.equal(rows.find((r) => r.host === '(other)')!.features.total, 7);
  assert.equal(mod.status().series_overflow_events, 7);
  // Forged timestamps over many hours: at most max_series × 4 open buckets.
  await mod.consumer.consume(Array.from({ length: 30 }, (_, i) => ev({ host: 'h0', time: T0 + 2 * HOUR + i * HOUR })));
  assert.equal(mod.status().open_bucket_overflow_events, 0, 'future ones are dropped first');
  clock.t = T0 + 40 * HOUR;
  await mod.consumer.consume(Array.from({ length: 30 }, (_, i) => ev({ host: 'h0', time: T0 + 2 * HOUR + i * HOUR })));
  assert.equal(mod.status().open_buckets, 12);
  assert.equal(mod.status().open_bucket_overflow_events, 18);
});

test('distinct counter: exact when small, HyperLogLog within 5% when large, and persistable', () => {
  const c = new DistinctCounter();
  for (let i = 0; i < 100; i++) c.add(`10.0.0.${i}`);
  for (let i = 0; i < 100; i++) c.add(`10.0.0.${i}`);
  assert.equal(c.count(), 100);
  for (let i = 0; i < 50_000; i++) c.add(`ip-${i}`);
  const n = c.count();
  assert.ok(Math.abs(n - 50_100) / 50_100 < 0.05, `HLL estimate ${n}`);
  const json = JSON.stringify(c.toJSON());
  assert.ok(json.length < 2000);
  assert.equal(DistinctCounter.fromJSON(JSON.parse(json)).count(), n);
});

test('closing a scored hour emits an explained anomaly.hourly AlertSignal; the model is reloaded at start', async () => {
  const db = openDatabase({ path: ':memory:' });
  const repo = new AnomalyRepository(db);
  // Three weeks of history for 12 series ending at T0, then a live auth-failure spike on a web host.
  const series = makeSeries(12, 5);
  const from = T0 - 21 * 24 * HOUR;
  repo.transaction(() => generateHistory({ series, fromMs: from, hours: 21 * 24, seed: 6, anomalyRate: 0 }, (r) => repo.insertHour(r.host, r.source, r.hour, r.features)));
  repo.setState('closed_through', String(T0));
  const clock = new ManualClock(T0 - MIN);
  const { mod, sink } = setup({ training_days: 21 }, db, clock);
  assert.equal(mod.status().trained, false);
  assert.match(mod.detect({ hours: 24 }).message!, /^no model trained yet \(504 hours of history, need 48\)$/);
  const info = mod.train();
  assert.equal(info.series, 12);
  assert.equal(info.history_hours, 504);

  const web = series.find((s) => s.source === 'web_access')!;
  const events = [];
  for (let i = 0; i < 300; i++) {
    events.push(ev({ host: web.host, kind: 'web_access', time: T0 + (i % 50) * MIN, severity: 'warning', message: `Failed password for user${i % 40} from 203.0.113.${i % 200} port ${1000 + i} ssh2`, fields: { src_ip: `203.0.113.${i % 200}` } }));
  }
  // Give the web host a plausible normal volume as well.
  for (let i = 0; i < 200; i++) events.push(ev({ host: web.host, kind: 'web_access', time: T0 + (i % 55) * MIN, fields: { http_status: 200, src_ip: `192.0.2.${i % 30}` } }));
  clock.t = T0 + 59 * MIN;
  await mod.consumer.consume(events);
  clock.t = T0 + HOUR + 11 * MIN;
  const res = mod.closeDueHours();
  assert.ok(res.alerts >= 1, 'the spike hour alerted');
  const signal = sink.signals.find((s) => s.host === web.host)!;
  assert.equal(signal.rule_id, 'anomaly.hourly');
  assert.equal(signal.source, 'anomaly');
  assert.deepEqual(signal.group, { host: web.host, source: 'web_access' });
  assert.equal(signal.first_seen, new Date(T0).toISOString());
  assert.match(signal.summary, /new_templates|warnings|distinct_src_ips/);
  assert.match(signal.summary, /Top error templates: "Failed password for <\*> from <IP> port <NUM> ssh2" ×300/);
  assert.ok(['low', 'medium', 'high'].includes(signal.severity));
  // Silent series got zero rows in the same hour (the service ran through it) and alert as silence.
  assert.ok(sink.signals.some((s) => /total 0 vs median/.test(s.summary)), 'silent series flagged');

  const again = createAnomalyModule({ db, config: anomalyConfig({ training_days: 21 }), clock, sink: new MemorySink() });
  assert.equal(again.status().trained, true);
  assert.equal(again.status().model!.trained_at, info.trained_at);
  const d = again.detect({ host: web.host, hours: 1 });
  assert.equal(d.hours.length, 1);
  assert.equal(d.hours[0]!.is_anomaly, true);
  assert.equal(d.hours[0]!.top_templates![0]!.count, 300);
});

test('a failed transaction leaves memory as the store: consume counters and closing buckets roll back with it', async () => {
  const { db, clock, mod, repo } = setup();
  const fail = (table: string) => db.exec(`CREATE TRIGGER fail_${table} BEFORE INSERT ON ${table} BEGIN SELECT RAISE(ABORT, 'disk full'); END`);
  const batch = [ev({ time: T0 + MIN, severity: 'error', message: 'disk full on /dev/sda1' }), ev({ time: T0 + 5 * HOUR })];
  fail('anomaly_open_buckets');
  await assert.rejects(async () => mod.consumer.consume(batch, [1, 2]), /disk full/);
  assert.equal(mod.status().future_events_dropped, 0, 'the future event counted in a rolled-back batch is not counted');
  assert.equal(mod.status().open_buckets, 0);
  db.exec('DROP TRIGGER fail_anomaly_open_buckets');
  await mod.consumer.consume(batch, [1, 2]);
  assert.equal(mod.status().future_events_dropped, 1);
  assert.equal(mod.status().duplicate_events_skipped, 0);

  clock.t = T0 + HOUR + 11 * MIN;
  fail('anomaly_hours');
  assert.throws(() => mod.closeDueHours(), /disk full/);
  assert.equal(mod.status().open_buckets, 1, 'the hour stays open when closing it failed');
  db.exec('DROP TRIGGER fail_anomaly_hours');
  mod.closeDueHours();
  assert.equal(repo.hoursAt(T0)[0]?.features.total, 1, 'the retried close writes the counted hour');
  assert.equal(mod.status().open_buckets, 0);
});

test('an event that throws while counting rolls the whole batch back in memory (nothing half-counted)', async () => {
  const { mod } = setup();
  const broken = { ...ev({ time: T0 + 2 * MIN }), host: undefined } as unknown as ReturnType<typeof ev>;
  await assert.rejects(async () => mod.consumer.consume([ev({ time: T0 + MIN, severity: 'error', message: 'x failed' }), broken], [1, 2]));
  assert.equal(mod.status().open_buckets, 0);
  assert.equal(mod.status().templates, 0);
});

test('error summary lists hosts named like Object.prototype keys', async () => {
  const { mod } = setup();
  await mod.consumer.consume(['__proto__', 'constructor'].map((host) => ev({ host, time: T0 + MIN, severity: 'error', message: 'disk failed' })), [1, 2]);
  const t = mod.errorSummary({ fromMs: T0, toMs: T0 + HOUR }).templates[0]!;
  assert.equal(t.hosts, 2);
  assert.deepEqual(JSON.parse(JSON.stringify(t.by_host)), JSON.parse('{"__proto__": 1, "constructor": 1}'));
});

test('bounded series: overflow series cannot grow through attacker-chosen Windows channel names', async () => {
  const { mod } = setup({ max_series: 3 });
  await mod.consumer.consume(Array.from({ length: 3 }, (_, i) => ev({ host: `dc${i}`, channel: 'Security', time: T0 + MIN })));
  await mod.consumer.consume(Array.from({ length: 50 }, (_, i) => ev({ host: `x${i}`, channel: `Chan${i}`, time: T0 + MIN })));
  assert.equal(mod.status().series_overflow_events, 50);
  assert.equal(mod.status().series_tracked, 4, 'the 3 series plus one (other) series for the windows kind');
  assert.equal(mod.status().open_buckets, 4);
});

test('an hour is closed and scored in one transaction: a failed score write leaves it open, the retry scores it', async () => {
  const db = openDatabase({ path: ':memory:' });
  const repo = new AnomalyRepository(db);
  const series = makeSeries(3, 7);
  repo.transaction(() => generateHistory({ series, fromMs: T0 - 14 * 24 * HOUR, hours: 14 * 24, seed: 3, anomalyRate: 0 }, (r) => repo.insertHour(r.host, r.source, r.hour, r.features)));
  repo.setState('closed_through', String(T0));
  const clock = new ManualClock(T0 + 5 * MIN);
  const { mod } = setup({ training_days: 14 }, db, clock);
  mod.train();
  await mod.consumer.consume(series.map((s) => ev({ host: s.host, kind: s.source, time: T0 + MIN })), [1, 2, 3]);
  clock.t = T0 + HOUR + 11 * MIN;
  db.exec(`CREATE TRIGGER fail_score BEFORE UPDATE OF score ON anomaly_hours BEGIN SELECT RAISE(ABORT, 'disk full'); END`);
  assert.throws(() => mod.closeDueHours(), /disk full/);
  assert.equal(repo.hoursAt(T0).length, 0, 'nothing of the hour committed');
  assert.equal(mod.status().open_buckets, 3);
  db.exec('DROP TRIGGER fail_score');
  mod.closeDueHours();
  const rows = repo.hoursAt(T0);
  assert.equal(rows.length, 3);
  assert.ok(rows.every((r) => r.score !== null && r.isAnomaly !== null), 'every summary of the hour is scored');
});

test('events dropped as future or unparsable still advance the redelivery seq', async () => {
  const { mod } = setup();
  const batch = [ev({ time: T0 + 5 * HOUR }), { ...ev({ time: T0 }), time: 'not a time' }];
  await mod.consumer.consume(batch, [1, 2]);
  await mod.consumer.consume(batch, [1, 2]);
  assert.equal(mod.status().future_events_dropped, 1);
  assert.equal(mod.status().duplicate_events_skipped, 2);
});

test('training on a database file runs on a worker thread and gives the same model as inline training', async () => {
  const { mkdtempSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const fill = (db: ReturnType<typeof openDatabase>) => {
    const repo = new AnomalyRepository(db);
    repo.transaction(() =>
      generateHistory({ series: makeSeries(6, 3), fromMs: T0 - 14 * 24 * HOUR, hours: 14 * 24, seed: 9, anomalyRate: 0.01 }, (r) => repo.insertHour(r.host, r.source, r.hour, r.features)),
    );
    repo.setState('closed_through', String(T0));
  };
  const clock = new ManualClock(T0 - MIN);
  const memory = openDatabase({ path: ':memory:' });
  fill(memory);
  const inline = setup({ training_days: 14 }, memory, clock).mod.train();

  const file = openDatabase({ path: join(mkdtempSync(join(tmpdir(), 'logward-train-')), 'a.db') });
  fill(file);
  const { mod } = setup({ training_days: 14 }, file, clock);
  // The event loop stays free while the worker reads and fits.
  let ticks = 0;
  const ticker = setInterval(() => ticks++, 1);
  const first = mod.trainInBackground();
  // One training at a time: a second request waits for the first, then trains on what is there then.
  let firstDone = false;
  void first.then(() => (firstDone = true));
  const second = mod.trainInBackground().then((i) => {
    assert.ok(firstDone, 'the second training ran after the first');
    return i;
  });
  const info = await first;
  assert.equal((await second).threshold, info.threshold, 'same data, same model');
  clearInterval(ticker);
  assert.ok(ticks > 0);
  assert.equal(mod.status().trained, true);
  assert.equal(info.series, inline.series);
  assert.equal(info.history_rows, inline.history_rows);
  assert.equal(info.threshold, inline.threshold, 'same seed, same data: same model');
  // Not enough history is reported the same way from the worker.
  const empty = openDatabase({ path: join(mkdtempSync(join(tmpdir(), 'logward-train-')), 'b.db') });
  await assert.rejects(setup({}, empty, clock).mod.trainInBackground(), /no model trained yet \(0 hours of history, need 48\)/);
});
