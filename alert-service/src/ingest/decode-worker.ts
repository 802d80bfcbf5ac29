/** Worker thread side of decode-pool.ts: runs decodeChunk for each message. */
import { parentPort, workerData } from 'node:worker_threads';
import { decodeChunk, type DecodeRequest, type DecodeSettings } from './decode.js';
import { IngestError } from './errors.js';

const settings = workerData as DecodeSettings;

parentPort!.on('message', async (msg: { id: number; req: DecodeRequest }) => {
  try {
    const result = await decodeChunk(msg.req, settings);
    parentPort!.postMessage({ id: msg.id, result });
  } catch (err) {
    const e = err as Error;
    parentPort!.postMessage({
      id: msg.id,
      error: err instanceof IngestError ? { status: err.status, code: err.code, message: err.message } : { status: 0, code: 'internal', message: e.message },
    });
  }
});
