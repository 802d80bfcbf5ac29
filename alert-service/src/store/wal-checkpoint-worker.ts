/**
 * Worker thread side of wal-checkpointer.ts: its own connection to the database file, running a
 * PASSIVE checkpoint every interval (it copies what the WAL holds into the database file without
 * waiting for, or blocking, the writer or any reader; SQLite restarts the log at the writer's
 * next transaction once everything is copied). Reports each failure; the main thread decides.
 */
import { parentPort, workerData } from 'node:worker_threads';
import Database from './sqlite-driver.js';

const { dbPath, intervalMs } = workerData as { dbPath: string; intervalMs: number };
const db = new Database(dbPath, { fileMustExist: true });
// NORMAL: the checkpoint syncs the WAL before copying and the database file after (what makes
// a checkpointed frame as durable as it was in the log); FULL adds nothing to a checkpoint.
db.pragma('synchronous = NORMAL');
db.pragma('cache_size = -2048');
const checkpoint = db.prepare('PRAGMA wal_checkpoint(PASSIVE)');

const timer = setInterval(() => {
  try {
    const r = checkpoint.get() as { busy: number; log: number; checkpointed: number };
    parentPort!.postMessage({ log: r.log, checkpointed: r.checkpointed });
  } catch (err) {
    parentPort!.postMessage({ error: (err as Error).message });
  }
}, intervalMs);

parentPort!.on('message', (m: string) => {
  if (m !== 'close') return;
  clearInterval(timer);
  db.close();
  parentPort!.close();
});
