/**
 * Worker thread side of decode-pool.ts: runs decodeChunk for each message, one at a time (gunzip
 * is asynchronous, and without the chain a worker would decode every queued chunk at once:
 * one chunk's decoded text and objects at a time per worker is what bounds its memory).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { decodeChunkPacked, type DecodeRequest, type DecodeSettings } from './decode.js';
import { IngestError } from './errors.js';

const settings = workerData as DecodeSettings;

let chain: Promise<void> = Promise.resolve();
parentPort!.on('message', (msg: { id: number; req: DecodeRequest }) => {
  chain = chain.then(() => handle(msg));
});

async function handle(msg: { id: number; req: DecodeRequest }): Promise<void> {
  try {
    const result = await decodeChunkPacked(msg.req, settings);
    const { packed } = result;
    parentPort!.postMessage({ id: msg.id, result }, [packed.lengths.buffer as ArrayBuffer, packed.bytes.buffer as ArrayBuffer, packed.byteLengths.buffer as ArrayBuffer, packed.timesMs.buffer as ArrayBuffer]);
  } catch (err) {
    const e = err as Error;
    parentPort!.postMessage({
      id: msg.id,
      error: err instanceof IngestError ? { status: err.status, code: err.code, message: err.message } : { status: 0, code: 'internal', message: e.message },
    });
  }
}
