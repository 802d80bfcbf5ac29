/** A database written by the previous schema (each event as JSON text) opens: converted in place, seqs kept. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase, type Db } from '../../alert-service/src/store/database.js';
import { dedupeKey, SqliteEventStore } from '../../alert-service/src/store/sqlite-event-store.js';
import type { LogEvent } from '../../alert-service/src/generated/schema-types.js';

const T0 = Date.parse('2026-11-21T10:00:00.000Z');
const ev = (i: number): LogEvent => ({
  id: createHash('md5').update(String(i)).digest('hex'),
  time: new Date(T0 + i * 1000).toISOString(),
  time_source: 'line',
  received_at: new Date(T0 + 5000).toISOString(),
  host: `web${i % 2}`,
  agent_host: 'agent1',
  source: { kind: i % 2 ? 'auth' : 'syslog', tag: 'linux', path: '/var/log/auth.log', offset: i * 80 },
  severity: 'warning',
  message: `Failed password for root from 203.0.113.${i} port ${4000 + i} ssh2`,
  fields: { user: 'root', src_ip: `203.0.113.${i}`, src_port: 4000 + i },
  program: 'sshd',
  pid: 100 + i,
});

/** The previous version's events table, exactly as it created it, filled as it did. */
function writeOldSchema(db: Db, events: LogEvent[]): void {
  db.exec(`
    CREATE TABLE events (
      seq INTEGER PRIMARY KEY AUTOINCREMENT,
      dedupe_key BLOB NOT NULL UNIQUE,
      time_ms INTEGER NOT NULL,
      host TEXT NOT NULL,
      source_kind TEXT NOT NULL,
      body TEXT NOT NULL
    );
    CREATE INDEX events_time ON events(time_ms);
    CREATE TABLE consumer_cursors (consumer TEXT PRIMARY KEY, seq INTEGER NOT NULL);
  `);
  const insert = db.prepare('INSERT INTO events (dedupe_key, time_ms, host, source_kind, body) VALUES (?, ?, ?, ?, ?)');
  for (const e of events) insert.run(dedupeKey(e), Date.parse(e.time), e.host, e.source.kind, JSON.stringify(e));
}

test('an old-schema database is converted at open: same events, same seqs, same sequence high-water mark', () => {
  const dir = mkdtempSync(join(tmpdir(), 'logward-migrate-'));
  try {
    const path = join(dir, 'old.db');
    const events = Array.from({ length: 12 }, (_, i) => ev(i));
    const old = openDatabase({ path });
    writeOldSchema(old, events);
    // Retention had removed the first two and the newest: seqs 3..11 remain, the sequence is at 12.
    old.exec('DELETE FROM events WHERE seq IN (1, 2, 12)');
    old.prepare("INSERT INTO consumer_cursors VALUES ('detect', 7)").run();
    old.close();

    const logs: string[] = [];
    const db = openDatabase({ path });
    const s = new SqliteEventStore(db, { retentionDays: 3650, deadLetterRetentionDays: 1, log: (m) => logs.push(m) });
    assert.equal(s.migrated, 9);
    assert.match(logs.join('\n'), /converting 9 events to the compact schema/);
    const back = s.readAfter(0, 100);
    assert.deepEqual(back.map((b) => b.seq), [3, 4, 5, 6, 7, 8, 9, 10, 11]);
    assert.deepStrictEqual(back.map((b) => b.event), events.slice(2, 11));
    assert.equal(s.lastSeq(), 12, 'seqs are never reused after the conversion');
    assert.equal(s.getCursor('detect'), 7);
    assert.deepEqual(s.readAfter(7, 100).map((b) => b.seq), [8, 9, 10, 11]);
    // Idempotency holds across the conversion: a replay of stored events is a duplicate, new ones get new seqs.
    const r = s.insertEvents([events[5]!, events[0]!]);
    assert.deepEqual([r.inserted, r.duplicates], [1, 1]);
    assert.ok(r.stored[0]!.seq > 12);
    assert.deepEqual(s.query({ host: 'web1', limit: 100 }).map((e) => e.id), [3, 5, 7, 9].map((i) => events[i]!.id));
    db.close();

    // Opening again converts nothing.
    const again = openDatabase({ path });
    assert.equal(new SqliteEventStore(again, { retentionDays: 3650, deadLetterRetentionDays: 1 }).migrated, 0);
    assert.equal(again.prepare("SELECT count(*) FROM sqlite_schema WHERE name = 'events_json_v1'").pluck().get(), 0);
    again.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('an events table no version wrote is refused with a clear message, untouched', () => {
  const db = openDatabase({ path: ':memory:' });
  db.exec('CREATE TABLE events (id INTEGER PRIMARY KEY, payload TEXT)');
  db.exec("INSERT INTO events (payload) VALUES ('x')");
  assert.throws(() => new SqliteEventStore(db, { retentionDays: 1, deadLetterRetentionDays: 1 }), /events table has columns \(id, payload\).*refusing to open it/);
  assert.equal(db.prepare('SELECT count(*) FROM events').pluck().get(), 1);
});

test('a conversion that fails leaves the old table as it was', () => {
  const db = openDatabase({ path: ':memory:' });
  writeOldSchema(db, [ev(1), ev(2)]);
  db.exec(`UPDATE events SET body = '{not json' WHERE seq = 2`);
  assert.throws(() => new SqliteEventStore(db, { retentionDays: 1, deadLetterRetentionDays: 1 }), SyntaxError);
  const cols = db.prepare("SELECT name FROM pragma_table_info('events')").pluck().all();
  assert.ok(cols.includes('dedupe_key'));
  assert.equal(db.prepare('SELECT count(*) FROM events').pluck().get(), 2);
});
