/**
 * Restart and retention benchmark: `npm run bench:restart [-- --events 1000000] [--parts startup,retention,pump]`.
 *
 * 1. Start-up: builds (once, cached in bench-out/) a database of N stored events that the
 *    service has consumed (SSH failures from many addresses, so detection holds open windows, and
 *    syslog noise), then starts `logward serve` on it as a child process and polls /healthz and
 *    /readyz every 10 ms: time to the first /healthz answer, to "ready", the longest /readyz
 *    answer meanwhile (how long the restore holds the event loop), and what the service logged
 *    about restoring its windows.
 * 2. Retention: the same N events, all expired, pruned in steps (pipeline/retention.ts) while
 *    the event loop's delay is sampled: longest step, longest event-loop stall, total time; and
 *    the old single DELETE on a copy, for comparison.
 * 4. Detection CPU per event with and without the window checkpoint saved after each batch.
 * 3. Event pump CPU per event handed to a consumer that does nothing: fed the decoded objects
 *    (now), fed JSON it parses per event (the old hand-off), and what receiving the objects from
 *    a worker thread by structured clone would cost the main thread instead.
 *
 * Timings depend on the machine and on what else runs on it.
 */
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { MessageChannel, receiveMessageOnPort } from 'node:worker_threads';
import { loadConfig } from '../src/config/load.js';
import type { LogEvent } from '../src/generated/schema-types.js';
import { normalizeRawLine } from '../src/normalize/index.js';
import { createService } from '../src/service.js';
import { openDatabase } from '../src/store/database.js';
import { decodeStored, encodeEvent, SqliteEventStore } from '../src/store/sqlite-event-store.js';
import type { StoredEncoded, StoredEvent } from '../src/store/event-store.js';
import { EventPump } from '../src/pipeline/event-pump.js';
import { pruneInSteps } from '../src/pipeline/retention.js';
import { createDetectionModule } from '../src/detect/module.js';

const argIndex = process.argv.indexOf('--events');
const TOTAL = argIndex > 0 ? Number(process.argv[argIndex + 1]) : 1_000_000;
const ROOT = join(import.meta.dirname, '..', '..');
const OUT = join(ROOT, 'bench-out');
const BIN = join(ROOT, 'alert-service', 'bin', 'logward.js');
const DB = join(OUT, `restart-${TOTAL}.db`);
const config = loadConfig({ env: {} });
const receivedAt = new Date();

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** Events of the last hour: 1 in 4 an SSH failure from one of 20,000 addresses (3–4 each: open windows below the threshold). */
function makeEvents(from: number, n: number): LogEvent[] {
  const t0 = Date.now() - 3600_000;
  const out: LogEvent[] = [];
  for (let i = from; i < from + n; i++) {
    const d = new Date(t0 + Math.floor((i / TOTAL) * 3500_000));
    const stamp = `${MONTHS[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2, ' ')} ${d.toISOString().slice(11, 19)}`;
    const ssh = i % 4 === 0;
    const ip = `10.${(i >> 10) % 20}.${(i >> 2) % 250}.${i % 200}`;
    const line = ssh
      ? `${stamp} web1 sshd[${i % 30000}]: Failed password for root from 198.18.${Math.floor((i / 4) % 20000 / 200)}.${(i / 4) % 200 | 0} port ${40000 + (i % 20000)} ssh2`
      : `${stamp} web1 systemd[1]: Started session ${i} of user deploy from ${ip}.`;
    out.push(normalizeRawLine(line, { path: ssh ? '/var/log/auth.log' : '/var/log/syslog', offset: i * 150, host: 'web1', kind: ssh ? 'auth' : 'syslog' }, { receivedAt }, config.normalize));
  }
  return out;
}

async function buildDatabase(): Promise<void> {
  if (existsSync(DB)) return;
  mkdirSync(OUT, { recursive: true });
  console.log(`building ${DB} (${TOTAL} events, consumed by the service's own modules; once)...`);
  const cfg = loadConfig({ env: {}, overrides: { storage: { path: DB, synchronous: 'NORMAL' }, server: { port: 0 }, alerting: { geoip: { enabled: false } } as never } });
  const service = await createService(cfg, { defaultMetrics: false, log: () => {} });
  await service.listen();
  for (let i = 0; i < TOTAL; i += 10_000) {
    const { stored } = service.store.insertEncoded(makeEvents(i, Math.min(10_000, TOTAL - i)).map(encodeEvent));
    await service.pump.offerEncoded(stored);
  }
  await service.pump.notify();
  console.log(`  stored ${service.store.countEvents()} events, backlog ${service.pump.backlog()}`);
  await service.stop();
}

/** CPU seconds (user + system) a child has used so far (Linux /proc; undefined elsewhere). */
function cpuSeconds(pid: number | undefined): number | undefined {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (USER_HZ 100)
  } catch {
    return undefined;
  }
}

