/**
 * Anomaly benchmark (npm run bench:anomaly): 90 days × 1,000 series of hourly summaries
 * (2.16M rows) in a SQLite file, then
 *  - training: the whole train call (reading the history, per-series baselines, sampling, forest
 *    fit, contamination threshold, persisting the model); target < 30 s;
 *  - one hour close with 1,000 open buckets: writing the summaries, scoring every series, emitting
 *    alerts; target < 1 s;
 * and the peak RSS. Options: --series N --days D (defaults 1000 and 90).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '../src/store/database.js';
import { loadConfig } from '../src/config/load.js';
import { createAnomalyModule } from '../src/anomaly/index.js';
import { AnomalyRepository } from '../src/anomaly/repository.js';
import { generateHistory, makeSeries } from '../src/anomaly/synthetic.js';
import type { LogEvent } from '../src/pipeline/contracts.js';

const arg = (name: string, dflt: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const SERIES = arg('series', 1000);
const DAYS = arg('days', 90);
const HOUR = 3_600_000;
const END = Date.UTC(2026, 2, 2, 0, 0, 0);
const START = END - DAYS * 24 * HOUR;

const dir = mkdtempSync(join(tmpdir(), 'logward-bench-anomaly-'));
try {
  const db = openDatabase({ path: join(dir, 'bench.db'), synchronous: 'NORMAL' });
  const repo = new AnomalyRepository(db);
  const series = makeSeries(SERIES, 1);
  let t = performance.now();
  let rows = 0;
  repo.transaction(() =>
    generateHistory({ series, fromMs: START, hours: DAYS * 24, seed: 2, anomalyRate: 0.002 }, (r) => {
      repo.insertHour(r.host, r.source, r.hour, r.features);
      rows++;
    }),
  );
  repo.setState('closed_through', String(END));
  console.log(`setup: ${rows.toLocaleString('en')} hourly rows (${SERIES} series × ${DAYS} days) written in ${((performance.now() - t) / 1000).toFixed(1)} s`);

  let now = END + 5 * 60_000;
  const clock = { now: () => now };
  let alerts = 0;
  const config = { ...loadConfig({ env: {} }).anomaly, training_days: DAYS, retention_days: DAYS + 1 };
  const mod = createAnomalyModule({ db, config, clock, sink: { emit: () => void alerts++ } });

  t = performance.now();
  const info = mod.train();
  const trainMs = performance.now() - t;
  console.log(`training: ${(trainMs / 1000).toFixed(2)} s for ${info.history_rows.toLocaleString('en')} rows, ${info.series} series (${info.detector}, ${info.n_estimators} trees, threshold ${info.threshold.toFixed(4)})  target < 30 s: ${trainMs < 30_000 ? 'OK' : 'MISSED'}`);

  // One live hour: 20 events per series, then the close at hour end + grace.
  const events: LogEvent[] = [];
  let id = 0;
  for (const s of series) {
    for (let k = 0; k < 20; k++) {
      const bad = k % 10 === 0;
      events.push({
        id: (++id).toString(16).padStart(32, '0'),
        time: new Date(END + k * 2 * 60_000).toISOString(),
        received_at: new Date(END + k * 2 * 60_000).toISOString(),
        host: s.host,
        source: { kind: s.source },
        severity: bad ? 'error' : 'info',
        message: bad ? `request ${id} failed after ${k * 13} ms on /api/v1/items/${id}` : 'ok',
        fields: { src_ip: `10.0.${k}.${id % 250}` },
      });
    }
  }
  now = END + 55 * 60_000;
  t = performance.now();
  for (let i = 0; i < events.length; i += 1000) await mod.consumer.consume(events.slice(i, i + 1000));
  const consumeMs = performance.now() - t;
  now = END + HOUR + 11 * 60_000;
  t = performance.now();
  const closed = mod.closeDueHours();
  const closeMs = performance.now() - t;
  console.log(`consume: ${events.length.toLocaleString('en')} events in ${consumeMs.toFixed(0)} ms (${Math.round(events.length / (consumeMs / 1000)).toLocaleString('en')} events/s)`);
  console.log(`hour close: ${closed.rows} series written and scored in ${closeMs.toFixed(0)} ms, ${closed.alerts} alerts  target < 1 s: ${closeMs < 1000 ? 'OK' : 'MISSED'}`);
  console.log(`peak RSS: ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`);
  db.close();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
