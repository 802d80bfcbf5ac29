/**
 * Worker thread side of API reads: its own read-only connection to the store's file (WAL: it
 * never waits for the ingest writer, nor the writer for it), so a query that reads for a second
 * stalls neither ingest nor /healthz. It answers one query at a time, with the page serialized.
 */
import { parentPort, workerData } from 'node:worker_threads';
import Database from './sqlite-driver.js';
import { DictionaryReader } from './event-dictionary.js';
import { readPage, StatementCache } from './event-rows.js';
import type { EventQuery } from './event-store.js';

const { dbPath } = workerData as { dbPath: string };
const db = new Database(dbPath, { readonly: true, fileMustExist: true });
db.pragma('busy_timeout = 5000');
db.pragma('cache_size = -16384');
const dict = new DictionaryReader(db);
const statements = new StatementCache(db);

parentPort!.on('message', (msg: { id: number; q: EventQuery }) => {
  try {
    const page = readPage(statements, dict, msg.q);
    parentPort!.postMessage({ id: msg.id, page }, [page.eventsJson.buffer as ArrayBuffer]);
  } catch (err) {
    parentPort!.postMessage({ id: msg.id, error: (err as Error).message });
  }
});
