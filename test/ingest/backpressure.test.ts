/**
 * Overload is answered the way Fluent Bit's retry model needs: a chunk that finds no room is held
 * until room frees (204, not 503), and only a truly full queue or a too-long wait gets 503 +
 * Retry-After, never a drop code. Real sockets over loopback; the decoder is the real inline one
 * behind a gate, so a test can hold a chunk "in decoding" as long as it needs.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { loadConfig } from '../../alert-service/src/config/load.js';
import { openDatabase } from '../../alert-service/src/store/database.js';
import { SqliteEventStore } from '../../alert-service/src/store/sqlite-event-store.js';
import { createIngestHandler, type IngestHandler } from '../../alert-service/src/ingest/route.js';
import { createIngestMetrics, createRegistry } from '../../alert-service/src/server/metrics.js';
import type { EventStore } from '../../alert-service/src/store/event-store.js';
import { inlineDecoder, type ChunkDecoder } from '../../alert-service/src/ingest/decode-pool.js';
import type { IngestConfig } from '../../alert-service/src/generated/schema-types.js';

/** The real decoder; while the gate is shut, every decode waits for it to open. */
function gatedDecoder(config: ReturnType<typeof loadConfig>) {
  const inner = inlineDecoder({ ingest: config.ingest, normalize: config.normalize });
  let open!: () => void;
  let gate = new Promise<void>((r) => (open = r));
  let entered = 0;
  const decoder: ChunkDecoder = {
    async decode(req) {
      entered++;
      await gate;
      return inner.decode(req);
    },
    close: async () => {},
  };
  return { decoder, open: () => open(), shut: () => (gate = new Promise<void>((r) => (open = r))), entered: () => entered };
}

async function start(opts: { backlog?: number; store?: EventStore; ingest?: Partial<IngestConfig>; decoder?: (c: ReturnType<typeof loadConfig>) => ChunkDecoder }) {
  const config = loadConfig({ env: {}, overrides: { ingest: { max_backlog: 1000, ...opts.ingest } } });
  const store = opts.store ?? new SqliteEventStore(openDatabase({ path: ':memory:' }), { retentionDays: 1, deadLetterRetentionDays: 1 });
  const registry = createRegistry(false);
  const handler = createIngestHandler({
    config: config.ingest,
    store,
    decoder: opts.decoder?.(config) ?? inlineDecoder({ ingest: config.ingest, normalize: config.normalize }),
    metrics: createIngestMetrics(registry),
    backlog: () => opts.backlog ?? 0,
    onStored: () => {},
  });
  const a = express();
  a.post('/v1/ingest', (req, res) => void handler(req, res));
  const server = a.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const port = (server.address() as AddressInfo).port;
  return { store, handler, port, registry, close: () => new Promise<void>((r) => (server.closeAllConnections(), server.close(() => r()))) };
}

const line = (offset: number) => ({ log: `Nov 21 10:00:03 web1 sshd[1]: hello ${offset}`, file: '/var/log/auth.log', offset });
const chunk = (from: number, n = 1) => JSON.stringify(Array.from({ length: n }, (_, i) => line(from + i)));

interface Answer { status: number; retryAfter: string | undefined; error: string | undefined; ms: number }
function post(port: number, body: string): Promise<Answer> {
  const t0 = Date.now();
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, method: 'POST', path: '/v1/ingest', headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode!, retryAfter: res.headers['retry-after'], error: text ? (JSON.parse(text) as { error: string }).error : undefined, ms: Date.now() - t0 }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

