import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openDatabase } from '../../alert-service/src/store/database.js';
import { SqliteEventStore } from '../../alert-service/src/store/sqlite-event-store.js';
import type { LogEvent } from '../../alert-service/src/generated/schema-types.js';

const DAY = 86_400_000;
const ev = (n: number, timeMs: number, host = 'web1'): LogEvent => ({
  id: n.toString(16).padStart(32, '0'),
  time: new Date(timeMs).toISOString(),
  received_at: new Date(timeMs).toISOString(),
  host,
  source: { kind: 'auth' },
  severity: 'info',
  message: `event ${n}`,
  fields: {},
});
const store = () => new SqliteEventStore(openDatabase({ path: ':memory:' }), { retentionDays: 2, deadLetterRetentionDays: 1 });

test('the same ids twice are stored once', () => {
  const s = store();
  const now = Date.parse('2026-11-21T10:00:00Z');
  const first = s.insertEvents([ev(1, now), ev(2, now)]);
  assert.deepEqual([first.inserted, first.duplicates], [2, 0]);
  const second = s.insertEvents([ev(2, now), ev(3, now)]);
  assert.deepEqual([second.inserted, second.duplicates], [1, 1]);
  assert.deepEqual(second.stored.map((x) => x.event.message), ['event 3']);
  assert.ok(second.stored[0]!.seq > first.stored[1]!.seq);
  assert.equal(s.countEvents(), 3);
});

test('batches of many rows (inserted several to a statement) report each new event once, with its seq, past replayed and repeated ids', () => {
  const s = store();
  const now = Date.parse('2026-11-21T10:00:00Z');
  const first = s.insertEvents(Array.from({ length: 40 }, (_, i) => ev(i, now + i)));
  assert.equal(first.inserted, 40);
  assert.deepEqual(first.stored.map((x) => x.seq), Array.from({ length: 40 }, (_, i) => first.stored[0]!.seq + i));
  // A resent chunk with new events between the old ones, an id twice in it, and more than one statement's worth of rows.
  const batch: LogEvent[] = [];
  for (let i = 0; i < 40; i++) {
    batch.push(ev(i, now + i));
    if (i % 3 === 0) batch.push(ev(100 + i, now + i));
  }
  batch.splice(5, 0, ev(103, now + 3));
  const second = s.insertEvents(batch);
  const fresh = Array.from({ length: 14 }, (_, k) => `event ${100 + 3 * k}`);
  assert.deepEqual([second.inserted, second.duplicates], [14, batch.length - 14]);
  assert.deepEqual(second.stored.map((x) => x.event.message), fresh);
  const back = s.readAfter(first.stored[39]!.seq, 100);
  assert.deepEqual(back.map((x) => [x.seq, x.event.message]), second.stored.map((x) => [x.seq, x.event.message]));
  // All new after a statement whose last rows were ignored (seqs used up): the seqs are still the stored ones.
  const third = s.insertEvents([ev(39, now), ...Array.from({ length: 20 }, (_, i) => ev(200 + i, now + i))]);
  assert.equal(third.inserted, 20);
  assert.deepEqual(s.readAfter(second.stored[13]!.seq, 100).map((x) => [x.seq, x.event.message]), third.stored.map((x) => [x.seq, x.event.message]));
  assert.equal(s.countEvents(), 74);
});

test('readAfter tails in store order; cursors persist per consumer', () => {
  const s = store();
  const now = Date.parse('2026-11-21T10:00:00Z');
  s.insertEvents([ev(1, now + 2000), ev(2, now), ev(3, now + 1000)]);
  const all = s.readAfter(0, 10);
  assert.deepEqual(all.map((e) => e.event.message), ['event 1', 'event 2', 'event 3']);
  assert.equal(s.lastSeq(), all[2]!.seq);
  s.setCursors([['detect', all[1]!.seq]]);
  assert.equal(s.getCursor('detect'), all[1]!.seq);
  assert.equal(s.getCursor('anomaly'), 0);
  assert.deepEqual(s.readAfter(s.getCursor('detect'), 10).map((e) => e.event.message), ['event 3']);
  // query() is by event time.
  assert.deepEqual(s.query({ fromMs: now, toMs: now + 1500 }).map((e) => e.message), ['event 2', 'event 3']);
  assert.deepEqual(s.query({ host: 'nope' }), []);
});

