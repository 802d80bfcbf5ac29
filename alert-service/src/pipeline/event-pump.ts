/**
 * Feeds stored events to the consumers (detection, anomaly features) in store order, each from
 * its own persisted cursor. Ingest only writes to the store and pokes the pump, so a slow
 * consumer delays detection, never the 2xx Fluent Bit waits for; and a restart resumes from the
 * cursors instead of losing what was stored but not yet analysed.
 *
 * Delivery is at-least-once and nothing is skipped: a consumer's cursor moves only past events
 * its consume() returned for. A consumer that throws (the disk is full while it records an
 * alert) keeps its cursor and gets the same events again after a backoff (doubling, capped), for
 * as long as it keeps failing; meanwhile the failure is in /readyz (PipelineHealth), in
 * logward_pipeline_consumer_errors_total / _consumer_failing and in the log. The other consumers
 * go on. A consumer's checkpoint() is written in the same transaction as its cursor; it may skip
 * commits (checkpointDue: it then rebuilds what came after its last checkpoint itself), and a
 * graceful stop always writes it. A failing consumer with a checkpoint has neither written.
 */
import type { EventConsumer } from './contracts.js';
import type { LogEvent } from '../generated/schema-types.js';
import type { EventStore, StoredBatch, StoredEncoded, StoredEvent } from '../store/event-store.js';
import type { PipelineMetrics } from '../server/metrics.js';
import type { PipelineHealth } from './health.js';

export interface EventPumpOptions {
  batchSize?: number;
  /** Most just-stored events kept in memory for the consumers; past it they are read back from the store. */
  maxHandoff?: number;
  /** Most bytes the kept events may hold (a part that would pass it is read back from the store instead). */
  maxHandoffBytes?: number;
  /**
   * hasRoom() turns false once this many events are held (default: maxHandoff less 50,000, the
   * room for what ingest has in flight when it does).
   */
  holdIngestAt?: number;
  /** Called after each batch fed while hasRoom() is true (ingest admits the chunks it held). */
  onRoom?: () => void;
  /** Turns an event ingest handed over encoded (offerEncoded) into its object (the store's decodeStored). */
  decode?: (s: StoredEncoded) => StoredEvent;
  log?: (msg: string) => void;
  health?: PipelineHealth;
  /** First retry delay after a failure; doubles per attempt up to retryMaxMs. */
  retryInitialMs?: number;
  retryMaxMs?: number;
}

/**
 * A batch as the consumers take it: events and their seqs (ascending) side by side, built once
 * and shared by every consumer at the batch's start (no per-event wrapper object, no arrays per
 * consumer: the pump's garbage was a share of the main thread's GC under a burst).
 */
interface Batch {
  events: LogEvent[];
  seqs: number[];
  /** Each event's time_ms when every event came from the handoff's encoded rows (the consumers then skip parsing the text). */
  timesMs: number[] | undefined;
}

interface Slot {
  readonly consumer: EventConsumer;
  /** Everything up to here was consumed (in memory; persisted by the next commit). */
  cursor: number;
  /** The cursor as last committed to the store. */
  saved: number;
  /** Consecutive failed consume() calls; 0 when healthy. */
  failures: number;
  /** Not fed before this time (ms, Date.now()) while failing. */
  retryAt: number;
}

export class EventPump {
  private readonly slots: Slot[];
  private running: Promise<void> | undefined;
  private again = false;
  private stopped = false;
  private started: boolean;
  private readonly batchSize: number;
  private readonly maxHandoff: number;
  private readonly maxHandoffBytes: number;
  private readonly holdIngestAt: number;
  private readonly retryInitialMs: number;
  private readonly retryMaxMs: number;
  private retryTimer: NodeJS.Timeout | undefined;
  /** A cursor commit failed: the next drain commits first, even with nothing new to feed. */
  private commitPending = false;
  private commitFailures = 0;
  private commitRetryAt = 0;
  /**
   * Events ingest just stored, in seq order, as the parts they were offered in: objects, or as
   * ingest encoded them (a StoredBatch: seqs and positions over the chunk's packed bytes),
   * decoded only when a batch is fed. So an event dropped from here when the consumers fall
   * behind was never decoded for nothing, and one waiting here is bytes, not objects that every
   * scavenge copies until they are promoted. While the consumers keep up they are fed from here
   * instead of read back (and decoded) from the store.
   */
  private handoff: HandoffPart[] = [];
  /** handoff[..partHead) is fed; so is handoff[partHead][..head): moving heads, compacted now and then. */
  private partHead = 0;
  private head = 0;
  /** Events held and not yet fed (what maxHandoff bounds). */
  private held = 0;
  /** Bytes the parts in the handoff hold (what maxHandoffBytes bounds). */
  private heldBytes = 0;

