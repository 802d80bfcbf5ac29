/**
 * Ingest's rows stay packed until something needs them: the store inserts from a view over the
 * chunk bytes the decode worker sent (PackedRowView, ConcatRows for a group commit) and hands on
 * seqs and positions (StoredRows), not objects. The view path must store exactly what the array
 * path stores (same rows byte for byte, same seqs) and hand the pump the same events, through
 * replays, ids twice in a batch, positional-key collisions and a full dictionary.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { openDatabase } from '../../alert-service/src/store/database.js';
import { decodeStored, encodeEvent, SqliteEventStore } from '../../alert-service/src/store/sqlite-event-store.js';
import { ConcatRows, StoredRows, storedEncoded } from '../../alert-service/src/store/stored-rows.js';
import { packRows, PackedRowView, unpackRows } from '../../alert-service/src/ingest/packed-rows.js';
import type { Db } from '../../alert-service/src/store/database.js';
import type { LogEvent } from '../../alert-service/src/generated/schema-types.js';
import type { EncodedEvent, EncodedRows } from '../../alert-service/src/store/event-store.js';

const now = Date.parse('2026-11-21T10:00:00Z');
const md5 = (s: string) => createHash('md5').update(s).digest('hex');
const ev = (n: number, over: Partial<LogEvent> = {}): LogEvent => ({
  id: md5(`e${n}`),
  time: new Date(now + n).toISOString(),
  received_at: new Date(now).toISOString(),
  host: `web${n % 3}`,
  source: { kind: 'auth', path: '/var/log/auth.log', offset: 100 * n },
  severity: 'info',
  message: `event ${n}`,
  ...(n % 2 ? { program: `prog${n % 5}` } : {}),
  fields: {},
  ...over,
});

function opened(maxInternedStrings?: number): { db: Db; s: SqliteEventStore } {
  const db = openDatabase({ path: ':memory:' });
  return { db, s: new SqliteEventStore(db, { retentionDays: 3650, deadLetterRetentionDays: 1, ...(maxInternedStrings ? { maxInternedStrings } : {}) }) };
}

const tableRows = (db: Db) => db.prepare('SELECT seq, key, time_ms, host_id, kind_id, stream_id, program_id, body FROM events ORDER BY seq').raw().all();

/** Batches of a chunk's events: fresh, a replay with new rows between and an id twice, collisions on a position. */
function scenario(): LogEvent[][] {
  const first = Array.from({ length: 37 }, (_, i) => ev(i));
  const replay: LogEvent[] = [];
  for (let i = 0; i < 37; i++) {
    replay.push(ev(i));
    if (i % 4 === 0) replay.push(ev(1000 + i));
  }
  replay.splice(9, 0, ev(1004));
  // The same stream position as ev(3) with an id alike in the key's 32 bits: a distinct event (copytruncate).
  const collide = ev(3, { id: md5('e3').slice(0, 8) + 'f'.repeat(24), message: 'another line at the same offset' });
  const third = [collide, ...Array.from({ length: 17 }, (_, i) => ev(2000 + i)), ev(3)];
  return [first, replay, third, []];
}

function compare(maxInternedStrings?: number): void {
  const byArray = opened(maxInternedStrings);
  const byView = opened(maxInternedStrings);
  for (const batch of scenario()) {
    const rows = batch.map(encodeEvent);
    const a = byArray.s.insertEncoded(rows);
    // Two chunks committed together: a list over both views, as commit-batch makes it.
    const half = Math.floor(rows.length / 2);
    const view = new ConcatRows([new PackedRowView(packRows(rows.slice(0, half))), new PackedRowView(packRows([])), new PackedRowView(packRows(rows.slice(half)))]);
    const v = byView.s.insertEncoded(view);
    assert.deepEqual([v.inserted, v.duplicates], [a.inserted, a.duplicates]);
    const sa = storedEncoded(a.stored);
    const sv = storedEncoded(v.stored);
    assert.deepEqual(sv.map((x) => x.seq), sa.map((x) => x.seq));
    for (let k = 0; k < sa.length; k++) {
      assert.ok(Buffer.from(sv[k]!.row.key).equals(sa[k]!.row.key), `key ${k}`);
      assert.ok(Buffer.from(sv[k]!.row.body).equals(sa[k]!.row.body), `body ${k}`);
    }
    assert.deepStrictEqual(sv.map((x) => decodeStored(x)), sa.map((x) => decodeStored(x)));
    // What the pump gets is what a reader of the store gets.
    assert.deepStrictEqual(sv.map((x) => decodeStored(x)), byView.s.readAfter(sv[0]?.seq ? sv[0].seq - 1 : byView.s.lastSeq(), sv.length));
  }
  assert.deepStrictEqual(tableRows(byView.db), tableRows(byArray.db));
  // 37 new; the replay's 10 new ones; the colliding line and 17 new (ev(3) again is a re-send).
  assert.equal(byView.s.countEvents(), 37 + 10 + 1 + 17);
}

