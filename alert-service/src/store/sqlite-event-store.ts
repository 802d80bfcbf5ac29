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
import type { DeadLetter, EncodedEvent, EncodedRows, EventPage, EventQuery, EventStore, PruneOptions, StoredEncoded, StoredEvent } from './event-store.js';
import { StoredRows } from './stored-rows.js';
import type { LogEvent } from '../generated/schema-types.js';
import { decodeEncoded, encodeBody, encodeEvent, storedId } from './event-codec.js';
import { DICTIONARY_SCHEMA, DictionaryReader, DictionaryWriter } from './event-dictionary.js';
import { decodeRow, eventQueryPlan, planRows, readPage, ROW_COLUMNS, StatementCache, type EventRow } from './event-rows.js';
import { EventReadWorker } from './event-read-worker.js';
import { resolve } from 'node:path';
import { WalSync } from './wal-sync.js';
import { WalCheckpointer } from './wal-checkpointer.js';
import { migrateJsonEvents, EVENTS_SCHEMA } from './event-schema.js';

const DAY_MS = 86_400_000;
/**
 * Rows per multi-row INSERT: one statement step and one call into the driver for this many
 * events instead of one each (measured 1.5-2 µs less main-thread CPU per event, 300k-event
 * burst, loaded 2-core VM). 64 rather than 16: bench:storage insert + commit 3.32-3.38 µs CPU
 * per event against 3.55-3.59 (1 M events, 2 runs each, alternating). A group commit holds
 * thousands of rows, so the rows past the last full group (inserted one by one) are few.
 * 7 parameters a row; SQLite allows 32,766.
 */
const INSERT_ROWS = 64;
const INSERT_COLUMNS = 7;
const NONE_IGNORED: number[] = [];
/** A dead-lettered record is kept for diagnosis, not in full: attackers choose its size. */
const MAX_DEAD_LETTER_CHARS = 16_384;

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
  /**
   * With durableIngest on a database file: ingest commits run with synchronous=NORMAL too, and
   * durable() fsyncs the WAL on the thread pool afterwards (wal-sync.ts), so the committing
   * thread does not wait for the disk. The caller must not count a batch as stored before
   * durable() resolves (ingest answers 2xx only then).
   */
  deferIngestSync?: boolean;
  /**
   * On a database file: WAL checkpoints run on a thread of their own (wal-checkpointer.ts),
   * started at the first ingest commit, instead of inside whichever commit crosses SQLite's
   * threshold on this connection.
   */
  checkpointOffThread?: boolean;
  /** Most interned stream and program strings (default MAX_STRINGS); past it they are stored in each event. */
  maxInternedStrings?: number;
  /** Where to say that a database of the previous schema is being converted (once, at open). */
  log?: (msg: string) => void;
}

export class SqliteEventStore implements EventStore {
  private readonly insertEvent;
  private readonly insertEventGroup;
  private readonly selectNewestKeys;
  private readonly selectBodyByKey;
  /** The parameters of insertEventGroup, reused (no array per statement). */
  private readonly insertParams = new Array<unknown>(INSERT_ROWS * INSERT_COLUMNS);
  /** A group's rows as given and as bound (re-encoded where a string had to go inline), reused. */
  private readonly groupGiven = new Array<EncodedEvent | undefined>(INSERT_ROWS);
  private readonly groupBound = new Array<EncodedEvent | undefined>(INSERT_ROWS);
  private readonly insertDead;
  private readonly insertBatch;
  private readonly selectAfter;
  private readonly selectLastSeq;
  private readonly selectCursor;
  private readonly upsertCursor;
  private readonly dictWriter: DictionaryWriter;
  private readonly dictReader: DictionaryReader;
  private readonly statements: StatementCache;
  private reader: EventReadWorker | undefined;
  /** Set when ingest's fsync runs after the commit, off this thread (deferIngestSync). */
  private readonly walSync: WalSync | undefined;
  private checkpointer: WalCheckpointer | undefined;
  /** With walSync: the highest seq an ingest commit stored, and the highest known durable. */
  private committedSeq = 0;
  private durableSeq = 0;
  /** Events converted from the previous (JSON) schema when this store was opened. */
  readonly migrated: number;

