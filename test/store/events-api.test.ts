/**
 * GET /api/events: every filter is served by an index, pages cover a result exactly once, and a
 * long query runs off the thread that commits ingest (/healthz keeps answering meanwhile).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { Registry } from 'prom-client';
import { openDatabase, type Db } from '../../alert-service/src/store/database.js';
import { SqliteEventStore } from '../../alert-service/src/store/sqlite-event-store.js';
import { DictionaryReader } from '../../alert-service/src/store/event-dictionary.js';
import { eventQueryPlan, planStatements } from '../../alert-service/src/store/event-rows.js';
import type { EventQuery } from '../../alert-service/src/store/event-store.js';
import { createApp } from '../../alert-service/src/server/app.js';
import type { LogEvent } from '../../alert-service/src/generated/schema-types.js';

const T0 = Date.parse('2026-11-21T10:00:00.000Z');
const KINDS = ['auth', 'syslog', 'web_access', 'app'] as const;
const ev = (i: number, timeMs = T0 + (i % 13) * 1000): LogEvent => ({
  id: createHash('md5').update(String(i)).digest('hex'),
  time: new Date(timeMs).toISOString(),
  received_at: new Date(T0).toISOString(),
  host: `web${i % 3}`,
  source: { kind: KINDS[i % 4]!, path: `/var/log/f${i % 4}`, offset: i * 100 },
  severity: 'info',
  message: `event ${i}`,
  fields: {},
});

async function serve(store: SqliteEventStore) {
  // The service's own app: its /healthz, auth, error handler and the events router.
  const app = createApp({ ingest: async (_req, res) => void res.status(404).end(), registry: new Registry(), store, modules: [], apiTokens: {}, notReady: () => undefined });
  const server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { base, close: () => new Promise((r) => server.close(r)) };
}

const tempDb = () => {
  const dir = mkdtempSync(join(tmpdir(), 'logward-events-api-'));
  return { path: join(dir, 'events.db'), cleanup: () => rmSync(dir, { recursive: true, force: true }) };
};

/** The query plan of each statement of `q` (one per source kind for a query by time alone). */
function plans(db: Db, q: EventQuery): string[] {
  const p = eventQueryPlan(q, new DictionaryReader(db));
  assert.ok(p, `${JSON.stringify(q)} has statements`);
  return planStatements(p, q.after).map((st) => (db.prepare(`EXPLAIN QUERY PLAN ${st.sql}`).all(...st.args) as Array<{ detail: string }>).map((r) => r.detail).join(' | '));
}

