/** Overload answers with codes Fluent Bit retries (503 + Retry-After), never a drop code. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import express from 'express';
import { loadConfig } from '../../alert-service/src/config/load.js';
import { openDatabase } from '../../alert-service/src/store/database.js';
import { SqliteEventStore } from '../../alert-service/src/store/sqlite-event-store.js';
import { createIngestHandler } from '../../alert-service/src/ingest/route.js';
import { createIngestMetrics, createRegistry } from '../../alert-service/src/server/metrics.js';
import type { EventStore } from '../../alert-service/src/store/event-store.js';
import { inlineDecoder } from '../../alert-service/src/ingest/decode-pool.js';

function app(opts: { backlog?: number; store?: EventStore; maxConcurrent?: number }) {
  const config = loadConfig({ env: {}, overrides: { ingest: { max_backlog: 1000, max_concurrent: opts.maxConcurrent ?? 8 } } });
  const store = opts.store ?? new SqliteEventStore(openDatabase({ path: ':memory:' }), { retentionDays: 1, deadLetterRetentionDays: 1 });
  const handler = createIngestHandler({
    config: config.ingest,
    store,
    decoder: inlineDecoder({ ingest: config.ingest, normalize: config.normalize }),
    metrics: createIngestMetrics(createRegistry(false)),
    backlog: () => opts.backlog ?? 0,
    onStored: () => {},
  });
  const a = express();
  a.post('/v1/ingest', (req, res) => void handler(req, res));
  return { app: a, store };
}

const body = JSON.stringify([{ log: 'Nov 21 10:00:03 web1 sshd[1]: hello', file: '/var/log/auth.log', offset: 0 }]);

test('a detection backlog over the limit → 503 with Retry-After', async () => {
  const { app: a, store } = app({ backlog: 5000 });
  const res = await request(a).post('/v1/ingest').set('Content-Type', 'application/json').send(body);
  assert.equal(res.status, 503);
  assert.ok(Number(res.headers['retry-after']) > 0);
  assert.equal(res.body.error, 'backlog');
  assert.equal(store.countEvents(), 0);
});

test('a storage failure → 503 (retried), not 500 or 4xx', async () => {
  const failing = new SqliteEventStore(openDatabase({ path: ':memory:' }), { retentionDays: 1, deadLetterRetentionDays: 1 });
  failing.insertEncoded = () => {
    throw new Error('SQLITE_FULL: database or disk is full');
  };
  const { app: a } = app({ store: failing });
  const res = await request(a).post('/v1/ingest').set('Content-Type', 'application/json').send(body);
  assert.equal(res.status, 503);
  assert.equal(res.body.error, 'storage_unavailable');
});

test('more concurrent requests than allowed → 503 busy for the excess', async () => {
  const { app: a, store } = app({ maxConcurrent: 1 });
  const server = a.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const port = (server.address() as { port: number }).port;
  const http = await import('node:http');
  // Hold one request open by sending its headers and only half its body.
  const held = http.request({ port, host: '127.0.0.1', method: 'POST', path: '/v1/ingest', headers: { 'Content-Type': 'application/json', 'Content-Length': String(body.length) } });
  const heldDone = new Promise<number>((r) => held.on('response', (res) => (res.resume(), r(res.statusCode!))));
  const arrived = new Promise((r) => server.once('request', () => setImmediate(r)));
  held.write(body.slice(0, 10));
  await arrived; // the handler has counted it in flight and waits for the rest of its body
  const res = await request(`http://127.0.0.1:${port}`).post('/v1/ingest').set('Content-Type', 'application/json').send(body);
  assert.equal(res.status, 503);
  assert.equal(res.body.error, 'busy');
  held.end(body.slice(10));
  assert.equal(await heldDone, 204);
  assert.equal(store.countEvents(), 1);
  server.close();
});