  constructor(private readonly db: Db, private readonly opts: SqliteEventStoreOptions) {
    db.exec(DICTIONARY_SCHEMA);
    this.dictWriter = new DictionaryWriter(db, opts.maxInternedStrings);
    this.migrated = migrateJsonEvents(db, (rows) => this.writeRows(rows, true), opts.log);
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
    if (opts.durableIngest && opts.deferIngestSync && !db.memory) this.walSync = new WalSync(resolve(`${db.name}-wal`)); // SQLite's own name for the log, as the file was opened (cwd now)
    this.statements = new StatementCache(db);
    // INSERT OR IGNORE on the unique key is what makes a replayed Fluent Bit chunk harmless.
    this.insertEvent = db.prepare('INSERT OR IGNORE INTO events (key, time_ms, host_id, kind_id, stream_id, program_id, body) VALUES (?, ?, ?, ?, ?, ?, ?)');
    this.insertEventGroup = db.prepare(`INSERT OR IGNORE INTO events (key, time_ms, host_id, kind_id, stream_id, program_id, body) VALUES ${Array(INSERT_ROWS).fill('(?, ?, ?, ?, ?, ?, ?)').join(', ')}`);
    this.selectNewestKeys = db.prepare('SELECT seq, key FROM events WHERE seq <= ? ORDER BY seq DESC LIMIT ?').raw();
    this.selectBodyByKey = db.prepare('SELECT body FROM events WHERE key = ?').pluck();
    this.insertDead = db.prepare('INSERT INTO dead_letters (received_ms, tag, reason, record) VALUES (?, ?, ?, ?)');
    this.selectAfter = db.prepare(`SELECT ${ROW_COLUMNS} FROM events WHERE seq > ? ORDER BY seq LIMIT ?`);
    this.selectLastSeq = db.prepare("SELECT COALESCE((SELECT seq FROM sqlite_sequence WHERE name = 'events'), 0) AS seq");
    this.selectCursor = db.prepare('SELECT seq FROM consumer_cursors WHERE consumer = ?');
    this.upsertCursor = db.prepare('INSERT INTO consumer_cursors (consumer, seq) VALUES (?, ?) ON CONFLICT(consumer) DO UPDATE SET seq = excluded.seq');
    this.insertBatch = db.transaction((rows: EncodedRows, dead: readonly DeadLetter[]) => {
      const stored = this.writeRows(rows, false);
      for (const d of dead) {
        this.insertDead.run(d.receivedAt.getTime(), d.tag ?? null, d.reason, d.record.slice(0, MAX_DEAD_LETTER_CHARS));
      }
      return stored;
    });
  }

  /**
   * The rows' inserts (inside the caller's transaction): intern the strings, bind. A body is
   * re-encoded here only when the dictionary is full and a new stream or program must go inline.
   * Each row's object is taken once from `rows` (a view makes it on the spot) and dropped after
   * its statement: what is kept is the StoredRows record of seqs and positions.
   */
  private writeRows(rows: EncodedRows, withSeq: false): StoredRows;
  private writeRows(rows: ReadonlyArray<EncodedEvent & { seq: number }>, withSeq: true): StoredRows;
  private writeRows(rows: EncodedRows, withSeq: boolean): StoredRows {
    const insert = withSeq ? this.db.prepare('INSERT OR IGNORE INTO events (seq, key, time_ms, host_id, kind_id, stream_id, program_id, body) VALUES (?, ?, ?, ?, ?, ?, ?, ?)') : this.insertEvent;
    const stored = new StoredRows(rows);
    const params = this.insertParams;
    const given = this.groupGiven;
    const bound = this.groupBound;
    const n = rows.length;
    let i = 0;
    if (!withSeq) {
      for (; i + INSERT_ROWS <= n; i += INSERT_ROWS) {
        for (let j = 0; j < INSERT_ROWS; j++) {
          given[j] = rows.at(i + j)!;
          bound[j] = this.bindRow(given[j]!, params, j * INSERT_COLUMNS);
        }
        const r = this.insertEventGroup.run(params);
        const ignored = this.storedOf(i, r.changes, Number(r.lastInsertRowid), stored);
        for (const j of ignored) this.keepDistinct(bound[j]!, i + j, stored);
      }
      given.fill(undefined);
      bound.fill(undefined);
    }
    for (; i < n; i++) {
      const e = rows.at(i)! as EncodedEvent & { seq?: number };
      const row = this.bindRow(e, params, 0);
      const r = withSeq ? insert.run(e.seq, ...params.slice(0, INSERT_COLUMNS)) : insert.run(params.slice(0, INSERT_COLUMNS));
      if (r.changes) stored.add(Number(r.lastInsertRowid), i, row === e ? undefined : row);
      else if (!withSeq) this.keepDistinct(row, i, stored);
    }
    // The parameters hold the last group's keys and bodies: views into a chunk's bytes, not kept past the insert.
    params.fill(null);
    return stored;
  }