test('every events API filter is an index search in the order returned (no full scan, no sort)', () => {
  const db = openDatabase({ path: ':memory:' });
  const s = new SqliteEventStore(db, { retentionDays: 3650, deadLetterRetentionDays: 1 });
  s.insertEvents(Array.from({ length: 40 }, (_, i) => ev(i)));
  const after = { timeMs: T0, seq: 3 };
  // [query, index, statements]: a query without host or kind reads the kind index once per kind (4 stored here).
  const cases: Array<[EventQuery, string, number]> = [
    [{ host: 'web1' }, 'events_host_time \\(host_id=\\?\\)', 1],
    [{ sourceKind: 'auth' }, 'events_kind_time \\(kind_id=\\?\\)', 1],
    // (time_ms, seq) > cursor: each kind is read a page at a time from where the merge is.
    [{ fromMs: T0 }, 'events_kind_time \\(kind_id=\\? AND time_ms>\\?\\)', 4],
    [{ toMs: T0 }, 'events_kind_time \\(kind_id=\\? AND time_ms>\\? AND time_ms<\\?\\)', 4],
    [{ fromMs: T0, toMs: T0 + 5000 }, 'events_kind_time \\(kind_id=\\? AND time_ms>\\? AND time_ms<\\?\\)', 4],
    [{ after }, 'events_kind_time \\(kind_id=\\? AND time_ms>\\?\\)', 4],
    [{}, 'events_kind_time \\(kind_id=\\? AND time_ms>\\?\\)', 4],
    [{ host: 'web1', sourceKind: 'auth' }, 'events_host_time \\(host_id=\\?\\)', 1],
    [{ host: 'web1', fromMs: T0, toMs: T0 + 5000 }, 'events_host_time \\(host_id=\\? AND time_ms>\\? AND time_ms<\\?\\)', 1],
    [{ host: 'web1', after }, 'events_host_time \\(host_id=\\? AND time_ms>\\?\\)', 1],
    [{ sourceKind: 'app', fromMs: T0, toMs: T0 + 5000, after }, 'events_kind_time \\(kind_id=\\? AND time_ms>\\? AND time_ms<\\?\\)', 1],
    [{ host: 'web2', sourceKind: 'syslog', fromMs: T0, toMs: T0 + 5000, after }, 'events_host_time \\(host_id=\\? AND time_ms>\\? AND time_ms<\\?\\)', 1],
  ];
  for (const [q, index, n] of cases) {
    const details = plans(db, q);
    assert.equal(details.length, n, `${JSON.stringify(q)}: ${details.join(' ; ')}`);
    for (const detail of details) {
      // One index search, nothing else: no full scan, no sort (the index gives the order), no second step.
      assert.match(detail, new RegExp(`^SEARCH events USING INDEX ${index}$`), `${JSON.stringify(q)}: ${detail}`);
    }
  }
  // Newest first (the API's order) walks the same indexes backwards: still one search each, no sort.
  for (const [q, , n] of cases) {
    const details = plans(db, { ...q, newestFirst: true });
    assert.equal(details.length, n, `newest first ${JSON.stringify(q)}: ${details.join(' ; ')}`);
    for (const detail of details) assert.match(detail, /^SEARCH events USING INDEX events_(?:host|kind)_time \(.+\)$/, `newest first ${JSON.stringify(q)}: ${detail}`);
  }
  // Merged, the answer is in (time, seq) order, whatever the limit.
  const all = s.query({ limit: 1000 });
  assert.equal(all.length, 40);
  assert.deepEqual(all.map((e) => Date.parse(e.time)), all.map((e) => Date.parse(e.time)).sort((a, b) => a - b));
  assert.deepEqual(s.query({ limit: 5 }).map((e) => e.id), all.slice(0, 5).map((e) => e.id));
  // A host or kind never stored needs no query at all.
  assert.equal(eventQueryPlan({ host: 'nope' }, new DictionaryReader(db)), undefined);
  assert.equal(eventQueryPlan({ sourceKind: 'windows' }, new DictionaryReader(db)), undefined);
  // Retention's delete is a range of the kind index, once per kind.
  assert.deepEqual((db.prepare('EXPLAIN QUERY PLAN DELETE FROM events WHERE kind_id = ? AND time_ms < ?').all(1, T0) as Array<{ detail: string }>).map((r) => r.detail), ['SEARCH events USING INDEX events_kind_time (kind_id=? AND time_ms<?)']);
});

for (const where of ['file', 'memory'] as const) {
  test(`GET /api/events filters and pages (${where === 'file' ? 'read worker' : 'in-thread for :memory:'})`, async () => {
    const tmp = tempDb();
    const db = openDatabase({ path: where === 'file' ? tmp.path : ':memory:' });
    const s = new SqliteEventStore(db, { retentionDays: 3650, deadLetterRetentionDays: 1 });
    const events = Array.from({ length: 60 }, (_, i) => ev(i));
    s.insertEvents(events);
    const { base, close } = await serve(s);
    try {
      const get = async (qs: string) => {
        const res = await fetch(`${base}/api/events?${qs}`);
        return { status: res.status, body: (await res.json()) as { events: LogEvent[]; next?: string; error?: string } };
      };
      const byTime = (xs: LogEvent[]) => xs.map((e) => e.id);
      // The API answers newest first: (time, seq) descending, the reverse of a stable sort by time of the inserted order.
      const sorted = (pred: (e: LogEvent) => boolean) => events.filter(pred).sort((a, b) => Date.parse(a.time) - Date.parse(b.time)).map((e) => e.id).reverse();
      assert.deepEqual(byTime((await get('host=web1&limit=1000')).body.events), sorted((e) => e.host === 'web1'));
      assert.deepEqual(byTime((await get('source=auth&limit=1000')).body.events), sorted((e) => e.source.kind === 'auth'));
      const from = new Date(T0 + 3000).toISOString();
      const to = new Date(T0 + 7000).toISOString();
      assert.deepEqual(byTime((await get(`from=${from}&to=${to}&limit=1000`)).body.events), sorted((e) => Date.parse(e.time) >= T0 + 3000 && Date.parse(e.time) < T0 + 7000));
      assert.deepEqual(byTime((await get(`host=web2&source=syslog&from=${from}&limit=1000`)).body.events), sorted((e) => e.host === 'web2' && e.source.kind === 'syslog' && Date.parse(e.time) >= T0 + 3000));
      assert.deepEqual((await get('host=nosuch')).body, { events: [] });
      assert.deepEqual((await get('source=windows')).body, { events: [] });
      // Whole events come back, equal to what was stored.
      const one = (await get('host=web0&limit=1')).body;
      assert.deepStrictEqual(one.events[0], events.find((e) => e.id === one.events[0]!.id));
      // Pages of 7 cover the result exactly once, in order.
      const seen: string[] = [];
      let after = '';
      for (let pages = 0; pages < 20; pages++) {
        const { body } = await get(`source=web_access&limit=7${after ? `&after=${after}` : ''}`);
        seen.push(...byTime(body.events));
        if (!body.next) break;
        after = encodeURIComponent(body.next);
      }
      assert.deepEqual(seen, sorted((e) => e.source.kind === 'web_access'));
      // Bad parameters are the client's error.
      for (const qs of ['limit=0', 'limit=10001', 'from=yesterday', 'after=abc', 'host=a&host=b', `host=${'x'.repeat(300)}`]) {
        const r = await get(qs);
        assert.equal(r.status, 400, qs);
        assert.equal(r.body.error, 'bad_request', qs);
      }
    } finally {
      await close();
      await s.close();
      db.close();
      tmp.cleanup();
    }
  });
}

