/**
 * Runs fitModel on a worker thread: training reads days of hourly history and fits a forest
 * (0.5 s for a week of 1,000 hosts, seconds for months), which on the main thread would stall
 * ingest and alerting for that long. An in-memory database cannot be shared with a worker:
 * there it trains inline.
 */
import { Worker } from 'node:worker_threads';
import type { AnomalyConfig } from '../generated/schema-types.js';
import type { Db } from '../store/database.js';
import { fitModel, NotEnoughHistoryError, type FittedModel } from './model.js';
import type { AnomalyRepository } from './repository.js';

type Reply = { fitted?: FittedModel; notEnough?: { hours: number; needed: number }; error?: string };

export function fitInBackground(db: Db, repo: AnomalyRepository, cfg: AnomalyConfig, range: { fromMs: number; toMs: number }, nowMs: number): Promise<FittedModel> {
  if (db.memory) return Promise.resolve().then(() => fitModel(repo, cfg, range, nowMs));
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./train-worker.mjs', import.meta.url), { workerData: { dbPath: db.name, cfg, range, nowMs } });
    let settled = false;
    worker.once('message', (reply: Reply) => {
      settled = true;
      if (reply.fitted) resolve(reply.fitted);
      else if (reply.notEnough) reject(new NotEnoughHistoryError(reply.notEnough.hours, reply.notEnough.needed));
      else reject(new Error(`training failed: ${reply.error}`));
    });
    worker.once('error', (err) => (settled = true, reject(err)));
    worker.once('exit', (code) => {
      if (!settled) reject(new Error(`training worker exited with code ${code}`));
    });
  });
}
