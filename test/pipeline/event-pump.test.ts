import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '../../alert-service/src/store/database.js';
import { encodeEvent, SqliteEventStore } from '../../alert-service/src/store/sqlite-event-store.js';
import { EventPump } from '../../alert-service/src/pipeline/event-pump.js';
import type { EventConsumer } from '../../alert-service/src/pipeline/contracts.js';
import type { LogEvent } from '../../alert-service/src/generated/schema-types.js';

const ev = (n: number): LogEvent => ({
  id: n.toString(16).padStart(32, '0'),
  time: new Date(Date.parse('2026-11-21T10:00:00Z') + n).toISOString(),
  received_at: '2026-11-21T10:00:00.000Z',
  host: 'web1',
  source: { kind: 'syslog' },
  severity: 'info',
  message: `m${n}`,
  fields: {},
});
const range = (a: number, b: number) => Array.from({ length: b - a }, (_, i) => ev(a + i));

class Recorder implements EventConsumer {
  seen: string[] = [];
  constructor(readonly name: string, private readonly failOn?: string) {}
  consume(events: readonly LogEvent[]) {
    if (this.failOn && events.some((e) => e.message === this.failOn)) throw new Error('boom');
    for (const e of events) this.seen.push(e.message);
  }
}

const storeAt = (path: string) => new SqliteEventStore(openDatabase({ path, synchronous: 'NORMAL' }), { retentionDays: 30, deadLetterRetentionDays: 30 });

test('consumers see every stored event once, in store order, from memory or from the store', async () => {
  const store = storeAt(':memory:');
  const a = new Recorder('a');
  const pump = new EventPump(store, [a], undefined, { batchSize: 7, maxHandoff: 10 });
  await pump.offer(store.insertEncoded(range(0, 5).map(encodeEvent)).stored); // fits the handoff
  await pump.offer(store.insertEncoded(range(5, 30).map(encodeEvent)).stored); // over maxHandoff: read back
  const dup = store.insertEncoded([...range(25, 30), ...range(30, 33)].map(encodeEvent)); // duplicates skipped
  await pump.offer(dup.stored);
  assert.deepEqual(a.seen, range(0, 33).map((e) => e.message));
  assert.equal(pump.backlog(), 0);
});

test('a restart resumes from the persisted cursor (at-least-once, nothing skipped)', async () => {
  const path = join(mkdtempSync(join(tmpdir(), 'logward-pump-')), 'p.db');
  const s1 = storeAt(path);
  const first = new Recorder('detect');
  const p1 = new EventPump(s1, [first]);
  await p1.offer(s1.insertEncoded(range(0, 10).map(encodeEvent)).stored);
  await p1.stop();
  s1.insertEvents(range(10, 15)); // stored while the consumer was not running
  const s2 = storeAt(path);
  const second = new Recorder('detect');
  const p2 = new EventPump(s2, [second]);
  assert.equal(p2.backlog(), 5);
  await p2.notify();
  assert.deepEqual(second.seen, range(10, 15).map((e) => e.message));
});

test('a consumer that throws does not stall the others or itself', async () => {
  const store = storeAt(':memory:');
  const bad = new Recorder('bad', 'm3');
  const good = new Recorder('good');
  const pump = new EventPump(store, [bad, good], undefined, { batchSize: 2 });
  await pump.offer(store.insertEncoded(range(0, 8).map(encodeEvent)).stored);
  assert.deepEqual(good.seen, range(0, 8).map((e) => e.message));
  assert.deepEqual(bad.seen, ['m0', 'm1', 'm4', 'm5', 'm6', 'm7']); // the batch holding m3 is skipped, counted and logged
  assert.equal(pump.backlog(), 0);
});

test('a lagging consumer gets only what it has not seen', async () => {
  const path = join(mkdtempSync(join(tmpdir(), 'logward-pump-')), 'p.db');
  const store = storeAt(path);
  store.insertEvents(range(0, 6));
  store.setCursors([['ahead', store.lastSeq() - 2]]);
  const ahead = new Recorder('ahead');
  const behind = new Recorder('behind');
  await new EventPump(store, [ahead, behind]).notify();
  assert.deepEqual(ahead.seen, ['m4', 'm5']);
  assert.deepEqual(behind.seen, range(0, 6).map((e) => e.message));
});

test('a consumer ahead of a whole batch keeps its cursor (no re-delivery while the lagging one catches up)', async () => {
  const store = storeAt(':memory:');
  store.insertEvents(range(0, 10));
  store.setCursors([['ahead', 8]]);
  const ahead = new Recorder('ahead');
  const behind = new Recorder('behind');
  await new EventPump(store, [ahead, behind], undefined, { batchSize: 3 }).notify();
  assert.deepEqual(ahead.seen, ['m8', 'm9']);
  assert.deepEqual(behind.seen, range(0, 10).map((e) => e.message));
  assert.equal(store.getCursor('ahead'), 10);
});

test('a store failure while pumping is logged, never an unhandled rejection, and the next wake-up resumes', async () => {
  const store = storeAt(':memory:');
  const a = new Recorder('a');
  const logged: string[] = [];
  const pump = new EventPump(store, [a], undefined, { log: (m) => logged.push(m) });
  const setCursors = store.setCursors.bind(store);
  store.setCursors = () => {
    throw new Error('SQLITE_FULL: database or disk is full');
  };
  await pump.offer(store.insertEncoded(range(0, 3).map(encodeEvent)).stored); // ingest calls this as `void pump.offer(...)`
  assert.match(logged.join('\n'), /disk is full/);
  store.setCursors = setCursors;
  await pump.offer(store.insertEncoded(range(3, 5).map(encodeEvent)).stored);
  assert.deepEqual(a.seen, range(0, 5).map((e) => e.message));
  assert.equal(store.getCursor('a'), store.lastSeq());
});
