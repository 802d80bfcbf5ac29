/** Retention runs in small steps that yield to the event loop, and never deletes what a consumer has not passed. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openDatabase } from '../../alert-service/src/store/database.js';
import { SqliteEventStore } from '../../alert-service/src/store/sqlite-event-store.js';
import { pruneInSteps } from '../../alert-service/src/pipeline/retention.js';
import type { LogEvent } from '../../alert-service/src/generated/schema-types.js';

const NOW = Date.parse('2026-11-21T10:00:00Z');
const DAY = 86_400_000;
const ev = (n: number, ageDays: number): LogEvent => ({
  id: n.toString(16).padStart(32, '0'),
  time: new Date(NOW - ageDays * DAY + n).toISOString(),
  received_at: new Date(NOW).toISOString(),
  host: 'web1',
  source: { kind: 'syslog' },
  severity: 'info',
  message: `m${n}`,
  fields: {},
});

test('a store with many expired rows is pruned in steps of at most batchRows, with the event loop running between steps', async () => {
  const store = new SqliteEventStore(openDatabase({ path: ':memory:', synchronous: 'NORMAL' }), { retentionDays: 30, deadLetterRetentionDays: 30 });
  const expired = 23_000;
  for (let i = 0; i < expired; i += 5000) store.insertEvents(Array.from({ length: Math.min(5000, expired - i) }, (_, k) => ev(i + k, 40)));
  store.insertEvents(Array.from({ length: 100 }, (_, k) => ev(expired + k, 1))); // within retention
  const steps: number[] = [];
  let ticks = 0;
  const ticker = setInterval(() => ticks++, 0);
  const ticksAtStep: number[] = [];
  const removed = await pruneInSteps(store, {
    batchRows: 5000,
    now: () => NOW,
    consumedThrough: () => store.lastSeq(),
    onStep: (n) => (steps.push(n), ticksAtStep.push(ticks)),
  });
  clearInterval(ticker);
  assert.equal(removed, expired);
  assert.deepEqual(steps, [5000, 5000, 5000, 5000, 3000]);
  // Timers ran between steps: no step followed another without the event loop turning.
  for (let i = 1; i < ticksAtStep.length; i++) assert.ok(ticksAtStep[i]! > ticksAtStep[i - 1]!, `a timer ran between steps ${i - 1} and ${i}: ${ticksAtStep.join(',')}`);
  assert.equal(store.countEvents(), 100);
});

test('events a consumer has not durably passed are kept, however old', async () => {
  const store = new SqliteEventStore(openDatabase({ path: ':memory:', synchronous: 'NORMAL' }), { retentionDays: 30, deadLetterRetentionDays: 30 });
  store.insertEvents(Array.from({ length: 50 }, (_, k) => ev(k, 40)));
  const removed = await pruneInSteps(store, { batchRows: 10, now: () => NOW, consumedThrough: () => 20 });
  assert.equal(removed, 20);
  assert.equal(store.countEvents(), 30);
  assert.equal(store.readAfter(0, 1)[0]!.seq, 21);
});

test('dead letters share the step budget', async () => {
  const db = openDatabase({ path: ':memory:', synchronous: 'NORMAL' });
  const store = new SqliteEventStore(db, { retentionDays: 30, deadLetterRetentionDays: 7 });
  const old = new Date(NOW - 10 * DAY);
  store.insertEvents([ev(1, 40), ev(2, 40)], Array.from({ length: 25 }, () => ({ receivedAt: old, reason: 'bad', record: '{}' })));
  const steps: number[] = [];
  await pruneInSteps(store, { batchRows: 10, now: () => NOW, consumedThrough: () => store.lastSeq(), onStep: (n) => steps.push(n) });
  assert.deepEqual(steps, [10, 10, 7]);
  assert.equal(store.deadLetters(100).length, 0);
});

test('with a target step time, steps adapt but never exceed batchRows, and everything expired goes', async () => {
  const store = new SqliteEventStore(openDatabase({ path: ':memory:', synchronous: 'NORMAL' }), { retentionDays: 30, deadLetterRetentionDays: 30 });
  store.insertEvents(Array.from({ length: 12_000 }, (_, k) => ev(k, 40)));
  const steps: number[] = [];
  const removed = await pruneInSteps(store, { batchRows: 5000, targetStepMs: 5, now: () => NOW, consumedThrough: () => store.lastSeq(), onStep: (n) => steps.push(n) });
  assert.equal(removed, 12_000);
  assert.ok(steps.length >= 3 && steps.every((n) => n <= 5000), steps.join(','));
  assert.equal(steps[0], 1000, 'starts small');
  assert.equal(store.countEvents(), 0);
});