/** Starts `bin serve` on `db` and polls it; `label` names the build measured. */
async function startUp(bin = BIN, db = DB, label = 'this build'): Promise<void> {
  const env = { PATH: process.env.PATH, HOME: process.env.HOME, LOGWARD_STORAGE_PATH: db, LOGWARD_SERVER_PORT: '18931', LOGWARD_ALERTING_GEOIP_ENABLED: 'false' };
  const t0 = performance.now();
  const child = spawn(process.execPath, [bin, 'serve'], { cwd: OUT, env, stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  let healthAt: number | undefined;
  let readyAt: number | undefined;
  let starting = 0;
  let cpuAtReady: number | undefined;
  // The longest /readyz answer once the service listens: how long the restore holds the event loop.
  let longestMs = 0;
  while (readyAt === undefined && performance.now() - t0 < 180_000) {
    try {
      if (healthAt === undefined && (await fetch('http://127.0.0.1:18931/healthz')).ok) healthAt = performance.now() - t0;
      const asked = performance.now();
      const r = await fetch('http://127.0.0.1:18931/readyz');
      longestMs = Math.max(longestMs, performance.now() - asked);
      if (r.ok) {
        readyAt = performance.now() - t0;
        cpuAtReady = cpuSeconds(child.pid);
      }
      else if (/starting/.test(await r.text())) starting++;
    } catch {
      /* not listening yet */
    }
    await new Promise((r) => setTimeout(r, 10));
  }
  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));
  const restored = /rules: (restored|warm-up).*/.exec(err)?.[0] ?? 'no restore line';
  console.log(
    `start-up of ${label} on ${TOTAL} stored events: /healthz after ${healthAt?.toFixed(0)} ms, ready after ${readyAt?.toFixed(0)} ms ` +
      `(${cpuAtReady ?? '?'} CPU s by then; "starting" seen ${starting}x, longest /readyz answer ${longestMs.toFixed(0)} ms); ${restored}`,
  );
}

const pct = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))]?.toFixed(0) ?? '-';

async function retention(): Promise<void> {
  const copy = join(OUT, 'restart-prune.db');
  const db0 = openDatabase({ path: DB, synchronous: 'NORMAL' });
  db0.pragma('wal_checkpoint(TRUNCATE)');
  db0.close();
  for (const batched of [true, false]) {
    for (const ext of ['', '-wal', '-shm']) rmSync(copy + ext, { force: true });
    copyFileSync(DB, copy);
    const db = openDatabase({ path: copy, synchronous: 'NORMAL' });
    const store = new SqliteEventStore(db, { retentionDays: 30, deadLetterRetentionDays: 30 });
    const future = Date.now() + 365 * 86_400_000; // everything expired
    const h = monitorEventLoopDelay({ resolution: 5 });
    h.enable();
    const t0 = performance.now();
    const cpu0 = process.cpuUsage();
    let removed = 0;
    let longest = 0;
    const stepMs: number[] = [];
    if (batched) {
      removed = await pruneInSteps(store, {
        batchRows: 5000,
        targetStepMs: 25,
        now: () => future,
        consumedThrough: () => store.lastSeq(),
        onStep: (_n, ms) => {
          stepMs.push(ms);
          longest = Math.max(longest, ms);
        },
      });
    } else {
      await new Promise((r) => setTimeout(r, 20));
      removed = store.prune(future);
      longest = performance.now() - t0;
      await new Promise((r) => setTimeout(r, 20));
    }
    const wall = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    h.disable();
    console.log(
      `retention ${batched ? 'in steps (<= 5,000 rows, ~25 ms target)' : 'one DELETE (before)'}: ${removed} rows in ${(wall / 1000).toFixed(2)} s ` +
        `(${((cpu.user + cpu.system) / removed).toFixed(1)} µs CPU/row${batched ? `, ${stepMs.length} steps, p50 ${pct(stepMs, 0.5)} ms, p99 ${pct(stepMs, 0.99)} ms` : ''}), longest step (the DELETE itself) ${longest.toFixed(0)} ms, longest event-loop stall ${(h.max / 1e6).toFixed(0)} ms`,
    );
    db.close();
  }
  for (const ext of ['', '-wal', '-shm']) rmSync(copy + ext, { force: true });
}

