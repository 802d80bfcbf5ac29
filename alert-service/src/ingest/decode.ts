/**
 * Everything ingest does to a body before storage, as one pure function: gunzip, parse, and
 * per-record validation and normalization. Pure so it can run on a worker thread
 * (decode-pool.ts) while the main thread stores the previous chunk.
 */
import type { IngestConfig, NormalizeConfig } from '../generated/schema-types.js';
import { decodeBody, parseBody } from './body.js';
import { processRecords, type RecordBatchResult } from './records.js';

export interface DecodeRequest {
  body: Uint8Array;
  contentEncoding?: string;
  tag?: string;
  receivedAtMs: number;
}

export interface DecodeSettings {
  ingest: IngestConfig;
  normalize: NormalizeConfig;
}

export async function decodeChunk(req: DecodeRequest, settings: DecodeSettings): Promise<RecordBatchResult> {
  const { ingest } = settings;
  const raw = Buffer.from(req.body.buffer, req.body.byteOffset, req.body.byteLength);
  const text = await decodeBody(raw, req.contentEncoding, ingest.max_decoded_bytes);
  const { records, badLines } = parseBody(text, {
    maxBodyBytes: ingest.max_body_bytes,
    maxDecodedBytes: ingest.max_decoded_bytes,
    maxRecords: ingest.max_records,
    maxDepth: ingest.max_depth,
  });
  const receivedAt = new Date(req.receivedAtMs);
  const tag = req.tag;
  const result = processRecords(records, { receivedAt, dateKeys: ingest.date_keys, normalize: settings.normalize, ...(tag !== undefined ? { tag } : {}) });
  for (const b of badLines) result.deadLetters.push({ receivedAt, reason: b.reason, record: b.text, ...(tag !== undefined ? { tag } : {}) });
  return result;
}
