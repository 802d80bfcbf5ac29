import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '../../alert-service/src/store/database.js';
import { decodeStored, encodeEvent, SqliteEventStore } from '../../alert-service/src/store/sqlite-event-store.js';
import { EventPump } from '../../alert-service/src/pipeline/event-pump.js';
import { packRows, PackedRowView } from '../../alert-service/src/ingest/packed-rows.js';
import { PipelineHealth } from '../../alert-service/src/pipeline/health.js';
import { createPipelineMetrics, createRegistry } from '../../alert-service/src/server/metrics.js';
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
  await pump.offer(store.insertEvents(range(0, 5)).stored); // fits the handoff
  await pump.offer(store.insertEvents(range(5, 30)).stored); // over maxHandoff: read back
  const dup = store.insertEvents([...range(25, 30), ...range(30, 33)]); // duplicates skipped
  await pump.offer(dup.stored);
  assert.deepEqual(a.seen, range(0, 33).map((e) => e.message));
  assert.equal(pump.backlog(), 0);
});

test('events handed over encoded are decoded only when fed; past a full handoff the oldest kept are fed from memory, the rest read back', async () => {
  const store = storeAt(':memory:');
  const a = new Recorder('a');
  let decoded = 0;
  const pump = new EventPump(store, [a], undefined, { batchSize: 7, maxHandoff: 10, decode: (s) => (decoded++, decodeStored(s)) }, false);
  await pump.offerEncoded(store.insertEncoded(range(0, 5).map(encodeEvent)).stored); // kept: 1-5
  await pump.offerEncoded(store.insertEncoded(range(5, 30).map(encodeEvent)).stored); // 6-10 kept (full), 11-30 not
  await pump.offerEncoded(store.insertEncoded(range(30, 33).map(encodeEvent)).stored); // still full: read back later
  await pump.start(); // consumers catch up: 1-10 from memory, 11-33 from the store
  assert.deepEqual(a.seen, range(0, 33).map((e) => e.message));
  assert.equal(decoded, 10, 'each kept event decoded once, none of those read back');
  await pump.offerEncoded(store.insertEncoded(range(33, 36).map(encodeEvent)).stored); // caught up: from memory again
  assert.equal(decoded, 13);
  assert.deepEqual(a.seen.slice(33), ['m33', 'm34', 'm35']);
  assert.throws(() => new EventPump(store, [a]).offerEncoded([]), /decode option/);
});

test('the handoff is bounded in bytes too: a part that would pass the bound is read back whole, and every event is fed once, in order', async () => {
  const store = storeAt(':memory:');
  const a = new Recorder('a');
  let decoded = 0;
  const pump = new EventPump(store, [a], undefined, { batchSize: 50, maxHandoffBytes: 1, decode: (s) => (decoded++, decodeStored(s)) }, false);
  const first = store.insertEncoded(range(0, 5).map(encodeEvent)).stored;
  await pump.offerEncoded(first); // the handoff is empty: one part is always kept
  await pump.offerEncoded(store.insertEncoded(range(5, 10).map(encodeEvent)).stored); // over the byte bound: not kept
  await pump.start();
  assert.deepEqual(a.seen, range(0, 10).map((e) => e.message));
  assert.equal(decoded, 5, 'only the kept part was decoded from memory; the other was read back');
  await pump.offerEncoded(store.insertEncoded(range(10, 13).map(encodeEvent)).stored); // fed: its bytes were given back
  assert.equal(decoded, 8);
  assert.deepEqual(a.seen.slice(10), ['m10', 'm11', 'm12']);
});

test('a handoff with a gap (an event stored by another writer) reads just the gap back and goes on from memory', async () => {
  const store = storeAt(':memory:');
  const a = new Recorder('a');
  let decoded = 0;
  const pump = new EventPump(store, [a], undefined, { batchSize: 50, decode: (s) => (decoded++, decodeStored(s)) }, false);
  await pump.offerEncoded(store.insertEncoded(range(0, 5).map(encodeEvent)).stored);
  store.insertEvents(range(5, 7)); // not offered
  await pump.offerEncoded(store.insertEncoded(range(7, 12).map(encodeEvent)).stored);
  await pump.start();
  assert.deepEqual(a.seen, range(0, 12).map((e) => e.message));
  assert.equal(decoded, 10);
});

