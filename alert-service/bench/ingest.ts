/**
 * Ingest benchmark against a real service started as a child process with its default config
 * (all modules on: rules, anomaly, alerting; SQLite with fsynced ingest commits).
 *
 *   npm run bench:ingest                         both senders below, one fresh service each
 *   npm run bench:ingest -- --mode fluentbit [--lines 1000000 --chunk-kb 256]
 *        [--max-chunks N --workers N --scheduler-base S --scheduler-cap S --response-timeout S]
 *        (unset: as fluent-bit/linux/fluent-bit.yaml sets them)
 *   npm run bench:ingest -- --mode simple [--batches 300 --concurrency 2 --size 1000]
 *   npm run bench:ingest -- --mode limits [--chunks 16]
 *   BENCH_NODE_ARGS='--cpu-prof --cpu-prof-dir=/tmp/prof' npm run bench:ingest   profiles the service
 *
 * fluentbit: a sender that behaves as Fluent Bit's tail → out_http does (read from its source and
 *   docs): a burst of lines appended to a file is read into chunks of ~256 KB (gzip JSON array,
 *   fb_time date key); every `flush` (1 s) the engine dispatches every chunk that is ready, each
 *   as its own concurrent flush on one of 2 output workers (their own keep-alive connections), up
 *   to storage.max_chunks_up chunks held at once. A chunk is retried whole on 5xx, 408, 429, a
 *   connection error or no response within http.response_timeout (60 s, then it is resent),
 *   after the scheduler's backoff: uniform(base, min(cap, base * 2^n)) + 1 s for the n-th retry
 *   (flb_scheduler.c backoff_full_jitter; scheduler.base/cap). Retry-After is ignored. The agent
 *   settings are read from fluent-bit/linux/fluent-bit.yaml, so the run models the repo's agent.
 *   The sender is src/agent/out-http.ts, the one `logward replay` uses.
 * simple: fixed gzip batches of 1,000 records posted back to back on 2 keep-alive connections.
 * limits: chunks at the default limits (max_records records, ~max_decoded_bytes each), all at
 *   once, plus compressed bombs: reports the service's peak RSS (target < 1 GB).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent, request } from 'node:http';
import { gzipSync } from 'node:zlib';
import { parseArgs } from 'node:util';
import { line } from './record-mix.js';
import { chunkRecords, sendChunks, settingsFrom, type OutHttpSettings } from '../src/agent/out-http.js';

const { values } = parseArgs({
  options: {
    mode: { type: 'string', default: 'all' },
    batches: { type: 'string', default: '300' },
    concurrency: { type: 'string', default: '2' },
    size: { type: 'string', default: '1000' },
    lines: { type: 'string', default: '1000000' },
    'chunk-kb': { type: 'string', default: '256' },
    // Unset: as fluent-bit/linux/fluent-bit.yaml has them (Fluent Bit's own defaults where it sets none).
    'max-chunks': { type: 'string' },
    workers: { type: 'string' },
    'scheduler-base': { type: 'string' },
    'scheduler-cap': { type: 'string' },
    'response-timeout': { type: 'string' },
    chunks: { type: 'string', default: '16' },
    // fluentbit mode: lines appended at this rate (lines/s) instead of all at once; a chunk then
    // holds what tail read in one flush interval (Fluent Bit flushes a chunk that is not full).
    rate: { type: 'string' },
  },
});
const TOKEN = 'bench-token-0123456789abcdef';
const root = join(import.meta.dirname, '..', '..');

/** The agent settings the sender models: the repo's own agent config, unless given on the command line. */
function agentSettings(): OutHttpSettings {
  const s = settingsFrom();
  const opt = (v: string | undefined, dflt: number) => (v === undefined ? dflt : Number(v));
  return {
    ...s,
    maxChunksUp: opt(values['max-chunks'], s.maxChunksUp),
    workers: opt(values.workers, s.workers),
    schedulerBase: opt(values['scheduler-base'], s.schedulerBase),
    schedulerCap: opt(values['scheduler-cap'], s.schedulerCap),
    responseTimeoutMs: values['response-timeout'] === undefined ? s.responseTimeoutMs : Number(values['response-timeout']) * 1000,
  };
}