test('rows inserted from packed views are stored byte for byte as from objects, with the same seqs and events handed on', () => {
  compare();
});

test('the same with a full dictionary (streams and programs re-encoded into the body)', () => {
  compare(2);
});

test('a packed view reads the rows unpackRows made, refuses a malformed pack whole, and answers nothing out of range', () => {
  const rows = Array.from({ length: 20 }, (_, i) => encodeEvent(ev(i)));
  const packed = packRows(rows);
  const view = new PackedRowView(packed);
  assert.equal(view.length, 20);
  assert.deepStrictEqual(Array.from({ length: 20 }, (_, i) => view.at(i)), unpackRows(packed));
  assert.deepStrictEqual(view.at(7), { ...rows[7]!, key: new Uint8Array(rows[7]!.key), body: new Uint8Array(rows[7]!.body) });
  for (const i of [-1, 20, 1.5, NaN]) assert.equal(view.at(i), undefined);
  const badRef = { ...packed, lengths: packed.lengths.slice() };
  badRef.lengths[4] = 99; // row 1's host
  assert.throws(() => new PackedRowView(badRef), /string reference is out of range/);
  const noHost = { ...packed, lengths: packed.lengths.slice() };
  noHost.lengths[0] = 0;
  assert.throws(() => new PackedRowView(noHost), /string reference is out of range/);
  assert.throws(() => new PackedRowView({ ...packed, bytes: packed.bytes.subarray(1) }), /do not add up/);
  assert.throws(() => new PackedRowView({ ...packed, timesMs: packed.timesMs.subarray(1) }), /disagree/);
});

test('a list over several row lists reads across their ends in any order', () => {
  const rows = Array.from({ length: 11 }, (_, i) => encodeEvent(ev(i)));
  const list: EncodedRows = new ConcatRows([rows.slice(0, 3), [], rows.slice(3, 4), new PackedRowView(packRows(rows.slice(4)))]);
  assert.equal(list.length, 11);
  const keyOf = (r: EncodedEvent | undefined) => (r ? Buffer.from(r.key).toString('hex') : undefined);
  for (const i of [10, 0, 3, 4, 2, 9, 5, 1]) assert.equal(keyOf(list.at(i)), keyOf(rows[i]), `row ${i}`);
  assert.equal(list.at(11), undefined);
  assert.equal(new ConcatRows([]).at(0), undefined);
});

test('a pack, a list of packs and the rows stored from them say what bytes they hold (the hand-off is bounded by it)', () => {
  const rows = Array.from({ length: 12 }, (_, i) => encodeEvent(ev(i)));
  const a = new PackedRowView(packRows(rows.slice(0, 5)));
  const b = new PackedRowView(packRows(rows.slice(5)));
  const keyAndBody = (rs: EncodedEvent[]) => rs.reduce((n, r) => n + r.key.length + r.body.length, 0);
  assert.ok(a.bytes >= keyAndBody(rows.slice(0, 5)), 'at least its keys and bodies');
  assert.equal(new ConcatRows([a, b]).bytes, a.bytes + b.bytes);
  assert.equal(new ConcatRows([a, rows]).bytes, undefined, 'an array of row objects: not known');
  const stored = new StoredRows(new ConcatRows([a, b]));
  assert.ok(stored.bytes! > a.bytes + b.bytes, 'the rows, and its own seqs and positions');
  assert.equal(new StoredRows(rows).bytes, undefined);
});

test('stored rows keep seqs ascending, at most one per given row, and the rows as stored', () => {
  const rows = Array.from({ length: 3 }, (_, i) => encodeEvent(ev(i)));
  const s = new StoredRows(rows);
  const rewritten = { ...rows[2]!, body: new Uint8Array([1, 2, 3]) };
  s.add(5, 0);
  s.add(9, 2, rewritten);
  assert.throws(() => s.add(9, 1), /ascend/);
  assert.equal(s.length, 2);
  assert.deepEqual([s.seq(0), s.seq(1)], [5, 9]);
  assert.equal(s.row(0), rows[0]);
  assert.equal(s.row(1), rewritten);
  assert.throws(() => s.row(2), RangeError);
  s.add(10, 1);
  assert.throws(() => s.add(11, 1), /more rows stored than given/);
});
