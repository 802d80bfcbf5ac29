/**
 * Rebuild benchmark (npm run bench:anomaly-rebuild): a store holding 7 days × 1,000 hosts of
 * events (default 6 an hour per host: info, warnings, sshd failures, errors of a few templates),
 * then the day-one path: rebuild every closed hour of the 7 days from the stored events, and
 * train. Target (issue 13): the rebuild under 60 s on the 2-core development machine.
 * Options: --hosts N --days D --per-hour K. Prints cores and load average; CPU time beside wall.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '../src/store/database.js';
import { SqliteEventStore } from '../src/store/sqlite-event-store.js';
import { loadConfig } from '../src/config/load.js';
import { createAnomalyModule } from '../src/anomaly/index.js';
import { eventsBetween } from '../src/anomaly/rebuild.js';
import type { LogEvent } from '../src/pipeline/contracts.js';

const arg = (name: string, dflt: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const HOSTS = arg('hosts', 1000);
const DAYS = arg('days', 7);
const PER_HOUR = arg('per-hour', 6);
const HOUR = 3_600_000;
const NOW = Math.floor(Date.now() / HOUR) * HOUR;
const START = NOW - DAYS * 24 * HOUR;
const load = () => loadavg().map((l) => l.toFixed(2)).join(' ');
const cpuS = (u: NodeJS.CpuUsage) => (u.user + u.system) / 1e6;

console.log(`${cpus().length} cores, load average ${load()}, node ${process.version}; ${HOSTS} hosts × ${DAYS} days × ${PER_HOUR} events/hour`);
const dir = mkdtempSync(join(tmpdir(), 'logward-bench-rebuild-'));
try {
  const db = openDatabase({ path: join(dir, 'bench.db'), synchronous: 'NORMAL' });
  const store = new SqliteEventStore(db, { retentionDays: 90, deadLetterRetentionDays: 7, maxDeadLetters: 1000, durableIngest: false });
  let n = 0;
  let t = performance.now();
  for (let h = 0; h < DAYS * 24; h++) {
    const batch: LogEvent[] = [];
    for (let host = 0; host < HOSTS; host++) {
      for (let k = 0; k < PER_HOUR; k++) {
        const time = new Date(START + h * HOUR + ((k * 577 + host * 13) % 3600) * 1000).toISOString();
        const i = n++;
        const kind = k % 3 === 0 ? 'auth' : 'syslog';
        const msg =
          k % 3 === 0
            ? `Failed password for root from 203.0.${(i >> 8) & 255}.${i & 255} port ${40000 + (i % 20000)} ssh2`
            : k % 5 === 0
              ? `disk /dev/sd${'abc'[i % 3]}1 read error sector ${i}`
              : `session ${i} opened for user u${i % 50}`;
        batch.push({
          id: i.toString(16).padStart(32, '0'),
          time,
          received_at: time,
          host: `host-${host}`,
          source: { kind },
          program: kind === 'auth' ? 'sshd' : 'app',
          severity: k % 5 === 0 ? 'error' : k % 3 === 0 ? 'warning' : 'info',
          message: msg,
          fields: k % 3 === 0 ? { src_ip: `203.0.${(i >> 8) & 255}.${i & 255}`, user: 'root' } : {},
        });
      }
    }
    store.insertEvents(batch);
  }
  console.log(`store: ${n.toLocaleString()} events written in ${((performance.now() - t) / 1000).toFixed(1)} s`);

  // How much of the rebuild is reading: the same hourly pages, decoded and dropped.
  const readCpu0 = process.cpuUsage();
  t = performance.now();
  let read = 0;
  const paging = { skipped: 0 };
  for (let h = 0; h < DAYS * 24; h++) for (const _e of eventsBetween(store, START + h * HOUR, START + (h + 1) * HOUR, paging)) read++;
  console.log(`read alone: ${read.toLocaleString()} events by hour in ${((performance.now() - t) / 1000).toFixed(1)} s wall, ${cpuS(process.cpuUsage(readCpu0)).toFixed(1)} s CPU`);

  const config = loadConfig({ env: {}, overrides: { anomaly: { time_zone: 'UTC', max_series: Math.max(5000, HOSTS * 3) } } }).anomaly;
  const mod = createAnomalyModule({ db, store, config, clock: { now: () => NOW + 15 * 60_000 }, sink: { emit: () => undefined } });
  const cpu0 = process.cpuUsage();
  t = performance.now();
  const r = mod.rebuild({ days: DAYS });
  const wall = (performance.now() - t) / 1000;
  const cpu = cpuS(process.cpuUsage(cpu0));
  console.log(`rebuild: ${r.hours} hours, ${r.rows.toLocaleString()} hourly summaries, ${r.events.toLocaleString()} events in ${wall.toFixed(1)} s wall, ${cpu.toFixed(1)} s CPU (${((cpu / r.events) * 1e6).toFixed(1)} µs CPU per event); target < 60 s; load average ${load()}`);
  t = performance.now();
  const info = mod.train({ days: DAYS });
  console.log(`train: ${info.history_rows.toLocaleString()} rows, ${info.series} series in ${((performance.now() - t) / 1000).toFixed(1)} s`);
  console.log(`peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`);
  await store.close();
  db.close();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