const recordOf = (i: number) => {
  const l = line(i);
  return { fb_time: new Date(1795304879000 + i).toISOString(), file: l.file, offset: i * 120, log: l.log, hostname: `web${i % 20}`, source_kind: l.kind };
};

// ---------------------------------------------------------------------------------------------
// The service under test

interface Service { proc: ChildProcess; port: number; dir: string }

async function startService(): Promise<Service> {
  const dir = mkdtempSync(join(tmpdir(), 'logward-bench-'));
  const port = 18000 + Math.floor(Math.random() * 2000);
  const nodeArgs = (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const proc = spawn(process.execPath, [...nodeArgs, join(root, 'alert-service/bin/logward.js'), 'serve'], {
    env: { ...process.env, LOGWARD_SERVER_PORT: String(port), LOGWARD_STORAGE_PATH: join(dir, 'bench.db'), LOGWARD_INGEST_TOKENS: TOKEN },
    stdio: ['ignore', 'inherit', 'pipe'],
  });
  await new Promise<void>((resolve, reject) => {
    proc.stderr!.on('data', (d: Buffer) => (/listening/.test(d.toString()) ? resolve() : process.stderr.write(d)));
    proc.once('exit', (code) => reject(new Error(`server exited with ${code}`)));
  });
  // Start-up work in the background (the geo database, ~1 s; the decode worker loading) is not ingest.
  await new Promise((r) => setTimeout(r, 3000));
  return { proc, port, dir };
}

async function stopService(s: Service): Promise<void> {
  s.proc.kill('SIGTERM');
  await new Promise((r) => s.proc.once('exit', r));
  rmSync(s.dir, { recursive: true, force: true });
}

/** CPU seconds (utime + stime) of each thread of the service, by thread id (the main thread's id is the pid). */
function threadCpu(pid: number): Map<string, number> {
  const out = new Map<string, number>();
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      out.set(tid, (Number(f[11]) + Number(f[12])) / 100); // clock ticks (USER_HZ = 100)
    } catch {
      // the thread ended
    }
  }
  return out;
}

function cpuDelta(before: Map<string, number>, after: Map<string, number>): Map<string, number> {
  const d = new Map<string, number>();
  for (const [k, v] of after) d.set(k, v - (before.get(k) ?? 0));
  return d;
}

/**
 * Every thread of a Node process is named "node", so threads are told apart by what they do: the
 * main thread is the pid, the decode worker is the busiest other one (it decodes every chunk);
 * the rest are V8's GC and compiler threads, libuv's pool (gunzip) and the anomaly worker.
 */
function printCpu(pid: number, delta: Map<string, number>, records: number): void {
  const us = (s: number) => ((s / records) * 1e6).toFixed(1);
  const total = [...delta.values()].reduce((a, b) => a + b, 0);
  const main = delta.get(String(pid)) ?? 0;
  const others = [...delta.entries()].filter(([k]) => k !== String(pid)).map(([, v]) => v).sort((a, b) => b - a);
  const worker = others[0] ?? 0;
  const rest = others.slice(1).reduce((a, b) => a + b, 0);
  console.log(`  service CPU ${total.toFixed(2)} s: ${us(total)} µs per record over all threads = main ${us(main)} + decode worker ${us(worker)} + ${others.length - 1} other threads ${us(rest)}`);
  // Each other thread on its own (all are named "node" on Node 20): libuv's pool, V8's GC helpers, the checkpoint and read workers.
  console.log(`    other threads, µs per record each: ${others.slice(1).filter((s) => s > 0).map(us).join(', ')}`);
}

const peakRssMb = (pid: number) => Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;

async function metric(port: number, re: RegExp): Promise<number> {
  const m = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  return [...m.matchAll(re)].reduce((a, x) => a + Number(x[1]), 0);
}
const storedCount = (port: number) => metric(port, /logward_ingest_records_total\{outcome="stored"\} (\d+)/g);
const duplicateCount = (port: number) => metric(port, /logward_ingest_records_total\{outcome="duplicate"\} (\d+)/g);