async function pumpCpu(): Promise<void> {
  const N = 200_000;
  const events = makeEvents(0, N);
  const encoded: StoredEncoded[] = events.map((e, i) => ({ seq: i + 1, row: encodeEvent(e) }));
  const objects: StoredEvent[] = events.map((event, i) => ({ seq: i + 1, event }));
  const store = { lastSeq: () => N, getCursor: () => 0, setCursors: (_c: unknown, also?: () => void) => also?.(), readAfter: () => [] };
  const measure = async (label: string, feed: (pump: EventPump, from: number, to: number) => Promise<void>, prepare?: () => void) => {
    const runs: number[] = [];
    for (let r = 0; r < 3; r++) {
      prepare?.();
      let seen = 0;
      const pump = new EventPump(store as never, [{ name: 'noop', consume: (e) => void (seen += e.length) }], undefined, { maxHandoff: N });
      const cpu0 = process.cpuUsage();
      for (let i = 0; i < N; i += 5000) await feed(pump, i, i + 5000);
      const cpu = process.cpuUsage(cpu0);
      if (seen !== N) throw new Error(`consumer saw ${seen}`);
      runs.push((cpu.user + cpu.system) / N);
    }
    console.log(`pump CPU per event, ${label}: ${runs.map((x) => x.toFixed(2)).join(' / ')} µs`);
  };
  await measure('decoded objects handed on (now)', (pump, a, b) => pump.offer(objects.slice(a, b)));
  await measure('stored body decoded per event (what ingest hands on; was JSON parsed)', (pump, a, b) => pump.offer(encoded.slice(a, b).map(decodeStored)));
  const { port1, port2 } = new MessageChannel();
  // Posted before the CPU is read (a worker would serialize on its own thread); only receiving is timed.
  await measure(
    'objects received from a worker by structured clone (alternative)',
    (pump, a) => {
      const got = receiveMessageOnPort(port2)!.message as LogEvent[];
      return pump.offer(got.map((event, k) => ({ seq: a + k + 1, event })));
    },
    () => {
      for (let i = 0; i < N; i += 5000) port1.postMessage(events.slice(i, i + 5000));
    },
  );
  port1.close();
}

/** Detection CPU per event without the window checkpoint, with it saved when due (the policy), and saved after every 5,000-event batch. */
async function checkpointCost(): Promise<void> {
  const N = 200_000;
  const events = makeEvents(0, N);
  for (const [withDb, everyBatch] of [[false, false], [true, false], [true, true]] as const) {
    const path = join(OUT, 'restart-checkpoint.db');
    for (const ext of ['', '-wal', '-shm']) rmSync(path + ext, { force: true });
    const db = openDatabase({ path, synchronous: 'NORMAL' });
    const mod = await createDetectionModule({ config: config.rules, sink: { emit() {} }, clock: { now: () => Date.now() }, ...(withDb ? { db } : {}) });
    let saveMs = 0;
    const cpu0 = process.cpuUsage();
    for (let i = 0; i < N; i += 5000) {
      const batch = events.slice(i, i + 5000);
      mod.consumer.consume(batch, batch.map((_, k) => i + k + 1));
      const t = performance.now();
      if (mod.consumer.checkpointDue?.(everyBatch) !== false) {
        const committed = db.transaction(() => mod.consumer.checkpoint?.())();
        if (committed) committed();
      }
      saveMs += performance.now() - t;
    }
    const cpu = process.cpuUsage(cpu0);
    console.log(
      `detection ${withDb ? `with the window checkpoint ${everyBatch ? 'after every batch' : 'when due'}` : 'without the window checkpoint'}: ${((cpu.user + cpu.system) / N).toFixed(1)} µs CPU per event` +
        (withDb ? ` (saving: ${((saveMs * 1000) / N).toFixed(1)} µs per event, ${mod.engine.groupCount()} open groups)` : ''),
    );
    db.close();
    for (const ext of ['', '-wal', '-shm']) rmSync(path + ext, { force: true });
  }
}

// --parts startup,retention,pump,checkpoint (default: all)
const partsIndex = process.argv.indexOf('--parts');
const parts = new Set((partsIndex > 0 ? process.argv[partsIndex + 1]! : 'startup,retention,pump,checkpoint').split(','));
await buildDatabase();
/** A copy of the database, checkpointed first (WAL folded in). */
function copyDb(to: string): void {
  const db0 = openDatabase({ path: DB, synchronous: 'NORMAL' });
  db0.pragma('wal_checkpoint(TRUNCATE)');
  db0.close();
  for (const ext of ['', '-wal', '-shm']) rmSync(to + ext, { force: true });
  copyFileSync(DB, to);
}

if (parts.has('startup')) {
  await startUp();
  // As after a crash right before the next checkpoint: the last 100,000 consumed events (CHECKPOINT_EVERY_EVENTS) to replay.
  const copy = join(OUT, 'restart-crash.db');
  copyDb(copy);
  const db = openDatabase({ path: copy, synchronous: 'NORMAL' });
  const cursor = (db.prepare("SELECT seq FROM consumer_cursors WHERE consumer = 'detect'").pluck().get() as number) ?? 0;
  db.prepare("UPDATE detect_meta SET value = ? WHERE name = 'state_seq'").run(String(Math.max(0, cursor - 100_000)));
  db.close();
  await startUp(BIN, copy, 'this build after a crash (100,000 events to replay)');
  for (const ext of ['', '-wal', '-shm']) rmSync(copy + ext, { force: true });
}
// --compare-bin other/alert-service/bin/logward.js: the same start-up for another build, on a copy of the database.
const compareIndex = process.argv.indexOf('--compare-bin');
if (compareIndex > 0) {
  const copy = join(OUT, 'restart-compare.db');
  copyDb(copy);
  await startUp(process.argv[compareIndex + 1]!, copy, process.argv[compareIndex + 1]!);
  for (const ext of ['', '-wal', '-shm']) rmSync(copy + ext, { force: true });
}
if (parts.has('retention')) await retention();
if (parts.has('pump')) await pumpCpu();
if (parts.has('checkpoint')) await checkpointCost();