  /**
   * A row whose key was taken: a re-send of the stored event (dropped), or, when the key is
   * positional, possibly a different event at the same position of the same stream whose id
   * shares the key's 32 bits (dedupeKey). The whole ids decide; a distinct event is stored under
   * its own id as key, so a later re-send of it is ignored there. Costs a lookup per ignored row
   * only: re-sent chunks, not the ingest path.
   */
  private keepDistinct(row: EncodedEvent, position: number, out: StoredRows): void {
    const mine = storedId(row.key, row.body);
    if (!mine || mine.equals(row.key)) return; // keyed by its id already: a true re-send
    const taken = this.selectBodyByKey.get(row.key) as Uint8Array | undefined;
    const theirs = taken && storedId(row.key, taken);
    if (!theirs || theirs.equals(mine)) return;
    const params = this.insertParams;
    const rekeyed = this.bindRow({ ...row, key: mine, body: encodeBody(decodeEncoded(row), mine, row.timeMs) }, params, 0);
    const r = this.insertEvent.run(params.slice(0, INSERT_COLUMNS));
    if (r.changes) out.add(Number(r.lastInsertRowid), position, rekeyed);
  }

  /**
   * Puts the row's column values at params[at..at+7): interns its strings; returns the row as
   * stored (its body re-encoded only when the dictionary is full and a string must go inline).
   */
  private bindRow(e: EncodedEvent, params: unknown[], at: number): EncodedEvent {
    const dict = this.dictWriter;
    const hostId = dict.hostId(e.host);
    const kindId = dict.kindId(e.kind);
    const streamId = dict.stringId(e.stream);
    const programId = e.program === undefined ? null : dict.stringId(e.program);
    let row: EncodedEvent = e;
    if (streamId === undefined || programId === undefined) {
      const inline: { stream?: string; program?: string } = {};
      if (streamId === undefined) inline.stream = e.stream;
      if (programId === undefined) inline.program = e.program!;
      row = { ...e, body: encodeBody(decodeEncoded(e), e.key, e.timeMs, inline) };
    }
    params[at] = e.key;
    params[at + 1] = e.timeMs;
    params[at + 2] = hostId;
    params[at + 3] = kindId;
    params[at + 4] = streamId ?? null;
    params[at + 5] = programId ?? null;
    params[at + 6] = row.body;
    return row;
  }

