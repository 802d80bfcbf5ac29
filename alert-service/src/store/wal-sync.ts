/**
 * Group fsync of a SQLite write-ahead log, off the thread that commits.
 *
 * With synchronous=FULL, SQLite fsyncs the WAL inside every COMMIT: the committing thread (the
 * one that also runs detection) sits blocked for the disk, a few ms per ingest commit here. With
 * synchronous=NORMAL the commit only write()s its frames; calling fsync on the WAL file after the
 * COMMIT returned and before answering makes the same frames durable, the wait then being on
 * libuv's thread pool while the main thread goes on. Ordering is kept by the log itself: a power
 * loss drops a tail of the WAL, so a later (bookkeeping) commit is never kept without an
 * earlier ingest commit. A checkpoint in between syncs the WAL before copying and the database
 * after (SQLite does so in NORMAL mode too), so frames it moved are durable already.
 *
 * Calls coalesce: while one fsync runs, every caller that comes meanwhile waits for the next
 * one, which starts when the running one ends and covers them all (one fsync per disk round trip
 * however many commits arrive, as a database's group commit does). A call resolves only after an
 * fsync that started after the call.
 */
import { open, stat, type FileHandle } from 'node:fs/promises';

interface Waiter {
  promise: Promise<void>;
  resolve: () => void;
  reject: (err: unknown) => void;
}

function waiter(): Waiter {
  let resolve!: () => void;
  let reject!: (err: unknown) => void;
  const promise = new Promise<void>((res, rej) => ((resolve = res), (reject = rej)));
  return { promise, resolve, reject };
}

export class WalSync {
  private file: FileHandle | undefined;
  private inode = -1;
  private running: Promise<void> | undefined;
  private next: Waiter | undefined;
  private closed = false;
  /** fsyncs issued (metrics, tests). */
  syncs = 0;

  /** `walPath`: the database file's path + '-wal'. */
  constructor(private readonly walPath: string) {}

  /** Resolves once everything written to the WAL before this call is on stable storage. */
  sync(): Promise<void> {
    if (this.closed) return Promise.reject(new Error('wal sync: closed'));
    if (!this.running) return this.start();
    this.next ??= waiter();
    return this.next.promise;
  }

  private start(): Promise<void> {
    const run = this.fsyncOnce();
    this.running = run.then(
      () => this.finished(),
      () => this.finished(),
    );
    return run;
  }

  /** The running fsync ended: start the one that the callers since are waiting for. */
  private finished(): void {
    this.running = undefined;
    const w = this.next;
    this.next = undefined;
    if (w) this.start().then(w.resolve, w.reject);
  }

  private async fsyncOnce(): Promise<void> {
    // The WAL is the same file for as long as a connection has the database open; should it
    // have been replaced (the database moved aside and reopened), a handle on the old inode would
    // sync the wrong file, so its identity is checked each time (one stat, not a read).
    const current = await stat(this.walPath);
    if (!this.file || current.ino !== this.inode) {
      await this.file?.close().catch(() => {});
      // r+: Windows flushes only a handle open for writing (nothing is written through it).
      this.file = await open(this.walPath, 'r+');
      this.inode = (await this.file.stat()).ino;
    }
    this.syncs++;
    await this.file.sync();
  }

  /** Waits for the fsync in flight (if any), then releases the file. */
  async close(): Promise<void> {
    this.closed = true;
    // finished() starts the fsync that callers queued before close: wait for that one too.
    while (this.running) await this.running;
    await this.file?.close().catch(() => {});
    this.file = undefined;
  }
}
