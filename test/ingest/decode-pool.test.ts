/** The worker pool: results as inline, errors with their status, and a clean refusal once closed. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfig } from '../../alert-service/src/config/load.js';
import { createDecodePool } from '../../alert-service/src/ingest/decode-pool.js';
import { decodeEncoded } from '../../alert-service/src/store/event-codec.js';
import type { IngestError } from '../../alert-service/src/ingest/errors.js';

const config = loadConfig({ env: {} });
const settings = { ingest: config.ingest, normalize: config.normalize };
const body = (text: string) => ({ body: Buffer.from(text), receivedAtMs: Date.parse('2026-11-21T10:00:00Z') });

test('a worker decodes a chunk, passes bad input on as its 4xx, and refuses with 503 once closed', async () => {
  const pool = createDecodePool(settings, 1);
  const ok = await pool.decode(body(JSON.stringify([{ log: 'Nov 21 10:00:03 web1 sshd[1]: hello', file: '/var/log/auth.log', offset: 0 }])));
  assert.equal(ok.rows.length, 1);
  assert.equal(decodeEncoded(ok.rows.at(0)!).message, 'hello');
  await assert.rejects(pool.decode(body('not json')), (err: IngestError) => err.status === 400 && err.code === 'bad_json');
  await pool.close();
  await assert.rejects(pool.decode(body('[]')), (err: IngestError) => err.status === 503 && err.code === 'shutting_down');
});

test('rows packed for the hand-off come back identical: empty, non-Latin-1 and long fields included', async () => {
  const { packRows, unpackRows } = await import('../../alert-service/src/ingest/packed-rows.js');
  const bytes = (...b: number[]) => Uint8Array.from(b);
  const rows = [
    { key: bytes(0xa1), timeMs: 1795304879123, host: '', kind: 'auth', stream: 'web1\u0000/var/log/auth.log', program: 'sshd', body: bytes(1, 2, 3) },
    { key: new Uint8Array(16).fill(0xff), timeMs: -1, host: 'wéb1', kind: 'app', stream: 'x'.repeat(70_000), program: '', body: new Uint8Array(70_000).fill(7) },
    { key: bytes(), timeMs: 0, host: 'h', kind: '', stream: 's', body: bytes() },
  ];
  assert.deepEqual(unpackRows(packRows(rows)), rows);
  assert.deepEqual(unpackRows(packRows([])), []);
  const bad = packRows(rows);
  bad.lengths[bad.lengths.length - 1]! += 1; // the last string of the table said to be longer than the text holds
  assert.throws(() => unpackRows(bad), /do not add up/);
  const outOfRange = packRows(rows);
  outOfRange.lengths[0] = outOfRange.lengths.length; // a host reference past the table
  assert.throws(() => unpackRows(outOfRange), /out of range/);
  const none = packRows(rows);
  none.lengths[1] = 0; // only the program may be absent
  assert.throws(() => unpackRows(none), /out of range/);
});

test('packed rows hold each distinct string once and give every row its own values back (shared hosts, streams, programs)', async () => {
  const { packRows, unpackRows } = await import('../../alert-service/src/ingest/packed-rows.js');
  const rows = Array.from({ length: 500 }, (_, i) => {
    const row: { key: Uint8Array; timeMs: number; host: string; kind: string; stream: string; program?: string; body: Uint8Array } = {
      key: Uint8Array.of(i & 255, i >> 8), timeMs: 1795304879000 + i, host: `web${i % 7}`, kind: i % 3 ? 'auth' : 'web_access',
      stream: JSON.stringify([`web${i % 7}`, null, `/var/log/f${i % 5}.log`, null]), body: Uint8Array.of(i % 251),
    };
    if (i % 4 === 1) row.program = i % 8 === 1 ? '' : `prog${i % 3}`; // '' and absent stay apart
    return row;
  });
  const packed = packRows(rows);
  const distinct = new Set(rows.flatMap((r) => [r.host, r.kind, r.stream, ...(r.program !== undefined ? [r.program] : [])]));
  assert.equal(packed.lengths.length, rows.length * 4 + distinct.size);
  assert.equal(packed.text.length, [...distinct].reduce((n, s) => n + s.length, 0));
  assert.deepStrictEqual(unpackRows(packed), rows);
});
