/**
 * Group commit: chunks decoded in the same turn of the event loop are stored in one transaction.
 * Each durable commit costs an fsync; the store may run it off this thread (store.durable(), see
 * wal-sync.ts), the next commit going on meanwhile. Fluent Bit sends many chunks at once, so under
 * load several are ready together and share one. Alone, a chunk is
 * committed on the next turn (no added wait). Every chunk is answered only after the commit that
 * holds it, so 204 still means stored; if that commit fails, every chunk in it gets the error (and
 * Fluent Bit retries them all: replays are idempotent). The batch is bounded by what admission
 * lets in flight.
 */
import type { DeadLetter, EncodedRows, EventStore, StoredBatch } from '../store/event-store.js';
import { ConcatRows } from '../store/stored-rows.js';

export interface CommitTotals {
  inserted: number;
  duplicates: number;
}

export interface CommitBatcher {
  /** Resolves once `rows` and `deadLetters` are committed (with others decoded at the same time). */
  commit(rows: EncodedRows, deadLetters: readonly DeadLetter[]): Promise<void>;
}

interface Pending {
  rows: EncodedRows;
  deadLetters: readonly DeadLetter[];
  resolve: () => void;
  reject: (e: unknown) => void;
}

export function createCommitBatcher(store: EventStore, committed: (totals: CommitTotals, stored: StoredBatch) => void): CommitBatcher {
  let pending: Pending[] = [];
  let scheduled = false;
  /**
   * A commit's fsync is in flight: the next group waits for it and grows meanwhile, as it did
   * while the fsync blocked this thread. Committing every chunk on its own as soon as it is
   * decoded measured more main-thread CPU per event (each commit rewrites a page per index and
   * stream touched, however few rows it holds), not less.
   */
  let syncing = false;
  const kick = () => {
    if (scheduled || syncing || !pending.length) return;
    scheduled = true;
    setImmediate(flush);
  };

  const flush = () => {
    scheduled = false;
    const batch = pending;
    pending = [];
    let rows = batch[0]!.rows;
    let deadLetters = batch[0]!.deadLetters;
    if (batch.length > 1) {
      // One list over the chunks' rows (each still packed), not a copy of them all.
      rows = new ConcatRows(batch.map((p) => p.rows));
      deadLetters = batch.flatMap((p) => p.deadLetters);
    }
    let result: ReturnType<EventStore['insertEncoded']>;
    try {
      result = store.insertEncoded(rows, deadLetters);
    } catch (err) {
      for (const p of batch) p.reject(err);
      return;
    }
    // Answered, and handed to the pump, once durable: detection never acts on events a power loss
    // could still take back. If the fsync fails the rows are committed all the same (the pump
    // must have them: it would read them from the store anyway), but the chunks get the error, so
    // Fluent Bit resends them and the replay is ignored as duplicates.
    syncing = true;
    store
      .durable()
      .then(
        () => {
          committed({ inserted: result.inserted, duplicates: result.duplicates }, result.stored);
          for (const p of batch) p.resolve();
        },
        (err: unknown) => {
          committed({ inserted: result.inserted, duplicates: result.duplicates }, result.stored);
          for (const p of batch) p.reject(err);
        },
      )
      .finally(() => {
        syncing = false;
        kick();
      });
  };

  return {
    commit(rows, deadLetters) {
      return new Promise<void>((resolve, reject) => {
        pending.push({ rows, deadLetters, resolve, reject });
        kick();
      });
    },
  };
}
