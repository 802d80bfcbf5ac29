/**
 * SQLite implementation of EventStore. The full normalized event is kept as JSON; the columns
 * beside it exist for the two indexes (id for idempotency, time for queries and retention) and
 * for filtering. Every extra index costs ingest throughput, so host queries filter the time index.
 */
import { createHash } from 'node:crypto';
import type { Db } from './database.js';
import type { DeadLetter, EncodedEvent, EventQuery, EventStore, PruneOptions, StoredEncoded, StoredEvent } from './event-store.js';
import type { LogEvent } from '../generated/schema-types.js';

const DAY_MS = 86_400_000;
/** A dead-lettered record is kept for diagnosis, not in full: attackers choose its size. */
const MAX_DEAD_LETTER_CHARS = 16_384;

/**
 * The unique index key that makes replays idempotent. Event ids are hashes, so inserting them
 * as they are scatters every batch over the whole index (measured: ~10 µs of the ~14 µs an
 * insert costs). Records that carry a position in their stream (file offset, EventRecordID)
 * are keyed as stream hash (6 bytes) + position (6 bytes) + id (4 bytes) instead: a batch from
 * one file appends to one region of the index. The key is a function of the id's own inputs,
 * so equal ids give equal keys; different ids at the same position of the same stream collide
 * only if 32 bits of their hashes do.
 */
const streamPrefixes = new Map<string, Buffer>();
function streamPrefix(stream: string): Buffer {
  let p = streamPrefixes.get(stream);
  if (!p) {
    if (streamPrefixes.size >= 10_000) streamPrefixes.clear(); // bounded: attackers choose paths
    p = createHash('sha256').update(stream).digest().subarray(0, 6);
    streamPrefixes.set(stream, p);
  }
  return p;
}

export function dedupeKey(e: LogEvent): Buffer {
  const id = Buffer.from(e.id, 'hex');
  const position = e.source.offset ?? e.source.record_id;
  if (position === undefined || position > 0xffff_ffff_ffff) return id;
  const key = Buffer.allocUnsafe(16);
  streamPrefix(`${e.agent_host ?? e.host}\0${e.source.path ?? e.source.channel ?? ''}`).copy(key, 0);
  key.writeUIntBE(position, 6, 6);
  id.copy(key, 12, 0, 4);
  return key;
}

/** Everything the insert needs, computed off the writing thread when the caller can. */
export function encodeEvent(e: LogEvent): EncodedEvent {
  return { key: dedupeKey(e).toString('hex'), timeMs: Date.parse(e.time), host: e.host, kind: e.source.kind, json: JSON.stringify(e) };
}

/**
 * The inverse of encodeEvent for a just-stored row: how the event pump gets the objects of what
 * ingest stored without reading them back (kept beside the encoder so the two change together).
 */
export function decodeStored(s: StoredEncoded): StoredEvent {
  return { seq: s.seq, event: JSON.parse(s.json) as LogEvent };
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
}

export class SqliteEventStore implements EventStore {
  private readonly insertEvent;
  private readonly insertDead;
  private readonly insertBatch;
  private readonly selectAfter;
  private readonly selectLastSeq;
  private readonly selectCursor;
  private readonly upsertCursor;

