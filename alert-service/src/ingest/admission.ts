/**
 * Admission of received chunks into decoding and storage, by the decoded bytes and records they
 * hold rather than by a request count. Fluent Bit flushes many chunks at once and retries a
 * refused one only after its scheduler's backoff (seconds to minutes, Retry-After ignored), so
 * a chunk that finds no room waits here, in arrival order, as long as its wait stays well under
 * the agent's 60 s response timeout. It is refused (503, retried) only when the queue is full or
 * the wait would be too long. A chunk alone is always admitted, whatever its size, so no valid
 * chunk within the per-chunk limits can be refused forever. Chunks also wait while the stage
 * after storage says it is full (downstreamRoom), so ingest never runs further ahead of
 * detection than detection's handoff holds.
 */
import { IngestError } from './errors.js';

export interface AdmissionLimits {
  /** Decoded bytes admitted at once (estimates until the real size is known). */
  maxBytes: number;
  /** Records admitted at once (estimates until the real count is known). */
  maxRecords: number;
  /** Longest wait for room, ms. */
  maxWaitMs: number;
  /** Chunks waiting at once. */
  maxQueued: number;
  /**
   * False while the stage after storage (the event pump's handoff) is full: chunks then wait,
   * even one alone, until poke() after it drained. The wait is still bounded by maxWaitMs.
   */
  downstreamRoom?: () => boolean;
}

export interface Cost {
  bytes: number;
  records: number;
}

/** Room held by an admitted chunk; resized once its real size is known, released once stored. */
export interface Ticket {
  resize(cost: Cost): void;
  release(): void;
}

interface Waiter {
  cost: Cost;
  admit: (t: Ticket) => void;
  refuse: (e: IngestError) => void;
  timer: NodeJS.Timeout;
  done: boolean;
}

/** The drain rate is measured over the last completions under load, to predict how long a new chunk would wait. */
const RATE_SAMPLES = 32;
const RATE_MIN_SAMPLES = 8;
const RATE_MAX_AGE_MS = 10_000;

export class AdmissionQueue {
  private inBytes = 0;
  private inRecords = 0;
  private queuedBytes = 0;
  private queuedCount = 0;
  private readonly queue: Waiter[] = [];
  private head = 0;
  // Completions while chunks were waiting (the service saturated): their spacing is the rate the
  // queue drains at. Completions while idle or lightly loaded say nothing about it, so a burst
  // after a quiet spell is never refused on a rate measured when there was little to do.
  private readonly doneAt: number[] = [];
  private readonly doneBytes: number[] = [];

  constructor(private readonly limits: AdmissionLimits) {}

  get inFlight(): Readonly<Cost> {
    return { bytes: this.inBytes, records: this.inRecords };
  }

  /** Chunks waiting (those that gave up are not counted, even before the queue skips them). */
  get waiting(): number {
    return this.queuedCount;
  }