test('/healthz answers promptly while an events query reads a large store', { timeout: 120_000 }, async () => {
  const tmp = tempDb();
  const db = openDatabase({ path: tmp.path, synchronous: 'NORMAL' });
  const s = new SqliteEventStore(db, { retentionDays: 3650, deadLetterRetentionDays: 1 });
  // One real event makes the dictionary entries; the rest are direct inserts of its body with
  // random keys (it has no positional key, so its id is the key): 300,000 rows in a few seconds.
  s.insertEvents([{ ...ev(0), source: { kind: 'auth' } }, { ...ev(1), host: 'other', source: { kind: 'app' } }]);
  const row = db.prepare('SELECT host_id, kind_id, stream_id, program_id, body FROM events ORDER BY seq LIMIT 1').get() as Record<string, unknown>;
  const insert = db.prepare(`WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?)
    INSERT INTO events (key, time_ms, host_id, kind_id, stream_id, program_id, body) SELECT randomblob(16), ? + i, ?, ?, ?, ?, ? FROM n`);
  let rows = 0;
  const grow = (n: number) => {
    insert.run(n, T0 + rows, row.host_id, row.kind_id, row.stream_id, row.program_id, row.body);
    rows += n;
  };
  const t0 = performance.now();
  grow(300_000);
  const built = performance.now() - t0;
  const { base, close } = await serve(s);
  try {
    // Warm the worker up, then the slow one: a text no event holds, so the page reads its whole
    // scan budget (MAX_SCAN_ROWS rows decoded and tested) and answers empty with `next`.
    assert.equal((await fetch(`${base}/api/events?limit=1`)).status, 200);
    // The query must be long enough to say anything: on a fast machine the store grows until it is.
    let queryMs = 0;
    let probes: number[] = [];
    for (let attempt = 0; ; attempt++) {
      queryMs = 0;
      probes = [];
      const started = performance.now();
      const query = fetch(`${base}/api/events?host=web0&text=no-such-text`).then(async (r) => {
        queryMs = performance.now() - started;
        return { status: r.status, body: (await r.json()) as { events: unknown[]; next?: string } };
      });
      while (!queryMs) {
        const t = performance.now();
        assert.equal((await fetch(`${base}/healthz`)).status, 200);
        if (!queryMs) probes.push(performance.now() - t);
      }
      const result = await query;
      assert.equal(result.status, 200);
      assert.deepEqual(result.body.events, []);
      assert.equal(typeof result.body.next, 'string', 'a page that spent its scan budget says where to go on');
      if (queryMs > 150 || attempt === 4) break;
      grow(rows); // double it
    }
    assert.ok(queryMs > 150, `the events query took ${queryMs.toFixed(0)} ms on ${rows} rows (first 300,000 built in ${built.toFixed(0)} ms): too short to test against`);
    assert.ok(probes.length >= 2, `${probes.length} /healthz answers during a ${queryMs.toFixed(0)} ms query`);
    const worst = Math.max(...probes);
    assert.ok(worst < queryMs / 2, `/healthz waited ${worst.toFixed(0)} ms during a ${queryMs.toFixed(0)} ms query`);
  } finally {
    await close();
    await s.close();
    db.close();
    tmp.cleanup();
  }
});
