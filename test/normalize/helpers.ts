/** Shared fixtures for the normalize tests: the captured Fluent Bit requests, decoded as ingest does. */
import { readFileSync, readdirSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import assert from 'node:assert/strict';
import type { LogEvent, NormalizeConfig } from '../../alert-service/src/generated/schema-types.js';
import { classifyRecord, normalizeRecord, parseCollectorTime, recordSchemaFile, type RecordContext } from '../../alert-service/src/normalize/index.js';
import { describeErrors, validatorFor } from '../../alert-service/src/schema/registry.js';
import { FIXTURES } from '../helpers/paths.js';
import { join } from 'node:path';

export const CAPTURES = join(FIXTURES, 'fluent-bit-captures');
export const WINDOWS_SAMPLE = join(FIXTURES, 'windows-eventlog-samples', 'winevtlog-out-http-body.json');
export const DATE_KEYS = ['fb_time', 'date'];
export const RECEIVED = new Date('2026-11-22T00:00:00.000Z');

export const cfg = (over: Partial<NormalizeConfig> = {}): NormalizeConfig => ({ timezone: 'UTC', max_message_chars: 16384, ...over });

export interface Capture {
  name: string;
  tag: string | undefined;
  records: Record<string, unknown>[];
}

/** Every captured request body as a list of records (gzip JSON array or NDJSON). */
export function loadCaptures(folder: 'raw-gzip-json' | 'parsed-json-lines'): Capture[] {
  const dir = `${CAPTURES}/${folder}`;
  return readdirSync(dir)
    .filter((f) => f.endsWith('.body'))
    .sort()
    .map((f) => {
      const headers = JSON.parse(readFileSync(`${dir}/${f.replace('.body', '.headers.json')}`, 'utf8')) as { headers: Record<string, string> };
      const raw = readFileSync(`${dir}/${f}`);
      const records =
        headers.headers['Content-Encoding'] === 'gzip'
          ? (JSON.parse(gunzipSync(raw).toString('utf8')) as Record<string, unknown>[])
          : raw.toString('utf8').split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as Record<string, unknown>);
      return { name: `${folder}/${f}`, tag: headers.headers['X-Fluent-Tag'], records };
    });
}

export function loadWindows(): Record<string, unknown>[] {
  return JSON.parse(readFileSync(WINDOWS_SAMPLE, 'utf8')) as Record<string, unknown>[];
}

/** What the ingest route does per record: lift the date key, classify, validate, normalize; the event must validate. */
export function ingestOne(record: Record<string, unknown>, tag: string | undefined, config = cfg()): LogEvent {
  const rec = { ...record };
  let collectedAt: Date | undefined;
  // As ingest does: the first date key holding a collector timestamp is lifted out; a key that
  // holds something else (an app's own "date" field) stays part of the record.
  for (const k of DATE_KEYS) {
    if (!(k in rec)) continue;
    const t = parseCollectorTime(rec[k]);
    if (t) {
      collectedAt = t;
      delete rec[k];
      break;
    }
  }
  const shape = classifyRecord(rec);
  assert.ok(shape, `unclassified record ${JSON.stringify(rec).slice(0, 200)}`);
  const recordValid = validatorFor(recordSchemaFile(shape));
  assert.ok(recordValid(rec), `record fails ${recordSchemaFile(shape)}: ${describeErrors(recordValid.errors)}`);
  const ctx: RecordContext = { receivedAt: RECEIVED };
  if (tag !== undefined) ctx.tag = tag;
  if (collectedAt) ctx.collectedAt = collectedAt;
  const ev = normalizeRecord(rec, shape, ctx, config);
  assertValidEvent(ev);
  return ev;
}

export function assertValidEvent(ev: LogEvent): void {
  const valid = validatorFor('event.schema.json');
  assert.ok(valid(ev), `event fails event.schema.json: ${describeErrors(valid.errors)} in ${JSON.stringify(ev).slice(0, 300)}`);
}

/** Assert that `actual` has every key of `expected` with a deep-equal value (other keys may exist). */
export function assertSubset(actual: unknown, expected: Record<string, unknown>, where: string): void {
  const a = actual as Record<string, unknown>;
  for (const [k, v] of Object.entries(expected)) {
    if (v !== null && typeof v === 'object' && !Array.isArray(v) && typeof a[k] === 'object') assertSubset(a[k], v as Record<string, unknown>, `${where}.${k}`);
    else assert.deepEqual(a[k], v, `${where}.${k}`);
  }
}
