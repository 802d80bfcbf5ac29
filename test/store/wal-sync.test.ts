/**
 * Ingest's fsync off the committing thread (wal-sync.ts): calls coalesce into one fsync per disk
 * round trip, a call is covered only by an fsync that started after it, a replaced WAL file is
 * reopened, and the store commits ingest with synchronous=NORMAL and makes it durable through
 * durable(), which the commit batcher waits for before it answers or hands rows to the pump.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { WalSync } from '../../alert-service/src/store/wal-sync.js';
import { openDatabase } from '../../alert-service/src/store/database.js';
import { decodeStored, encodeEvent, SqliteEventStore } from '../../alert-service/src/store/sqlite-event-store.js';
import { EventPump } from '../../alert-service/src/pipeline/event-pump.js';
import { createCommitBatcher } from '../../alert-service/src/ingest/commit-batch.js';
import type { EventStore, StoredBatch } from '../../alert-service/src/store/event-store.js';
import type { LogEvent } from '../../alert-service/src/generated/schema-types.js';

const now = Date.parse('2026-11-21T10:00:00Z');
const ev = (n: number): LogEvent => ({
  id: createHash('md5').update(`e${n}`).digest('hex'),
  time: new Date(now + n).toISOString(),
  received_at: new Date(now).toISOString(),
  host: 'web1',
  source: { kind: 'auth', path: '/var/log/auth.log', offset: 100 * n },
  severity: 'info',
  message: `event ${n}`,
  fields: {},
});

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'logward-wal-sync-'));
}

test('concurrent calls share fsyncs, and a call is covered by an fsync that started after it', async () => {
  const dir = tempDir();
  try {
    const wal = join(dir, 'x.db-wal');
    writeFileSync(wal, 'frames');
    const s = new WalSync(wal);
    const first = s.sync(); // starts at once
    const joined = Array.from({ length: 50 }, () => s.sync()); // all wait for the one after it
    let firstDoneAt = -1;
    await first.then(() => (firstDoneAt = s.syncs));
    assert.equal(firstDoneAt, 1);
    await Promise.all(joined);
    assert.equal(s.syncs, 2, '51 calls, 2 fsyncs: the running one and one for everyone who came meanwhile');
    await s.sync();
    assert.equal(s.syncs, 3, 'a call after the others finished gets an fsync of its own');
    await s.close();
    await assert.rejects(s.sync(), /closed/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a WAL file that was replaced is reopened; a missing one fails the sync with a clear error', async () => {
  const dir = tempDir();
  try {
    const wal = join(dir, 'x.db-wal');
    writeFileSync(wal, 'a');
    const s = new WalSync(wal);
    await s.sync();
    unlinkSync(wal);
    await assert.rejects(s.sync(), /ENOENT/);
    writeFileSync(wal, 'b'); // a new inode
    await s.sync();
    assert.equal(s.syncs, 2);
    await s.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a durable store with deferred sync commits ingest with NORMAL, and durable() makes it survive a reopen', async () => {
  const dir = tempDir();
  const path = join(dir, 'events.db');
  try {
    const db = openDatabase({ path, synchronous: 'NORMAL' });
    const store = new SqliteEventStore(db, { retentionDays: 30, deadLetterRetentionDays: 7, durableIngest: true, deferIngestSync: true });
    const rows = Array.from({ length: 40 }, (_, i) => encodeEvent(ev(i)));
    const r = store.insertEncoded(rows);
    assert.equal(r.inserted, 40);
    assert.equal(db.pragma('synchronous', { simple: true }), 1, 'the commit ran with NORMAL: no fsync on this thread');
    await store.durable();
    await store.close();
    db.close();
    const again = openDatabase({ path, synchronous: 'NORMAL' });
    assert.equal((again.prepare('SELECT count(*) AS n FROM events').get() as { n: number }).n, 40);
    again.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('without deferred sync the commit itself is FULL and durable() resolves at once', async () => {
  const dir = tempDir();
  try {
    const db = openDatabase({ path: join(dir, 'events.db'), synchronous: 'NORMAL' });
    const store = new SqliteEventStore(db, { retentionDays: 30, deadLetterRetentionDays: 7, durableIngest: true });
    let fullDuring = false;
    const orig = db.pragma.bind(db);
    (db as { pragma: typeof db.pragma }).pragma = ((src: string, o?: unknown) => {
      if (src === 'synchronous = FULL') fullDuring = true;
      return orig(src, o as never);
    }) as typeof db.pragma;
    store.insertEncoded([encodeEvent(ev(1))]);
    assert.ok(fullDuring, 'the ingest commit raised synchronous to FULL');
    await store.durable();
    await store.close();
    db.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

/** A store whose durable() the test settles, around a real SQLite store. */
function heldStore(inner: SqliteEventStore): { store: EventStore; settle: (err?: Error) => void; calls: () => number; inserts: number[] } {
  let calls = 0;
  let settleNext: ((err?: Error) => void) | undefined;
  const inserts: number[] = [];
  const store = new Proxy(inner, {
    get(target, prop) {
      if (prop === 'insertEncoded') {
        return (rows: Parameters<EventStore['insertEncoded']>[0], dead?: Parameters<EventStore['insertEncoded']>[1]) => {
          inserts.push(rows.length);
          return target.insertEncoded(rows, dead);
        };
      }
      if (prop === 'durable') {
        return () =>
          new Promise<void>((resolve, reject) => {
            calls++;
            settleNext = (err) => (err ? reject(err) : resolve());
          });
      }
      const v = Reflect.get(target, prop, target) as unknown;
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  }) as EventStore;
  return { store, settle: (err) => settleNext!(err), calls: () => calls, inserts };
}

test('the commit batcher answers and hands rows on only once the commit is durable; a failed fsync fails the chunks but still hands the rows on', async () => {
  const db = openDatabase({ path: ':memory:' });
  const inner = new SqliteEventStore(db, { retentionDays: 30, deadLetterRetentionDays: 7 });
  const held = heldStore(inner);
  const handed: StoredBatch[] = [];
  const batcher = createCommitBatcher(held.store, (_totals, stored) => handed.push(stored));

  let answered = false;
  const one = batcher.commit([encodeEvent(ev(1)), encodeEvent(ev(2))], []).then(() => (answered = true));
  await new Promise((r) => setImmediate(r));
  await new Promise((r) => setImmediate(r));
  assert.equal(held.calls(), 1, 'committed, now waiting for the fsync');
  assert.equal(inner.countEvents(), 2, 'the rows are committed');
  assert.equal(answered, false, 'not answered before the fsync');
  assert.equal(handed.length, 0, 'not handed to the pump before the fsync');
  held.settle();
  await one;
  assert.equal(handed.length, 1);
  assert.equal(handed[0]!.length, 2);

  const two = batcher.commit([encodeEvent(ev(3))], []);
  await new Promise((r) => setImmediate(r));
  await new Promise((r) => setImmediate(r));
  held.settle(new Error('EIO: i/o error, fsync'));
  await assert.rejects(two, /EIO/);
  assert.equal(handed.length, 2, 'rows whose fsync failed are committed, so the pump still gets them');
  assert.equal(handed[1]!.seq(0), 3);
  db.close();
});

test('while a commit waits for its fsync, the chunks that arrive wait too and are committed together after it', async () => {
  const db = openDatabase({ path: ':memory:' });
  const inner = new SqliteEventStore(db, { retentionDays: 30, deadLetterRetentionDays: 7 });
  const held = heldStore(inner);
  const batcher = createCommitBatcher(held.store, () => {});
  const turns = async (n: number) => {
    for (let i = 0; i < n; i++) await new Promise((r) => setImmediate(r));
  };
  const first = batcher.commit([encodeEvent(ev(1))], []);
  await turns(2);
  assert.deepEqual(held.inserts, [1]);
  const later = [2, 3, 4].map((n) => batcher.commit([encodeEvent(ev(n)), encodeEvent(ev(n + 10))], []));
  await turns(3);
  assert.deepEqual(held.inserts, [1], 'nothing more is committed while the fsync is out');
  assert.equal(inner.countEvents(), 1);
  held.settle();
  await first;
  await turns(3);
  assert.deepEqual(held.inserts, [1, 6], 'the three chunks that waited, in one commit');
  held.settle();
  await Promise.all(later);
  assert.equal(inner.countEvents(), 7);
  db.close();
});

test('while a deferred fsync is out, the pump reads back no further than what is durable', async () => {
  const dir = tempDir();
  try {
    const db = openDatabase({ path: join(dir, 'events.db'), synchronous: 'NORMAL' });
    const store = new SqliteEventStore(db, { retentionDays: 30, deadLetterRetentionDays: 7, durableIngest: true, deferIngestSync: true });
    const seen: string[] = [];
    const consumer = { name: 'c', consume: async (events: LogEvent[]) => void seen.push(...events.map((e) => e.message)) };
    const pump = new EventPump(store, [consumer], undefined, { decode: decodeStored });
    store.insertEncoded([encodeEvent(ev(1)), encodeEvent(ev(2))]);
    await store.durable();
    assert.equal(store.durableThrough(), 2);
    store.insertEncoded([encodeEvent(ev(3))]); // committed, its fsync not asked for yet
    assert.equal(store.durableThrough(), 2, 'seq 3 is committed but not known durable');
    await pump.notify(); // nothing was offered: the pump reads back, up to seq 2 only
    assert.deepEqual(seen, ['event 1', 'event 2']);
    await store.durable();
    assert.equal(store.durableThrough(), 3);
    await pump.notify();
    assert.deepEqual(seen, ['event 1', 'event 2', 'event 3']);
    await pump.stop();
    await store.close();
    db.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
