/**
 * Everything ingest does to a body before storage, as one pure function: gunzip, parse,
 * per-record validation and normalization, and encoding for the store. Pure so it can run on a
 * worker thread (decode-pool.ts) while the main thread stores the previous chunk.
 */
import type { IngestConfig, NormalizeConfig } from '../generated/schema-types.js';
import type { DeadLetter, EncodedEvent } from '../store/event-store.js';
import type { LogEvent } from '../generated/schema-types.js';
import { encodeEvent } from '../store/sqlite-event-store.js';
import { RowPacker, type PackedRows } from './packed-rows.js';
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

export interface DecodedChunk {
  /** Valid records, normalized and encoded for storage. */
  rows: EncodedEvent[];
  /** Invalid records kept for diagnosis (at most max_dead_letters_per_chunk + 1). */
  deadLetters: DeadLetter[];
  /** All invalid records, kept or not. */
  deadLetterCount: number;
  /** Whitespace-only records, skipped (records.ts). */
  blank: number;
  /** Size of the body after gunzip, and records in it (valid or not): what admission accounts. */
  decodedBytes: number;
  records: number;
}

export async function decodeChunk(req: DecodeRequest, settings: DecodeSettings): Promise<DecodedChunk> {
  const rows: EncodedEvent[] = [];
  const rest = await decodeEvents(req, settings, () => (e) => rows.push(encodeEvent(e)));
  return { ...rest, rows };
}

/**
 * decodeChunk for the decode worker: the rows packed for the trip to the main thread
 * (packed-rows.ts), each encoded straight into the pack (no buffer of its own per row).
 */
export async function decodeChunkPacked(req: DecodeRequest, settings: DecodeSettings): Promise<Omit<DecodedChunk, 'rows'> & { packed: PackedRows }> {
  let packer: RowPacker | undefined;
  const rest = await decodeEvents(req, settings, (records) => {
    // At most one row per record; about 100 bytes of key and body per event (bench mix): one or two growths at most.
    const p = (packer = new RowPacker(records, records * 128));
    return (e) => p.addEvent(e);
  });
  return { ...rest, packed: packer!.finish() };
}

/**
 * Decodes, parses and normalizes the chunk, each event going to the sink `sinkFor` makes once
 * the number of records is known (each event encoded as soon as it is made: no array of them).
 */
async function decodeEvents(req: DecodeRequest, settings: DecodeSettings, sinkFor: (records: number) => (e: LogEvent) => void): Promise<Omit<DecodedChunk, 'rows'>> {
  const { ingest } = settings;
  const raw = Buffer.from(req.body.buffer, req.body.byteOffset, req.body.byteLength);
  const text = await decodeBody(raw, req.contentEncoding, ingest.max_decoded_bytes);
  const decodedBytes = text.length; // UTF-16 units: close enough to bytes for accounting, and free
  const { records, badLines } = parseBody(text, {
    maxBodyBytes: ingest.max_body_bytes,
    maxDecodedBytes: ingest.max_decoded_bytes,
    maxRecords: ingest.max_records,
    maxDepth: ingest.max_depth,
  });
  const receivedAt = new Date(req.receivedAtMs);
  const tag = req.tag;
  const result = processRecords(records, { receivedAt, dateKeys: ingest.date_keys, normalize: settings.normalize, ...(tag !== undefined ? { tag } : {}) }, sinkFor(records.length));
  for (const b of badLines) result.deadLetters.push({ receivedAt, reason: b.reason, record: b.text, ...(tag !== undefined ? { tag } : {}) });
  const { deadLetters, deadLetterCount } = capDeadLetters(result, ingest.max_dead_letters_per_chunk);
  return { deadLetters, deadLetterCount, blank: result.blank, decodedBytes, records: records.length + badLines.length };
}

/**
 * A chunk of garbage must not turn into as many stored rows: keep the first `max` dead letters
 * for diagnosis and one row that says how many more there were (all are counted in metrics).
 */
export function capDeadLetters(result: RecordBatchResult, max: number): RecordBatchResult & { deadLetterCount: number } {
  const deadLetterCount = result.deadLetters.length;
  if (deadLetterCount > max) {
    const first = result.deadLetters[0]!;
    result.deadLetters.length = max;
    result.deadLetters.push({ ...first, reason: `${deadLetterCount - max} more invalid records in this chunk were counted but not kept`, record: '' });
  }
  return { ...result, deadLetterCount };
}
