/**
 * Chunks at every limit: one past a limit (records, decoded bytes, a compressed bomb) is refused
 * early with 413 and bounded memory and time; chunks right at the limits, many at once, are all
 * stored. Real service (decode worker thread, SQLite file) over loopback, with small limits so
 * the test stays quick; the same code paths run at the default limits in `npm run bench:ingest -- --mode limits`.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { postRaw, startTestService, type TestService } from '../helpers/service.js';

const MAX_RECORDS = 2000;
const MAX_DECODED = 1024 * 1024;
let t: TestService;
let base: string;
before(async () => {
  t = await startTestService({ ingest: { max_records: MAX_RECORDS, max_decoded_bytes: MAX_DECODED, max_body_bytes: 4 * MAX_DECODED, max_inflight_decoded_bytes: 2 * MAX_DECODED } });
  base = `http://127.0.0.1:${await t.service.listen()}`;
  assert.equal((await send(JSON.stringify([record(999_999)]))).status, 204); // the worker is up
});
after(() => t.close());

const record = (offset: number, pad = 0) => ({ fb_time: '2026-11-21T23:47:51.124425Z', file: '/var/log/auth.log', offset, log: `Nov 21 10:00:03 web1 sshd[3101]: Failed password for root from 203.0.113.7 port 40112 ssh2${'x'.repeat(pad)}`, hostname: 'web1', source_kind: 'auth' });
const send = (body: Buffer | string, gzip = false) => postRaw(base, '/v1/ingest', { 'Content-Type': 'application/json', ...(gzip ? { 'Content-Encoding': 'gzip' } : {}) }, body);

/** Runs `fn` and reports how long it took and how far RSS rose over the process (main + worker), sampled every 5 ms. */
async function measured<T>(fn: () => Promise<T>): Promise<{ value: T; ms: number; rssRiseMb: number }> {
  const base = process.memoryUsage.rss();
  let peak = base;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 5);
  const t0 = Date.now();
  const value = await fn();
  const ms = Date.now() - t0;
  clearInterval(sampler);
  peak = Math.max(peak, process.memoryUsage.rss());
  return { value, ms, rssRiseMb: (peak - base) / 2 ** 20 };
}

test('one record past max_records → 413, for an array and for JSON lines; nothing stored', async () => {
  const before = t.service.store.countEvents();
  const over = Array.from({ length: MAX_RECORDS + 1 }, (_, i) => record(i));
  for (const body of [JSON.stringify(over), over.map((r) => JSON.stringify(r)).join('\n')]) {
    const res = await send(gzipSync(body), true);
    assert.equal(res.status, 413, res.text);
    assert.equal(res.body.error, 'too_many_records');
  }
  assert.equal(t.service.store.countEvents(), before);
});

test('300,000 tiny records in one body stop at max_records: bounded time and memory', async () => {
  // 300,000 elements in 900 KB (under max_decoded_bytes): JSON.parse of it all would build them all first.
  for (const body of ['[' + Array(300_000).fill('{}').join(',') + ']', Array(300_000).fill('{}').join('\n')]) {
    const { value: res, ms, rssRiseMb } = await measured(() => send(gzipSync(body), true));
    assert.equal(res.status, 413, res.text);
    assert.equal(res.body.error, 'too_many_records');
    assert.ok(ms < 3000, `answered in ${ms} ms`);
    assert.ok(rssRiseMb < 150, `RSS rose ${rssRiseMb.toFixed(0)} MiB`);
  }
});

test('a body past max_decoded_bytes → 413: identity by its length, gzip while decompressing', async () => {
  const big = JSON.stringify(Array.from({ length: 1 }, () => record(0, MAX_DECODED)));
  const plain = await send(big);
  assert.equal(plain.status, 413);
  assert.equal(plain.body.error, 'decoded_too_large');
  const gz = await send(gzipSync(big), true);
  assert.equal(gz.status, 413);
  assert.equal(gz.body.error, 'decoded_too_large');
});

test('a compressed bomb (1 GiB of zeros in 1 MiB of gzip, trailer understating it) → 413, bounded memory and time', async () => {
  // 64 gzip members of 16 MiB each: every trailer declares 16 MiB, the body decodes to 1 GiB.
  const member = gzipSync(Buffer.alloc(16 * 2 ** 20), { level: 9 });
  const bomb = Buffer.concat(Array(64).fill(member));
  assert.ok(bomb.length < 4 * MAX_DECODED, 'within max_body_bytes, so it reaches the decoder');
  const { value: res, ms, rssRiseMb } = await measured(() => send(bomb, true));
  assert.equal(res.status, 413, res.text);
  assert.equal(res.body.error, 'decoded_too_large');
  assert.ok(ms < 3000, `answered in ${ms} ms`);
  assert.ok(rssRiseMb < 100, `RSS rose ${rssRiseMb.toFixed(0)} MiB`);
});

test('chunks right at the limits, 12 at once, are all stored; nothing valid is lost beside the refused ones', async () => {
  const before = t.service.store.countEvents();
  // 6 chunks of exactly max_records records, 6 of a few large records just under max_decoded_bytes.
  const atRecords = Array.from({ length: 6 }, (_, k) => JSON.stringify(Array.from({ length: MAX_RECORDS }, (_, i) => record(1_000_000 + k * MAX_RECORDS + i))));
  const atBytes = Array.from({ length: 6 }, (_, k) => {
    const recs = Array.from({ length: 20 }, (_, i) => record(2_000_000 + k * 100 + i, 0));
    const fill = Math.floor((MAX_DECODED - JSON.stringify(recs).length - 64) / 20);
    return JSON.stringify(recs.map((r) => ({ ...r, log: r.log + 'y'.repeat(Math.min(fill, 60_000)) })));
  });
  for (const b of atBytes) assert.ok(b.length <= MAX_DECODED && b.length > MAX_DECODED / 2);
  const refused = send(JSON.stringify(Array.from({ length: MAX_RECORDS + 1 }, (_, i) => record(3_000_000 + i))));
  const answers = await Promise.all([...atRecords, ...atBytes].map((b, i) => send(i % 2 ? gzipSync(b) : b, i % 2 === 1)));
  assert.deepEqual(answers.map((a) => a.status), Array(12).fill(204), answers.map((a) => a.text).join(' '));
  assert.equal((await refused).status, 413);
  assert.equal(t.service.store.countEvents(), before + 6 * MAX_RECORDS + 6 * 20);
});
