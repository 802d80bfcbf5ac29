/**
 * The write side of the event store: an ingest batch's rows and dead letters in one transaction
 * (strings interned, 16 rows per INSERT, fsynced when durable). It needs nothing but a connection,
 * so it runs where the rows are: on the decode worker's own connection to the database file
 * (decode-worker.ts), off the main thread that also runs detection; or in the store itself for
 * an in-memory database, tests and the offline tools.
 *
 * More than one connection may write events (the worker, and the main thread's retention), so the
 * writer's cache of interned ids must never outlive a host that retention deleted: the dictionary
 * epoch (event-dictionary.ts) is read at the start of each write transaction, and a changed one
 * empties the cache. The transaction is BEGIN IMMEDIATE: the epoch read and the inserts see one
 * state of the file, with no other writer in between.
 */
import type { Db } from './database.js';
import type { DeadLetter, EncodedEvent, StoredEncoded } from './event-store.js';
import { decodeEncoded, encodeBody } from './event-codec.js';
import { DictionaryWriter } from './event-dictionary.js';

/**
 * Rows per multi-row INSERT: one statement step and one call into the driver for this many
 * events instead of one each (measured 1.5-2 µs less main-thread CPU per event, 300k-event
 * burst, loaded 2-core VM). 7 parameters a row; SQLite allows 32,766.
 */
const INSERT_ROWS = 16;
const INSERT_COLUMNS = 7;
/** A dead-lettered record is kept for diagnosis, not in full: attackers choose its size. */
const MAX_DEAD_LETTER_CHARS = 16_384;

export interface EventWriterOptions {
  /** Commit with synchronous=FULL (fsync), the connection being NORMAL otherwise (see SqliteEventStoreOptions). */
  durableIngest?: boolean;
  /** Most interned stream and program strings (default MAX_STRINGS). */
  maxInternedStrings?: number;
}

export interface WriteResult {
  inserted: number;
  duplicates: number;
  stored: StoredEncoded[];
}

/**
 * Puts the row's column values at params[at..at+7): interns its strings; returns the row as
 * stored (its body re-encoded only when the dictionary is full and a string must go inline).
 */
