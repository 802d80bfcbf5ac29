/**
 * Anomaly quality on real logs we did not make (npm run eval:anomaly): public LogHub samples
 * (test/fixtures/loghub/, see its README for source and licence) replayed with their real
 * timestamps through the real path: HTTP POST /v1/ingest (Fluent Bit tail records) → normalize
 * → store → event pump → hourly buckets → rebuild of the closed hours → training → detect.
 * The service's clock is set just after each log ends, so the lines are "the last weeks of
 * history" a first install ships (day one), not events from 2005 dropped as too old.
 *
 * Per dataset it prints the span, the hours that have events, the model, and every hour found
 * anomalous with the features and deviations that drove it and its top error templates. Where
 * the data carry per-line alert labels (BGL), an hour is labelled anomalous when it holds at
 * least one labelled alert line, and hour-level precision/recall are printed.
 * First, the synthetic held-out weeks of the detection test over several seeds.
 * Options: --dataset NAME (synthetic, linux, bgl; default all), --json (one JSON object per dataset).
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { loadConfig } from '../src/config/load.js';
import { createService } from '../src/service.js';
import type { AnomalyModule } from '../src/anomaly/module.js';
import type { HourSummary } from '../src/anomaly/api-types.js';
import type { Clock } from '../src/pipeline/contracts.js';
import { openDatabase } from '../src/store/database.js';
import { AnomalyRepository } from '../src/anomaly/repository.js';
import { trainModel } from '../src/anomaly/model.js';
import { generateHistory, makeSeries, type LabelledRow } from '../src/anomaly/synthetic.js';

const HOUR = 3_600_000;
const TOKEN = 'eval-anomaly-token';
const FIXTURES = join(import.meta.dirname, '../../test/fixtures/loghub');

interface Dataset {
  name: string;
  file: string;
  /** What the lines are, for the report. */
  about: string;
  /** The clock of the replay: just after the last line. */
  clockAt: string;
  /** One Fluent Bit tail record per line (what an agent tailing the file would send). */
  record(line: string, offset: number, collectedAt: string): Record<string, unknown> | undefined;
  /** Per-line ground truth, where the collection has it: the hour (UTC ms) and whether the line is a labelled alert. */
  label?(line: string): { hour: number; alert: boolean } | undefined;
}

const DATASETS: Dataset[] = [
  {
    name: 'linux',
    file: 'Linux_2k.log',
    about: 'LogHub Linux: /var/log/messages of one RedHat host ("combo"), RFC 3164 syslog, unlabelled',
    clockAt: '2005-07-28T00:00:00Z',
    record: (line, offset, collectedAt) => ({ fb_time: collectedAt, file: '/var/log/messages', offset, log: line, hostname: 'combo', source_kind: 'syslog' }),
  },
  {
    name: 'bgl',
    // The first 688 lines (96,000 characters) of BGL_2k.log, 2005-06-03 to 2005-07-09: see the fixture README.
    file: 'BGL_2k.head.log',
    about: 'LogHub BGL (first 688 lines of the 2k sample): BlueGene/L RAS log, per-line alert labels (first column "-" = not an alert)',
    clockAt: '2005-07-10T00:00:00Z',
    // "- 1117838570 2005.06.03 R02-M1-N0-C:J12-U11 2005-06-03-15.42.50.675872 R02-M1-N0-C:J12-U11 RAS KERNEL INFO message"
    // The whole machine is one host: its ~2,000 lines are spread over hundreds of nodes, far too
    // few per node for an hourly series. Sent as a JSON application log (time, level, message).
    // Each line carries the epoch and the local wall time (Livermore, PDT): their difference is
    // the machine's UTC offset, so the time is sent as local time with that offset, as an
    // application logging in local time would write it (the per-host slots then use it).
    record: (line, offset, collectedAt) => {
      const m = /^(\S+) (\d+) \S+ (\S+) (\d{4})-(\d{2})-(\d{2})-(\d{2})\.(\d{2})\.(\d{2})\.(\d{6}) \S+ (\S+) (\S+) (\S+) (.*)$/.exec(line);
      if (!m) return undefined;
      const epochMs = Number(m[2]) * 1000;
      const wall = Date.UTC(Number(m[4]), Number(m[5]) - 1, Number(m[6]), Number(m[7]), Number(m[8]), Number(m[9]));
      const offMin = Math.round((wall - epochMs) / 900_000) * 15;
      const sign = offMin < 0 ? '-' : '+';
      const a = Math.abs(offMin);
      const time = `${m[4]}-${m[5]}-${m[6]}T${m[7]}:${m[8]}:${m[9]}.${m[10]!.slice(0, 3)}${sign}${String(Math.floor(a / 60)).padStart(2, '0')}:${String(a % 60).padStart(2, '0')}`;
      const log = JSON.stringify({ time, level: bglLevel(m[13]!), msg: `${m[12]} ${m[3]} ${m[14]}` });
      return { fb_time: collectedAt, file: '/var/log/bgl/ras.log', offset, log, hostname: 'bgl', source_kind: 'app' };
    },
    label: (line) => {
      const m = /^(\S+) (\d+) /.exec(line);
      return m ? { hour: Math.floor((Number(m[2]) * 1000) / HOUR) * HOUR, alert: m[1] !== '-' } : undefined;
    },
  },
];

