/**
 * Feeds stored events to the consumers (detection, anomaly features) in store order, each from
 * its own persisted cursor. Ingest only writes to the store and pokes the pump, so a slow
 * consumer delays detection, never the 2xx Fluent Bit waits for; and a restart resumes from the
 * cursors instead of losing what was stored but not yet analysed (at-least-once delivery).
 */
import type { EventConsumer } from './contracts.js';
import type { EventStore } from '../store/event-store.js';
import type { PipelineMetrics } from '../server/metrics.js';

export interface EventPumpOptions {
  batchSize?: number;
  log?: (msg: string) => void;
}

export class EventPump {
  private readonly cursors = new Map<string, number>();
  private running: Promise<void> | undefined;
  private again = false;
  private stopped = false;
  private readonly batchSize: number;

  constructor(
    private readonly store: EventStore,
    private readonly consumers: readonly EventConsumer[],
    private readonly metrics?: PipelineMetrics,
    private readonly opts: EventPumpOptions = {},
  ) {
    this.batchSize = opts.batchSize ?? 2000;
    for (const c of consumers) this.cursors.set(c.name, store.getCursor(c.name));
  }

  /** Events stored but not yet seen by the slowest consumer. */
  backlog(): number {
    if (!this.consumers.length) return 0;
    const last = this.store.lastSeq();
    return last - Math.min(...this.cursors.values());
  }

  /** Wake the pump; returns a promise that settles when the store is drained. */
  notify(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = this.drain().finally(() => {
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
      const batch = this.store.readAfter(from, this.batchSize);
      if (!batch.length) break;
      const lastSeq = batch[batch.length - 1]!.seq;
      for (const consumer of this.consumers) {
        const cursor = this.cursors.get(consumer.name)!;
        const events = cursor === from ? batch.map((s) => s.event) : batch.filter((s) => s.seq > cursor).map((s) => s.event);
        if (events.length) {
          try {
            await consumer.consume(events);
          } catch (err) {
            // A poison batch must not stall the pipeline forever: count it, log it, move on.
            this.metrics?.consumerErrors.inc({ consumer: consumer.name });
            this.opts.log?.(`consumer ${consumer.name} failed on ${events.length} events: ${(err as Error).stack ?? err}`);
          }
        }
        this.cursors.set(consumer.name, lastSeq);
        this.store.setCursor(consumer.name, lastSeq);
      }
      this.updateGauges();
      // Let ingest requests in between batches.
      await new Promise<void>((r) => setImmediate(r));
    }
    this.updateGauges();
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
