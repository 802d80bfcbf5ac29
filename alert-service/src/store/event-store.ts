/**
 * The event store interface: what ingest writes and what detection, anomaly features and the API
 * read. SQLite implements it (sqlite-event-store.ts); another backend only has to implement this.
 */
import type { LogEvent } from '../generated/schema-types.js';
import type { EventMatch } from './event-match.js';

export interface DeadLetter {
  receivedAt: Date;
  tag?: string;
  reason: string;
  /** The offending record, re-serialized and truncated to a bounded size. */
  record: string;
}

export interface StoredEvent {
  /** Monotonic store sequence: the order events were stored in (not event time). */
  seq: number;
  event: LogEvent;
}

/**
 * An event serialized for storage by the store's encoder (encodeEvent in sqlite-event-store.ts).
 * Ingest encodes on its decode worker, so the thread that writes only looks up interned strings
 * and binds values. It is the only form ingest makes: the consumers get the objects back from
 * the body (decodeStored), not from a second, JSON encoding.
 */
export interface EncodedEvent {
  /** Idempotency key (dedupeKey), 16 bytes or the id's. */
  key: Uint8Array;
  timeMs: number;
  host: string;
  kind: string;
  /** The strings every event of its stream repeats (agent host, tag, path, channel), interned by the writer. */
  stream: string;
  program?: string;
  /** The compact stored form (event-codec.ts). */
  body: Uint8Array;
}

/** A just-stored event as ingest hands it to the pump: decoded only when a consumer is fed it. */
export interface StoredEncoded {
  seq: number;
  /** The row as stored (its body re-encoded when the writer had to put a string inline). */
  row: EncodedEvent;
}

/**
 * Rows read by index: an array of EncodedEvent, or a view over a decoded chunk's packed bytes
 * (ingest/packed-rows.ts PackedRowView) that makes a row's object only when it is asked for, so
 * rows waiting to be stored or fed are bytes, not objects that live through several GCs.
 */
export interface EncodedRows {
  readonly length: number;
  /** Bytes whoever holds these rows keeps alive, when known (a pack's buffers; what the pump's hand-off is bounded by). */
  readonly bytes?: number;
  /** Row i, 0 <= i < length (a view makes a new object per call: take it once per use). */
  at(i: number): EncodedEvent | undefined;
}

/**
 * What one insert stored, in ascending seq order, kept compact (seqs and row positions in typed
 * arrays over the rows that were inserted): the pump holds these until the consumers are fed.
 */
export interface StoredBatch {
  readonly length: number;
  /** Bytes holding the batch keeps alive (its rows' and its own), when known. */
  readonly bytes?: number;
  seq(k: number): number;
  /** The k-th stored row as stored (a new object per call when the rows are a view). */
  row(k: number): EncodedEvent;
}

export interface EventQuery {
  host?: string;
  sourceKind?: string;
  /** Inclusive lower / exclusive upper bound on event time, ms since epoch. */
  fromMs?: number;
  toMs?: number;
  limit?: number;
  /** Continue after this event (the `next` of the previous page): (time, seq) order. */
  after?: EventCursor;
  /** Newest first: (time, seq) descending, and `after` continues towards older events. */
  newestFirst?: boolean;
  /** Filters on the event body (severity, text, IP, user), applied as rows are read (queryPage only). */
  match?: EventMatch;
  /** Matching events to pass over before the page starts (queryPage only). */
  skip?: number;
}

/** Where a page of events ended, in the (event time, seq) order queries return. */
export interface EventCursor {
  timeMs: number;
  seq: number;
}

/** A page of query results, already serialized: the API sends the bytes as they are. */
export interface EventPage {
  /** JSON array of LogEvent, UTF-8 (moved, not copied, from the read worker). */
  eventsJson: Uint8Array;
  count: number;
  /** Rows read to fill the page (more than count when `match` filtered some out). */
  scanned?: number;
  /**
   * Set when the page is full, or when `match` read its scan budget before filling it: pass as
   * `after` for the next one.
   */
  next?: EventCursor;
}

export interface PruneOptions {
  limit?: number;
  maxSeq?: number;
}

export interface EventStore {
  /**
   * Stores a batch atomically; events whose id is already stored are skipped (idempotent replays).
   * `stored` lists the newly inserted events with their seq, so the pump can take them from memory.
   */
  insertEvents(events: readonly LogEvent[], deadLetters?: readonly DeadLetter[]): { inserted: number; duplicates: number; stored: StoredEvent[] };
  /**
   * insertEvents for events already encoded (the ingest path). The batch is committed on return
   * but durable only once durable() resolves (a store may sync off the committing thread).
   */
  insertEncoded(rows: EncodedRows, deadLetters?: readonly DeadLetter[]): { inserted: number; duplicates: number; stored: StoredBatch };
  /** Resolves once every commit made before the call is on stable storage (at once if commits sync themselves). */
  durable(): Promise<void>;
  /** Highest seq whose commit is durable (lastSeq() when commits sync themselves): how far consumers may read. */
  durableThrough(): number;
  /** Events stored after `seq`, in store order: how consumers tail the store. */
  readAfter(seq: number, limit: number): StoredEvent[];
  /** Highest stored seq (0 when empty). */
  lastSeq(): number;
  /** Events by event time, oldest first (rule warm-up after restart, API). */
  query(q: EventQuery): LogEvent[];
  /**
   * query() for the API: runs off the thread that commits ingest where the backend can (a read
   * worker on its own connection), so a large read never stalls ingest or /healthz.
   */
  queryPage(q: EventQuery): Promise<EventPage>;
  countEvents(): number;
  deadLetters(limit: number): Array<DeadLetter & { id: number }>;
  /**
   * Deletes events and dead letters older than the retention; returns rows removed. With `limit`,
   * at most that many rows in all in this call, events first (retention runs in steps, see
   * pipeline/retention.ts); `maxSeq` keeps the events after it (not yet passed by every consumer).
   */
  prune(nowMs: number, opts?: PruneOptions): number;
  /** Persisted position of a named consumer, so a restart resumes where it stopped. */
  getCursor(consumer: string): number;
  /**
   * Saves consumers' positions in one write (one commit per pump batch, not one per consumer).
   * `alsoInTransaction` runs inside the same transaction, so state a consumer saves beside its
   * cursor (detection's window checkpoint) commits or rolls back with it.
   */
  setCursors(cursors: Iterable<[string, number]>, alsoInTransaction?: () => void): void;
}
