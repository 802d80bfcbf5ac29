/**
 * Retention as small steps: each store.prune call deletes at most `batchRows` rows (one short
 * transaction, ~tens of ms), and the loop yields to the event loop between steps, so ingest
 * commits and HTTP requests are never held behind one long DELETE (measured before: ~5 s of
 * blocked main thread per million expired rows). Events are only deleted once every consumer's
 * persisted cursor is past them.
 */
import type { EventStore } from '../store/event-store.js';

export interface RetentionOptions {
  /** Most rows deleted per step. */
  batchRows?: number;
  /**
   * When set, the step size adapts so a step takes about this long (ms), never above batchRows:
   * a slow or busy disk makes steps smaller instead of longer.
   */
  targetStepMs?: number;
  /** Highest seq every consumer has durably passed. */
  consumedThrough: () => number;
  now: () => number;
  /** Called after each step with the rows it removed and how long it held the thread (metrics). */
  onStep?: (rows: number, ms: number) => void;
  /** Checked between steps: stop early on shutdown. */
  stopped?: () => boolean;
}

export const DEFAULT_PRUNE_BATCH_ROWS = 5000;
const MIN_ADAPTIVE_ROWS = 100;

/** Runs prune steps until nothing expired is left; resolves with the rows removed. */
export async function pruneInSteps(store: EventStore, opts: RetentionOptions): Promise<number> {
  const batchRows = opts.batchRows ?? DEFAULT_PRUNE_BATCH_ROWS;
  const target = opts.targetStepMs;
  let rows = target === undefined ? batchRows : Math.min(batchRows, 1000);
  let total = 0;
  for (;;) {
    if (opts.stopped?.()) break;
    const t0 = performance.now();
    const n = store.prune(opts.now(), { limit: rows, maxSeq: opts.consumedThrough() });
    const ms = performance.now() - t0;
    total += n;
    opts.onStep?.(n, ms);
    if (n < rows) break;
    if (target !== undefined) rows = Math.max(MIN_ADAPTIVE_ROWS, Math.min(batchRows, Math.round((rows * target) / Math.max(ms, 1))));
    // A timer, not setImmediate: the whole event loop turns (timers, I/O, immediates) before the
    // next step, so requests that arrived during a step go first. ~1 ms per step is nothing here.
    await new Promise<void>((r) => setTimeout(r, 0));
  }
  return total;
}
