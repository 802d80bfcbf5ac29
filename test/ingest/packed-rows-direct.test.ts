/**
 * The decode worker encodes each event straight into its chunk's pack (RowPacker.addEvent, the
 * codec's appendEvent); the general path encodes it in the codec's scratch buffers and copies
 * (add(encodeEventScratch(e))). Both must give the same pack, byte for byte, for every kind of
 * key: the id, a positional key from an offset or a record id, a position too large for the key,
 * a position that is not a whole number (the general path's error), a text id, and the fixtures.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { RowPacker, type PackedRows } from '../../alert-service/src/ingest/packed-rows.js';
import { encodeEventScratch } from '../../alert-service/src/store/event-codec.js';
import { decodeChunkPacked } from '../../alert-service/src/ingest/decode.js';
import { loadConfig } from '../../alert-service/src/config/load.js';
import { decodeBody, parseBody } from '../../alert-service/src/ingest/body.js';
import { processRecords } from '../../alert-service/src/ingest/records.js';
import type { LogEvent } from '../../alert-service/src/generated/schema-types.js';
import { loadCaptures, windowsSampleBody } from '../helpers/captures.js';
import { sshFailureEvent } from '../helpers/sample-event.js';

const base: LogEvent = sshFailureEvent;

let n = 0;
const hexId = () => createHash('sha256').update(`e${++n}`).digest('hex').slice(0, 32);

const events: LogEvent[] = [
  { ...base, id: hexId() },
  { ...base, id: hexId(), source: { kind: 'auth' } }, // no position: the key is the id
  { ...base, id: hexId(), source: { ...base.source, offset: 0 } },
  { ...base, id: hexId(), source: { ...base.source, offset: 0xffff_ffff_ffff } }, // the largest position the key holds
  { ...base, id: hexId(), source: { ...base.source, offset: 0xffff_ffff_ffff + 1 } }, // too large: the key is the id
  { ...base, id: hexId(), source: { ...base.source, offset: 2 ** 40 + 12345 } },
  { ...base, id: hexId(), source: { kind: 'windows', channel: 'Security', record_id: 88120 }, agent_host: undefined as unknown as string },
  { ...base, id: hexId(), source: { kind: 'windows', channel: '', record_id: 3 } },
  // Text ids without a position: with one, dedupeKey's key takes 4 bytes of the id's hex decoding,
  // which has fewer, and the rest of the key is whatever its fresh buffer held (either way).
  { ...base, id: 'not-a-hex-id', source: { kind: 'auth', path: '/x' } },
  { ...base, id: hexId().toUpperCase(), source: { kind: 'auth' } }, // not lowercase: a text id
  { ...base, id: hexId(), time: '2026-11-21T10:00:00Z', time_offset_minutes: 60, message: 'naïve 😀 ' + 'x'.repeat(300) } as LogEvent,
  { ...base, id: hexId(), program: undefined as unknown as string, pid: -1, extra_top: { a: 1 } } as unknown as LogEvent,
];
for (const e of events) for (const k of Object.keys(e) as Array<keyof LogEvent>) if (e[k] === undefined) delete e[k];

function packBoth(list: readonly LogEvent[]): [PackedRows, PackedRows] {
  const direct = new RowPacker(list.length, 64);
  const general = new RowPacker(list.length, 64);
  for (const e of list) {
    direct.addEvent(e);
    general.add(encodeEventScratch(e));
  }
  return [direct.finish(), general.finish()];
}

test('addEvent packs the bytes and strings add(encodeEventScratch(e)) packs, for every kind of key', () => {
  const [direct, general] = packBoth(events);
  assert.deepStrictEqual(direct, general);
  // The cases do what they say: a positional key for an offset within 48 bits, the id for the rest.
  assert.equal(direct.byteLengths.length, 2 * events.length);
  // Each alone too (no state of one event carried into the next).
  for (const e of events) assert.deepStrictEqual(...packBoth([e]));
});

test('a position that is not a whole number fails both ways alike', () => {
  for (const offset of [1.5, -1]) {
    const e = { ...base, id: hexId(), source: { ...base.source, offset } };
    const direct = new RowPacker(1, 64);
    let generalError: unknown;
    try {
      encodeEventScratch(e);
    } catch (err) {
      generalError = err;
    }
    if (generalError === undefined) {
      const [a, b] = packBoth([e]);
      assert.deepStrictEqual(a, b);
    } else assert.throws(() => direct.addEvent(e), { message: (generalError as Error).message });
  }
});

test('the fixtures decode to the same pack either way', async () => {
  const cfg = loadConfig({ env: {} });
  const settings = { ingest: cfg.ingest, normalize: cfg.normalize };
  const bodies = [...loadCaptures('raw-gzip-json'), ...loadCaptures('parsed-json-lines')].map((c) => ({ body: c.body, enc: c.headers['Content-Encoding'] ?? c.headers['content-encoding'] }));
  bodies.push({ body: windowsSampleBody(), enc: undefined });
  let rows = 0;
  for (const b of bodies) {
    const req = { body: new Uint8Array(b.body), receivedAtMs: Date.parse('2026-11-21T10:00:00.123Z'), tag: 'capture', ...(b.enc ? { contentEncoding: b.enc } : {}) };
    const { packed } = await decodeChunkPacked(req, settings);
    // The same records normalized again, all of them first, then packed through the scratch path:
    // the encoder then meets times and ids other than the ones the normalizer issued last, and
    // parses and checks them itself (util/iso-times.ts noteIssuedTime, util/issued-id.ts).
    const text = await decodeBody(Buffer.from(b.body), b.enc, cfg.ingest.max_decoded_bytes);
    const { records } = parseBody(text, { maxBodyBytes: cfg.ingest.max_body_bytes, maxDecodedBytes: cfg.ingest.max_decoded_bytes, maxRecords: cfg.ingest.max_records, maxDepth: cfg.ingest.max_depth });
    const { events } = processRecords(records, { receivedAt: new Date(req.receivedAtMs), tag: 'capture', dateKeys: cfg.ingest.date_keys, normalize: cfg.normalize });
    const general = new RowPacker(events.length, 64);
    for (const e of events) general.add(encodeEventScratch(e));
    assert.deepStrictEqual(packed, general.finish());
    rows += events.length;
  }
  assert.ok(rows > 50, `${rows} fixture rows`);
});
