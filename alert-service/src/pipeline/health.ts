/**
 * What /readyz reports about the pipeline behind the store: whether writes to the database are
 * failing (an ingest commit, the pump's cursor commit) and which consumers are failing and being
 * retried. A failure stays visible until a later write of the same kind succeeds.
 */
import type { Clock } from './contracts.js';
import { systemClock } from './contracts.js';
import type { EventStore } from '../store/event-store.js';

interface Failure {
  since: number;
  attempts: number;
  message: string;
  /** When the next attempt is due (consumers); undefined when it waits for the next write. */
  retryAt?: number;
}

/** Longest error text kept per failure (it comes from SQLite or consumer code, not from users). */
const MAX_MESSAGE_CHARS = 300;

export class PipelineHealth {
  private readonly storage = new Map<string, Failure>();
  private readonly consumers = new Map<string, Failure>();

  constructor(private readonly clock: Clock = systemClock) {}

  /** A write of kind `what` (e.g. "ingest commit", "cursor commit") failed. */
  storageFailed(what: string, err: unknown): void {
    this.note(this.storage, what, err);
  }

  /** A write succeeded: the database takes writes again, so every storage failure clears. */
  storageOk(): void {
    this.storage.clear();
  }

  consumerFailed(name: string, err: unknown, retryAt: number): Failure {
    const f = this.note(this.consumers, name, err);
    f.retryAt = retryAt;
    return f;
  }

  /** Returns the failure that just cleared, if there was one (for the recovery log line). */
  consumerOk(name: string): Failure | undefined {
    const f = this.consumers.get(name);
    this.consumers.delete(name);
    return f;
  }

  isConsumerFailing(name: string): boolean {
    return this.consumers.has(name);
  }

  /** Undefined when healthy, else why not ready (every failing part, one clause each). */
  notReady(): string | undefined {
    const now = this.clock.now();
    const reasons: string[] = [];
    for (const [what, f] of this.storage) reasons.push(`storage: ${what} failing since ${iso(f.since)} (${f.attempts}x): ${f.message}`);
    for (const [name, f] of this.consumers) {
      const retry = f.retryAt === undefined ? '' : `, next retry in ${Math.max(0, Math.ceil((f.retryAt - now) / 1000))} s`;
      reasons.push(`consumer ${name} failing since ${iso(f.since)} (${f.attempts} attempts${retry}): ${f.message}`);
    }
    return reasons.length ? reasons.join('; ') : undefined;
  }

  private note(map: Map<string, Failure>, key: string, err: unknown): Failure {
    const message = String((err as Error)?.message ?? err).slice(0, MAX_MESSAGE_CHARS);
    const f = map.get(key) ?? { since: this.clock.now(), attempts: 0, message };
    f.attempts++;
    f.message = message;
    map.set(key, f);
    return f;
  }
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

/**
 * The store as ingest uses it: every ingest commit's outcome (the commit, then its fsync) is
 * reported, so /readyz says "not ready" while commits fail (disk full, I/O error) and "ready"
 * again after the next one succeeds.
 */
export function reportingIngestCommits(store: EventStore, health: PipelineHealth, onFailure?: () => void): EventStore {
  // A commit counts as a success once durable() says so (ingest calls it after every commit):
  // reporting the commit alone would flap /readyz while every fsync fails.
  const insertEncoded: EventStore['insertEncoded'] = (rows, deadLetters) => {
    try {
      return store.insertEncoded(rows, deadLetters);
    } catch (err) {
      health.storageFailed('ingest commit', err);
      onFailure?.();
      throw err;
    }
  };
  const durable: EventStore['durable'] = () =>
    store.durable().then(
      () => health.storageOk(),
      (err: unknown) => {
        health.storageFailed('ingest fsync', err);
        onFailure?.();
        throw err;
      },
    );
  return new Proxy(store, {
    get(target, prop) {
      if (prop === 'insertEncoded') return insertEncoded;
      if (prop === 'durable') return durable;
      const v = Reflect.get(target, prop, target) as unknown;
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
}