  constructor(
    private readonly store: EventStore,
    consumers: readonly EventConsumer[],
    private readonly metrics?: PipelineMetrics,
    private readonly opts: EventPumpOptions = {},
    /** False: offers are kept but nothing is fed until start() (the service starts its modules first). */
    autoStart = true,
  ) {
    // 2,500: a batch is decoded into objects at once and lives until every consumer is through
    // it, so a scavenge during a batch copies (and soon promotes) all of it. On the ingest mix
    // (bench/detect-main.ts, 600,000 events) the main isolate's scavenges paused it 6.1 µs per
    // event with batches of 5,000, 3.7 at 2,500 and 3.1 at 1,000; but each batch also costs the
    // anomaly consumer a save of every bucket it touched and the pump a cursor commit, which at
    // 1,000 ate more than the scavenges gave back in a 1 M-line burst (main thread +4 µs/record).
    this.batchSize = opts.batchSize ?? 2500;
    // 200,000: a 1 M-line burst puts detection up to ~100,000 events behind ingest; with 50,000
    // the rest were read back from SQLite and decoded on the read path, which cost the main
    // thread 3-8 µs more per record over the burst (2 runs each, loaded VM). Packed, the bench
    // mix is ~130 bytes an event (~26 MB for 200,000); the byte bound holds for large events.
    this.maxHandoff = opts.maxHandoff ?? 200_000;
    this.maxHandoffBytes = opts.maxHandoffBytes ?? 64 * 1024 * 1024;
    this.holdIngestAt = opts.holdIngestAt ?? Math.max(1, this.maxHandoff - 50_000);
    this.retryInitialMs = opts.retryInitialMs ?? 250;
    this.retryMaxMs = opts.retryMaxMs ?? 30_000;
    this.started = autoStart;
    this.slots = consumers.map((consumer) => {
      const cursor = store.getCursor(consumer.name);
      return { consumer, cursor, saved: cursor, failures: 0, retryAt: 0 };
    });
  }

  /** Events stored but not yet seen by the slowest consumer. */
  backlog(): number {
    if (!this.slots.length) return 0;
    return this.store.lastSeq() - this.minCursor(this.slots);
  }

  /**
   * Whether ingest may admit more (its admission holds chunks while this is false): the handoff
   * is not nearly full, or no consumer is being fed (not started yet, or every one is failing
   * and waits for a retry: ingest then stores on, up to max_backlog, and the rest is read back
   * later; the handoff only holds what the consumers being fed have not seen). Past the handoff,
   * events are read back from SQLite and decoded on the read path, which costs the main thread
   * more than it had: in a 1 M-line burst, detection then fell further behind, more was read
   * back, and the burst took 53 s instead of 40. Holding ingest here keeps the stages in step.
   */
  hasRoom(): boolean {
    if (this.stopped || !this.started || !this.slots.length) return true;
    if (this.held < this.holdIngestAt && this.heldBytes < this.maxHandoffBytes * 0.75) return true;
    const now = Date.now();
    return !this.slots.some((s) => s.retryAt <= now);
  }

  /** Ingest stored these (ascending seq, decoded): keep them for the consumers, then wake the pump. */
  offer(stored: readonly StoredEvent[]): Promise<void> {
    this.keep(new HandoffPart(stored, undefined));
    return this.notify();
  }

  /** offer() for events as ingest encoded them: decoded by opts.decode when fed. */
  offerEncoded(stored: StoredBatch | readonly StoredEncoded[]): Promise<void> {
    if (!this.opts.decode) throw new Error('event pump: offerEncoded needs the decode option');
    this.keep(new HandoffPart(stored, this.opts.decode));
    return this.notify();
  }

