/**
 * Storage benchmark: bytes per stored event, insert cost on the thread that commits ingest, and
 * events API latency for each filter on a store of millions of events, with /healthz probed
 * meanwhile (how long the event loop stalls).
 *   npm run bench:storage [-- --events 2000000 --batch 1000 --keep --insert-only]
 * (--insert-only: the build figures alone, without the API latencies.)
 * Events are the ingest benchmark's record mix (bench/ingest.ts: sshd failures, nginx access
 * lines, JSON app logs, syslog), normalized once as templates, then varied per event (id, offset,
 * time, host) so millions can be built in about a minute instead of normalizing each.
 * Insert figures are synchronous=NORMAL (the fsync of synchronous=FULL measures the disk, not
 * the store). Timings are noisy on a shared machine: core count and load average are printed.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, statSync, existsSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import { Worker } from 'node:worker_threads';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import express from 'express';
import { loadConfig } from '../src/config/load.js';
import { processRecords } from '../src/ingest/records.js';
import { openDatabase } from '../src/store/database.js';
import { encodeEvent, SqliteEventStore } from '../src/store/sqlite-event-store.js';
import { eventsRouter } from '../src/server/events-api.js';
import type { LogEvent } from '../src/generated/schema-types.js';
import { line } from './record-mix.js';

const { values } = parseArgs({ options: { events: { type: 'string', default: '2000000' }, batch: { type: 'string', default: '1000' }, keep: { type: 'boolean', default: false }, 'insert-only': { type: 'boolean', default: false } } });
const EVENTS = Number(values.events);
const BATCH = Number(values.batch);
const TEMPLATES = 20_000;
const HOSTS = 20;
const T0 = Date.parse('2026-11-21T00:00:00Z');

const load = () => loadavg().map((x) => x.toFixed(2)).join(' ');
console.log(`${cpus().length} cores, load average ${load()}, node ${process.version}`);


const cfg = loadConfig({});
const records = Array.from({ length: TEMPLATES }, (_, i) => {
  const l = line(i);
  return { fb_time: new Date(T0 + i).toISOString(), file: l.file, offset: i * 120, log: l.log, hostname: `web${i % HOSTS}`, source_kind: l.kind };
});
const templates = processRecords(records, { receivedAt: new Date(T0), tag: 'bench', dateKeys: cfg.ingest.date_keys, normalize: cfg.normalize }).events;
if (templates.length !== TEMPLATES) throw new Error(`expected ${TEMPLATES} template events, got ${templates.length}`);

/** Event i: a template with its own id, offset, host and a mostly increasing time (several hosts' clocks interleave). */
function eventAt(i: number): LogEvent {
  const t = templates[i % TEMPLATES]!;
  const timeMs = T0 + i * 5 + ((i * 7919) % 4000) - 2000;
  const host = t.source.kind === 'auth' || t.source.kind === 'syslog' ? t.host : `web${i % HOSTS}`;
  return {
    ...t,
    id: createHash('md5').update(String(i)).digest('hex'),
    time: new Date(timeMs).toISOString(),
    received_at: new Date(T0 + Math.floor(i / BATCH) * BATCH * 5 + 1500).toISOString(),
    host,
    agent_host: `web${i % HOSTS}`,
    source: { ...t.source, offset: i * 120 },
  };
}

const dir = mkdtempSync(join(tmpdir(), 'logward-bench-storage-'));
const path = join(dir, 'events.db');
const db = openDatabase({ path, synchronous: 'NORMAL' });
const store = new SqliteEventStore(db, { retentionDays: 3650, deadLetterRetentionDays: 30 });

