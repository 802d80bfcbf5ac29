/**
 * Main-thread cost of detection (rules engine, window state, its checkpoint) and of the anomaly
 * consumer on the ingest benchmark's record mix, without HTTP, decode or storage:
 *
 *   node --import tsx alert-service/bench/detect-main.ts [--lines 300000] [--modules all|detect|anomaly|none]
 *        [--batch 2500] [--checkpoint-every 100000]
 *
 * Events are normalized in batches of 2,500 (the event pump's batch) as the service does, and
 * dropped after the batch, as the pump drops them; each batch then goes through the detection
 * consumer's path (engine.processOne per event, with the event's time in ms as the pump passes
 * it from the stored row: the time the normalizer issued, which the encoder takes on the
 * worker), the anomaly consumer (with those times too), and every 100,000 events a
 * window checkpoint into SQLite (a temp file, WAL) as the detection module saves it. Prints CPU
 * per event of the whole process and of the main thread (from /proc; the rest are V8's GC and
 * compiler threads), the main isolate's GC pauses (scavenges, mark-compacts), and the CPU of
 * each phase. `--modules none` is the same loop with normalization only: subtract it.
 */
import { readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PerformanceObserver, constants, type PerformanceEntry } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { loadConfig } from '../src/config/load.js';
import type { LogEvent } from '../src/generated/schema-types.js';
import { normalizeRawLine } from '../src/normalize/index.js';
import { issuedTimeMs } from '../src/util/iso-times.js';
import { DetectionEngine } from '../src/detect/engine.js';
import { limitsFrom, loadRuleSet } from '../src/detect/ruleset.js';
import { DetectStateRepository } from '../src/detect/state-repository.js';
import { createAnomalyModule } from '../src/anomaly/module.js';
import { openDatabase } from '../src/store/database.js';
import { line } from './record-mix.js';

const { values: args } = parseArgs({
  options: {
    lines: { type: 'string', default: '300000' },
    modules: { type: 'string', default: 'all' },
    // As the service runs: the event pump's batch and the detection module's checkpoint interval.
    batch: { type: 'string', default: '2500' },
    'checkpoint-every': { type: 'string', default: '100000' },
  },
});
const LINES = Number(args.lines);
const detectOn = args.modules === 'all' || args.modules === 'detect';
const anomalyOn = args.modules === 'all' || args.modules === 'anomaly';
const config = loadConfig({ env: {} });
const receivedAt = new Date('2026-11-21T12:00:00Z');
const clock = { now: () => receivedAt.getTime() };
const BATCH = Number(args.batch);
const CHECKPOINT_EVERY = Number(args['checkpoint-every']);

const dir = mkdtempSync(join(tmpdir(), 'logward-detect-main-'));
const db = openDatabase({ path: join(dir, 'bench.db'), synchronous: 'NORMAL' });
const rules = detectOn ? (await loadRuleSet(config.rules)).rules : [];
let signals = 0;
const engine = new DetectionEngine(rules, { emit: () => void signals++ }, clock, limitsFrom(config.rules));
const repo = new DetectStateRepository(db);
const anomaly = createAnomalyModule({ db, config: { ...config.anomaly, time_zone: 'UTC' }, clock, sink: { emit: () => {} } });

const gcMs = { minor: 0, major: 0, minorCount: 0, majorCount: 0 };
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) {
    const kind = (e as PerformanceEntry & { detail?: { kind?: number } }).detail?.kind;
    if (kind === constants.NODE_PERFORMANCE_GC_MINOR) {
      gcMs.minor += e.duration;
      gcMs.minorCount++;
    } else if (kind === constants.NODE_PERFORMANCE_GC_MAJOR) {
      gcMs.major += e.duration;
      gcMs.majorCount++;
    }
  }
}).observe({ entryTypes: ['gc'] });

/** CPU µs of the main thread (utime + stime of the task whose id is the pid). */
function mainThreadUs(): number {
  const f = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8');
  const parts = f.slice(f.lastIndexOf(')') + 2).split(' ');
  return ((Number(parts[11]) + Number(parts[12])) * 1e6) / 100; // clock ticks of 10 ms
}
const processUs = () => {
  const u = process.cpuUsage();
  return u.user + u.system;
};

const phase = { normalize: 0, detect: 0, anomaly: 0, checkpoint: 0 };
let seq = 0;
let sinceCheckpoint = 0;
const batch: LogEvent[] = [];
const seqs: number[] = [];
const timesMs: number[] = [];
const startProcess = processUs();
const startMain = mainThreadUs();
gcMs.minor = gcMs.major = gcMs.minorCount = gcMs.majorCount = 0;
for (let i = 0; i < LINES; ) {
  let c = processUs();
  batch.length = 0;
  seqs.length = 0;
  timesMs.length = 0;
  for (; batch.length < BATCH && i < LINES; i++) {
    const r = line(i);
    const e = normalizeRawLine(r.log, { path: r.file, offset: i * 120, host: `web${i % 20}`, kind: r.kind as LogEvent['source']['kind'] }, { receivedAt }, config.normalize);
    batch.push(e);
    seqs.push(++seq);
    // The row's time_ms as the encoder takes it (util/iso-times.ts issuedTimeMs, else Date.parse).
    const ms = issuedTimeMs(e.time);
    timesMs.push(Number.isNaN(ms) ? Date.parse(e.time) : ms);
  }
  phase.normalize += processUs() - c;
  if (detectOn) {
    c = processUs();
    for (let k = 0; k < batch.length; k++) engine.processOne(batch[k]!, timesMs[k]);
    phase.detect += processUs() - c;
  }
  if (anomalyOn) {
    c = processUs();
    anomaly.consumer.consume(batch, seqs, timesMs);
    phase.anomaly += processUs() - c;
  }
  sinceCheckpoint += batch.length;
  if (detectOn && (sinceCheckpoint >= CHECKPOINT_EVERY || i >= LINES)) {
    c = processUs();
    db.transaction(() => repo.save(engine.exportChanges(), seq, () => engine.exportAll()))();
    engine.takeChanges();
    phase.checkpoint += processUs() - c;
    sinceCheckpoint = 0;
  }
  await new Promise((r) => setImmediate(r)); // as the pump does between batches (and the gc entries are delivered)
}
const total = processUs() - startProcess;
const main = mainThreadUs() - startMain;
await new Promise((r) => setImmediate(r)); // the last gc entries
// Live heap after a full GC: what the window state (and the anomaly's open buckets) hold.
setFlagsFromString('--expose-gc');
(runInNewContext('gc') as () => void)();
const live = process.memoryUsage().heapUsed;
const per = (us: number) => (us / LINES).toFixed(2);
console.log(`${LINES.toLocaleString('en-US')} events, modules ${args.modules}: ${signals} signals, ${engine.groupCount()} open groups`);
console.log(`  CPU µs per event: process ${per(total)} = main thread ${per(main)} + other threads ${per(total - main)}`);
console.log(`  phases (process CPU, µs per event): normalize ${per(phase.normalize)}, detect ${per(phase.detect)}, anomaly ${per(phase.anomaly)}, checkpoint ${per(phase.checkpoint)}`);
console.log(`  main isolate GC: ${gcMs.minorCount} scavenges ${gcMs.minor.toFixed(0)} ms, ${gcMs.majorCount} mark-compacts ${gcMs.major.toFixed(0)} ms; live heap at the end ${(live / 2 ** 20).toFixed(1)} MiB`);
db.close();
rmSync(dir, { recursive: true, force: true });
