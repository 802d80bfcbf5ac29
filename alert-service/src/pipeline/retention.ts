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
  /** Highest seq every consumer has durably passed. */
  consumedThrough: () => number;
  now: () => number;
  /** Called after each step with the rows it removed (metrics). */
  onStep?: (rows: number) => void;
  /** Checked between steps: stop early on shutdown. */
  stopped?: () => boolean;
}

export const DEFAULT_PRUNE_BATCH_ROWS = 5000;

/** Runs prune steps until nothing expired is left; resolves with the rows removed. */
export async function pruneInSteps(store: EventStore, opts: RetentionOptions): Promise<number> {
  const batchRows = opts.batchRows ?? DEFAULT_PRUNE_BATCH_ROWS;
  let total = 0;
  for (;;) {
    if (opts.stopped?.()) break;
    const n = store.prune(opts.now(), { limit: batchRows, maxSeq: opts.consumedThrough() });
    total += n;
    opts.onStep?.(n);
    if (n < batchRows) break;
    // setImmediate runs after pending I/O callbacks: requests that arrived during the step go first.
    await new Promise<void>((r) => setImmediate(r));
  }
  return total;
}
