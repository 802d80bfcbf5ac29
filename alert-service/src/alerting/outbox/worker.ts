/**
 * One worker per channel drains that channel's due outbox rows one at a time, oldest first.
 * Channels never share a worker, so a slow or dead channel only delays itself; emit() never
 * waits on any of them.
 *
 * Delivery guarantee (README, "Delivery guarantee"): at least once, with at most `maxCopies`
 * copies. Each send is counted as a possible copy *before* it starts (a process killed mid-send
 * restarts with it counted) and taken back when it certainly did not arrive (connection never
 * made, or the receiver answered with a refusal); a message whose `maxCopies` sends all went
 * unanswered is marked failed instead of sent again.
 */
import type { Clock } from '../../pipeline/contracts.js';
import { asDeliveryError, type Notifier } from '../notify/notifier.js';
import { CircuitBreaker } from './breaker.js';
import type { OutboxRepository, OutboxRow } from './outbox-repository.js';

export interface WorkerOptions {
  /** Attempts per message while the channel is up (breaker closed). */
  maxAttempts: number;
  /** Sends per message that may have reached the receiver. */
  maxCopies: number;
  backoffInitialMs: number;
  probeIntervalMaxMs: number;
  breakerThreshold: number;
  retryAfterMaxMs: number;
  /** Upper bound on one send, on top of the notifier's own timeouts. */
  sendTimeoutMs: number;
  random: () => number;
  clock: Clock;
  log: (m: string) => void;
}

export class ChannelWorker {
  private running: Promise<void> | undefined;
  private wake: NodeJS.Timeout | undefined;
  private stopped = false;
  readonly breaker: CircuitBreaker;
  readonly counters = { sent: 0, failed: 0, retried: 0, probes: 0 };

  constructor(
    readonly notifier: Notifier,
    private readonly outbox: OutboxRepository,
    private readonly opts: WorkerOptions,
  ) {
    this.breaker = new CircuitBreaker({
      threshold: opts.breakerThreshold,
      initialMs: opts.backoffInitialMs,
      maxMs: opts.probeIntervalMaxMs,
      retryAfterMaxMs: opts.retryAfterMaxMs,
      random: opts.random,
    });
  }

  /** Starts draining if idle; resolves when the queue has nothing due (or the channel is paused). */
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
    if (this.wake) clearTimeout(this.wake);
    if (this.running) {
      let t: NodeJS.Timeout | undefined;
      await Promise.race([this.running, new Promise<void>((r) => (t = setTimeout(r, graceMs)))]);
      clearTimeout(t);
    }
  }

  /** Wakes the worker when the channel's pause ends, so a probe does not wait for the next tick. */
  private wakeIn(ms: number): void {
    if (this.wake || this.stopped) return;
    this.wake = setTimeout(() => {
      this.wake = undefined;
      void this.kick();
    }, ms);
    this.wake.unref();
  }

  private async drain(): Promise<void> {
    const name = this.notifier.name;
    const { maxAttempts, maxCopies } = this.opts;
    for (;;) {
      if (this.stopped) return;
      const now = this.opts.clock.now();
      if (now < this.breaker.pausedUntil) return this.wakeIn(this.breaker.pausedUntil - now);
      const row = this.outbox.nextDue(name, now);
      if (!row) return;
      if (row.sends >= maxCopies) {
        // Only reachable through sends interrupted by a restart: the attempt below fails the row itself otherwise.
        this.giveUp(row, `gave up after ${row.sends} send(s) without an answer (interrupted or timed out; the receiver may have up to ${row.sends} copies)`, 'maybe');
        continue;
      }
      const probe = this.breaker.open;
      if (probe) this.counters.probes++;
      this.outbox.markSending(row.id, !probe);
      try {
        await this.sendWithTimeout(row);
        this.outbox.markSent(row.id, this.opts.clock.now());
        this.counters.sent++;
        if (this.breaker.success()) this.opts.log(`alerting: ${name} channel recovered; circuit breaker closed, draining ${this.outbox.pendingCount(name)} queued message(s) in order`);
      } catch (err) {
        const e = asDeliveryError(err);
        const delivered = e.uncertain ? 'maybe' : 'no';
        if (!e.retryable) {
          // A refusal for good is still an answer: the channel works, the message does not.
          this.breaker.success();
          this.giveUp(row, e.message, delivered);
          continue;
        }
        const attempts = row.attempts + (probe ? 0 : 1);
        const sends = row.sends + (e.uncertain ? 1 : 0);
        const wasOpen = this.breaker.open;
        const pause = this.breaker.failure(this.opts.clock.now(), e.retryAfterMs);
        if (e.uncertain && sends >= maxCopies) this.giveUp(row, `${e.message} (gave up after ${sends} unanswered send(s): the receiver may have up to ${sends} copies)`, delivered);
        else if (attempts >= maxAttempts) this.giveUp(row, `${e.message} (after ${attempts} attempt(s))`, delivered);
        else {
          this.outbox.markRetry(row.id, e.message, delivered);
          this.counters.retried++;
        }
        if (!wasOpen && this.breaker.open) this.opts.log(`alerting: ${name} circuit breaker open after ${this.breaker.consecutiveFailures} consecutive failures; probing every ≤ ${Math.round(this.opts.probeIntervalMaxMs / 1000)} s: ${e.message}`);
        else if (!this.breaker.open) this.opts.log(`alerting: ${name} delivery of outbox #${row.id} failed (attempt ${attempts}), channel paused ${pause} ms: ${e.message}`);
      }
    }
  }

  private giveUp(row: OutboxRow, reason: string, delivered: 'no' | 'maybe'): void {
    this.outbox.markFailed(row.id, reason, delivered);
    this.counters.failed++;
    this.opts.log(`alerting: ${this.notifier.name} delivery of outbox #${row.id} failed for good: ${reason}`);
  }

  private async sendWithTimeout(row: OutboxRow): Promise<void> {
    let t: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      t = setTimeout(() => reject(new Error(`send timed out after ${this.opts.sendTimeoutMs} ms`)), this.opts.sendTimeoutMs);
      // A send in flight does not hold the process open on its own (stop() bounds the wait for it).
      t.unref();
    });
    try {
      await Promise.race([this.notifier.send(row.payload), timeout]);
    } finally {
      clearTimeout(t);
    }
  }
}
