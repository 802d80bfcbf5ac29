/**
 * Per-record stage of ingest: strip the Fluent Bit date key, find the record's shape, validate it
 * against its schema and normalize it. A record that fails is dead-lettered with the reason;
 * it never sinks the other records of its chunk. A blank record (a whitespace-only line) is
 * neither an event nor an error: it is counted in `blank` and dropped.
 */
import type { LogEvent, NormalizeConfig } from '../generated/schema-types.js';
import type { DeadLetter } from '../store/event-store.js';
import { describeErrors, validatorFor } from '../schema/registry.js';
import { classifyRecord, isBlankRecord, normalizeRecord, parseCollectorTime, recordSchemaFile, type RecordContext, type RecordShape } from '../normalize/index.js';

export interface RecordBatchContext {
  tag?: string;
  receivedAt: Date;
  dateKeys: readonly string[];
  normalize: NormalizeConfig;
}

export interface RecordBatchResult {
  events: LogEvent[];
  deadLetters: DeadLetter[];
  /** Valid records that hold only whitespace, skipped (counted as outcome "blank" in metrics). */
  blank: number;
}

const SHAPES: RecordShape[] = ['tail_raw', 'tail_parsed', 'app_json', 'winevtlog', 'winlog', 'journald'];

function deadLetter(ctx: RecordBatchContext, reason: string, record: unknown): DeadLetter {
  let text: string;
  try {
    text = typeof record === 'string' ? record : JSON.stringify(record);
  } catch {
    text = String(record);
  }
  return { receivedAt: ctx.receivedAt, reason, record: text ?? 'undefined', ...(ctx.tag !== undefined ? { tag: ctx.tag } : {}) };
}

/**
 * The record without the collector timestamp, unless the key holds something else (a log's own
 * `date` field), and the timestamp.
 */
function takeCollectorTime(rec: Record<string, unknown>, keys: readonly string[]): Record<string, unknown> {
  for (const key of keys) {
    if (!(key in rec)) continue;
    const t = parseCollectorTime(rec[key]);
    if (t) {
      collectedAt = t;
      return withoutKey(rec, key);
    }
  }
  collectedAt = undefined;
  return rec;
}
/** takeCollectorTime's timestamp (a variable, not a result object per record). */
let collectedAt: Date | undefined;

/**
 * A copy of `rec` without `key`, its other keys in the same order: what `delete rec[key]` leaves.
 * Not delete itself: deleting any but the last-added property (Fluent Bit writes the date key
 * first) turns the object into a slow dictionary, and validation, classification,
 * normalization and the id's record text all read it after (measured: ~1-2 µs per record).
 */
export function withoutKey(rec: Record<string, unknown>, key: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k in rec) {
    if (k === key || !Object.hasOwn(rec, k)) continue;
    // A "__proto__" key (JSON.parse makes it an own property) is copied as one, not assigned (which would set the prototype).
    if (k === '__proto__') Object.defineProperty(out, k, { value: rec[k], enumerable: true, writable: true, configurable: true });
    else out[k] = rec[k];
  }
  return out;
}

/**
 * `sink`: each event is handed to it as soon as it is normalized, instead of collected in
 * `events` (left empty then): the decode worker encodes it at once, so no chunk-long array of
 * events survives to be promoted by the GC, and the encoder sees the id its hash just made.
 */
export function processRecords(records: readonly unknown[], ctx: RecordBatchContext, sink?: (e: LogEvent) => void): RecordBatchResult {
  const events: LogEvent[] = [];
  const deadLetters: DeadLetter[] = [];
  let blank = 0;
  // One context for the chunk, its collection time set per record (normalizeRecord keeps nothing of it).
  const rctx: RecordContext = { receivedAt: ctx.receivedAt, tag: ctx.tag, collectedAt: undefined };
  for (let i = 0; i < records.length; i++) {
    const raw = records[i];
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
      deadLetters.push(deadLetter(ctx, `record ${i}: expected a JSON object, got ${Array.isArray(raw) ? 'an array' : raw === null ? 'null' : typeof raw}`, raw));
      continue;
    }
    const rec = takeCollectorTime(raw as Record<string, unknown>, ctx.dateKeys);
    rctx.collectedAt = collectedAt;
    const shape = classifyRecord(rec);
    if (!shape) {
      deadLetters.push(deadLetter(ctx, `record ${i}: unknown record shape (expected one of ${SHAPES.join(', ')}: e.g. a "log" line, a parsed "message", a Windows event or a journal entry)`, rec));
      continue;
    }
    const validate = validatorFor(recordSchemaFile(shape));
    if (!validate(rec)) {
      deadLetters.push(deadLetter(ctx, `record ${i} (${shape}): ${describeErrors(validate.errors)}`, rec));
      continue;
    }
    if (isBlankRecord(rec, shape)) {
      blank++;
      continue;
    }
    let e: LogEvent;
    try {
      e = normalizeRecord(rec, shape, rctx, ctx.normalize);
    } catch (err) {
      deadLetters.push(deadLetter(ctx, `record ${i} (${shape}): ${(err as Error).message}`, rec));
      continue;
    }
    // Outside the try: an encoder failure is not this record's fault (as before, it fails the chunk).
    if (sink) sink(e);
    else events.push(e);
  }
  return { events, deadLetters, blank };
}