  private keep(part: HandoffPart): void {
    if (!this.slots.length) return;
    // Full (the consumers are that far behind): the newest are not kept. The pump feeds what is
    // kept, oldest first, and reads the rest back from the store when it gets there (every event
    // kept is used; dropping the whole handoff instead left every later batch read back).
    // A part holds all its bytes however few of its events are kept: over the byte bound it is
    // read back whole (one part is always kept, so an empty handoff still takes a chunk).
    if (this.held && this.heldBytes + part.bytes > this.maxHandoffBytes) return;
    part.length = Math.min(part.length, this.maxHandoff - this.held);
    if (part.length <= 0) return;
    this.handoff.push(part);
    this.held += part.length;
    this.heldBytes += part.bytes;
  }

  /** Begins feeding (after the consumers restored their state). */
  start(): Promise<void> {
    this.started = true;
    return this.notify();
  }

  /** Wake the pump; returns a promise that settles when the store is drained (or every consumer left waits for a retry). */
  notify(): Promise<void> {
    if (this.stopped || !this.started) return Promise.resolve();
    if (this.running) {
      this.again = true;
      return this.running;
    }
    // Ingest calls this without awaiting it: a store failure (disk full) is logged here rather than
    // left as an unhandled rejection that would end the process; a retry is scheduled.
    this.running = this.drain()
      .catch((err: unknown) => this.opts.log?.(`event pump: store error, retrying: ${(err as Error).message}`))
      .finally(() => {
        this.running = undefined;
        if (this.stopped) return;
        if (this.again) {
          this.again = false;
          void this.notify();
        } else this.scheduleRetry();
      });
    return this.running;
  }

  private async drain(): Promise<void> {
    for (;;) {
      if (this.stopped || !this.slots.length) return;
      if (this.commitPending) this.commit();
      const now = Date.now();
      const due = this.slots.filter((s) => s.retryAt <= now);
      if (!due.length) break;
      const from = this.minCursor(due);
      const batch = this.nextBatch(from);
      const n = batch.seqs.length;
      if (!n) break;
      const lastSeq = batch.seqs[n - 1]!;
      let progressed = false;
      for (const slot of due) {
        let events = batch.events;
        let seqs = batch.seqs;
        let timesMs = batch.timesMs;
        if (slot.cursor !== from) {
          // Ahead of the slowest: the part of the batch after its cursor (seqs ascend).
          let i = 0;
          while (i < n && seqs[i]! <= slot.cursor) i++;
          events = events.slice(i);
          seqs = seqs.slice(i);
          timesMs = timesMs?.slice(i);
        }
        if (seqs.length) {
          try {
            await slot.consumer.consume(events, seqs, timesMs);
          } catch (err) {
            this.failed(slot, err, seqs.length);
            continue;
          }
          if (slot.failures) this.recovered(slot);
        }
        // A consumer already past this batch (it lagged less) keeps its own, later cursor.
        if (slot.cursor < lastSeq) {
          slot.cursor = lastSeq;
          progressed = true;
        }
      }
      if (progressed) this.commit();
      this.updateGauges();
      if (this.opts.onRoom && this.hasRoom()) this.opts.onRoom();
      // No endless loop: the slowest consumer due has events in every batch, so each pass either
      // moves a cursor or puts a failing consumer into backoff (no longer due); none due → break.
      // Let ingest requests in between batches.
      await new Promise<void>((r) => setImmediate(r));
    }
    this.updateGauges();
  }

