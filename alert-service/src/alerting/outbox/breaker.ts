/**
 * Circuit breaker of one channel. Every failed send pauses the whole channel (not the one
 * message): the pause doubles with each consecutive failure, with equal jitter, up to
 * probe_interval_max_ms, or follows the receiver's Retry-After (bounded). After `threshold`
 * consecutive failures the breaker is open: each attempt is then a probe, made with the oldest
 * queued message; the first one that goes through closes it and the worker drains the backlog
 * back to back, in order. So a channel back from an outage starts catching up within one probe
 * interval instead of each message waiting out its own backoff.
 */
import { backoffDelay } from './backoff.js';

export interface BreakerOptions {
  threshold: number;
  initialMs: number;
  maxMs: number;
  retryAfterMaxMs: number;
  random: () => number;
}

export class CircuitBreaker {
  private failures = 0;
  /** Service time before which the channel makes no attempt. */
  pausedUntil = 0;

  constructor(private readonly opts: BreakerOptions) {}

  get open(): boolean {
    return this.failures >= this.opts.threshold;
  }

  get consecutiveFailures(): number {
    return this.failures;
  }

  /** Records a failed attempt; returns the pause before the next one. */
  failure(nowMs: number, retryAfterMs?: number): number {
    this.failures++;
    const backoff = backoffDelay(this.failures, { initialMs: this.opts.initialMs, maxMs: this.opts.maxMs, random: this.opts.random });
    // The server's Retry-After wins over our pause, within bounds: "0" must not make a tight loop, a huge
    // value must not park the channel for ever.
    const delay = retryAfterMs === undefined ? backoff : Math.max(backoff, Math.min(retryAfterMs, this.opts.retryAfterMaxMs));
    this.pausedUntil = nowMs + delay;
    return delay;
  }

  /** The receiver answered (accepted, or refused for good): the channel works. Returns whether the breaker was open. */
  success(): boolean {
    const wasOpen = this.open;
    this.failures = 0;
    this.pausedUntil = 0;
    return wasOpen;
  }
}
