/**
 * Per-record stage of ingest: strip the Fluent Bit date key, find the record's shape, validate it
 * against its schema and normalize it. A record that fails is dead-lettered with the reason;
 * it never sinks the other records of its chunk. A blank record (a whitespace-only line) is
 * neither an event nor an error: it is counted in `blank` and dropped.
 */
import type { LogEvent, NormalizeConfig } from '../generated/schema-types.js';
import type { DeadLetter } from '../store/event-store.js';
import { describeErrors, validatorFor } from '../schema/registry.js';
import { classifyRecord, isBlankRecord, normalizeRecord, parseCollectorMs, recordSchemaFile, tailRawKeyRead, type RecordContext, type RecordShape } from '../normalize/index.js';

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
 * The date key holding the collector timestamp (its instant in collectedMs), or undefined when
 * no key does (one may hold something else: a log's own `date` field).
 */
function collectorKey(rec: Record<string, unknown>, keys: readonly string[]): string | undefined {
  for (const key of keys) {
    if (!(key in rec)) continue;
    const ms = parseCollectorMs(rec[key]);
    if (ms !== undefined) {
      collectedMs = ms;
      return key;
    }
  }
  collectedMs = undefined;
  return undefined;
}
/** collectorKey's timestamp (a variable, not a result object per record). */
let collectedMs: number | undefined;

/**
 * The record without its collector timestamp key, as every later stage sees it, and its shape.
 * A raw tail line (what our agents send) keeps the key instead of being copied without it
 * (withoutKey was ~2 % of the decode worker's time): classification, the tail-raw schema
 * (additionalProperties) and the tail line's normalization read only the keys tailRawKeyRead
 * names, so a key outside them changes nothing they see. Its shape is the same either way:
 * each test classifyRecord makes before "tail_raw" holds only if some key is present, so
 * dropping a key other than `log` cannot make one of them hold. `stripped` is what a dead
 * letter must show (the record without the key), made only for one.
 */
function recordOf(raw: Record<string, unknown>, key: string | undefined): Record<string, unknown> {
  if (key === undefined) {
    shapeOf = classifyRecord(raw);
    keptKey = undefined;
    return raw;
  }
  const shape = classifyRecord(raw);
  if (shape === 'tail_raw' && !tailRawKeyRead(key)) {
    shapeOf = shape;
    keptKey = key;
    return raw;
  }
  const rec = withoutKey(raw, key);
  shapeOf = classifyRecord(rec);
  keptKey = undefined;
  return rec;
}
/** What a dead letter shows of a record recordOf returned with the date key `kept` left in. */
function shown(rec: Record<string, unknown>, kept: string | undefined): Record<string, unknown> {
  return kept === undefined ? rec : withoutKey(rec, kept);
}

/** recordOf's shape, and the date key it left in the record (undefined: none left). */
let shapeOf: RecordShape | undefined;
let keptKey: string | undefined;

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
  // One Date for the chunk's collection times, set per record: the normalizer only reads its
  // getTime() while it runs (new Date per record was ~1 % of the worker's time).
  const collectedAt = new Date(0);
  for (let i = 0; i < records.length; i++) {
    const raw = records[i];
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
      deadLetters.push(deadLetter(ctx, `record ${i}: expected a JSON object, got ${Array.isArray(raw) ? 'an array' : raw === null ? 'null' : typeof raw}`, raw));
      continue;
    }
    const rec = recordOf(raw as Record<string, unknown>, collectorKey(raw as Record<string, unknown>, ctx.dateKeys));
    const shape = shapeOf;
    const kept = keptKey;
    rctx.collectedAt = collectedMs === undefined ? undefined : (collectedAt.setTime(collectedMs), collectedAt);
    if (!shape) {
      deadLetters.push(deadLetter(ctx, `record ${i}: unknown record shape (expected one of ${SHAPES.join(', ')}: e.g. a "log" line, a parsed "message", a Windows event or a journal entry)`, rec));
      continue;
    }
    const validate = validatorFor(recordSchemaFile(shape));
    if (!validate(rec)) {
      deadLetters.push(deadLetter(ctx, `record ${i} (${shape}): ${describeErrors(validate.errors)}`, shown(rec, kept)));
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
      deadLetters.push(deadLetter(ctx, `record ${i} (${shape}): ${(err as Error).message}`, shown(rec, kept)));
      continue;
    }
    // Outside the try: an encoder failure is not this record's fault (as before, it fails the chunk).
    if (sink) sink(e);
    else events.push(e);
  }
  return { events, deadLetters, blank };
}