async function detectionBacklog(port: number): Promise<number> {
  const m = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  return [...m.matchAll(/logward_pipeline_backlog_events\{[^}]*\} (\d+)/g)].reduce((a, x) => Math.max(a, Number(x[1])), 0);
}

function post(agent: Agent, port: number, buf: Buffer, timeoutMs = 0): Promise<{ status: number; ms: number }> {
  const t0 = performance.now();
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, path: '/v1/ingest', method: 'POST', agent, headers: { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip', Authorization: `Bearer ${TOKEN}`, 'X-Fluent-Tag': 'bench', 'Content-Length': buf.length } }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, ms: performance.now() - t0 }));
    });
    // A connection error or no answer in time: status 0, which Fluent Bit retries like a 5xx.
    req.on('error', () => resolve({ status: 0, ms: performance.now() - t0 }));
    if (timeoutMs) req.setTimeout(timeoutMs, () => req.destroy(new Error('response timeout')));
    req.end(buf);
  });
}

const pct = (sorted: number[], p: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]! : NaN);

// ---------------------------------------------------------------------------------------------
// The Fluent Bit-like sender

async function fluentBitSender(): Promise<boolean> {
  const LINES = Number(values.lines);
  const CHUNK_BYTES = Number(values['chunk-kb']) * 1024;
  const agent = agentSettings();

  const RATE = values.rate ? Number(values.rate) : 0;
  const perChunk = RATE ? Math.max(1, Math.round((RATE * agent.flushMs) / 1000)) : Infinity;
  // in_tail reads the burst into chunks: records appended until the chunk holds ~CHUNK_BYTES of JSON.
  console.log(`fluentbit: tail-reading ${RATE ? `${LINES.toLocaleString('en')} lines appended at ${Math.round(RATE).toLocaleString('en')} lines/s` : `a burst of ${LINES.toLocaleString('en')} lines`} into ~${CHUNK_BYTES >> 10} KB chunks...`);
  const chunks = chunkRecords('bench', (function* () {
    for (let i = 0; i < LINES; i++) yield JSON.stringify(recordOf(i));
  })(), agent.gzip, CHUNK_BYTES, perChunk);
  // Paced: a chunk is ready once the lines it holds have been appended.
  if (RATE) for (let i = 0, read = 0; i < chunks.length; i++) chunks[i]!.readyS = (read += chunks[i]!.records) / RATE;
  const avgGz = chunks.reduce((a, c) => a + c.body.length, 0) / chunks.length;
  console.log(`  ${chunks.length} chunks of ~${chunks[0]!.records} records (${(avgGz / 1024).toFixed(0)} KB gzip each); ${agent.workers} output workers, storage.max_chunks_up ${agent.maxChunksUp}, scheduler.base ${agent.schedulerBase} s, scheduler.cap ${agent.schedulerCap} s, response timeout ${agent.responseTimeoutMs / 1000} s`);

  const svc = await startService();
  const latencies: number[] = [];
  const statuses = new Map<string, number>();
  let maxAttempt = 0;
  let longestBackoff = 0;
  let inFlight = 0;
  let peakInFlight = 0;
  const cpuBefore = threadCpu(svc.proc.pid!);
  const started = performance.now();

  // The stored count over time, for the steady rate (between 10 % and 90 % of the burst stored).
  // Once a second: each scrape renders every metric on the service's main thread (at 4 a second
  // it was ~6 % of that thread's CPU in the profile, a cost of the measurement, not of ingest).
  const samples: Array<{ t: number; n: number }> = [];
  const sampler = setInterval(() => void storedCount(svc.port).then((n) => samples.push({ t: performance.now(), n })).catch(() => {}), 1000);
  const sent = await sendChunks(chunks, { url: `http://127.0.0.1:${svc.port}`, token: TOKEN }, agent, {
    onPost: () => (peakInFlight = Math.max(peakInFlight, ++inFlight)),
    onAnswer: (a) => {
      inFlight--;
      const key = a.status === 0 ? (a.timedOut ? 'timeout' : 'conn_error') : String(a.status);
      statuses.set(key, (statuses.get(key) ?? 0) + 1);
      if (a.status >= 200 && a.status <= 205) latencies.push(a.ms);
      maxAttempt = Math.max(maxAttempt, a.attempt);
      longestBackoff = Math.max(longestBackoff, a.retryInS ?? 0);
    },
  });
  const sentSeconds = (performance.now() - started) / 1000;
  clearInterval(sampler);
  if (sent.dropped.length) console.error(`  ${sent.dropped.length} chunks dropped by Fluent Bit: HTTP ${[...new Set(sent.dropped.map((d) => d.status))].join(', ')}`);
  const stored = await storedCount(svc.port);
  const storedSeconds = sentSeconds; // a 2xx comes only after the commit: every record is stored by the last 2xx
  for (let i = 0; i < 1200 && (await detectionBacklog(svc.port)) > 0; i++) await new Promise((r) => setTimeout(r, 100));
  const drainedSeconds = (performance.now() - started) / 1000;
  const cpu = cpuDelta(cpuBefore, threadCpu(svc.proc.pid!));
  const dup = await duplicateCount(svc.port);
  // The last 2xx is a sample too: a burst of a few seconds may end before a 1 s scrape saw 90 %.
  samples.push({ t: started + storedSeconds * 1000, n: stored });
  const lo = samples.find((s) => s.n >= LINES * 0.1);
  const hi = samples.find((s) => s.n >= LINES * 0.9);
  const steady = lo && hi && hi.t > lo.t ? ((hi.n - lo.n) / (hi.t - lo.t)) * 1000 : NaN;
  latencies.sort((a, b) => a - b);
  console.log(`  burst of ${LINES.toLocaleString('en')} lines fully stored after ${storedSeconds.toFixed(1)} s (${Math.round(LINES / storedSeconds).toLocaleString('en')} records/s overall); steady ${Math.round(steady).toLocaleString('en')} records/s (10 % → 90 % stored)`);
  console.log(`  all through detection after ${drainedSeconds.toFixed(1)} s`);
  console.log(`  request latency (2xx) p50 ${pct(latencies, 0.5).toFixed(0)} ms, p99 ${pct(latencies, 0.99).toFixed(0)} ms, max ${latencies[latencies.length - 1]!.toFixed(0)} ms; up to ${peakInFlight} requests in flight`);
  console.log(`  answers: ${[...statuses.entries()].map(([k, v]) => `${k} ×${v}`).join(', ')}; ${sent.retries} retries (highest attempt ${maxAttempt}, longest backoff ${longestBackoff} s)`);
  printCpu(svc.proc.pid!, cpu, LINES);
  console.log(`  service peak RSS ${peakRssMb(svc.proc.pid!).toFixed(0)} MiB; ${stored.toLocaleString('en')} stored, ${dup} duplicates (resent chunks)`);
  await stopService(svc);
  if (stored !== LINES) console.error(`  expected ${LINES} stored records, got ${stored}`);
  return stored === LINES && !sent.dropped.length;
}

