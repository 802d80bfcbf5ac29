/**
 * Ingest benchmark: posts gzip JSON batches of 1,000 records, as Fluent Bit's out_http does
 * (format json, fb_time date key, gzip, 2 workers on keep-alive connections), to a real service
 * started as a child process with its default modules and SQLite storage (synchronous=FULL).
 * Prints records/s, latency per batch and the server's peak RSS.
 *   npm run bench:ingest [-- --batches 300 --concurrency 2]
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent, request } from 'node:http';
import { gzipSync } from 'node:zlib';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { batches: { type: 'string', default: '300' }, concurrency: { type: 'string', default: '2' }, size: { type: 'string', default: '1000' } } });
const BATCHES = Number(values.batches);
const CONCURRENCY = Number(values.concurrency);
const SIZE = Number(values.size);
const TOKEN = 'bench-token-0123456789abcdef';
const root = join(import.meta.dirname, '..', '..');

// A realistic mix: sshd failures from many IPs, nginx access lines, JSON app logs, syslog.
function line(i: number): { file: string; kind: string; log: string } {
  const ip = `198.51.${(i >> 8) & 255}.${i & 255}`;
  switch (i % 4) {
    case 0: return { file: '/var/log/auth.log', kind: 'auth', log: `Nov 21 10:${String((i >> 6) % 60).padStart(2, '0')}:${String(i % 60).padStart(2, '0')} web1 sshd[${3000 + (i % 900)}]: Failed password for invalid user user${i % 50} from ${ip} port ${40000 + (i % 20000)} ssh2` };
    case 1: return { file: '/var/log/nginx/access.log', kind: 'web_access', log: `${ip} - - [21/Nov/2026:10:00:${String(i % 60).padStart(2, '0')} +0000] "GET /api/items/${i} HTTP/1.1" ${i % 10 ? 200 : 404} ${500 + (i % 900)} "-" "Mozilla/5.0 (X11; Linux x86_64)"` };
    case 2: return { file: '/var/log/myapp/orders.log', kind: 'app', log: JSON.stringify({ time: '2026-11-21T10:00:01.120Z', level: i % 7 ? 'info' : 'error', msg: `order ${i} processed in ${i % 300} ms`, order_id: `A-${i}`, user: `u${i % 100}` }) };
    default: return { file: '/var/log/syslog', kind: 'syslog', log: `Nov 21 10:00:${String(i % 60).padStart(2, '0')} web1 systemd[1]: Started session ${i} of user u${i % 100}.` };
  }
}

function body(batch: number): Buffer {
  const records = [];
  for (let j = 0; j < SIZE; j++) {
    const i = batch * SIZE + j;
    const l = line(i);
    records.push({ fb_time: new Date(1795304879000 + i).toISOString(), file: l.file, offset: i * 120, log: l.log, hostname: `web${i % 20}`, source_kind: l.kind });
  }
  return gzipSync(JSON.stringify(records));
}

const dir = mkdtempSync(join(tmpdir(), 'logward-bench-'));
const port = 18000 + Math.floor(Math.random() * 2000);
// BENCH_NODE_ARGS='--cpu-prof --cpu-prof-dir=/tmp/prof' profiles the server.
const nodeArgs = (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);
const server = spawn(process.execPath, [...nodeArgs, join(root, 'alert-service/bin/logward.js'), 'serve'], {
  env: { ...process.env, LOGWARD_SERVER_PORT: String(port), LOGWARD_STORAGE_PATH: join(dir, 'bench.db'), LOGWARD_INGEST_TOKENS: TOKEN },
  stdio: ['ignore', 'inherit', 'pipe'],
});
await new Promise<void>((resolve, reject) => {
  server.stderr!.on('data', (d: Buffer) => (/listening/.test(d.toString()) ? resolve() : process.stderr.write(d)));
  server.once('exit', (code) => reject(new Error(`server exited with ${code}`)));
});

console.log(`preparing ${BATCHES} gzip batches of ${SIZE} records...`);
const bodies = Array.from({ length: BATCHES }, (_, b) => body(b));
// Start-up work in the background (the geo database, ~1 s) is not ingest: let it finish first.
await new Promise((r) => setTimeout(r, 3000));
const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });

function post(buf: Buffer): Promise<{ status: number; ms: number }> {
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/v1/ingest', method: 'POST', agent, headers: { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip', Authorization: `Bearer ${TOKEN}`, 'X-Fluent-Tag': 'bench', 'Content-Length': buf.length } }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, ms: performance.now() - t0 }));
    });
    req.on('error', reject);
    req.end(buf);
  });
}

/** utime + stime of the server process, in seconds (all its threads). */
function serverCpuSeconds(): number {
  const fields = readFileSync(`/proc/${server.pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100; // clock ticks (USER_HZ = 100)
}

const latencies: number[] = [];
const cpuBefore = serverCpuSeconds();
let next = 0;
let retried = 0;
const started = performance.now();
await Promise.all(
  Array.from({ length: CONCURRENCY }, async () => {
    while (next < bodies.length) {
      const b = next++;
      for (;;) {
        const r = await post(bodies[b]!);
        if (r.status === 204) { latencies.push(r.ms); break; }
        if (r.status !== 503 && r.status !== 429) throw new Error(`batch ${b}: HTTP ${r.status}`);
        retried++; // as Fluent Bit would: back off and send the same chunk again
        await new Promise((res) => setTimeout(res, 100));
      }
    }
  }),
);
const seconds = (performance.now() - started) / 1000;
await fetch(`http://127.0.0.1:${port}/readyz`); // detection catches up in the background: wait for it below
for (let i = 0; i < 600; i++) {
  const m = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  const backlog = [...m.matchAll(/logward_pipeline_backlog_events\{[^}]*\} (\d+)/g)].reduce((a, x) => Math.max(a, Number(x[1])), 0);
  if (backlog === 0) break;
  await new Promise((r) => setTimeout(r, 100));
}
const drainedSeconds = (performance.now() - started) / 1000;
const cpuSeconds = serverCpuSeconds() - cpuBefore;
const records = BATCHES * SIZE;
const status = readFileSync(`/proc/${server.pid}/status`, 'utf8');
const peakKb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0);
const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
const signals = Number(/logward_detect_signals_total (\d+)/.exec(metrics)?.[1] ?? 0);
const stored = Number(/logward_ingest_records_total\{outcome="stored"\} (\d+)/.exec(metrics)?.[1] ?? 0);
latencies.sort((a, b) => a - b);
console.log(`ingested ${records} records in ${seconds.toFixed(2)} s: ${Math.round(records / seconds).toLocaleString('en')} records/s (${stored} stored, ${retried} batches retried after 503)`);
console.log(`batch latency p50 ${latencies[Math.floor(latencies.length / 2)]!.toFixed(1)} ms, p99 ${latencies[Math.floor(latencies.length * 0.99)]!.toFixed(1)} ms`);
console.log(`all stored events through detection after ${drainedSeconds.toFixed(2)} s: ${Math.round(records / drainedSeconds).toLocaleString('en')} records/s end to end`);
console.log(`detection signals: ${signals}`);
console.log(`server CPU ${cpuSeconds.toFixed(2)} s: ${((cpuSeconds / records) * 1e6).toFixed(1)} µs CPU per record (all threads)`);
console.log(`server peak RSS ${(peakKb / 1024).toFixed(0)} MiB`);
server.kill('SIGTERM');
await new Promise((r) => server.once('exit', r));
rmSync(dir, { recursive: true, force: true });
if (stored !== records) {
  console.error(`expected ${records} stored records`);
  process.exit(1);
}