  /**
   * Writes the cursors, with the checkpoints of the consumers that have one, in one transaction.
   * A failing consumer with a checkpoint is left out: its in-memory state may be ahead of its
   * cursor (what it could not record), so neither is written until it succeeds again.
   */
  private commit(force = false): void {
    const cursors: Array<[string, number]> = [];
    const written: Array<[Slot, number]> = [];
    const checkpointed: EventConsumer[] = [];
    for (const s of this.slots) {
      if (s.consumer.checkpoint && s.failures) continue;
      cursors.push([s.consumer.name, s.cursor]);
      written.push([s, s.cursor]);
      if (s.consumer.checkpoint && s.consumer.checkpointDue?.(force) !== false) checkpointed.push(s.consumer);
    }
    const after: Array<() => void> = [];
    try {
      this.store.setCursors(cursors, () => {
        for (const c of checkpointed) {
          const done = c.checkpoint!();
          if (done) after.push(done);
        }
      });
    } catch (err) {
      this.commitPending = true;
      this.commitFailures++;
      this.commitRetryAt = Date.now() + this.backoff(this.commitFailures);
      this.opts.health?.storageFailed('consumer cursor commit', err);
      this.metrics?.storeWriteErrors.inc({ write: 'cursor_commit' });
      throw err;
    }
    for (const [slot, cursor] of written) slot.saved = cursor;
    this.commitPending = false;
    this.commitFailures = 0;
    this.opts.health?.storageOk();
    for (const f of after) f();
  }

  private failed(slot: Slot, err: unknown, events: number): void {
    slot.failures++;
    const delay = this.backoff(slot.failures);
    slot.retryAt = Date.now() + delay;
    this.metrics?.consumerErrors.inc({ consumer: slot.consumer.name });
    this.metrics?.consumerFailing.set({ consumer: slot.consumer.name }, 1);
    this.opts.health?.consumerFailed(slot.consumer.name, err, slot.retryAt);
    const what = slot.failures === 1 ? ((err as Error)?.stack ?? String(err)) : String((err as Error)?.message ?? err);
    this.opts.log?.(
      `event pump: consumer ${slot.consumer.name} failed on ${events} events after seq ${slot.cursor} (attempt ${slot.failures}); ` +
        `its cursor stays, retry in ${delay} ms: ${what}`,
    );
  }

  private recovered(slot: Slot): void {
    this.opts.log?.(`event pump: consumer ${slot.consumer.name} recovered after ${slot.failures} failed attempts`);
    slot.failures = 0;
    slot.retryAt = 0;
    this.metrics?.consumerFailing.set({ consumer: slot.consumer.name }, 0);
    this.opts.health?.consumerOk(slot.consumer.name);
  }

  private backoff(attempt: number): number {
    return Math.min(this.retryMaxMs, this.retryInitialMs * 2 ** Math.min(attempt - 1, 20));
  }

