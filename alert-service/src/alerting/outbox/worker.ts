/**
 * One worker per channel drains that channel's due outbox rows one at a time. Channels never
 * share a worker, so a slow or dead channel only delays itself; emit() never waits on any of them.
 */
import type { Clock } from '../../pipeline/contracts.js';
import { asDeliveryError, type Notifier } from '../notify/notifier.js';
import { backoffDelay } from './backoff.js';
import type { OutboxRepository, OutboxRow } from './outbox-repository.js';

export interface WorkerOptions {
  maxAttempts: number;
  backoffInitialMs: number;
  backoffMaxMs: number;
  /** Upper bound on one send, on top of the notifier's own timeouts. */
  sendTimeoutMs: number;
  random: () => number;
  clock: Clock;
  log: (m: string) => void;
}

export class ChannelWorker {
  private running: Promise<void> | undefined;
  private stopped = false;
  readonly counters = { sent: 0, failed: 0, retried: 0 };

  constructor(
    readonly notifier: Notifier,
    private readonly outbox: OutboxRepository,
    private readonly opts: WorkerOptions,
  ) {}

  /** Starts draining if idle; resolves when the queue has nothing due. */
  kick(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    // Never rejects: a failure outside a send (e.g. the database closed under us at shutdown) is logged,
    // and the rows stay in SQLite for the next kick or the next start.
    this.running ??= this.drain()
      .catch((err: Error) => this.opts.log(`alerting: ${this.notifier.name} worker stopped on error: ${err.message}`))
      .finally(() => (this.running = undefined));
    return this.running;
  }

  /** Stops taking new rows and waits (bounded) for the one in flight; an interrupted send stays 'sending' → re-sent on restart. */
  async stop(graceMs: number): Promise<void> {
    this.stopped = true;
    if (this.running) {
      let t: NodeJS.Timeout | undefined;
      await Promise.race([this.running, new Promise<void>((r) => (t = setTimeout(r, graceMs)))]);
      clearTimeout(t);
    }
  }

  private async drain(): Promise<void> {
    const name = this.notifier.name;
    for (;;) {
      if (this.stopped) return;
      const row = this.outbox.nextDue(name, this.opts.clock.now());
      if (!row) return;
      this.outbox.markSending(row.id);
      const attempt = row.attempts + 1;
      try {
        await this.sendWithTimeout(row);
        this.outbox.markSent(row.id, this.opts.clock.now());
        this.counters.sent++;
      } catch (err) {
        const e = asDeliveryError(err);
        if (e.retryable && attempt < this.opts.maxAttempts) {
          const backoff = backoffDelay(attempt, { initialMs: this.opts.backoffInitialMs, maxMs: this.opts.backoffMaxMs, random: this.opts.random });
          // The server's Retry-After wins over our backoff, within bounds: "0" must not burn every attempt in a
          // tight loop, and a huge value must not park the message for ever, neither sent nor failed.
          const delay = e.retryAfterMs === undefined ? backoff : Math.max(backoff, Math.min(e.retryAfterMs, this.opts.backoffMaxMs));
          this.outbox.markRetry(row.id, this.opts.clock.now() + delay, e.message);
          this.counters.retried++;
          this.opts.log(`alerting: ${name} delivery of outbox #${row.id} failed (attempt ${attempt}), retry in ${Math.round(delay / 1000)} s: ${e.message}`);
        } else {
          this.outbox.markFailed(row.id, e.message);
          this.counters.failed++;
          this.opts.log(`alerting: ${name} delivery of outbox #${row.id} failed for good after ${attempt} attempt(s): ${e.message}`);
        }
      }
    }
  }

  private async sendWithTimeout(row: OutboxRow): Promise<void> {
    let t: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      t = setTimeout(() => reject(new Error(`send timed out after ${this.opts.sendTimeoutMs} ms`)), this.opts.sendTimeoutMs);
    });
    try {
      await Promise.race([this.notifier.send(row.payload), timeout]);
    } finally {
      clearTimeout(t);
    }
  }
}
