/** The compact stored form: every fixture event, and events built to hit each corner of the layout, come back exactly. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { loadConfig } from '../../alert-service/src/config/load.js';
import { decodeChunk } from '../../alert-service/src/ingest/decode.js';
import { openDatabase } from '../../alert-service/src/store/database.js';
import { decodeStored, encodeEvent, SqliteEventStore } from '../../alert-service/src/store/sqlite-event-store.js';
import { decodeBody, parseBody } from '../../alert-service/src/ingest/body.js';
import { packRows, unpackRows } from '../../alert-service/src/ingest/packed-rows.js';
import { processRecords } from '../../alert-service/src/ingest/records.js';
import type { LogEvent } from '../../alert-service/src/generated/schema-types.js';
import type { EncodedEvent } from '../../alert-service/src/store/event-store.js';
import { storedEncoded } from '../../alert-service/src/store/stored-rows.js';
import { loadCaptures, windowsSampleBody } from '../helpers/captures.js';
import { sshFailureEvent } from '../helpers/sample-event.js';

const cfg = loadConfig({ env: {} });
const settings = { ingest: cfg.ingest, normalize: cfg.normalize };
const store = (opts: { maxInternedStrings?: number } = {}) => new SqliteEventStore(openDatabase({ path: ':memory:' }), { retentionDays: 3650, deadLetterRetentionDays: 1, ...opts });

/** The fixtures through ingest's decode: the rows it stores and, normalized separately, the events they hold. */
async function fixtureRows(): Promise<{ rows: EncodedEvent[]; events: LogEvent[] }> {
  const bodies = [...loadCaptures('raw-gzip-json'), ...loadCaptures('parsed-json-lines')].map((c) => ({ body: c.body, enc: c.headers['Content-Encoding'] ?? c.headers['content-encoding'] }));
  bodies.push({ body: windowsSampleBody(), enc: undefined });
  const rows: EncodedEvent[] = [];
  const events: LogEvent[] = [];
  const receivedAt = new Date('2026-11-21T10:00:00.123Z');
  for (const b of bodies) {
    const chunk = await decodeChunk({ body: b.body, receivedAtMs: receivedAt.getTime(), tag: 'capture', ...(b.enc ? { contentEncoding: b.enc } : {}) }, settings);
    rows.push(...chunk.rows);
    const text = await decodeBody(Buffer.from(b.body), b.enc, cfg.ingest.max_decoded_bytes);
    const { records } = parseBody(text, { maxBodyBytes: cfg.ingest.max_body_bytes, maxDecodedBytes: cfg.ingest.max_decoded_bytes, maxRecords: cfg.ingest.max_records, maxDepth: cfg.ingest.max_depth });
    events.push(...processRecords(records, { receivedAt, tag: 'capture', dateKeys: cfg.ingest.date_keys, normalize: cfg.normalize }).events);
  }
  return { rows, events };
}

/** Stored, then read back both ways (tailing by seq and by event time): equal objects and equal JSON text. */
function assertRoundTrip(s: SqliteEventStore, events: LogEvent[]): void {
  const before = s.lastSeq();
  const r = s.insertEvents(events);
  assert.equal(r.inserted, events.length);
  const back = s.readAfter(before, events.length + 1).map((x) => x.event);
  assert.deepStrictEqual(back, events);
  assert.equal(JSON.stringify(back), JSON.stringify(events), 'same property order as the normalizer');
}

test('every fixture event (Fluent Bit captures, Windows samples) round-trips exactly', async () => {
  const { rows, events } = await fixtureRows();
  assert.ok(rows.length > 50, `fixtures give ${rows.length} events`);
  assert.equal(rows.length, events.length);
  const kinds = new Set(events.map((e) => e.source.kind));
  for (const k of ['auth', 'syslog', 'web_access', 'app', 'windows']) assert.ok(kinds.has(k as LogEvent['source']['kind']), `fixtures include ${k}`);
  const s = store();
  // The ingest path: encoded on the decode side, inserted as is.
  const { stored } = s.insertEncoded(rows);
  // What the pump hands the consumers, decoded from the rows as stored: the events themselves.
  assert.deepStrictEqual(storedEncoded(stored).map((x) => decodeStored(x).event), events.filter((e, i) => events.findIndex((x) => x.id === e.id) === i));
  const byId = new Map(events.map((e) => [e.id, e]));
  const back = s.readAfter(0, rows.length + 1);
  assert.equal(back.length, byId.size);
  for (const b of back) assert.deepStrictEqual(b.event, byId.get(b.event.id));
  assert.deepEqual(storedEncoded(stored).map((x) => x.seq), back.map((x) => x.seq));
  // And through query() (the API's read).
  assert.equal(s.query({ limit: 100_000 }).length, byId.size);
});

const base: LogEvent = sshFailureEvent;