console.log(`building a store of ${EVENTS.toLocaleString('en')} events in batches of ${BATCH}...`);
let encodeNs = 0n;
let insertNs = 0n;
const cpu0 = process.cpuUsage();
let insertCpuUs = 0;
let encodeCpuUs = 0;
const built = performance.now();
for (let b = 0; b < EVENTS; b += BATCH) {
  const events: LogEvent[] = [];
  for (let i = b; i < Math.min(b + BATCH, EVENTS); i++) events.push(eventAt(i));
  const ec = process.cpuUsage();
  const e0 = process.hrtime.bigint();
  const rows = events.map(encodeEvent);
  const e1 = process.hrtime.bigint();
  const ec1 = process.cpuUsage(ec);
  encodeCpuUs += ec1.user + ec1.system;
  const c = process.cpuUsage();
  const r = store.insertEncoded(rows);
  const c1 = process.cpuUsage(c);
  insertNs += process.hrtime.bigint() - e1;
  insertCpuUs += c1.user + c1.system;
  encodeNs += e1 - e0;
  if (r.inserted !== rows.length) throw new Error(`batch at ${b}: ${r.inserted} of ${rows.length} inserted`);
}
const cpuAll = process.cpuUsage(cpu0);
console.log(`built in ${((performance.now() - built) / 1000).toFixed(1)} s (process CPU ${((cpuAll.user + cpuAll.system) / 1e6).toFixed(1)} s)`);
console.log(`encode (decode worker side): ${(Number(encodeNs) / 1e3 / EVENTS).toFixed(2)} µs wall, ${(encodeCpuUs / EVENTS).toFixed(2)} µs CPU per event`);
console.log(`insert + commit (thread that commits ingest): ${(Number(insertNs) / 1e3 / EVENTS).toFixed(2)} µs wall, ${(insertCpuUs / EVENTS).toFixed(2)} µs CPU per event`);

db.pragma('wal_checkpoint(TRUNCATE)');
const fileBytes = statSync(path).size + (existsSync(`${path}-wal`) ? statSync(`${path}-wal`).size : 0);
console.log(`file (db + wal after checkpoint): ${(fileBytes / 1e6).toFixed(1)} MB, ${(fileBytes / EVENTS).toFixed(1)} bytes per event, ${(fileBytes / EVENTS).toFixed(0)} MB per million events`);
try {
  const rows = db.prepare("SELECT name, SUM(pgsize) AS bytes, SUM(payload) AS payload, SUM(unused) AS unused FROM dbstat WHERE aggregate = FALSE GROUP BY name ORDER BY bytes DESC").all() as Array<{ name: string; bytes: number; payload: number; unused: number }>;
  for (const r of rows.slice(0, 10)) console.log(`  dbstat ${r.name.padEnd(28)} ${(r.bytes / EVENTS).toFixed(1).padStart(7)} bytes/event (payload ${(r.payload / EVENTS).toFixed(1)}, unused ${(r.unused / EVENTS).toFixed(1)})`);
} catch (err) {
  console.log(`  dbstat not available: ${(err as Error).message}`);
}

if (values['insert-only']) {
  db.close();
  if (!values.keep) rmSync(dir, { recursive: true, force: true });
  process.exit(0);
}

