/**
 * The main thread's handle on the read worker (read-worker.ts): started on first use, one query
 * at a time in order, a bounded number waiting (past it a query fails at once with
 * ReadQueueFullError: the API answers 503 rather than queue without bound).
 */
import { Worker } from 'node:worker_threads';
import type { EventPage, EventQuery } from './event-store.js';

export const MAX_WAITING_READS = 16;

export class ReadQueueFullError extends Error {
  constructor() {
    super(`more than ${MAX_WAITING_READS} event queries are waiting; retry later`);
  }
}

type Pending = { resolve: (p: EventPage) => void; reject: (e: Error) => void };

export class EventReadWorker {
  private worker: Worker | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();

  constructor(private readonly dbPath: string) {}

  query(q: EventQuery): Promise<EventPage> {
    if (this.pending.size >= MAX_WAITING_READS) return Promise.reject(new ReadQueueFullError());
    const w = (this.worker ??= this.start());
    const id = this.nextId++;
    return new Promise<EventPage>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      w.postMessage({ id, q });
      w.ref(); // keep the process up while a query is out; idle, the worker holds nothing open
    });
  }

  private start(): Worker {
    const w = new Worker(new URL('./read-worker.mjs', import.meta.url), { workerData: { dbPath: this.dbPath } });
    w.unref();
    w.on('message', (m: { id: number; page?: EventPage; error?: string }) => {
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      if (!this.pending.size) w.unref();
      if (m.page) p.resolve(m.page);
      else p.reject(new Error(`event query failed: ${m.error}`));
    });
    const fail = (err: Error) => {
      if (this.worker === w) this.worker = undefined; // the next query starts a fresh one
      for (const p of this.pending.values()) p.reject(err);
      this.pending.clear();
    };
    w.on('error', fail);
    w.on('exit', (code) => fail(new Error(`event read worker exited with code ${code}`)));
    return w;
  }

  async close(): Promise<void> {
    const w = this.worker;
    this.worker = undefined;
    if (w) await w.terminate();
  }
}