function bindRow(dict: DictionaryWriter, e: EncodedEvent, params: unknown[], at: number): EncodedEvent {
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

/** Rows that keep the seq they had (the one-time schema conversion), inside the caller's transaction. */
export function writeRowsWithSeq(db: Db, dict: DictionaryWriter, rows: ReadonlyArray<EncodedEvent & { seq: number }>): void {
  const insert = db.prepare('INSERT OR IGNORE INTO events (seq, key, time_ms, host_id, kind_id, stream_id, program_id, body) VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
  const params = new Array<unknown>(INSERT_COLUMNS);
  for (const e of rows) {
    bindRow(dict, e, params, 0);
    insert.run(e.seq, ...params);
  }
}

export class EventWriter {
  private readonly insertEvent;
  private readonly insertEventGroup;
  private readonly selectNewestKeys;
  /** The parameters of insertEventGroup, reused (no array per statement). */
  private readonly insertParams = new Array<unknown>(INSERT_ROWS * INSERT_COLUMNS);
  private readonly group = new Array<EncodedEvent>(INSERT_ROWS);
  private readonly insertDead;
  private readonly insertBatch;
  /** write()'s `seqs` while it runs. */
  private seqs: Float64Array | undefined;

  /** The events, dictionary and dead-letter tables must exist (SqliteEventStore creates them). */
  constructor(private readonly db: Db, private readonly dict: DictionaryWriter, private readonly opts: EventWriterOptions = {}) {
    // INSERT OR IGNORE on the unique key is what makes a replayed Fluent Bit chunk harmless.
    this.insertEvent = db.prepare('INSERT OR IGNORE INTO events (key, time_ms, host_id, kind_id, stream_id, program_id, body) VALUES (?, ?, ?, ?, ?, ?, ?)');
    this.insertEventGroup = db.prepare(`INSERT OR IGNORE INTO events (key, time_ms, host_id, kind_id, stream_id, program_id, body) VALUES ${Array(INSERT_ROWS).fill('(?, ?, ?, ?, ?, ?, ?)').join(', ')}`);
    this.selectNewestKeys = db.prepare('SELECT seq, key FROM events WHERE seq <= ? ORDER BY seq DESC LIMIT ?').raw();
    this.insertDead = db.prepare('INSERT INTO dead_letters (received_ms, tag, reason, record) VALUES (?, ?, ?, ?)');
    this.insertBatch = db.transaction((rows: readonly EncodedEvent[], dead: readonly DeadLetter[]) => {
      this.dict.checkEpoch();
      const stored = this.writeRows(rows);
      for (const d of dead) {
        this.insertDead.run(d.receivedAt.getTime(), d.tag ?? null, d.reason, d.record.slice(0, MAX_DEAD_LETTER_CHARS));
      }
      return stored;
    });
  }

  /**
   * Stores a batch atomically; rows whose key is already stored are skipped (idempotent replays).
   * `seqs`, when given (as long as `rows`), gets each row's seq by position, 0 for a row skipped.
   */
  write(rows: readonly EncodedEvent[], deadLetters: readonly DeadLetter[] = [], seqs?: Float64Array): WriteResult {
    this.seqs = seqs;
    let stored: StoredEncoded[];
    try {
      if (this.opts.durableIngest) {
        this.db.pragma('synchronous = FULL');
        try {
          stored = this.insertBatch.immediate(rows, deadLetters) as StoredEncoded[];
        } finally {
          this.db.pragma('synchronous = NORMAL');
        }
      } else stored = this.insertBatch.immediate(rows, deadLetters) as StoredEncoded[];
    } catch (err) {
      this.dict.forget(); // ids interned by the rolled-back transaction do not exist
      throw err;
    } finally {
      this.seqs = undefined;
    }
    return { inserted: stored.length, duplicates: rows.length - stored.length, stored };
  }

  /** The rows' inserts (inside the transaction). */
  private writeRows(rows: readonly EncodedEvent[]): StoredEncoded[] {
    const stored: StoredEncoded[] = [];
    const params = this.insertParams;
    const group = this.group;
    let i = 0;
    for (; i + INSERT_ROWS <= rows.length; i += INSERT_ROWS) {
      for (let j = 0; j < INSERT_ROWS; j++) group[j] = bindRow(this.dict, rows[i + j]!, params, j * INSERT_COLUMNS);
      const r = this.insertEventGroup.run(params);
      this.storedOf(group, r.changes, Number(r.lastInsertRowid), stored, i);
    }
    const seqs = this.seqs;
    for (; i < rows.length; i++) {
      const row = bindRow(this.dict, rows[i]!, params, 0);
      const r = this.insertEvent.run(params.slice(0, INSERT_COLUMNS));
      if (!r.changes) continue;
      const seq = Number(r.lastInsertRowid);
      stored.push({ seq, row });
      if (seqs) seqs[i] = seq;
    }
    group.fill(undefined as unknown as EncodedEvent);
    return stored;
  }

  /**
   * The stored events of one multi-row INSERT OR IGNORE of `group`. The rows it inserted got
   * ascending seqs in VALUES order, the last being `lastSeq`, above every earlier row (one
   * writer, in its transaction); an ignored row (a replayed key) uses up a seq, as a single-row
   * INSERT OR IGNORE does. All inserted: consecutive, by position. Some ignored (a resent
   * chunk): the `changes` newest rows are read back and matched to the group by key, in order
   * (a key twice in the group: its first row is the one inserted).
   */
  private storedOf(group: readonly EncodedEvent[], changes: number, lastSeq: number, out: StoredEncoded[], at: number): void {
    const seqs = this.seqs;
    if (changes === group.length) {
      const first = lastSeq - changes + 1;
      for (let j = 0; j < group.length; j++) out.push({ seq: first + j, row: group[j]! });
      if (seqs) for (let j = 0; j < group.length; j++) seqs[at + j] = first + j;
      return;
    }
    if (!changes) return;
    const inserted = (this.selectNewestKeys.all(lastSeq, changes) as Array<[number, Uint8Array]>).reverse();
    let j = 0;
    for (const [seq, key] of inserted) {
      while (j < group.length && Buffer.compare(group[j]!.key, key) !== 0) j++;
      if (j === group.length) throw new Error('event store: an inserted row matches none of its batch (seqs not consecutive?)');
      if (seqs) seqs[at + j] = seq;
      out.push({ seq, row: group[j++]! });
    }
  }
}