test('a long run of small batches from a large handoff feeds each event once, in order, with its seq; a consumer ahead gets only what is after its cursor', async () => {
  const store = storeAt(':memory:');
  const seqsOf = new Map<string, number[]>();
  class SeqRecorder extends Recorder {
    override consume(events: readonly LogEvent[], seqs?: readonly number[]) {
      assert.equal(seqs?.length, events.length);
      seqsOf.set(this.name, [...(seqsOf.get(this.name) ?? []), ...seqs!]);
      super.consume(events);
    }
  }
  // 'ahead' starts with a saved cursor past the first 1,500 events (it had seen them before a restart).
  store.setCursors([['ahead', 1500]]);
  const slow = new SeqRecorder('slow');
  const ahead = new SeqRecorder('ahead');
  let decoded = 0;
  const pump = new EventPump(store, [slow, ahead], undefined, { batchSize: 100, maxHandoff: 20_000, decode: (s) => (decoded++, decodeStored(s)) }, false);
  for (let i = 0; i < 5000; i += 500) await pump.offerEncoded(store.insertEncoded(range(i, i + 500).map(encodeEvent)).stored);
  await pump.start(); // 50 batches out of one handoff of 5,000: its head moves and it is compacted on the way
  await pump.offerEncoded(store.insertEncoded(range(5000, 5003).map(encodeEvent)).stored);
  assert.deepEqual(slow.seen, range(0, 5003).map((e) => e.message));
  assert.deepEqual(seqsOf.get('slow'), Array.from({ length: 5003 }, (_, i) => i + 1));
  assert.deepEqual(ahead.seen, range(1500, 5003).map((e) => e.message));
  assert.deepEqual(seqsOf.get('ahead'), Array.from({ length: 3503 }, (_, i) => i + 1501));
  assert.equal(decoded, 5003, 'every event decoded once, shared by both consumers, none read back');
  assert.equal(pump.backlog(), 0);
});

test('a restart resumes from the persisted cursor (at-least-once, nothing skipped)', async () => {
  const path = join(mkdtempSync(join(tmpdir(), 'logward-pump-')), 'p.db');
  const s1 = storeAt(path);
  const first = new Recorder('detect');
  const p1 = new EventPump(s1, [first]);
  await p1.offer(s1.insertEvents(range(0, 10)).stored);
  await p1.stop();
  s1.insertEvents(range(10, 15)); // stored while the consumer was not running
  const s2 = storeAt(path);
  const second = new Recorder('detect');
  const p2 = new EventPump(s2, [second]);
  assert.equal(p2.backlog(), 5);
  await p2.notify();
  assert.deepEqual(second.seen, range(10, 15).map((e) => e.message));
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
  await pump.offer(store.insertEvents(range(0, 3)).stored); // ingest calls this as `void pump.offer(...)`
  assert.match(logged.join('\n'), /disk is full/);
  store.setCursors = setCursors;
  await pump.offer(store.insertEvents(range(3, 5)).stored);
  assert.deepEqual(a.seen, range(0, 5).map((e) => e.message));
  assert.equal(store.getCursor('a'), store.lastSeq());
});

const until = async (cond: () => boolean, what: string, ms = 5000) => {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
};

/** Throws "database or disk is full" while `full` is set, like alerting's emit on SQLITE_FULL. */
class Flaky implements EventConsumer {
  seen: string[] = [];
  attempts = 0;
  full = true;
  constructor(readonly name: string) {}
  consume(events: readonly LogEvent[]) {
    this.attempts++;
    if (this.full) throw Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' });
    for (const e of events) this.seen.push(e.message);
  }
}

test('a consumer that throws keeps its cursor and is retried with backoff until it succeeds; the others go on; readyz shows it meanwhile', async () => {
  const store = storeAt(':memory:');
  const flaky = new Flaky('detect');
  const good = new Recorder('anomaly');
  const health = new PipelineHealth();
  const logged: string[] = [];
  const registry = createRegistry(false);
  const metrics = createPipelineMetrics(registry);
  const pump = new EventPump(store, [flaky, good], metrics, { batchSize: 3, health, log: (m) => logged.push(m), retryInitialMs: 20, retryMaxMs: 40 });
  await pump.offer(store.insertEvents(range(0, 8)).stored);
  assert.deepEqual(good.seen, range(0, 8).map((e) => e.message), 'the healthy consumer is not held back');
  assert.equal(store.getCursor('detect'), 0, 'the failing consumer keeps its cursor');
  assert.equal(store.getCursor('anomaly'), 8);
  assert.match(health.notReady() ?? '', /consumer detect failing since .*: database or disk is full/);
  assert.match(logged.join('\n'), /consumer detect failed on 3 events after seq 0 \(attempt 1\); its cursor stays/);
  await until(() => flaky.attempts >= 3, 'retries');
  assert.match(await registry.metrics(), /logward_pipeline_consumer_failing\{consumer="detect"\} 1/);
  assert.deepEqual(pump.failing(), ['detect']);

  flaky.full = false; // space freed
  await until(() => flaky.seen.length === 8, 'the retried consumer to catch up');
  await pump.notify();
  assert.deepEqual(flaky.seen, range(0, 8).map((e) => e.message), 'every event, once, in order');
  assert.equal(store.getCursor('detect'), 8);
  assert.equal(health.notReady(), undefined);
  assert.match(logged.join('\n'), /consumer detect recovered after \d+ failed attempts/);
  const text = await registry.metrics();
  assert.match(text, /logward_pipeline_consumer_failing\{consumer="detect"\} 0/);
  assert.match(text, /logward_pipeline_consumer_errors_total\{consumer="detect"\} [3-9]/);
  await pump.stop();
});