test('retention prunes events older than retention_days by event time, and old dead letters', () => {
  const s = store();
  const now = Date.parse('2026-11-21T10:00:00Z');
  s.insertEvents([ev(1, now - 3 * DAY), ev(2, now - DAY), ev(3, now)], [{ receivedAt: new Date(now - 2 * DAY), reason: 'old', record: '{}' }, { receivedAt: new Date(now), reason: 'new', record: '{}' }]);
  assert.equal(s.prune(now), 2);
  assert.deepEqual(s.query({}).map((e) => e.message), ['event 2', 'event 3']);
  assert.deepEqual(s.deadLetters(10).map((d) => d.reason), ['new']);
  // Sequence numbers never go back, even when everything is pruned, so cursors stay valid.
  const last = s.lastSeq();
  s.prune(now + 10 * DAY);
  s.insertEvents([ev(9, now + 10 * DAY)]);
  assert.ok(s.readAfter(last, 10)[0]!.seq > last);
});

test('dead letters are bounded in number by retention pruning', () => {
  const s = new SqliteEventStore(openDatabase({ path: ':memory:' }), { retentionDays: 2, deadLetterRetentionDays: 1, maxDeadLetters: 3 });
  const now = Date.now();
  s.insertEvents([], Array.from({ length: 5 }, (_, i) => ({ receivedAt: new Date(now), reason: `r${i}`, record: '{}' })));
  assert.equal(s.prune(now), 2);
  assert.deepEqual(s.deadLetters(10).map((d) => d.reason), ['r4', 'r3', 'r2']);
});

test('dead letters are bounded in size', () => {
  const s = store();
  s.insertEvents([], [{ receivedAt: new Date(), reason: 'huge', record: 'x'.repeat(100_000) }]);
  assert.ok(s.deadLetters(1)[0]!.record.length <= 16_384);
});

test('the dedupe key is equal for equal events and differs for different lines at one position', async () => {
  const { dedupeKey } = await import('../../alert-service/src/store/sqlite-event-store.js');
  const at = (id: string, offset: number, path = '/var/log/auth.log') => ({ ...ev(1, 0), id, source: { kind: 'auth' as const, path, offset } });
  const a = dedupeKey(at('a'.repeat(32), 100));
  assert.deepEqual(dedupeKey(at('a'.repeat(32), 100)), a);
  assert.notDeepEqual(dedupeKey(at('b'.repeat(32), 100)), a); // rotated file, new line at the same offset
  assert.notDeepEqual(dedupeKey(at('a'.repeat(32), 100, '/var/log/secure')), a);
  // Offsets of one file are laid out in order in the index.
  assert.ok(Buffer.compare(dedupeKey(at('f'.repeat(32), 100)), dedupeKey(at('0'.repeat(32), 200))) < 0);
  // No position: the id itself.
  assert.equal(dedupeKey({ ...ev(7, 0) }).toString('hex'), ev(7, 0).id);
  // An id the schema would refuse (not hex) still gets a key of zeros past its bytes, the same on
  // every encode: never stale scratch bytes or uninitialized memory.
  const scratch = Buffer.alloc(16, 0xee);
  const odd = dedupeKey(at('zz', 100), Buffer.from('zz', 'hex'), scratch);
  assert.deepEqual(odd.subarray(12), Buffer.alloc(4));
  assert.deepEqual(dedupeKey(at('zz', 100)), odd);
});

test('two distinct events at one stream position whose ids share the key\'s 32 bits are both kept; their re-sends are not', () => {
  const s = store();
  const now = Date.parse('2026-11-21T10:00:00Z');
  // Ids alike in their first 4 bytes (what the positional key keeps), different after.
  const line = (id: string, message: string, offset = 4096): LogEvent => ({ ...ev(1, now), id, message, source: { kind: 'auth', path: '/var/log/auth.log', offset } });
  const winrec = (id: string, message: string): LogEvent => ({ ...ev(2, now, 'dc1'), id, message, source: { kind: 'windows', channel: 'Security', record_id: 77_001 } });
  const before = line('abcd0123' + '1'.repeat(24), 'sshd[1]: Failed password for root from 203.0.113.9 port 22 ssh2');
  // copytruncate rotation: the new file's line at the same offset, a different event.
  const after = line('abcd0123' + '2'.repeat(24), 'sshd[2]: Accepted publickey for alice from 198.51.100.4 port 22 ssh2');
  // A reverted VM: the same (channel, EventRecordID, computer), other content.
  const w1 = winrec('0badcafe' + '3'.repeat(24), 'An account was successfully logged on.');
  const w2 = winrec('0badcafe' + '4'.repeat(24), 'A user account was created.');
  const first = s.insertEvents([before, w1]);
  assert.deepEqual([first.inserted, first.duplicates], [2, 0]);
  // In a later chunk, and in a chunk of more rows than one INSERT statement takes.
  const filler = Array.from({ length: 20 }, (_, i) => line(i.toString(16).padStart(32, 'e'), `filler ${i}`, 10_000 + i));
  const second = s.insertEvents([after, ...filler, w2]);
  assert.deepEqual([second.inserted, second.duplicates], [22, 0]);
  assert.deepEqual(second.stored.map((x) => x.event.id).sort(), [after.id, w2.id, ...filler.map((f) => f.id)].sort());
  const seqs = second.stored.map((x) => x.seq);
  assert.deepEqual(seqs, [...seqs].sort((a, b) => a - b));
  // Re-sends of any of them, alone or in a batch, store nothing.
  for (const again of [[after], [before], [w2], [w1, w2, after, before, ...filler]]) {
    const r = s.insertEvents(again);
    assert.deepEqual([r.inserted, r.duplicates], [0, again.length]);
  }
  assert.equal(s.countEvents(), 24);
  const all = s.readAfter(0, 100).map((x) => x.event);
  for (const e of [before, after, w1, w2]) assert.deepEqual(all.find((x) => x.id === e.id), e);
});

