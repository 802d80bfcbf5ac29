/**
 * The small interfaces the stages talk through. Data flows one way:
 * ingest → normalize → store → (EventConsumer: detect, anomaly) → AlertSink → alerting → notify.
 */
import type { Router } from 'express';
import type { AlertSignal, LogEvent } from '../generated/schema-types.js';

export type { AlertSignal, LogEvent };

/**
 * A stage fed with stored, normalized events in store order (not event-time order). Delivery is
 * at-least-once: after a crash, events past the pump's saved cursor come again. `seqs[i]` is the
 * store sequence of `events[i]` (ascending); a consumer that saves its state in the same
 * database saves the last seq with it and skips what it already counted.
 */
export interface EventConsumer {
  readonly name: string;
  /**
   * Throwing leaves this consumer's cursor where it was: the pump retries the same events (with
   * backoff) until consume() returns, so a consumer must throw rather than drop what it could
   * not record (a full disk, a locked database) and must tolerate seeing events again.
   */
  /**
   * `timesMs[i]`, when given, is Date.parse(events[i].time) as the store row holds it (time_ms):
   * the pump passes it for events ingest just stored, so a consumer need not parse the text.
   */
  consume(events: readonly LogEvent[], seqs?: readonly number[], timesMs?: readonly number[]): void | Promise<void>;
  /**
   * State to save atomically with this consumer's cursor. Called after a successful consume(),
   * inside the transaction that commits the cursor; returns what to run once that commit
   * succeeded (e.g. forget what was saved). If the commit fails, the next checkpoint saves again.
   */
  checkpoint?(): (() => void) | void;
  /**
   * Whether to checkpoint at this commit (default: always). When false the cursor is written
   * without a checkpoint: the consumer must rebuild, after a restart, what it consumed after its
   * last checkpoint (detection replays those events). `force` is set for a graceful stop.
   */
  checkpointDue?(force: boolean): boolean;
  /** The seq after which this consumer may read events again after a restart (its last checkpoint); retention keeps them. */
  replaysAfter?(): number;
}

/** Where detectors (rules, Sigma, anomaly, LLM review) send what fired. Alerting implements it. */
export interface AlertSink {
  /** Throws when the signal could not be recorded (e.g. the database is full): callers retry or surface it. */
  emit(signal: AlertSignal): void;
}

/** Injected wherever time matters, so tests drive time instead of sleeping. Milliseconds since epoch. */
export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/** A part of the service that the composition root (service.ts) wires in. Every member is optional. */
export interface ServiceModule {
  readonly name: string;
  /** Mounted under /api by the server; the server applies API auth before it. */
  router?: Router;
  consumer?: EventConsumer;
  start?(): Promise<void> | void;
  /** Flush and release resources; called once on shutdown in reverse start order. */
  stop?(): Promise<void> | void;
}