// ---------------------------------------------------------------------------------------------
// The simple sender

async function simpleSender(): Promise<boolean> {
  const BATCHES = Number(values.batches);
  const CONCURRENCY = Number(values.concurrency);
  const SIZE = Number(values.size);
  console.log(`simple: ${BATCHES} gzip batches of ${SIZE} records on ${CONCURRENCY} keep-alive connections...`);
  const bodies = Array.from({ length: BATCHES }, (_, b) => gzipSync(JSON.stringify(Array.from({ length: SIZE }, (_, j) => recordOf(10_000_000 + b * SIZE + j)))));
  const svc = await startService();
  const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  const latencies: number[] = [];
  const cpuBefore = threadCpu(svc.proc.pid!);
  let next = 0;
  let retried = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < bodies.length) {
        const b = next++;
        for (;;) {
          const r = await post(agent, svc.port, bodies[b]!);
          if (r.status === 204) {
            latencies.push(r.ms);
            break;
          }
          if (r.status !== 503 && r.status !== 429 && r.status !== 0) throw new Error(`batch ${b}: HTTP ${r.status}`);
          retried++;
          await new Promise((res) => setTimeout(res, 100));
        }
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  for (let i = 0; i < 1200 && (await detectionBacklog(svc.port)) > 0; i++) await new Promise((r) => setTimeout(r, 100));
  const drainedSeconds = (performance.now() - started) / 1000;
  const cpu = cpuDelta(cpuBefore, threadCpu(svc.proc.pid!));
  const records = BATCHES * SIZE;
  const stored = await storedCount(svc.port);
  const signals = await metric(svc.port, /logward_detect_signals_total (\d+)/g);
  latencies.sort((a, b) => a - b);
  console.log(`  ${records.toLocaleString('en')} records stored in ${seconds.toFixed(2)} s: ${Math.round(records / seconds).toLocaleString('en')} records/s (${retried} batches retried)`);
  console.log(`  all through detection after ${drainedSeconds.toFixed(2)} s: ${Math.round(records / drainedSeconds).toLocaleString('en')} records/s end to end; ${signals} detection signals`);
  console.log(`  batch latency p50 ${pct(latencies, 0.5).toFixed(1)} ms, p99 ${pct(latencies, 0.99).toFixed(1)} ms`);
  printCpu(svc.proc.pid!, cpu, records);
  console.log(`  service peak RSS ${peakRssMb(svc.proc.pid!).toFixed(0)} MiB`);
  agent.destroy();
  await stopService(svc);
  return stored === records;
}