test('durable ingest commits with synchronous=FULL and leaves the connection at NORMAL', () => {
  const db = openDatabase({ path: ':memory:', synchronous: 'NORMAL' });
  const s = new SqliteEventStore(db, { retentionDays: 2, deadLetterRetentionDays: 1, durableIngest: true });
  const pragmas: string[] = [];
  const pragma = db.pragma.bind(db);
  db.pragma = ((source: string, options?: { simple?: boolean }) => (pragmas.push(source), pragma(source, options))) as typeof db.pragma;
  s.insertEvents([ev(1, Date.now())]);
  assert.deepEqual(pragmas, ['synchronous = FULL', 'synchronous = NORMAL']);
  assert.equal(pragma('synchronous', { simple: true }), 1); // NORMAL for every other commit
  assert.equal(s.countEvents(), 1);
});

test('a query by time alone merges the kinds in (time, seq) order, a page at a time, across page ends', () => {
  const s = store();
  const now = Date.parse('2026-11-21T10:00:00Z');
  const kinds = ['auth', 'syslog', 'web_access', 'app'] as const;
  // Uneven kinds and many equal times: the merge must break ties by seq, and refill each kind's page.
  const events = Array.from({ length: 2600 }, (_, i) => ({ ...ev(i + 1, now + Math.floor((i * 7919) % 3000 / 3)), source: { kind: kinds[i % 7 === 0 ? 0 : i % 4]! } }));
  const seqs = new Map(s.insertEvents(events).stored.map((x) => [x.event.id, x.seq]));
  const expected = [...events].sort((a, b) => Date.parse(a.time) - Date.parse(b.time) || seqs.get(a.id)! - seqs.get(b.id)!).map((e) => e.id);
  assert.deepEqual(s.query({ limit: 5000 }).map((e) => e.id), expected);
  assert.deepEqual(s.query({ limit: 1500 }).map((e) => e.id), expected.slice(0, 1500));
  const from = now + 400;
  assert.deepEqual(s.query({ fromMs: from, limit: 5000 }).map((e) => e.id), expected.filter((id) => Date.parse(events.find((e) => e.id === id)!.time) >= from));
  // Continuing after an event gives the rest.
  const first = s.query({ limit: 1200 });
  const last = first[first.length - 1]!;
  assert.deepEqual(s.query({ limit: 5000, after: { timeMs: Date.parse(last.time), seq: seqs.get(last.id)! } }).map((e) => e.id), expected.slice(1200));
});

test('retention in steps drops hosts left without events once the run has no events left to delete', () => {
  const db = openDatabase({ path: ':memory:' });
  const s = new SqliteEventStore(db, { retentionDays: 2, deadLetterRetentionDays: 1 });
  const now = Date.parse('2026-11-21T10:00:00Z');
  s.insertEvents([ev(1, now - 5 * DAY, 'old-host'), ev(2, now - 5 * DAY, 'old-host'), ev(3, now - 5 * DAY, 'old-host'), ev(4, now, 'web1')]);
  const hosts = () => (db.prepare('SELECT name FROM event_hosts ORDER BY name').pluck().all() as string[]);
  assert.equal(s.prune(now, { limit: 2 }), 2, 'a full step');
  assert.deepEqual(hosts(), ['old-host', 'web1'], 'old-host still has an event');
  assert.equal(s.prune(now, { limit: 2 }), 1);
  assert.deepEqual(hosts(), ['web1'], 'the step with budget left drops the emptied host');
});