  constructor(private readonly db: Db, private readonly opts: SqliteEventStoreOptions) {
    db.exec(`
      CREATE TABLE IF NOT EXISTS events (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        dedupe_key BLOB NOT NULL UNIQUE,
        time_ms INTEGER NOT NULL,
        host TEXT NOT NULL,
        source_kind TEXT NOT NULL,
        body TEXT NOT NULL
      );
      CREATE INDEX IF NOT EXISTS events_time ON events(time_ms);
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
    // INSERT OR IGNORE on the unique key is what makes a replayed Fluent Bit chunk harmless.
    this.insertEvent = db.prepare('INSERT OR IGNORE INTO events (dedupe_key, time_ms, host, source_kind, body) VALUES (?, ?, ?, ?, ?)');
    this.insertDead = db.prepare('INSERT INTO dead_letters (received_ms, tag, reason, record) VALUES (?, ?, ?, ?)');
    this.selectAfter = db.prepare('SELECT seq, body FROM events WHERE seq > ? ORDER BY seq LIMIT ?');
    this.selectLastSeq = db.prepare("SELECT COALESCE((SELECT seq FROM sqlite_sequence WHERE name = 'events'), 0) AS seq");
    this.selectCursor = db.prepare('SELECT seq FROM consumer_cursors WHERE consumer = ?');
    this.upsertCursor = db.prepare('INSERT INTO consumer_cursors (consumer, seq) VALUES (?, ?) ON CONFLICT(consumer) DO UPDATE SET seq = excluded.seq');
    this.insertBatch = db.transaction((rows: readonly EncodedEvent[], dead: readonly DeadLetter[]) => {
      const stored: StoredEncoded[] = [];
      for (const e of rows) {
        const r = this.insertEvent.run(Buffer.from(e.key, 'hex'), e.timeMs, e.host, e.kind, e.json);
        if (r.changes) stored.push({ seq: Number(r.lastInsertRowid), json: e.json });
      }
      for (const d of dead) {
        this.insertDead.run(d.receivedAt.getTime(), d.tag ?? null, d.reason, d.record.slice(0, MAX_DEAD_LETTER_CHARS));
      }
      return stored;
    });
  }

  insertEvents(events: readonly LogEvent[], deadLetters: readonly DeadLetter[] = []): { inserted: number; duplicates: number; stored: StoredEvent[] } {
    const { inserted, duplicates, stored } = this.insertEncoded(events.map(encodeEvent), deadLetters);
    return { inserted, duplicates, stored: stored.map((s) => ({ seq: s.seq, event: JSON.parse(s.json) as LogEvent })) };
  }

  insertEncoded(rows: readonly EncodedEvent[], deadLetters: readonly DeadLetter[] = []): { inserted: number; duplicates: number; stored: StoredEncoded[] } {
    let stored: StoredEncoded[];
    if (this.opts.durableIngest) {
      this.db.pragma('synchronous = FULL');
      try {
        stored = this.insertBatch(rows, deadLetters) as StoredEncoded[];
      } finally {
        this.db.pragma('synchronous = NORMAL');
      }
    } else stored = this.insertBatch(rows, deadLetters) as StoredEncoded[];
    return { inserted: stored.length, duplicates: rows.length - stored.length, stored };
  }

  readAfter(seq: number, limit: number): StoredEvent[] {
    return (this.selectAfter.all(seq, limit) as Array<{ seq: number; body: string }>).map((r) => ({ seq: r.seq, event: JSON.parse(r.body) as LogEvent }));
  }

  lastSeq(): number {
    return (this.selectLastSeq.get() as { seq: number }).seq;
  }

  query(q: EventQuery): LogEvent[] {
    const where: string[] = [];
    const args: unknown[] = [];
    if (q.host !== undefined) (where.push('host = ?'), args.push(q.host));
    if (q.sourceKind !== undefined) (where.push('source_kind = ?'), args.push(q.sourceKind));
    if (q.fromMs !== undefined) (where.push('time_ms >= ?'), args.push(q.fromMs));
    if (q.toMs !== undefined) (where.push('time_ms < ?'), args.push(q.toMs));
    const limit = Math.min(Math.max(q.limit ?? 1000, 1), 1_000_000);
    const sql = `SELECT body FROM events ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY time_ms, seq LIMIT ${limit}`;
    return (this.db.prepare(sql).all(...args) as Array<{ body: string }>).map((r) => JSON.parse(r.body) as LogEvent);
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

  /** Retention is by event time: events are looked at by when they happened. */
  prune(nowMs: number, opts: PruneOptions = {}): number {
    // One budget for the whole call, events first. SQLite: a negative LIMIT is no limit.
    let budget = opts.limit ?? Infinity;
    const lim = () => (budget === Infinity ? -1 : budget);
    const maxSeq = opts.maxSeq ?? Number.MAX_SAFE_INTEGER;
    let removed = this.db
      .prepare('DELETE FROM events WHERE seq IN (SELECT seq FROM events WHERE time_ms < ? AND seq <= ? ORDER BY time_ms LIMIT ?)')
      .run(nowMs - this.opts.retentionDays * DAY_MS, maxSeq, lim()).changes;
    budget -= removed;
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

  setCursors(cursors: Iterable<[string, number]>, alsoInTransaction?: () => void): void {
    this.db.transaction(() => {
      for (const [consumer, seq] of cursors) this.upsertCursor.run(consumer, seq);
      alsoInTransaction?.();
    })();
  }
}