// ---------------------------------------------------------------------------------------------
// Chunks at the limits

async function limitsSender(): Promise<boolean> {
  const N = Number(values.chunks);
  // Default limits (schemas/config/ingest.schema.json): 50,000 records, 16 MiB decoded.
  const MAX_RECORDS = 50_000;
  const MAX_DECODED = 16 * 2 ** 20;
  console.log(`limits: ${N} chunks at the default limits at once (half at ${MAX_RECORDS} records, half ~${MAX_DECODED >> 20} MiB decoded), plus 4 compressed bombs...`);
  const atRecords = JSON.stringify(Array.from({ length: MAX_RECORDS }, (_, i) => recordOf(20_000_000 + i)));
  const big = Array.from({ length: 400 }, (_, i) => ({ ...recordOf(30_000_000 + i), log: 'x'.repeat(40_000) + i }));
  const atBytes = JSON.stringify(big);
  const bodies = Array.from({ length: N }, (_, k) => gzipSync(k % 2 ? atBytes : atRecords));
  const bomb = Buffer.concat(Array(64).fill(gzipSync(Buffer.alloc(16 * 2 ** 20), { level: 9 })));
  const svc = await startService();
  const agent = new Agent({ keepAlive: true, maxSockets: Infinity });
  const t0 = performance.now();
  const tally = new Map<number, number>();
  // Each sent until it gets a final answer, retried on 503 after 3-5 s as the tuned agent would.
  const final = async (b: Buffer) => {
    for (;;) {
      const a = await post(agent, svc.port, b);
      tally.set(a.status, (tally.get(a.status) ?? 0) + 1);
      if (a.status !== 503 && a.status !== 0) return a;
      await new Promise((r) => setTimeout(r, 3000 + Math.random() * 2000));
    }
  };
  const answers = await Promise.all([...bodies.map(final), ...Array.from({ length: 4 }, () => final(bomb))]);
  const seconds = (performance.now() - t0) / 1000;
  console.log(`  all answered in ${seconds.toFixed(1)} s: ${[...tally.entries()].map(([k, v]) => `${k} ×${v}`).join(', ')}; bombs: ${answers.slice(N).map((a) => a.status).join(', ')}`);
  console.log(`  service peak RSS ${peakRssMb(svc.proc.pid!).toFixed(0)} MiB (target < 1024)`);
  agent.destroy();
  await stopService(svc);
  return answers.slice(0, N).every((a) => a.status === 204) && answers.slice(N).every((a) => a.status === 413);
}

const mode = values.mode!;
let ok = true;
if (mode === 'fluentbit' || mode === 'all') ok = (await fluentBitSender()) && ok;
if (mode === 'simple' || mode === 'all') ok = (await simpleSender()) && ok;
if (mode === 'limits') ok = (await limitsSender()) && ok;
if (!['fluentbit', 'simple', 'limits', 'all'].includes(mode)) throw new Error(`unknown --mode ${mode}`);
process.exit(ok ? 0 : 1);
