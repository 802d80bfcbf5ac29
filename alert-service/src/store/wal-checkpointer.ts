/**
 * WAL checkpoints off the main thread. By default SQLite checkpoints inside the COMMIT that
 * takes the log past 1,000 pages, on the connection that made it: the service's main thread,
 * which then copies ~4 MB into the database file and waits for two fsyncs (the log's, then the
 * database's) every few thousand ingested events, while detection and every answer wait too.
 * Here the main connection stops checkpointing itself (wal_autocheckpoint = 0) and a worker
 * thread with its own connection runs a PASSIVE checkpoint every `intervalMs`
 * (wal-checkpoint-worker.ts): it never blocks the writer or a reader, and SQLite restarts the
 * log at the next write once everything in it is copied, so the WAL stays a few MB.
 *
 * If the worker fails or dies, the main connection checkpoints itself again (the default
 * threshold), so the log can never grow without bound for want of a checkpointer.
 */
import { Worker } from 'node:worker_threads';
import type { Db } from './database.js';

/** SQLite's default wal_autocheckpoint: what the main connection falls back to. */
const AUTOCHECKPOINT_PAGES = 1000;

export interface WalCheckpointerOptions {
  intervalMs?: number;
  log?: (msg: string) => void;
}

export class WalCheckpointer {
  private worker: Worker | undefined;
  private closing = false;
  /** Checkpoints the worker reported (tests, metrics). */
  runs = 0;

  constructor(private readonly db: Db, private readonly opts: WalCheckpointerOptions = {}) {
    if (db.memory) return; // no WAL
    const w = new Worker(new URL('./wal-checkpoint-worker.mjs', import.meta.url), {
      workerData: { dbPath: db.name, intervalMs: opts.intervalMs ?? 250 },
    });
    w.unref();
    w.on('message', (m: { log?: number; error?: string }) => {
      if (m.error !== undefined) return this.fallBack(`failed: ${m.error}`);
      this.runs++;
    });
    w.on('error', (err) => this.fallBack(`failed: ${err.message}`));
    w.on('exit', (code) => this.closing || this.fallBack(`exited with code ${code}`));
    this.worker = w;
    db.pragma('wal_autocheckpoint = 0');
  }

  /** The worker cannot checkpoint: the main connection does it again, as SQLite does by default. */
  private fallBack(why: string): void {
    if (this.closing || !this.worker) return;
    const w = this.worker;
    this.worker = undefined;
    void w.terminate();
    if (this.db.open) this.db.pragma(`wal_autocheckpoint = ${AUTOCHECKPOINT_PAGES}`);
    this.opts.log?.(`storage: the WAL checkpoint thread ${why}; the main connection checkpoints again`);
  }

  /** Stops the worker; the main connection checkpoints itself again (and at close, as SQLite does). */
  async close(): Promise<void> {
    this.closing = true;
    const w = this.worker;
    this.worker = undefined;
    if (this.db.open) this.db.pragma(`wal_autocheckpoint = ${AUTOCHECKPOINT_PAGES}`);
    if (!w) return;
    const exited = new Promise<void>((r) => w.once('exit', () => r()));
    w.postMessage('close');
    // A worker busy in a checkpoint finishes it first; one that does not end is ended.
    const cut = setTimeout(() => void w.terminate(), 5000);
    await exited;
    clearTimeout(cut);
  }
}
