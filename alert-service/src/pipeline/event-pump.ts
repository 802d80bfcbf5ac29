/**
 * Feeds stored events to the consumers (detection, anomaly features) in store order, each from
 * its own persisted cursor. Ingest only writes to the store and pokes the pump, so a slow
 * consumer delays detection, never the 2xx Fluent Bit waits for; and a restart resumes from the
 * cursors instead of losing what was stored but not yet analysed (at-least-once delivery).
 */
import type { EventConsumer, LogEvent } from './contracts.js';
import type { EventStore, StoredEncoded, StoredEvent } from '../store/event-store.js';
import type { PipelineMetrics } from '../server/metrics.js';

export interface EventPumpOptions {
  batchSize?: number;
  /** Most just-stored events kept in memory for the consumers; past it they are read back from the store. */
  maxHandoff?: number;
  log?: (msg: string) => void;
}

export class EventPump {
  private readonly cursors = new Map<string, number>();
  private running: Promise<void> | undefined;
  private again = false;
  private stopped = false;
  private readonly batchSize: number;
  private readonly maxHandoff: number;
  /**
   * Events ingest just stored, in seq order, still as their stored JSON. While the consumers keep
   * up they are fed from here (parsed once, on the way out) instead of read back from the store.
   */
  private handoff: StoredEncoded[] = [];

  constructor(
    private readonly store: EventStore,
    private readonly consumers: readonly EventConsumer[],
    private readonly metrics?: PipelineMetrics,
    private readonly opts: EventPumpOptions = {},
  ) {
    this.batchSize = opts.batchSize ?? 5000;
    this.maxHandoff = opts.maxHandoff ?? 50_000;
    for (const c of consumers) this.cursors.set(c.name, store.getCursor(c.name));
  }

  /** Events stored but not yet seen by the slowest consumer. */
  backlog(): number {
    if (!this.consumers.length) return 0;
    const last = this.store.lastSeq();
    return last - Math.min(...this.cursors.values());
  }

  /** Ingest stored these (ascending seq): keep them for the consumers, then wake the pump. */
  offer(stored: readonly StoredEncoded[]): Promise<void> {
    if (stored.length && this.consumers.length) {
      if (this.handoff.length + stored.length > this.maxHandoff) this.handoff = []; // fall behind → read back from the store
      else for (const s of stored) this.handoff.push(s);
    }
    return this.notify();
  }

  /** Wake the pump; returns a promise that settles when the store is drained. */
  notify(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    if (this.running) {
      this.again = true;
      return this.running;
    }
    // Ingest calls this without awaiting it: a store failure (disk full) is logged here rather than
    // left as an unhandled rejection that would end the process; the next wake-up tries again.
    this.running = this.drain().catch((err: unknown) => this.opts.log?.(`event pump stopped on a store error: ${(err as Error).message}`)).finally(() => {
      this.running = undefined;
      if (this.again && !this.stopped) {
        this.again = false;
        void this.notify();
      }
    });
    return this.running;
  }

  private async drain(): Promise<void> {
    for (;;) {
      if (this.stopped || !this.consumers.length) return;
      const from = Math.min(...this.cursors.values());
      const batch = this.nextBatch(from);
      if (!batch.length) break;
      const lastSeq = batch[batch.length - 1]!.seq;
      for (const consumer of this.consumers) {
        const cursor = this.cursors.get(consumer.name)!;
        const mine = cursor === from ? batch : batch.filter((s) => s.seq > cursor);
        if (mine.length) {
          const events = mine.map((s) => s.event);
          try {
            await consumer.consume(events, mine.map((s) => s.seq));
          } catch (err) {
            // A poison batch must not stall the pipeline forever: count it, log it, move on.
            this.metrics?.consumerErrors.inc({ consumer: consumer.name });
            this.opts.log?.(`consumer ${consumer.name} failed on ${events.length} events: ${(err as Error).stack ?? err}`);
          }
        }
        // A consumer already past this batch (it lagged less) keeps its own, later cursor.
        if (cursor < lastSeq) this.cursors.set(consumer.name, lastSeq);
      }
      this.store.setCursors(this.cursors);
      this.updateGauges();
      // Let ingest requests in between batches.
      await new Promise<void>((r) => setImmediate(r));
    }
    this.updateGauges();
  }

  /**
   * The events after `from`: from memory when the handoff continues exactly where the slowest
   * cursor is (seqs are contiguous unless a concurrent insert was a duplicate, so check both ends),
   * else from the store.
   */
  private nextBatch(from: number): StoredEvent[] {
    while (this.handoff.length && this.handoff[0]!.seq <= from) this.handoff.shift();
    const n = Math.min(this.handoff.length, this.batchSize);
    if (n && this.handoff[0]!.seq === from + 1) {
      const batch = this.handoff.slice(0, n);
      if (batch[n - 1]!.seq === from + n) {
        this.handoff = this.handoff.slice(n);
        return batch.map((s) => ({ seq: s.seq, event: JSON.parse(s.json) as LogEvent }));
      }
    }
    this.handoff = [];
    return this.store.readAfter(from, this.batchSize);
  }

  private updateGauges(): void {
    if (!this.metrics) return;
    const last = this.store.lastSeq();
    for (const [name, cursor] of this.cursors) this.metrics.backlog.set({ consumer: name }, last - cursor);
  }

  /** Finishes the batch in progress and stops. */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.running;
  }
}