/** BGL levels → the severities a JSON app log's level maps to. */
function bglLevel(level: string): string {
  switch (level) {
    case 'FATAL':
    case 'FAILURE':
    case 'SEVERE':
      return 'critical';
    case 'ERROR':
      return 'error';
    case 'WARNING':
      return 'warning';
    default:
      return 'info';
  }
}

class ReplayClock implements Clock {
  constructor(public t: number) {}
  now(): number {
    return this.t;
  }
}

const arg = (name: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const only = arg('dataset');
const asJson = process.argv.includes('--json');
const load = () => loadavg().map((l) => l.toFixed(2)).join(' ');

async function evaluate(ds: Dataset): Promise<void> {
  const path = join(FIXTURES, ds.file);
  if (!existsSync(path)) {
    console.log(`${ds.name}: ${path} not present, skipped`);
    return;
  }
  const lines = readFileSync(path, 'utf8').split('\n').filter((l) => l !== '');
  const now = Date.parse(ds.clockAt);
  const dir = mkdtempSync(join(tmpdir(), `logward-eval-${ds.name}-`));
  const started = performance.now();
  const cpu0 = process.cpuUsage();
  const config = loadConfig({
    env: {},
    overrides: {
      storage: { path: join(dir, 'logward.db'), synchronous: 'NORMAL', retention_days: 3650 },
      server: { port: 0 },
      ingest: { tokens: [TOKEN] },
      // Per-host zone (the default): these lines carry no offset, so the service's zone (UTC here) applies.
      anomaly: { time_zone: '', retention_days: 3650, training_days: 365 },
      alerting: { geoip: { enabled: false } } as never,
    } as never,
  });
  const clock = new ReplayClock(now);
  const service = await createService(config, { defaultMetrics: false, clock, log: () => {} });
  try {
    const base = `http://127.0.0.1:${await service.listen()}`;
    const anomaly = service.modules.find((m) => m.name === 'anomaly') as AnomalyModule;
    let offset = 0;
    let sent = 0;
    for (let i = 0; i < lines.length; i += 500) {
      const records = lines
        .slice(i, i + 500)
        .map((l) => ds.record(l, (offset += l.length + 1), ds.clockAt))
        .filter((r): r is Record<string, unknown> => r !== undefined);
      sent += records.length;
      const res = await fetch(`${base}/v1/ingest`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip', Authorization: `Bearer ${TOKEN}`, 'X-Fluent-Tag': ds.name },
        body: gzipSync(JSON.stringify(records)),
      });
      if (res.status !== 204) throw new Error(`ingest answered ${res.status}: ${await res.text()}`);
    }
    await service.pump.notify();
    // A minute on: the replay is over, so closing no longer waits for the stream to pass the last hour.
    clock.t += 2 * 60_000;
    anomaly.closeDueHours();
    const stored = service.store.countEvents();
    const events = service.store.query({ fromMs: 0, toMs: now + HOUR, limit: 100_000 });
    const times = events.map((e) => Date.parse(e.time)).sort((a, b) => a - b);
    const first = times[0]!;
    const last = times[times.length - 1]!;
    const days = Math.ceil((now - first) / (24 * HOUR)) + 1;
    const rebuilt = anomaly.rebuild({ days });
    let trained = true;
    let info: ReturnType<AnomalyModule['train']> | undefined;
    let why = '';
    try {
      info = anomaly.train({ days });
    } catch (err) {
      trained = false;
      why = (err as Error).message;
    }
    const detect = anomaly.detect({ hours: days * 24, limit: 100_000 });
    const flagged = detect.hours.filter((h) => h.is_anomaly);
    const hoursWithEvents = new Set(times.map((t) => Math.floor(t / HOUR))).size;
    const spanHours = Math.round((last - first) / HOUR);
    const result: Record<string, unknown> = {
      dataset: ds.name,
      about: ds.about,
      lines: lines.length,
      records_sent: sent,
      events_stored: stored,
      first_event: new Date(first).toISOString(),
      last_event: new Date(last).toISOString(),
      span_hours: spanHours,
      hours_with_events: hoursWithEvents,
      hourly_rows: rebuilt.rows,
      trained,
      ...(trained ? { model: { series: info!.series, series_skipped: info!.series_skipped, history_rows: info!.history_rows, threshold: info!.threshold, time_zone: info!.time_zone, host_offset_series: info!.host_offset_series } } : { not_trained: why }),
      anomalous_hours: flagged.length,
      scored_hours: detect.hours.filter((h) => h.score !== null).length,
    };
    if (ds.label) Object.assign(result, labelled(lines, ds, detect.hours));
    result.wall_s = Math.round((performance.now() - started) / 100) / 10;
    const cpu = process.cpuUsage(cpu0);
    result.cpu_s = Math.round((cpu.user + cpu.system) / 1e5) / 10;
    if (asJson) {
      console.log(JSON.stringify({ ...result, flagged: flagged.map(brief) }));
      return;
    }
    console.log(`\n== ${ds.name}: ${ds.about}`);
    for (const [k, v] of Object.entries(result)) if (k !== 'dataset' && k !== 'about') console.log(`  ${k}: ${typeof v === 'object' ? JSON.stringify(v) : v}`);
    console.log(`  anomalous hours (${flagged.length}):`);
    for (const h of flagged) printHour(h);
    if (process.env.EVAL_ALL) for (const h of detect.hours) console.log(`    ${h.hour} total ${h.features.total} auth ${h.features.auth_failures} info ${h.features.info} warn ${h.features.warnings} err ${h.features.errors} score ${round(h.score)} ${h.is_anomaly ? 'ANOMALY' : ''} ${h.explanation.join('; ')}`);
  } finally {
    await service.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Hour-level scores against the per-line labels: an hour is truly anomalous when it holds at
 * least one labelled alert line, and predicted anomalous when any series of it is flagged.
 * Only hours that have events (and so an hourly row) are counted: an empty hour is never scored.
 */
function labelled(lines: string[], ds: Dataset, hours: HourSummary[]) {
  const truth = new Map<number, boolean>();
  for (const l of lines) {
    const x = ds.label!(l);
    if (x) truth.set(x.hour, (truth.get(x.hour) ?? false) || x.alert);
  }
  const predicted = new Map<number, boolean>();
  for (const h of hours) {
    if (h.score === null && !h.is_anomaly) continue; // not scored (series unknown to the model)
    const t = Date.parse(h.hour);
    predicted.set(t, (predicted.get(t) ?? false) || h.is_anomaly === true);
  }
  let tp = 0, fp = 0, fn = 0, tn = 0;
  for (const [hour, p] of predicted) {
    const t = truth.get(hour) ?? false;
    if (p && t) tp++;
    else if (p) fp++;
    else if (t) fn++;
    else tn++;
  }
  const precision = tp + fp ? tp / (tp + fp) : null;
  const recall = tp + fn ? tp / (tp + fn) : null;
  const alertHours = [...truth.values()].filter(Boolean).length;
  return { labelled_hours: truth.size, alert_hours: alertHours, scored_labelled_hours: predicted.size, tp, fp, fn, tn, precision: round(precision), recall: round(recall) };
}

function round(x: number | null): number | null {
  return x === null ? null : Math.round(x * 1000) / 1000;
}

function brief(h: HourSummary) {
  const f = h.features;
  return { hour: h.hour, host: h.host, source: h.source, score: round(h.score), severity: h.severity, total: f.total, errors: f.errors, warnings: f.warnings, auth_failures: f.auth_failures, distinct_src_ips: f.distinct_src_ips, new_templates: f.new_templates, explanation: h.explanation, top_templates: (h.top_templates ?? []).map((t) => `${t.template.slice(0, 100)} ×${t.count}`) };
}

function printHour(h: HourSummary): void {
  const b = brief(h);
  console.log(`  - ${b.hour} ${b.host}/${b.source} score ${b.score} ${b.severity}: total ${b.total}, errors ${b.errors}, warnings ${b.warnings}, auth failures ${b.auth_failures}, new templates ${b.new_templates}`);
  if (b.explanation.length) console.log(`      why: ${b.explanation.join('; ')}`);
  if (b.top_templates.length) console.log(`      templates: ${b.top_templates.join(' | ')}`);
}

/**
 * The synthetic held-out weeks of test/anomaly/detection.test.ts (3 weeks of seasonal history
 * with 0.3% anomalies, then a test week with 1%), over several data and forest seeds: how far
 * the test's single seed is from typical.
 */
function synthetic(): void {
  const START = Date.UTC(2026, 0, 5);
  const TRAIN_HOURS = 21 * 24;
  const series = makeSeries(30, 1);
  console.log('\n== synthetic held-out weeks (30 series; train 3 weeks at 0.3% anomalies, test 1 week at 1%)');
  for (const [trainSeed, testSeed, rs] of [[2, 3, 42], [2, 3, 1234], [5, 6, 42], [7, 8, 42], [9, 10, 42]] as const) {
    const db = openDatabase({ path: ':memory:' });
    const repo = new AnomalyRepository(db);
    repo.transaction(() => generateHistory({ series, fromMs: START, hours: TRAIN_HOURS, seed: trainSeed, anomalyRate: 0.003 }, (r) => repo.insertHour(r.host, r.source, r.hour, r.features)));
    const week: LabelledRow[] = [];
    generateHistory({ series, fromMs: START + TRAIN_HOURS * HOUR, hours: 7 * 24, seed: testSeed, anomalyRate: 0.01 }, (r) => week.push(r));
    const cfg = { ...loadConfig({ env: {} }).anomaly, time_zone: 'UTC', random_state: rs };
    const model = trainModel(repo, cfg, { fromMs: START, toMs: START + TRAIN_HOURS * HOUR }, START + TRAIN_HOURS * HOUR);
    let tp = 0, fp = 0, fn = 0;
    for (const r of week) {
      const a = model.assess(r.host, r.source, r.hour, r.features, cfg);
      if (r.anomaly) a.isAnomaly ? tp++ : fn++;
      else if (a.isAnomaly) fp++;
    }
    console.log(`  data seeds ${trainSeed}/${testSeed}, random_state ${rs}: precision ${(tp / (tp + fp)).toFixed(3)}, recall ${(tp / (tp + fn)).toFixed(3)} (tp ${tp}, fp ${fp}, fn ${fn})${trainSeed === 2 && rs === 42 ? '  ← the test\'s seed' : ''}`);
    db.close();
  }
}

console.log(`${cpus().length} cores, load average ${load()}, node ${process.version}`);
if (!only || only === 'synthetic') synthetic();
for (const ds of DATASETS) if (!only || only === ds.name) await evaluate(ds);
console.log(`load average ${load()}`);