test('the backoff doubles up to its cap', async () => {
  const store = storeAt(':memory:');
  const flaky = new Flaky('a');
  const logged: string[] = [];
  const pump = new EventPump(store, [flaky], undefined, { log: (m) => logged.push(m), retryInitialMs: 5, retryMaxMs: 20 });
  await pump.offer(store.insertEvents(range(0, 1)).stored);
  await until(() => flaky.attempts >= 5, 'attempts');
  await pump.stop();
  const delays = logged.map((l) => Number(/retry in (\d+) ms/.exec(l)?.[1]));
  assert.deepEqual(delays.slice(0, 5), [5, 10, 20, 20, 20]);
});

test('a consumer with a checkpoint has its cursor written only with its checkpoint, in the same transaction', async () => {
  const path = join(mkdtempSync(join(tmpdir(), 'logward-pump-')), 'p.db');
  const db = openDatabase({ path, synchronous: 'NORMAL' });
  const store = new SqliteEventStore(db, { retentionDays: 30, deadLetterRetentionDays: 30 });
  db.exec('CREATE TABLE state (n INTEGER)');
  const seen: number[] = [];
  let full = false;
  let committed = 0;
  const consumer: EventConsumer = {
    name: 'detect',
    consume(events) {
      if (full) throw new Error('database or disk is full');
      seen.push(...events.map((e) => Number(e.message.slice(1))));
    },
    checkpoint() {
      db.prepare('INSERT INTO state (n) VALUES (?)').run(seen.length);
      return () => committed++;
    },
  };
  const pump = new EventPump(store, [consumer, new Recorder('other')], undefined, { retryInitialMs: 10_000 });
  await pump.offer(store.insertEvents(range(0, 4)).stored);
  assert.equal(committed, 1);
  assert.deepEqual(db.prepare('SELECT n FROM state').pluck().all(), [4]);

  // The cursor commit fails: the checkpoint rolls back with it and "committed" is not called.
  const setCursors = store.setCursors.bind(store);
  store.setCursors = (c, also) => setCursors(c, () => (also?.(), assert.fail('SQLITE_FULL: database or disk is full')));
  await pump.offer(store.insertEvents(range(4, 6)).stored);
  assert.equal(committed, 1);
  assert.deepEqual(db.prepare('SELECT n FROM state').pluck().all(), [4], 'rolled back with the cursor');
  assert.equal(store.getCursor('detect'), 4);
  store.setCursors = setCursors;

  // Now the consumer fails: the pending commit goes first (cursor 6 with its checkpoint), then the
  // others' cursors are written while its own stays with its last checkpoint (its state may be ahead).
  full = true;
  await pump.offer(store.insertEvents(range(6, 8)).stored);
  assert.equal(store.getCursor('other'), 8);
  assert.equal(store.getCursor('detect'), 6);
  assert.deepEqual(db.prepare('SELECT n FROM state').pluck().all(), [4, 6], 'cursor and checkpoint agree');
  assert.equal(committed, 2);
  await pump.stop();
  db.close();
});

test('a failed cursor commit is retried on its own and shows in readyz until a write succeeds', async () => {
  const store = storeAt(':memory:');
  const a = new Recorder('a');
  const health = new PipelineHealth();
  const pump = new EventPump(store, [a], undefined, { health, retryInitialMs: 10 });
  const setCursors = store.setCursors.bind(store);
  let fail = true;
  store.setCursors = (c, also) => {
    if (fail) throw new Error('SQLITE_FULL: database or disk is full');
    setCursors(c, also);
  };
  await pump.offer(store.insertEvents(range(0, 3)).stored);
  assert.match(health.notReady() ?? '', /storage: consumer cursor commit failing .*disk is full/);
  fail = false;
  await until(() => store.getCursor('a') === 3, 'the retried commit (no new event needed)');
  assert.equal(health.notReady(), undefined);
  await pump.stop();
});