// Events API latency, each filter, with /healthz probed every 5 ms during the requests.
const app = express();
app.get('/healthz', (_req, res) => void res.json({ status: 'ok' }));
app.use('/api', eventsRouter(store));
const server = app.listen(0, '127.0.0.1');
await new Promise((r) => server.once('listening', r));
const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
const mid = new Date(T0 + EVENTS * 2.5).toISOString();
const midEnd = new Date(T0 + EVENTS * 2.5 + 60_000).toISOString();
const filters: Array<[string, string]> = [
  ['no filter', ''],
  ['host (known)', 'host=web5'],
  ['host (unknown)', 'host=nosuchhost'],
  ['source (auth)', 'source=auth'],
  ['source (absent kind)', 'source=windows'],
  ['from..to (1 min)', `from=${mid}&to=${midEnd}`],
  ['from (recent)', `from=${new Date(T0 + EVENTS * 5 - 10_000).toISOString()}`],
  ['host + source', 'host=web5&source=web_access'],
  ['host + from..to', `host=web5&from=${mid}&to=${midEnd}`],
  ['host + source (no match)', 'host=web1&source=app'],
  ['limit 10000', 'limit=10000'],
];
// Clients run on worker threads, so that their own JSON parsing does not stall the server's
// event loop, which is what the /healthz probes measure; the prober has a thread of its own so
// that it is not stalled by the events client either. Time origins are shared (performance.timeOrigin).
const prober = new Worker(
  `const { parentPort, workerData } = require('node:worker_threads');
  const samples = [];
  let stop = false;
  parentPort.once('message', () => (stop = true));
  (async () => {
    while (!stop) {
      const t = performance.timeOrigin + performance.now();
      let ok = 1;
      try {
        await (await fetch(workerData.base + '/healthz')).text();
      } catch {
        ok = 0; // a connection the blocked server reset: counted, and probing goes on
      }
      samples.push([t, performance.timeOrigin + performance.now() - t, ok]);
      await new Promise((r) => setTimeout(r, 5));
    }
    parentPort.postMessage(samples);
  })();`,
  { eval: true, workerData: { base } },
);
const client = new Worker(
  `const { parentPort, workerData } = require('node:worker_threads');
  (async () => {
    const { base, filters } = workerData;
    await (await fetch(base + '/api/events?limit=1')).text(); // warm-up: the read worker starts on first use
    const out = [];
    for (const [name, qs] of filters) {
      parentPort.postMessage({ start: name });
      const runs = [];
      let count = 0;
      for (let k = 0; k < 5; k++) {
        const t = performance.timeOrigin + performance.now();
        const res = await fetch(base + '/api/events?' + qs);
        const text = await res.text();
        const end = performance.timeOrigin + performance.now();
        if (res.status !== 200) throw new Error(name + ': HTTP ' + res.status + ' ' + text);
        count = JSON.parse(text).events.length;
        runs.push([t, end]);
        await new Promise((r) => setTimeout(r, 20));
      }
      out.push({ name, count, runs });
      parentPort.postMessage({ end: name });
    }
    parentPort.postMessage(out);
  })().catch((err) => parentPort.postMessage({ error: String(err) }));`,
  { eval: true, workerData: { base, filters } },
);
// The server's event-loop delay while each filter's requests run: what /healthz would wait, without the OS scheduling noise of a probe.
const loopDelay = monitorEventLoopDelay({ resolution: 5 });
loopDelay.enable();
const loopMaxMs = new Map<string, number>();
// The server main thread's busy time per filter (event-loop utilization): work done on the thread that commits ingest.
const busyMs = new Map<string, number>();
let elu = performance.eventLoopUtilization();
const results = (await new Promise((resolve, reject) => {
  client.on('message', (m: { start?: string; end?: string }) => {
    if (m.start) (loopDelay.reset(), (elu = performance.eventLoopUtilization()));
    else if (m.end) (loopMaxMs.set(m.end, loopDelay.max / 1e6), busyMs.set(m.end, performance.eventLoopUtilization(elu).active / 5));
    else resolve(m as never);
  });
  client.once('error', reject);
})) as
  | Array<{ name: string; count: number; runs: Array<[number, number]> }>
  | { error: string };
prober.postMessage('stop');
const samples = (await new Promise((resolve) => prober.once('message', resolve))) as Array<[number, number, number]>;
if (!Array.isArray(results)) throw new Error(results.error);
let worstHealthz = 0;
for (const r of results) {
  const ms = r.runs.map(([a, b]) => b - a).sort((a, b) => a - b);
  // Probes that were waiting at any time during one of this filter's requests.
  const overlapping = samples.filter(([t, d]) => r.runs.some(([a, b]) => t < b && t + d > a));
  const failed = overlapping.filter(([, , ok]) => !ok).length;
  const during = overlapping.map(([, d]) => d);
  const healthzMax = during.length ? Math.max(...during) : 0;
  worstHealthz = Math.max(worstHealthz, healthzMax);
  during.sort((a, b) => a - b);
  const p50 = during[Math.floor(during.length / 2)] ?? 0;
  console.log(`GET /api/events?${r.name.padEnd(26)} ${r.count.toString().padStart(5)} events: median ${ms[2]!.toFixed(1).padStart(7)} ms, max ${ms[4]!.toFixed(1).padStart(7)} ms; /healthz p50 ${p50.toFixed(1)} max ${healthzMax.toFixed(1)} ms (${during.length} probes${failed ? `, ${failed} failed` : ''}); server main thread busy ${(busyMs.get(r.name) ?? NaN).toFixed(1)} ms per request, event-loop delay max ${(loopMaxMs.get(r.name) ?? NaN).toFixed(1)} ms`);
}
console.log(`worst /healthz wait during events queries: ${worstHealthz.toFixed(1)} ms; load average now ${load()}`);
await prober.terminate();
await client.terminate();
await store.close();
server.close();
db.close();
if (!values.keep) rmSync(dir, { recursive: true, force: true });
else console.log(`kept ${path}`);
