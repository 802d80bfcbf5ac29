/**
 * Per-record stage of ingest: strip the Fluent Bit date key, find the record's shape, validate it
 * against its schema and normalize it. A record that fails is dead-lettered with the reason;
 * it never sinks the other records of its chunk. A blank record (a whitespace-only line) is
 * neither an event nor an error: it is counted in `blank` and dropped.
 */
import type { LogEvent, NormalizeConfig } from '../generated/schema-types.js';
import type { DeadLetter } from '../store/event-store.js';
import { describeErrors, validatorFor } from '../schema/registry.js';
import { classifyRecord, isBlankRecord, normalizeRecord, parseCollectorTime, recordSchemaFile, type RecordShape } from '../normalize/index.js';

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

/** Removes the collector timestamp, unless the key holds something else (a log's own `date` field). */
function takeCollectorTime(rec: Record<string, unknown>, keys: readonly string[]): Date | undefined {
  for (const key of keys) {
    if (!(key in rec)) continue;
    const t = parseCollectorTime(rec[key]);
    if (t) {
      delete rec[key];
      return t;
    }
  }
  return undefined;
}

export function processRecords(records: readonly unknown[], ctx: RecordBatchContext): RecordBatchResult {
  const events: LogEvent[] = [];
  const deadLetters: DeadLetter[] = [];
  let blank = 0;
  for (let i = 0; i < records.length; i++) {
    const raw = records[i];
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
      deadLetters.push(deadLetter(ctx, `record ${i}: expected a JSON object, got ${Array.isArray(raw) ? 'an array' : raw === null ? 'null' : typeof raw}`, raw));
      continue;
    }
    const rec = raw as Record<string, unknown>;
    const collectedAt = takeCollectorTime(rec, ctx.dateKeys);
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
    try {
      events.push(normalizeRecord(rec, shape, { receivedAt: ctx.receivedAt, ...(ctx.tag !== undefined ? { tag: ctx.tag } : {}), ...(collectedAt ? { collectedAt } : {}) }, ctx.normalize));
    } catch (err) {
      deadLetters.push(deadLetter(ctx, `record ${i} (${shape}): ${(err as Error).message}`, rec));
    }
  }
  return { events, deadLetters, blank };
}