  /** Comes back when the earliest failing consumer (or the failed commit) is due again. */
  private scheduleRetry(): void {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    let at = Infinity;
    for (const s of this.slots) if (s.failures) at = Math.min(at, s.retryAt);
    if (this.commitPending) at = Math.min(at, this.commitRetryAt);
    if (at === Infinity) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      void this.notify();
    }, Math.max(0, at - Date.now()));
    this.retryTimer.unref();
  }

  /** Highest seq every consumer has passed durably (retention keeps everything after it). */
  persistedThrough(): number {
    let m = Infinity;
    for (const s of this.slots) m = Math.min(m, s.saved, s.consumer.replaysAfter?.() ?? Infinity);
    return m === Infinity ? this.store.lastSeq() : m;
  }

  /** Consumers currently failing (each being retried). */
  failing(): string[] {
    return this.slots.filter((s) => s.failures).map((s) => s.consumer.name);
  }

  private minCursor(slots: readonly Slot[]): number {
    let m = Infinity;
    for (const s of slots) if (s.cursor < m) m = s.cursor;
    return m;
  }

  /**
   * The events after `from`: from memory while the handoff continues exactly where the slowest
   * cursor is (seqs checked one by one: a gap means an event the handoff does not hold), else
   * from the store (whose read path decodes them), up to where the handoff resumes.
   */
  private nextBatch(from: number): Batch {
    // Past what every due consumer has seen already.
    while (this.held && this.headSeq() <= from) this.advance(1);
    let n = 0;
    const batch: Batch = { events: [], seqs: [], timesMs: [] };
    while (this.held && n < this.batchSize) {
      const part = this.handoff[this.partHead]!;
      const take = Math.min(part.length - this.head, this.batchSize - n);
      let k = 0;
      while (k < take && part.seq(this.head + k) === from + 1 + n) {
        part.take(this.head + k, batch);
        batch.seqs.push(from + 1 + n);
        k++;
        n++;
      }
      this.advance(k);
      if (k < take) break; // a gap: the store has events the handoff does not
    }
    if (n) return batch;
    // Not past what is durable: rows an ingest commit stored while its fsync is out are handed
    // over once it is done (reading them now would feed them early, and read them for nothing).
    const readable = this.store.durableThrough() - from;
    if (readable <= 0) return batch;
    const until = Math.min(readable, this.held ? this.headSeq() - 1 - from : this.batchSize);
    const read = this.store.readAfter(from, Math.max(1, Math.min(this.batchSize, until)));
    return { events: read.map((s) => s.event), seqs: read.map((s) => s.seq), timesMs: undefined };
  }

  private headSeq(): number {
    return this.handoff[this.partHead]!.seq(this.head);
  }

  /** Moves the handoff's head past k events of its first part; drops fed parts (the array compacted once half of it is fed). */
  private advance(k: number): void {
    this.head += k;
    this.held -= k;
    if (this.head < this.handoff[this.partHead]!.length) return;
    this.heldBytes -= this.handoff[this.partHead]!.bytes;
    this.handoff[this.partHead++] = FED;
    this.head = 0;
    if (this.partHead === this.handoff.length) {
      this.handoff = [];
      this.partHead = 0;
    } else if (this.partHead >= 64 && this.partHead * 2 >= this.handoff.length) {
      this.handoff = this.handoff.slice(this.partHead);
      this.partHead = 0;
    }
  }

  private updateGauges(): void {
    if (!this.metrics) return;
    const last = this.store.lastSeq();
    for (const s of this.slots) this.metrics.backlog.set({ consumer: s.consumer.name }, last - s.cursor);
  }

  /** Finishes the batch in progress, saves every checkpoint due, and stops (a failing consumer is not retried any more). */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    await this.running;
    if (!this.started) return;
    try {
      this.commit(true);
    } catch (err) {
      this.opts.log?.(`event pump: final cursor commit failed (the events since the last one are delivered again after the restart): ${(err as Error).message}`);
    }
  }
}

/**
 * One offer as the handoff keeps it: the array or batch it came in, read by index, its length
 * cut to what fit. Decoding happens in take(), when the event is fed.
 */
class HandoffPart {
  length: number;
  /** What keeping the part holds: its batch's bytes, or an estimate for objects. */
  readonly bytes: number;

  constructor(
    private readonly src: StoredBatch | ReadonlyArray<StoredEvent | StoredEncoded>,
    private readonly decode: ((s: StoredEncoded) => StoredEvent) | undefined,
  ) {
    this.length = src.length;
    this.bytes = (isBatch(src) ? src.bytes : undefined) ?? src.length * OBJECT_EVENT_BYTES;
  }

  seq(i: number): number {
    const s = this.src;
    return isBatch(s) ? s.seq(i) : s[i]!.seq;
  }

  /** Appends event i to the batch, with its row's time_ms while every event so far had one (an object offered has none). */
  take(i: number, into: Batch): void {
    const s = this.src;
    let event: LogEvent;
    let timeMs: number | undefined;
    if (isBatch(s)) {
      const row = s.row(i);
      event = this.decode!({ seq: s.seq(i), row }).event;
      timeMs = row.timeMs;
    } else {
      const e = s[i]!;
      if ('event' in e) event = e.event;
      else {
        event = this.decode!(e).event;
        timeMs = e.row.timeMs;
      }
    }
    into.events.push(event);
    if (timeMs === undefined) into.timesMs = undefined;
    else into.timesMs?.push(timeMs);
  }
}

/** An event kept as objects (offer(), or a batch whose size is not known): its object, strings and fields, roughly. */
const OBJECT_EVENT_BYTES = 1024;

const isBatch = (s: StoredBatch | ReadonlyArray<StoredEvent | StoredEncoded>): s is StoredBatch => !Array.isArray(s);

/** What a fed part's slot holds until the array is compacted (the part itself is let go). */
const FED = new HandoffPart([], undefined);
