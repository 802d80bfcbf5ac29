/**
 * Worker thread side of background training: reads the hourly history on its own SQLite
 * connection (WAL: reads never wait for the service's writes) and fits the model. It writes
 * nothing; the service saves what it sends back, so there is still one writer.
 */
import { parentPort, workerData } from 'node:worker_threads';
import Database from '../store/sqlite-driver.js';
import type { AnomalyConfig } from '../generated/schema-types.js';
import { AnomalyRepository } from './repository.js';
import { fitModel, NotEnoughHistoryError } from './model.js';

const { dbPath, cfg, range, nowMs } = workerData as { dbPath: string; cfg: AnomalyConfig; range: { fromMs: number; toMs: number }; nowMs: number };
const db = new Database(dbPath);
db.pragma('busy_timeout = 5000');
try {
  parentPort!.postMessage({ fitted: fitModel(new AnomalyRepository(db), cfg, range, nowMs) });
} catch (err) {
  parentPort!.postMessage(
    err instanceof NotEnoughHistoryError ? { notEnough: { hours: err.hours, needed: err.needed } } : { error: (err as Error).stack ?? String(err) },
  );
} finally {
  db.close();
}
