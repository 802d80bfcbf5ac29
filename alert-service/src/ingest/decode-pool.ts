/**
 * Runs decodeChunk on worker threads, so gunzip, JSON parsing and normalization of one chunk
 * overlap with the SQLite write of another on the 2+ cores a host has. With 0 workers it runs
 * inline. The caller bounds what is in flight (admission.ts: decoded bytes and records), so the
 * queue here is too.
 */
import { Worker } from 'node:worker_threads';
import { decodeChunk, type DecodedChunk, type DecodeRequest, type DecodeSettings } from './decode.js';
import { IngestError } from './errors.js';
import { PackedRowView, type PackedRows } from './packed-rows.js';
import type { EncodedRows } from '../store/event-store.js';


/** decode-worker.ts replies with the rows packed (packed-rows.ts), the rest of the chunk as it is. */
type Reply = { id: number; result?: Omit<DecodedChunk, 'rows'> & { packed: PackedRows }; error?: { status: number; code: string; message: string } };

/** A decoded chunk as the pool hands it on: from a worker, its rows are read in place from the pack it sent. */
export type PooledChunk = Omit<DecodedChunk, 'rows'> & { rows: EncodedRows };

export interface ChunkDecoder {
  decode(req: DecodeRequest): Promise<PooledChunk>;
  close(): Promise<void>;
}

export function inlineDecoder(settings: DecodeSettings): ChunkDecoder {
  return { decode: (req) => decodeChunk(req, settings), close: async () => {} };
}

export function createDecodePool(settings: DecodeSettings, workers: number, log?: (m: string) => void): ChunkDecoder {
  if (workers <= 0) return inlineDecoder(settings);
  const pending = new Map<number, { resolve: (r: PooledChunk) => void; reject: (e: Error) => void; worker: Worker }>();
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
    w.on('message', (reply: Reply) => {
      const p = pending.get(reply.id);
      if (!p) return;
      pending.delete(reply.id);
      load.set(w, (load.get(w) ?? 1) - 1);
      if (reply.result) {
        const { packed, ...rest } = reply.result;
        p.resolve({ ...rest, rows: new PackedRowView(packed) });
      }
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
      await Promise.all([...load.keys()].map((w) => w.terminate()));
    },
  };
}
