/**
 * The new_templates feature does not depend on the order events arrive in: a template is new in
 * the first hour that has it for the host, also when that hour's event arrives after a later hour
 * already counted the template as new (it used to stay counted there: "stale new_templates").
 * Each case is compared with a reference module that consumed the same events in time order.
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
const H0 = T0;
const H1 = T0 + HOUR;
const H2 = T0 + 2 * HOUR;

function setup(clock: ManualClock) {
  const db = openDatabase({ path: ':memory:' });
  const store = new SqliteEventStore(db, { retentionDays: 30, deadLetterRetentionDays: 30, maxDeadLetters: 1000, durableIngest: false });
  const make = () => createAnomalyModule({ db, store, config: anomalyConfig({ grace_period_minutes: 10 }), clock, sink: new MemorySink() });
  const env = { db, store, repo: new AnomalyRepository(db), mod: make(), all: [] as LogEvent[] };
  return {
    ...env,
    /** Stores and consumes events, as the pump does. */
    async feed(events: LogEvent[]) {
      env.all.push(...events);
      const { stored } = store.insertEvents(events);
      await env.mod.consumer.consume(stored.map((s) => s.event), stored.map((s) => s.seq));
    },
    restart() {
      env.mod.stop?.();
      env.mod = make();
    },
    get mod() {
      return env.mod;
    },
  };
}

const disk = (time: number, n: number) => ev({ host: 'db-1', time, severity: 'error', message: `disk /dev/sdb1 read error sector ${n}` });
const info = (time: number) => ev({ host: 'db-1', time, message: 'backup finished' });

function features(repo: AnomalyRepository, hours: number[]) {
  return Object.fromEntries(hours.flatMap((h) => repo.hoursAt(h).map((r) => [`${r.host}/${r.source}@${new Date(h).toISOString().slice(11, 16)}`, r.features])));
}

/** The same events consumed in time order by a fresh module, all hours closed. */
async function reference(events: LogEvent[], hours: number[]) {
  const clock = new ManualClock(H2 + 50 * MIN);
  const ref = setup(clock);
  await ref.feed([...events].sort((a, b) => Date.parse(a.time) - Date.parse(b.time)).map((e) => ({ ...e })));
  clock.t = H2 + HOUR + 11 * MIN;
  ref.mod.closeDueHours();
  return features(ref.repo, hours);
}

test('a late event with a template a later closed hour counted as new: that hour is rebuilt and no longer counts it', async () => {
  const clock = new ManualClock(H1 + 50 * MIN);
  const s = setup(clock);
  await s.feed([info(H0 + MIN), disk(H1 + 5 * MIN, 1), disk(H1 + 6 * MIN, 2)]);
  clock.t = H2 + 11 * MIN;
  s.mod.closeDueHours();
  assert.equal(s.repo.hoursAt(H1)[0]!.features.new_templates, 1, 'first seen at 11:00');
  // An agent that was down ships 10:00's disk error late: the template was first seen at 10:00.
  await s.feed([disk(H0 + 30 * MIN, 3)]);
  const closed = s.mod.closeDueHours();
  assert.equal(closed.rebuiltHours, 2, '10:00 (late event) and 11:00 (its new template is stale)');
  const got = features(s.repo, [H0, H1]);
  assert.equal(got['db-1/syslog@10:00']!.new_templates, 1);
  assert.equal(got['db-1/syslog@11:00']!.new_templates, 0);
  assert.deepEqual(got, await reference(s.all, [H0, H1]));
  assert.equal(s.mod.status().hours_to_rebuild, 0);
});

test('a late event with a template an open hour counted as new: the open bucket drops it', async () => {
  const clock = new ManualClock(H0 + 50 * MIN);
  const s = setup(clock);
  await s.feed([info(H0 + MIN)]);
  clock.t = H1 + 11 * MIN;
  s.mod.closeDueHours(); // 10:00 closed
  await s.feed([disk(H1 + 15 * MIN, 1)]); // new in the open 11:00 bucket
  await s.feed([disk(H0 + 30 * MIN, 2)]); // late for 10:00
  clock.t = H1 + 20 * MIN;
  assert.equal(s.mod.closeDueHours().rebuiltHours, 1);
  s.restart(); // the open bucket's corrected state is the persisted one
  clock.t = H2 + 11 * MIN;
  s.mod.closeDueHours();
  const got = features(s.repo, [H0, H1]);
  assert.equal(got['db-1/syslog@10:00']!.new_templates, 1);
  assert.equal(got['db-1/syslog@11:00']!.new_templates, 0);
  assert.deepEqual(got, await reference(s.all, [H0, H1]));
});

test('two open hours (grace): an event of the earlier one moves the "new" from the later one, also across a restart', async () => {
  const clock = new ManualClock(H1 + 5 * MIN); // 10:00 is still open (10 min grace)
  const s = setup(clock);
  await s.feed([info(H0 + MIN), disk(H1 + MIN, 1)]);
  s.restart();
  await s.feed([disk(H0 + 59 * MIN, 2)]);
  clock.t = H2 + 11 * MIN;
  s.mod.closeDueHours();
  const got = features(s.repo, [H0, H1]);
  assert.equal(got['db-1/syslog@10:00']!.new_templates, 1);
  assert.equal(got['db-1/syslog@11:00']!.new_templates, 0);
  assert.deepEqual(got, await reference(s.all, [H0, H1]));
  // And a rebuild of the window from the store agrees with both.
  s.mod.rebuild({ days: 1 });
  assert.deepEqual(features(s.repo, [H0, H1]), got);
});
