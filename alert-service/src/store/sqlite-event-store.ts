/**
 * SQLite implementation of EventStore. An event is one row: the idempotency key, the columns the
 * API filters on (event time, host and source kind as interned ids), the interned stream and
 * program, and the rest of the event as a compact binary body (event-codec.ts): about 215 bytes
 * per event with its indexes on the benchmark mix, where the event's JSON alone is about 450.
 *
 * Indexes: the unique key (idempotent replays), host + time and kind + time (the API's filters,
 * in the time order it returns; time ranges and retention read the kind index once per kind).
 * seq is the rowid: the pump tails the store by it.
 */
import type { Db } from './database.js';
import type { DeadLetter, EncodedEvent, EventPage, EventQuery, EventStore, PruneOptions, StoredEncoded, StoredEvent } from './event-store.js';
import type { LogEvent } from '../generated/schema-types.js';
import { decodeEncoded, encodeEvent } from './event-codec.js';
import { EventWriter, writeRowsWithSeq } from './event-writer.js';
import { DICTIONARY_SCHEMA, DictionaryReader, DictionaryWriter } from './event-dictionary.js';
import { decodeRow, eventQueryPlan, planRows, readPage, ROW_COLUMNS, StatementCache, type EventRow } from './event-rows.js';
import { EventReadWorker } from './event-read-worker.js';
import { migrateJsonEvents, EVENTS_SCHEMA } from './event-schema.js';

const DAY_MS = 86_400_000;

export { dedupeKey, encodeEvent } from './event-codec.js';

/**
 * The inverse of encodeEvent for a just-stored row: how the event pump gets the objects of what
 * ingest stored without reading them back (the same decoder as the read path's; measured about
 * as fast as JSON.parse of the event, and the decode worker no longer writes that JSON).
 */
export function decodeStored(s: StoredEncoded): StoredEvent {
  return { seq: s.seq, event: decodeEncoded(s.row) };
}

export interface SqliteEventStoreOptions {
  retentionDays: number;
  deadLetterRetentionDays: number;
  /** Most dead-letter rows kept (oldest pruned first). */
  maxDeadLetters?: number;
  /**
   * Commit ingest batches with synchronous=FULL (fsync), the connection being NORMAL otherwise:
   * a 2xx to Fluent Bit then survives power loss, while the many small bookkeeping commits
   * (cursors, rule and alert state) skip the fsync. WAL keeps commits in order, so a power loss
   * can only drop a tail of bookkeeping after the last ingest batch, which redelivery replays.
   */
  durableIngest?: boolean;
  /** Most interned stream and program strings (default MAX_STRINGS); past it they are stored in each event. */
  maxInternedStrings?: number;
  /** Where to say that a database of the previous schema is being converted (once, at open). */
  log?: (msg: string) => void;
}

export class SqliteEventStore implements EventStore {
  private readonly writer: EventWriter;
  private readonly selectAfter;
  private readonly selectLastSeq;
  private readonly selectCursor;
  private readonly upsertCursor;
  private readonly dictWriter: DictionaryWriter;
  private readonly dictReader: DictionaryReader;
  private readonly statements: StatementCache;
  private reader: EventReadWorker | undefined;
  /** Events converted from the previous (JSON) schema when this store was opened. */
  readonly migrated: number;

  constructor(private readonly db: Db, private readonly opts: SqliteEventStoreOptions) {
    db.exec(DICTIONARY_SCHEMA);
    this.dictWriter = new DictionaryWriter(db, opts.maxInternedStrings);
    this.migrated = migrateJsonEvents(db, (rows) => writeRowsWithSeq(db, this.dictWriter, rows), opts.log);
    db.exec(EVENTS_SCHEMA);
    db.exec(`
      CREATE TABLE IF NOT EXISTS dead_letters (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        received_ms INTEGER NOT NULL,
        tag TEXT,
        reason TEXT NOT NULL,
        record TEXT NOT NULL
      );
      CREATE INDEX IF NOT EXISTS dead_letters_received ON dead_letters(received_ms);
      CREATE TABLE IF NOT EXISTS consumer_cursors (
        consumer TEXT PRIMARY KEY,
        seq INTEGER NOT NULL
      );
    `);
    this.dictReader = new DictionaryReader(db);
    this.statements = new StatementCache(db);
    this.writer = new EventWriter(db, this.dictWriter, { ...(opts.durableIngest !== undefined ? { durableIngest: opts.durableIngest } : {}) });
    this.selectAfter = db.prepare(`SELECT ${ROW_COLUMNS} FROM events WHERE seq > ? ORDER BY seq LIMIT ?`);
    this.selectLastSeq = db.prepare("SELECT COALESCE((SELECT seq FROM sqlite_sequence WHERE name = 'events'), 0) AS seq");
    this.selectCursor = db.prepare('SELECT seq FROM consumer_cursors WHERE consumer = ?');
    this.upsertCursor = db.prepare('INSERT INTO consumer_cursors (consumer, seq) VALUES (?, ?) ON CONFLICT(consumer) DO UPDATE SET seq = excluded.seq');
  }

  insertEvents(events: readonly LogEvent[], deadLetters: readonly DeadLetter[] = []): { inserted: number; duplicates: number; stored: StoredEvent[] } {
    const { inserted, duplicates, stored } = this.insertEncoded(events.map(encodeEvent), deadLetters);
    return { inserted, duplicates, stored: stored.map(decodeStored) };
  }

  /** On this connection (ingest stores on the decode worker's own instead where it can: decode-worker.ts). */
  insertEncoded(rows: readonly EncodedEvent[], deadLetters: readonly DeadLetter[] = []): { inserted: number; duplicates: number; stored: StoredEncoded[] } {
    return this.writer.write(rows, deadLetters);
  }