test('corners of the layout round-trip: literal times, unicode, unknown properties, odd values', () => {
  const s = store();
  let n = 0;
  const id = () => createHash('md5').update(String(++n)).digest('hex'); // ids are hashes
  assertRoundTrip(s, [
    { ...base, id: id() },
    // Times that are not the canonical ISO form of their instant are kept as written.
    { ...base, id: id(), time: '2026-11-21T10:00:00Z', received_at: '2026-11-21T10:00:01.5Z' },
    { ...base, id: id(), received_at: '2026-11-20T10:00:00.000Z' }, // received before the event time (clock skew)
    // No optional parts at all.
    { id: id(), time: '2026-11-21T10:00:00.001Z', received_at: '2026-11-21T10:00:00.001Z', host: 'h', source: { kind: 'app' }, severity: 'debug', message: '', fields: {} },
    // Unicode (U+FFFD, astral), a field that occurs in a unicode message, a short one that does not get a reference.
    { ...base, id: id(), message: 'caf\uFFFD 😀 user ü from 203.0.113.9 port 1', fields: { user: 'ü', src_ip: '203.0.113.9', actor: 'x' } },
    // A message over 64 KiB and a field of the same length.
    { ...base, id: id(), message: 'm'.repeat(70_000), fields: { http_path: 'm'.repeat(70_000) } },
    // Windows: channel + record id, event_data as an object, integers, booleans, null.
    {
      ...base, id: id(), host: 'DC01.corp.example', agent_host: 'DC01', program: 'Microsoft-Windows-Security-Auditing', source: { kind: 'windows', channel: 'Security', record_id: 98765 },
      fields: { event_id: 4625, audit: 'failure', logon_type: 3, event_data: { TargetUserName: 'bob', Status: '0xc000006d', IpPort: 0, Flag: true, Empty: null }, provider: 'Microsoft-Windows-Security-Auditing' },
    },
    // App log extras, nested; a negative and a fractional number.
    { ...base, id: id(), source: { kind: 'app', path: '/var/log/app.log' }, fields: { extra: { order: { id: 'A-1', items: [1, 2] }, took_ms: 1.25, delta: -3 }, http_status: 503 } },
    // Properties this codec does not know (a later schema version), at the top and in source.
    { ...base, id: id(), source: { ...base.source, inode: 998877 } as LogEvent['source'], ...({ trace_id: 'abc', tags: ['x'] } as object) } as LogEvent,
    // Values outside the compact layout: not-a-hex id, huge offset (no positional key), a field name not in the schema.
    { ...base, id: 'not-a-hex-id', source: { kind: 'syslog', path: '/var/log/syslog' }, fields: { ...({ custom_field: 'v' } as object) } },
    { ...base, id: id(), source: { kind: 'auth', path: '/var/log/auth.log', offset: 2 ** 50 } },
    { ...base, id: id(), time_source: 'received', severity: 'emergency' },
  ]);
});

test('rows that are views into one shared byte array (as ingest unpacks a chunk) decode exactly, one after another', () => {
  // Positional keys (id tail in the body), a key that is the id, unicode and a text id, packed as
  // the decode worker packs a chunk: every key and body a plain Uint8Array view, not a Buffer.
  let n = 0;
  const id = () => createHash('md5').update(`v${++n}`).digest('hex');
  const events: LogEvent[] = [
    { ...base, id: id() },
    { ...base, id: id(), source: { kind: 'app', path: '/var/log/app.log' }, message: 'naïve 😀 from 198.51.100.7', fields: { src_ip: '198.51.100.7' } },
    { ...base, id: id(), source: { kind: 'auth' } }, // no position: the key is the id
    { ...base, id: 'not-a-hex-id' },
    { ...base, id: id(), source: { ...base.source, offset: 1 } },
  ];
  const rows = unpackRows(packRows(events.map(encodeEvent)));
  for (const r of rows) assert.ok(!Buffer.isBuffer(r.body) && !Buffer.isBuffer(r.key));
  assert.deepEqual(rows.map((row, i) => decodeStored({ seq: i + 1, row }).event), events);
  // Twice: decoding reuses its reader and scratch bytes, nothing of one event leaks into the next.
  assert.deepEqual(rows.map((row, i) => decodeStored({ seq: i + 1, row }).event).reverse(), [...events].reverse());
  // A cut body is an error, not an event read past the end of its view into the next row's bytes.
  const cut = { ...rows[1]!, body: rows[1]!.body.subarray(0, rows[1]!.body.length - 3) };
  assert.throws(() => decodeStored({ seq: 1, row: cut }), /truncated/);
});

test('a full dictionary stores new streams and programs inside the event, same result', () => {
  const s = store({ maxInternedStrings: 3 });
  const events = Array.from({ length: 20 }, (_, i) => ({ ...base, id: createHash('md5').update(`b${i}`).digest('hex'), program: `prog${i}`, source: { ...base.source, path: `/var/log/f${i}.log` } }));
  assertRoundTrip(s, events);
  assertRoundTrip(s, [{ ...base, id: 'c'.repeat(32) }]); // an interned stream still works beside them
});

test('encodeEvent is pure: the same event gives the same bytes, a retried chunk is a duplicate', () => {
  const a = encodeEvent(base);
  const b = encodeEvent(structuredClone(base));
  assert.deepEqual(Buffer.from(a.body), Buffer.from(b.body));
  assert.deepEqual(Buffer.from(a.key), Buffer.from(b.key));
  const s = store();
  assert.equal(s.insertEncoded([a]).inserted, 1);
  assert.deepEqual([s.insertEncoded([b]).inserted, s.insertEncoded([b]).duplicates], [0, 1]);
  // The compact form is well under the JSON.
  const json = JSON.stringify(base).length;
  assert.ok(a.body.length * 2 < json, `${a.body.length} body bytes for ${json} JSON characters`);
});
