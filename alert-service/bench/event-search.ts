/**
 * Event search benchmark: CPU per page of GET /api/v1/events on the store's read path (readPage,
 * run here in-thread so process CPU time measures it), for the index filters and for the body
 * filters (severity, text, IP, user) that decode rows until a page fills or 100,000 rows are read.
 *   npm run bench:event-search [-- --events 300000 --runs 5]
 * Events are the ingest benchmark's record mix (bench/record-mix.ts), normalized once as 4,000
 * templates and stored with their own ids and times. CPU time, not wall time, is the figure (the
 * machine is shared); core count and load average are printed.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../src/config/load.js';
import { processRecords } from '../src/ingest/records.js';
import { openDatabase } from '../src/store/database.js';
import { SqliteEventStore } from '../src/store/sqlite-event-store.js';
import { DictionaryReader } from '../src/store/event-dictionary.js';
import { readPage, StatementCache } from '../src/store/event-rows.js';
import type { EventQuery } from '../src/store/event-store.js';
import type { LogEvent } from '../src/generated/schema-types.js';
import { line } from './record-mix.js';

const { values } = parseArgs({ options: { events: { type: 'string', default: '300000' }, runs: { type: 'string', default: '5' } } });
const EVENTS = Number(values.events);
const RUNS = Number(values.runs);
const TEMPLATES = 4000;
const T0 = Date.parse('2026-11-21T00:00:00Z');
const load = () => loadavg().map((x) => x.toFixed(2)).join(' ');
console.log(`${cpus().length} cores, load average ${load()}, node ${process.version}, ${EVENTS} events`);

const cfg = loadConfig({});
const records = Array.from({ length: TEMPLATES }, (_, i) => {
  const l = line(i);
  return { fb_time: new Date(T0 + i).toISOString(), file: l.file, offset: i * 120, log: l.log, hostname: `web${i % 10}`, source_kind: l.kind };
});
const templates = processRecords(records, { receivedAt: new Date(T0), tag: 'bench', dateKeys: cfg.ingest.date_keys, normalize: cfg.normalize }).events;

const dir = mkdtempSync(join(tmpdir(), 'logward-bench-search-'));
try {
  const db = openDatabase({ path: join(dir, 'events.db'), synchronous: 'NORMAL' });
  const store = new SqliteEventStore(db, { retentionDays: 3650, deadLetterRetentionDays: 1 });
  for (let from = 0; from < EVENTS; from += 5000) {
    const batch: LogEvent[] = [];
    for (let i = from; i < Math.min(EVENTS, from + 5000); i++) {
      const t = templates[i % templates.length]!;
      batch.push({ ...t, id: createHash('md5').update(String(i)).digest('hex'), time: new Date(T0 + i * 10).toISOString(), source: { ...t.source, offset: i * 120 } });
    }
    store.insertEvents(batch);
  }
  const dict = new DictionaryReader(db);
  const statements = new StatementCache(db);
  const cases: Array<[string, EventQuery]> = [
    ['newest 100, no filter', { limit: 100, newestFirst: true }],
    ['oldest 100, no filter', { limit: 100 }],
    ['newest 100, host', { limit: 100, newestFirst: true, host: 'web3' }],
    ['newest 1000, source', { limit: 1000, newestFirst: true, sourceKind: 'auth' }],
    ['severity=error (common), 100', { limit: 100, newestFirst: true, match: { severities: ['error'] } }],
    ['ip=198.51.0.0/16, 100', { limit: 100, newestFirst: true, match: { ip: '198.51.0.0/16' } }],
    ['user=u7, 100', { limit: 100, newestFirst: true, match: { user: 'u7' } }],
    ['text matching nothing (reads the whole row budget)', { limit: 100, newestFirst: true, match: { text: 'no such text anywhere' } }],
    ['skip=10000, 100', { limit: 100, newestFirst: true, skip: 10_000 }],
  ];
  for (const [name, q] of cases) {
    const cpu: number[] = [];
    let scanned = 0;
    let count = 0;
    for (let r = 0; r < RUNS; r++) {
      const c0 = process.cpuUsage();
      const page = readPage(statements, dict, q);
      const c = process.cpuUsage(c0);
      cpu.push((c.user + c.system) / 1000);
      scanned = page.scanned ?? page.count;
      count = page.count;
    }
    cpu.sort((a, b) => a - b);
    const perRow = (cpu[0]! * 1000) / Math.max(1, scanned);
    console.log(`${name.padEnd(56)} ${String(count).padStart(5)} events, ${String(scanned).padStart(6)} rows read: ${cpu[0]!.toFixed(1)}–${cpu[cpu.length - 1]!.toFixed(1)} ms CPU (${perRow.toFixed(1)} µs per row read, best run)`);
  }
  await store.close();
  db.close();
  console.log(`load average after: ${load()}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