  /**
   * Resolves with a ticket once the chunk fits; rejects with 503 when the queue is full, when the
   * work ahead would take longer than maxWaitMs, when it waited that long, or when `signal`
   * aborts (the client went away: nothing is decoded for nobody).
   */
  acquire(wanted: Cost, signal?: AbortSignal): Promise<Ticket> {
    // A chunk larger than the whole budget is clamped to it: admitted alone, never refused for its size.
    const cost = { bytes: Math.min(wanted.bytes, this.limits.maxBytes), records: Math.min(wanted.records, this.limits.maxRecords) };
    if (this.waiting === 0 && this.fits(cost)) return Promise.resolve(this.admit(cost));
    if (this.waiting >= this.limits.maxQueued) return Promise.reject(this.busy(`${this.waiting} chunks are already waiting`));
    const predictedMs = this.predictWaitMs(cost);
    if (predictedMs > this.limits.maxWaitMs) {
      return Promise.reject(this.busy(`the chunks ahead would take about ${Math.ceil(predictedMs / 1000)} s`, predictedMs));
    }
    return new Promise<Ticket>((resolve, reject) => {
      const w: Waiter = {
        cost,
        done: false,
        admit: (t) => {
          w.done = true;
          clearTimeout(w.timer);
          signal?.removeEventListener('abort', onAbort);
          resolve(t);
        },
        refuse: (e) => {
          if (w.done) return;
          w.done = true;
          clearTimeout(w.timer);
          signal?.removeEventListener('abort', onAbort);
          this.queuedBytes -= cost.bytes;
          this.queuedCount--;
          reject(e);
          this.pump(); // it may have been the head blocking smaller chunks behind it
        },
        timer: setTimeout(() => w.refuse(this.busy(`no room for ${Math.round(this.limits.maxWaitMs / 1000)} s`)), this.limits.maxWaitMs),
      };
      const onAbort = () => w.refuse(new IngestError(503, 'client_gone', 'the client closed the request while it waited', 1));
      this.queue.push(w);
      this.queuedBytes += cost.bytes;
      this.queuedCount++;
      if (signal?.aborted) return onAbort();
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** Downstream has room again (see AdmissionLimits.downstreamRoom): admit what waits and fits. */
  poke(): void {
    if (this.queuedCount) this.pump();
  }

  private fits(c: Cost): boolean {
    if (this.limits.downstreamRoom && !this.limits.downstreamRoom()) return false;
    if (this.inBytes === 0 && this.inRecords === 0) return true;
    return this.inBytes + c.bytes <= this.limits.maxBytes && this.inRecords + c.records <= this.limits.maxRecords;
  }

  private admit(cost: Cost): Ticket {
    let held = { ...cost };
    let released = false;
    this.inBytes += held.bytes;
    this.inRecords += held.records;
    return {
      resize: (c) => {
        if (released) return;
        this.inBytes += c.bytes - held.bytes;
        this.inRecords += c.records - held.records;
        held = { ...c };
        this.pump();
      },
      release: () => {
        if (released) return;
        released = true;
        this.inBytes -= held.bytes;
        this.inRecords -= held.records;
        this.completed(held.bytes);
        this.pump();
      },
    };
  }

  /** Admits waiting chunks in arrival order while the head fits (FIFO: a big chunk is not starved by small ones). */
  private pump(): void {
    while (this.head < this.queue.length) {
      const w = this.queue[this.head]!;
      if (w.done) {
        this.head++;
        continue;
      }
      if (!this.fits(w.cost)) break;
      this.head++;
      this.queuedBytes -= w.cost.bytes;
      this.queuedCount--;
      w.admit(this.admit(w.cost));
    }
    // Compact now and then so the array does not grow with every chunk ever queued.
    if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue.splice(0, this.head);
      this.head = 0;
    }
  }

  private completed(bytes: number): void {
    if (this.waiting === 0) return;
    this.doneAt.push(Date.now());
    this.doneBytes.push(bytes);
    if (this.doneAt.length > RATE_SAMPLES) (this.doneAt.shift(), this.doneBytes.shift());
  }

  /**
   * Time until enough of the work in flight and queued ahead drains for this chunk to fit, at the
   * rate measured while saturated; 0 (hold it, the timeout still bounds the wait) when there are
   * too few recent measurements to predict.
   */
  private predictWaitMs(cost: Cost): number {
    const now = Date.now();
    let first = 0;
    while (first < this.doneAt.length && now - this.doneAt[first]! > RATE_MAX_AGE_MS) first++;
    if (this.doneAt.length - first < RATE_MIN_SAMPLES) return 0;
    const spanMs = this.doneAt[this.doneAt.length - 1]! - this.doneAt[first]!;
    if (spanMs < 50) return 0;
    let bytes = 0;
    for (let i = first + 1; i < this.doneBytes.length; i++) bytes += this.doneBytes[i]!;
    const ahead = this.inBytes + this.queuedBytes + cost.bytes - this.limits.maxBytes;
    return ahead > 0 ? (ahead * spanMs) / bytes : 0;
  }

  private busy(why: string, waitMs = this.limits.maxWaitMs): IngestError {
    // Fluent Bit ignores Retry-After (its scheduler decides); other clients get a useful hint.
    const retryAfter = Math.max(1, Math.min(60, Math.ceil(waitMs / 1000)));
    return new IngestError(503, 'busy', `ingest is at capacity (${why}); retry later`, retryAfter);
  }
}