async function until(cond: () => boolean, what: string, ms = 5000): Promise<void> {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

const state = (h: IngestHandler) => h.state();

test('a detection backlog over the limit → 503 with Retry-After', async () => {
  const s = await start({ backlog: 5000 });
  const res = await post(s.port, chunk(0));
  assert.equal(res.status, 503);
  assert.ok(Number(res.retryAfter) > 0);
  assert.equal(res.error, 'backlog');
  assert.equal(s.store.countEvents(), 0);
  await s.close();
});

test('a storage failure → 503 (retried), not 500 or 4xx, and the room it held is freed', async () => {
  const failing = new SqliteEventStore(openDatabase({ path: ':memory:' }), { retentionDays: 1, deadLetterRetentionDays: 1 });
  failing.insertEncoded = () => {
    throw new Error('SQLITE_FULL: database or disk is full');
  };
  const s = await start({ store: failing });
  const res = await post(s.port, chunk(0));
  assert.equal(res.status, 503);
  assert.equal(res.error, 'storage_unavailable');
  assert.deepEqual(state(s.handler), { bodyBytes: 0, inFlightBytes: 0, inFlightRecords: 0, waiting: 0 });
  await s.close();
});

test('a chunk that finds no room is held, then stored with 204 once room frees (not 503)', async () => {
  let gate!: ReturnType<typeof gatedDecoder>;
  // Room for about one small chunk: the second must wait for the first.
  const s = await start({ ingest: { max_inflight_decoded_bytes: 1024, max_inflight_records: 1 }, decoder: (c) => (gate = gatedDecoder(c)).decoder });
  const first = post(s.port, chunk(0));
  await until(() => gate.entered() === 1, 'the first chunk in decoding');
  const second = post(s.port, chunk(100));
  await until(() => state(s.handler).waiting === 1, 'the second chunk to wait for room');
  await new Promise((r) => setTimeout(r, 200)); // it stays held, not refused
  assert.equal(state(s.handler).waiting, 1);
  assert.equal(gate.entered(), 1, 'the held chunk is not decoded while it waits');
  assert.match(await s.registry.metrics(), /logward_ingest_queued_chunks 1\n/);
  gate.open();
  const [a, b] = await Promise.all([first, second]);
  assert.equal(a.status, 204);
  assert.equal(b.status, 204);
  assert.ok(b.ms >= 200, 'the second was held until room freed');
  assert.equal(s.store.countEvents(), 2);
  assert.deepEqual(state(s.handler), { bodyBytes: 0, inFlightBytes: 0, inFlightRecords: 0, waiting: 0 });
  await s.close();
});

test('a truly full queue → 503 busy with Retry-After at once; a held chunk still gets 204', async () => {
  let gate!: ReturnType<typeof gatedDecoder>;
  const s = await start({ ingest: { max_inflight_decoded_bytes: 1024, max_inflight_records: 1, max_queued_requests: 1 }, decoder: (c) => (gate = gatedDecoder(c)).decoder });
  const first = post(s.port, chunk(0));
  await until(() => gate.entered() === 1, 'the first chunk in decoding');
  const second = post(s.port, chunk(100));
  await until(() => state(s.handler).waiting === 1, 'the second chunk to wait');
  const third = await post(s.port, chunk(200));
  assert.equal(third.status, 503);
  assert.equal(third.error, 'busy');
  assert.ok(Number(third.retryAfter) >= 1);
  assert.ok(third.ms < 1000, `refused at once, not after a wait (${third.ms} ms)`);
  gate.open();
  assert.equal((await first).status, 204);
  assert.equal((await second).status, 204);
  assert.equal(s.store.countEvents(), 2);
  await s.close();
});

test('a wait longer than max_queue_wait_s → 503 busy with Retry-After; nothing of it is stored', async () => {
  let gate!: ReturnType<typeof gatedDecoder>;
  const s = await start({ ingest: { max_inflight_decoded_bytes: 1024, max_inflight_records: 1, max_queue_wait_s: 0.3 }, decoder: (c) => (gate = gatedDecoder(c)).decoder });
  const first = post(s.port, chunk(0));
  await until(() => gate.entered() === 1, 'the first chunk in decoding');
  const second = await post(s.port, chunk(100));
  assert.equal(second.status, 503);
  assert.equal(second.error, 'busy');
  assert.ok(Number(second.retryAfter) >= 1);
  assert.ok(second.ms >= 250 && second.ms < 3000, `held about max_queue_wait_s (${second.ms} ms)`);
  gate.open();
  assert.equal((await first).status, 204);
  assert.equal(s.store.countEvents(), 1);
  assert.deepEqual(state(s.handler), { bodyBytes: 0, inFlightBytes: 0, inFlightRecords: 0, waiting: 0 });
  await s.close();
});

test('request bodies held in memory are bounded across requests: past max_queued_body_bytes → 503', async () => {
  let gate!: ReturnType<typeof gatedDecoder>;
  const big = chunk(0, 40); // ~2.4 KB
  const s = await start({ ingest: { max_queued_body_bytes: 4096, max_inflight_decoded_bytes: 1024, max_inflight_records: 1 }, decoder: (c) => (gate = gatedDecoder(c)).decoder });
  const first = post(s.port, big);
  await until(() => gate.entered() === 1, 'the first chunk in decoding');
  assert.ok(state(s.handler).bodyBytes >= Buffer.byteLength(big), 'its body is held until decoded');
  const second = await post(s.port, big);
  assert.equal(second.status, 503);
  assert.equal(second.error, 'busy');
  gate.open();
  assert.equal((await first).status, 204);
  assert.equal(s.store.countEvents(), 40);
  assert.equal(state(s.handler).bodyBytes, 0);
  await s.close();
});

test('chunks queued past their budget are admitted in arrival order, all stored, never more in flight than allowed', async () => {
  let gate!: ReturnType<typeof gatedDecoder>;
  const s = await start({ ingest: { max_inflight_decoded_bytes: 4096, max_inflight_records: 1_000_000 }, decoder: (c) => (gate = gatedDecoder(c)).decoder });
  let peak = 0;
  const sampler = setInterval(() => (peak = Math.max(peak, state(s.handler).inFlightBytes)), 1);
  const sent = Array.from({ length: 12 }, (_, i) => post(s.port, chunk(i * 1000, 20))); // ~1.2 KB each
  await until(() => gate.entered() >= 1 && state(s.handler).waiting > 0, 'some chunks to wait');
  gate.open();
  const answers = await Promise.all(sent);
  clearInterval(sampler);
  assert.deepEqual(answers.map((a) => a.status), Array(12).fill(204));
  assert.equal(s.store.countEvents(), 12 * 20);
  assert.ok(peak > 0 && peak <= 4096, `peak decoded bytes in flight ${peak}`);
  await s.close();
});

test('chunks decoded together share one commit; each gets its 204 only after it, and a failed commit fails them all (503)', async () => {
  let gate!: ReturnType<typeof gatedDecoder>;
  const store = new SqliteEventStore(openDatabase({ path: ':memory:' }), { retentionDays: 1, deadLetterRetentionDays: 1 });
  const real = store.insertEncoded.bind(store);
  const commits: number[] = [];
  let fail = false;
  store.insertEncoded = (rows, dead) => {
    commits.push(rows.length);
    if (fail) throw new Error('SQLITE_IOERR: disk I/O error');
    return real(rows, dead);
  };
  const s = await start({ store, decoder: (c) => (gate = gatedDecoder(c)).decoder });
  const sent = [post(s.port, chunk(0, 3)), post(s.port, chunk(100, 4)), post(s.port, chunk(200, 5))];
  await until(() => gate.entered() === 3, 'all three in decoding');
  gate.open();
  assert.deepEqual((await Promise.all(sent)).map((a) => a.status), [204, 204, 204]);
  assert.deepEqual(commits, [12], 'one transaction for the three chunks');
  assert.equal(s.store.countEvents(), 12);

  gate.shut();
  fail = true;
  const failing = [post(s.port, chunk(300, 2)), post(s.port, chunk(400, 2))];
  await until(() => gate.entered() === 5, 'both in decoding');
  gate.open();
  const answers = await Promise.all(failing);
  assert.deepEqual(answers.map((a) => [a.status, a.error]), [[503, 'storage_unavailable'], [503, 'storage_unavailable']]);
  assert.deepEqual(commits, [12, 4]);
  assert.equal(s.store.countEvents(), 12);
  await s.close();
});
