/**
 * Runs decodeChunk on worker threads, so gunzip, JSON parsing and normalization of one chunk
 * overlap with detection on the main thread on the 2+ cores a host has. With 0 workers it runs
 * inline. The caller bounds what is in flight (admission.ts: decoded bytes and records), so the
 * queue here is too.
 *
 * Given the database file (WorkerSettings.store), each worker also stores what it decoded on
 * its own connection before answering (decode-worker.ts): the chunk comes back `committed`, with
 * the seq of each row, and the main thread only hands the rows to the event pump.
 */
import { Worker } from 'node:worker_threads';
import { decodeChunk, type DecodedChunk, type DecodeRequest, type DecodeSettings } from './decode.js';
import { IngestError } from './errors.js';
import { unpackRows, type PackedRows } from './packed-rows.js';
import type { StoredEncoded } from '../store/event-store.js';

/** Where a worker stores what it decodes (unset: it only decodes, and the main thread stores). */
export interface WorkerStoreSettings {
  /** The database file (not :memory:: a worker cannot open another connection's). */
  path: string;
  durableIngest: boolean;
  maxInternedStrings?: number;
}

export type WorkerSettings = DecodeSettings & { store?: WorkerStoreSettings };

export interface WorkerMessage {
  id: number;
  req: DecodeRequest;
}

/**
 * decode-worker.ts replies with the rows packed (packed-rows.ts), the rest of the chunk as it is;
 * with `seqs` (each row's, 0 for a duplicate) when it stored them. An error of status 0 is ours:
 * code 'storage' a failed commit, else a bug.
 */
export type WorkerReply = {
  id: number;
  result?: Omit<DecodedChunk, 'rows'> & { packed: PackedRows };
  seqs?: Float64Array;
  error?: { status: number; code: string; message: string };
};

/** A chunk the worker already stored: what it inserted, in seq order. */
export interface CommittedChunk extends DecodedChunk {
  committed: { inserted: number; duplicates: number; stored: StoredEncoded[] };
}

/** The worker's commit failed (disk full, I/O error): the route answers 503 and reports it to health. */
export class StoreCommitError extends Error {}

export interface ChunkDecoder {
  decode(req: DecodeRequest): Promise<DecodedChunk | CommittedChunk>;
  close(): Promise<void>;
}

export function inlineDecoder(settings: DecodeSettings): ChunkDecoder {
  return { decode: (req) => decodeChunk(req, settings), close: async () => {} };
}

/** Rows the worker stored (seqs[i] > 0), as the pump takes them. */
function storedOf(rows: DecodedChunk['rows'], seqs: Float64Array): CommittedChunk['committed'] {
  const stored: StoredEncoded[] = [];
  for (let i = 0; i < rows.length; i++) if (seqs[i]! > 0) stored.push({ seq: seqs[i]!, row: rows[i]! });
  return { inserted: stored.length, duplicates: rows.length - stored.length, stored };
}

/** How long close() lets a worker finish (and commit) what it holds before it is cut. */
const CLOSE_GRACE_MS = 5000;

export function createDecodePool(settings: WorkerSettings, workers: number, log?: (m: string) => void): ChunkDecoder {
  if (workers <= 0) return inlineDecoder(settings);
  const pending = new Map<number, { resolve: (r: DecodedChunk | CommittedChunk) => void; reject: (e: Error) => void; worker: Worker }>();
  const load = new Map<Worker, number>();
  let nextId = 1;
  let closed = false;

  // A worker that dies right after starting (a broken install) is respawned with growing delays, not in a hot loop.
  let quickDeaths = 0;
  const spawn = (): Worker => {
    const startedAt = Date.now();
    const w = new Worker(new URL('./decode-worker.mjs', import.meta.url), { workerData: settings });
    w.unref();
    load.set(w, 0);
    w.on('message', (reply: WorkerReply) => {
      const p = pending.get(reply.id);
      if (!p) return;
      pending.delete(reply.id);
      load.set(w, (load.get(w) ?? 1) - 1);
      if (reply.result) {
        const { packed, ...rest } = reply.result;
        const rows = unpackRows(packed);
        p.resolve(reply.seqs ? { ...rest, rows, committed: storedOf(rows, reply.seqs) } : { ...rest, rows });
      } else if (reply.error!.code === 'storage' && !reply.error!.status) p.reject(new StoreCommitError(reply.error!.message));
      else if (reply.error!.status) p.reject(new IngestError(reply.error!.status, reply.error!.code, reply.error!.message));
      else {
        // A bug of ours, not bad input: 503 keeps the chunk at Fluent Bit instead of dropping it.
        log?.(`ingest decode failed: ${reply.error!.message}`);
        p.reject(new IngestError(503, 'decode_failed', 'the chunk could not be decoded; retry later', 5));
      }
    });
    w.on('error', (err) => log?.(`ingest decode worker failed: ${err.message}`));
    w.on('exit', () => {
      load.delete(w);
      // Fail what it held (503 upstream: Fluent Bit retries) and replace it.
      for (const [id, p] of pending) if (p.worker === w) (pending.delete(id), p.reject(new IngestError(503, 'decoder_restarting', 'decode worker restarting; retry later', 1)));
      if (closed) return;
      quickDeaths = Date.now() - startedAt < 5000 ? quickDeaths + 1 : 0;
      if (quickDeaths === 0) spawn();
      else setTimeout(() => void (closed || spawn()), Math.min(30_000, 250 * 2 ** quickDeaths)).unref();
    });
    return w;
  };
  for (let i = 0; i < workers; i++) spawn();

  return {
    decode(req) {
      // Least-loaded worker. A body that owns its whole ArrayBuffer (readBody makes it so) is
      // moved, not copied: the main thread then holds nothing of it while the worker decodes.
      let best: Worker | undefined;
      for (const [w, n] of load) if (!best || n < load.get(best)!) best = w;
      // None: close() ran (a request that outlived the server's shutdown grace), or a crashed worker waits to respawn.
      if (!best) {
        return Promise.reject(closed
          ? new IngestError(503, 'shutting_down', 'the service is shutting down; retry later', 5)
          : new IngestError(503, 'decoder_restarting', 'decode worker restarting; retry later', 1));
      }
      const worker = best;
      load.set(worker, load.get(worker)! + 1);
      const id = nextId++;
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve, reject, worker });
        const b = req.body;
        const movable = b.byteOffset === 0 && b.byteLength === b.buffer.byteLength && b.buffer instanceof ArrayBuffer;
        worker.postMessage({ id, req }, movable ? [b.buffer as ArrayBuffer] : []);
      });
    },
    async close() {
      closed = true;
      // A worker that stores finishes what it holds (each chunk committed and answered) and
      // closes its connection; one that does not end in time is cut (its open transaction rolls
      // back, and Fluent Bit resends the chunks it held).
      await Promise.all([...load.keys()].map(async (w) => {
        if (!settings.store) return void (await w.terminate());
        const cut = setTimeout(() => void w.terminate(), CLOSE_GRACE_MS);
        const exited = new Promise((r) => w.once('exit', r));
        w.postMessage({ close: true });
        await exited;
        clearTimeout(cut);
      }));
    },
  };
}