  /**
   * Records what one multi-row INSERT OR IGNORE of the group at rows[first..first+16) stored
   * (groupGiven as given, groupBound as bound). The rows it inserted got ascending seqs in VALUES
   * order, the last being `lastSeq`, above every earlier row (one writer, in its transaction); an
   * ignored row (a replayed key) uses up a seq, as a single-row INSERT OR IGNORE does. All
   * inserted: consecutive, by position. Some ignored (a resent chunk): the `changes` newest rows
   * are read back and matched to the group by key, in order (a key twice in the group: its first
   * row is the one inserted). Returns the group positions of the ignored rows.
   */
  private storedOf(first: number, changes: number, lastSeq: number, out: StoredRows): number[] {
    const given = this.groupGiven;
    const bound = this.groupBound;
    const asStored = (j: number) => (bound[j] === given[j] ? undefined : bound[j]);
    if (changes === INSERT_ROWS) {
      const seq0 = lastSeq - changes + 1;
      for (let j = 0; j < INSERT_ROWS; j++) out.add(seq0 + j, first + j, asStored(j));
      return NONE_IGNORED;
    }
    const ignored: number[] = [];
    if (!changes) {
      for (let j = 0; j < INSERT_ROWS; j++) ignored.push(j);
      return ignored;
    }
    const inserted = (this.selectNewestKeys.all(lastSeq, changes) as Array<[number, Uint8Array]>).reverse();
    let j = 0;
    for (const [seq, key] of inserted) {
      while (j < INSERT_ROWS && Buffer.compare(bound[j]!.key, key) !== 0) ignored.push(j++);
      if (j === INSERT_ROWS) throw new Error('event store: an inserted row matches none of its batch (seqs not consecutive?)');
      out.add(seq, first + j, asStored(j));
      j++;
    }
    while (j < INSERT_ROWS) ignored.push(j++);
    return ignored;
  }

  insertEvents(events: readonly LogEvent[], deadLetters: readonly DeadLetter[] = []): { inserted: number; duplicates: number; stored: StoredEvent[] } {
    const { inserted, duplicates, stored } = this.insertEncoded(events.map(encodeEvent), deadLetters);
    const out = new Array<StoredEvent>(stored.length);
    for (let k = 0; k < stored.length; k++) out[k] = { seq: stored.seq(k), event: decodeEncoded(stored.row(k)) };
    return { inserted, duplicates, stored: out };
  }

  insertEncoded(rows: EncodedRows, deadLetters: readonly DeadLetter[] = []): { inserted: number; duplicates: number; stored: StoredRows } {
    let stored: StoredRows;
    if (this.opts.checkpointOffThread && !this.db.memory) this.checkpointer ??= new WalCheckpointer(this.db, this.opts.log ? { log: this.opts.log } : {});
    try {
      if (this.opts.durableIngest && !this.walSync) {
        this.db.pragma('synchronous = FULL');
        try {
          stored = this.insertBatch(rows, deadLetters) as StoredRows;
        } finally {
          this.db.pragma('synchronous = NORMAL');
        }
      } else stored = this.insertBatch(rows, deadLetters) as StoredRows;
    } catch (err) {
      this.dictWriter.forget(); // ids interned by the rolled-back transaction do not exist
      throw err;
    }
    if (this.walSync && stored.length) this.committedSeq = stored.seq(stored.length - 1);
    return { inserted: stored.length, duplicates: rows.length - stored.length, stored };
  }

  durable(): Promise<void> {
    if (!this.walSync) return Promise.resolve();
    const upTo = this.committedSeq;
    return this.walSync.sync().then(() => {
      if (upTo > this.durableSeq) this.durableSeq = upTo;
    });
  }

  /**
   * Everything committed, except while an ingest commit waits for its deferred fsync: then what
   * the last finished fsync covered. The pump reads back no further, so it neither feeds events
   * a power loss could still take back nor reads rows that ingest is about to hand it.
   */
  durableThrough(): number {
    return this.walSync && this.committedSeq > this.durableSeq ? this.durableSeq : this.lastSeq();
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

  /** Stops the read worker and the checkpoint thread, and waits for a WAL fsync in flight (the connection is the caller's to close). */
  async close(): Promise<void> {
    const r = this.reader;
    this.reader = undefined;
    const c = this.checkpointer;
    this.checkpointer = undefined;
    await Promise.all([r?.close(), this.walSync?.close(), c?.close()]);
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
      const hosts = this.db.prepare('DELETE FROM event_hosts WHERE NOT EXISTS (SELECT 1 FROM events WHERE host_id = event_hosts.id)').run().changes;
      if (hosts) this.dictWriter.forget();
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

  setCursors(cursors: Iterable<[string, number]>, alsoInTransaction?: () => void): void {
    this.db.transaction(() => {
      for (const [consumer, seq] of cursors) this.upsertCursor.run(consumer, seq);
      alsoInTransaction?.();
    })();
  }
}