test('a consumer may defer its checkpoint: its cursor is written every batch, the checkpoint when due and on a graceful stop', async () => {
  const store = storeAt(':memory:');
  const saves: number[] = [];
  let due = false;
  const forced: boolean[] = [];
  let seen = 0;
  const consumer: EventConsumer = {
    name: 'detect',
    consume(events) {
      seen += events.length;
    },
    checkpointDue(force) {
      forced.push(force);
      return due || force;
    },
    checkpoint() {
      saves.push(seen);
    },
  };
  const pump = new EventPump(store, [consumer]);
  await pump.offer(store.insertEvents(range(0, 3)).stored);
  assert.equal(store.getCursor('detect'), 3, 'cursor written without the checkpoint');
  assert.deepEqual(saves, []);
  due = true;
  await pump.offer(store.insertEvents(range(3, 5)).stored);
  assert.deepEqual(saves, [5]);
  due = false;
  await pump.offer(store.insertEvents(range(5, 6)).stored);
  await pump.stop();
  assert.deepEqual(saves, [5, 6], 'the graceful stop forces it');
  assert.equal(pump.persistedThrough(), 6);
  consumer.replaysAfter = () => 5;
  assert.equal(pump.persistedThrough(), 5, 'retention keeps what the consumer replays after a restart');
  assert.equal(forced.at(-1), true);
});

test('a handoff of packed parts (views over chunk bytes) is fed across part ends, cut where it is full, the rest read back, in order, each event once', async () => {
  const store = storeAt(':memory:');
  const a = new Recorder('a');
  const seqs: number[] = [];
  class SeqRecorder extends Recorder {
    override consume(events: readonly LogEvent[], s?: readonly number[]) {
      seqs.push(...s!);
      super.consume(events);
    }
  }
  const b = new SeqRecorder('b');
  let decoded = 0;
  // Batches of 5 over parts of 7: batches start and end inside parts; 23 kept cuts the fourth part after 2 of its 7.
  const pump = new EventPump(store, [a, b], undefined, { batchSize: 5, maxHandoff: 23, decode: (s) => (decoded++, decodeStored(s)) }, false);
  for (let i = 0; i < 42; i += 7) {
    const rows = new PackedRowView(packRows(range(i, i + 7).map(encodeEvent)));
    await pump.offerEncoded(store.insertEncoded(rows).stored);
  }
  await pump.start();
  assert.deepEqual(a.seen, range(0, 42).map((e) => e.message));
  assert.deepEqual(b.seen, a.seen);
  assert.deepEqual(seqs, Array.from({ length: 42 }, (_, i) => i + 1));
  assert.equal(decoded, 23, 'decoded once per batch for both consumers, only what was kept');
  // Kept again once the consumers caught up, across an empty offer.
  await pump.offerEncoded(store.insertEncoded(new PackedRowView(packRows([]))).stored);
  await pump.offerEncoded(store.insertEncoded(new PackedRowView(packRows(range(42, 45).map(encodeEvent)))).stored);
  assert.deepEqual(a.seen.slice(42), ['m42', 'm43', 'm44']);
  assert.equal(decoded, 26);
});

test('hasRoom() turns false while the consumers being fed are that far behind, true again once they catch up; a failing consumer never holds ingest', async () => {
  const store = storeAt(':memory:');
  // A consumer that waits for a go-ahead per batch: the handoff fills while it works.
  let release: (() => void) | undefined;
  const slow: EventConsumer = {
    name: 'slow',
    consume: () => new Promise<void>((r) => (release = r)),
  };
  let rooms = 0;
  const pump = new EventPump(store, [slow], undefined, { batchSize: 10, maxHandoff: 100, holdIngestAt: 50, decode: decodeStored, onRoom: () => rooms++ }, false);
  await pump.offerEncoded(store.insertEncoded(range(0, 80).map(encodeEvent)).stored);
  assert.equal(pump.hasRoom(), true, 'not started: nothing is fed, ingest is not held');
  void pump.start();
  await until(() => release !== undefined, 'the first batch');
  // 80 stored, 10 taken into the batch in progress: 70 held ≥ 50.
  assert.equal(pump.hasRoom(), false);
  const roomsBefore = rooms;
  for (let fed = 1; fed < 8; fed++) {
    const r = release!;
    release = undefined;
    r();
    await until(() => release !== undefined, `batch ${fed + 1}`);
  }
  // 8 batches taken: 0 held.
  assert.equal(pump.hasRoom(), true);
  assert.ok(rooms > roomsBefore, 'the pump says so after a batch (ingest admits what it held)');
  release!();
  await pump.stop();

  // Every consumer failing (in backoff): the handoff holds events, but ingest is not held for them.
  const store2 = storeAt(':memory:');
  const flaky = new Flaky('detect');
  const pump2 = new EventPump(store2, [flaky], undefined, { batchSize: 10, maxHandoff: 100, holdIngestAt: 50, decode: decodeStored, retryInitialMs: 60_000 });
  await pump2.offerEncoded(store2.insertEncoded(range(0, 80).map(encodeEvent)).stored);
  await until(() => flaky.attempts >= 1, 'the failed attempt');
  assert.equal(pump2.hasRoom(), true);
  await pump2.stop();
});