  readAfter(seq: number, limit: number): StoredEvent[] {
    return (this.selectAfter.all(seq, limit) as EventRow[]).map((r) => ({ seq: r.seq, event: decodeRow(r, this.dictReader) }));
  }

  lastSeq(): number {
    return (this.selectLastSeq.get() as { seq: number }).seq;
  }

  query(q: EventQuery): LogEvent[] {
    const plan = eventQueryPlan(q, this.dictReader);
    if (!plan) return [];
    return planRows(plan, this.statements, q.after).map((r) => decodeRow(r, this.dictReader));
  }

  /** On the read worker for a database file; in this thread for :memory: (a worker cannot open it). */
  queryPage(q: EventQuery): Promise<EventPage> {
    if (this.db.memory) {
      try {
        return Promise.resolve(readPage(this.statements, this.dictReader, q));
      } catch (err) {
        return Promise.reject(err);
      }
    }
    this.reader ??= new EventReadWorker(this.db.name);
    return this.reader.query(q);
  }

  /** Stops the read worker (the connection is the caller's to close). */
  async close(): Promise<void> {
    const r = this.reader;
    this.reader = undefined;
    await r?.close();
  }

  countEvents(): number {
    return (this.db.prepare('SELECT count(*) AS n FROM events').get() as { n: number }).n;
  }

  deadLetters(limit: number): Array<DeadLetter & { id: number }> {
    const rows = this.db.prepare('SELECT id, received_ms, tag, reason, record FROM dead_letters ORDER BY id DESC LIMIT ?').all(Math.min(Math.max(limit, 1), 10_000)) as Array<{
      id: number; received_ms: number; tag: string | null; reason: string; record: string;
    }>;
    return rows.map((r) => ({ id: r.id, receivedAt: new Date(r.received_ms), reason: r.reason, record: r.record, ...(r.tag !== null ? { tag: r.tag } : {}) }));
  }

  /**
   * Retention is by event time: events are looked at by when they happened. One budget for the
   * whole call (a step of the service's retention), events first; events past `maxSeq` (not yet
   * durably passed by every consumer) stay. Hosts left without events go too (their names are
   * attacker-chosen); ids are never reused, so readers' caches stay right.
   */
  prune(nowMs: number, opts: PruneOptions = {}): number {
    let budget = opts.limit ?? Infinity;
    // SQLite: a negative LIMIT is no limit.
    const lim = () => (budget === Infinity ? -1 : budget);
    const maxSeq = opts.maxSeq ?? Number.MAX_SAFE_INTEGER;
    const cutoff = nowMs - this.opts.retentionDays * DAY_MS;
    // One range of the kind index per kind (there is no index on time alone).
    const deleteKind = this.db.prepare('DELETE FROM events WHERE seq IN (SELECT seq FROM events WHERE kind_id = ? AND time_ms < ? AND seq <= ? ORDER BY time_ms LIMIT ?)');
    let events = 0;
    for (const kind of this.dictReader.kindIds()) {
      if (budget <= 0) break;
      const n = deleteKind.run(kind, cutoff, maxSeq, lim()).changes;
      events += n;
      budget -= n;
    }
    // Once the events are done for this run (budget left), not after every step of it: the
    // check probes every host.
    if (budget > 0) {
      // With the epoch moved on in the same transaction: a writer on another connection (the
      // decode worker) that cached a deleted host's id drops its cache before its next insert.
      const deleteHosts = this.db.prepare('DELETE FROM event_hosts WHERE NOT EXISTS (SELECT 1 FROM events WHERE host_id = event_hosts.id)');
      this.db.transaction(() => {
        if (deleteHosts.run().changes) this.dictWriter.hostsDeleted();
      }).immediate();
    }
    let removed = events;
    if (budget > 0) {
      const n = this.db
        .prepare('DELETE FROM dead_letters WHERE id IN (SELECT id FROM dead_letters WHERE received_ms < ? ORDER BY received_ms LIMIT ?)')
        .run(nowMs - this.opts.deadLetterRetentionDays * DAY_MS, lim()).changes;
      removed += n;
      budget -= n;
    }
    if (budget > 0 && this.opts.maxDeadLetters !== undefined) {
      removed += this.db
        .prepare('DELETE FROM dead_letters WHERE id IN (SELECT id FROM dead_letters WHERE id <= (SELECT MAX(id) FROM dead_letters) - ? ORDER BY id LIMIT ?)')
        .run(this.opts.maxDeadLetters, lim()).changes;
    }
    return removed;
  }

  getCursor(consumer: string): number {
    return (this.selectCursor.get(consumer) as { seq: number } | undefined)?.seq ?? 0;
  }

  setCursors(cursors: Iterable<[string, number]>, alsoInTransaction?: () => void, opts: { waitForLock?: boolean } = {}): boolean {
    const tx = this.db.transaction(() => {
      for (const [consumer, seq] of cursors) this.upsertCursor.run(consumer, seq);
      alsoInTransaction?.();
    });
    if (opts.waitForLock !== false) {
      tx.immediate();
      return true;
    }
    // BEGIN IMMEDIATE takes the write lock first or fails at once: the wait (a decode worker's
    // commit holds the lock) would otherwise be a sleep of this thread in SQLite's busy handler.
    const timeout = this.db.pragma('busy_timeout', { simple: true }) as number;
    this.db.pragma('busy_timeout = 0');
    try {
      tx.immediate();
      return true;
    } catch (err) {
      if ((err as { code?: string }).code === 'SQLITE_BUSY') return false;
      throw err;
    } finally {
      this.db.pragma(`busy_timeout = ${timeout}`);
    }
  }
}
