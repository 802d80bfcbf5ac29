/**
 * The decode worker's per-record cost alone (`node --import tsx alert-service/bench/decode-worker.ts`):
 * the chunks bench:ingest's fluentbit mode sends (its record mix, ~256 KB gzip JSON arrays), run
 * through what the worker does with each (decodeChunkPacked: gunzip, parse, validate, normalize, encode
 * and pack), on this thread, with no server. Prints CPU µs per record of this thread (from
 * /proc: robust to other load on the machine), of the whole process (plus the GC helpers it keeps
 * busy), and wall µs per record, over ROUNDS rounds.
 */
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { loadConfig } from '../src/config/load.js';
import { chunkRecords } from '../src/agent/out-http.js';
import { decodeChunkPacked } from '../src/ingest/decode.js';
import { line } from './record-mix.js';

const LINES = Number(process.env.LINES ?? 100_000);
const ROUNDS = Number(process.env.ROUNDS ?? 5);
const cfg = loadConfig({});
const settings = { ingest: cfg.ingest, normalize: cfg.normalize };

function* records(): Generator<string> {
  for (let i = 0; i < LINES; i++) {
    const l = line(i);
    yield JSON.stringify({ fb_time: new Date(1795304879000 + i).toISOString(), file: l.file, offset: i * 120, log: l.log, hostname: `web${i % 20}`, source_kind: l.kind });
  }
}
const chunks = chunkRecords('bench', records(), true, 256 * 1024);

/** utime + stime of this (the main) thread in µs, from /proc (Linux; clock ticks of 10 ms). */
function threadCpuUs(): number {
  const stat = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(f[11]) + Number(f[12])) * 10_000;
}

async function round(): Promise<{ threadUs: number; cpuUs: number; wallUs: number; rows: number }> {
  const c0 = process.cpuUsage();
  const th0 = threadCpuUs();
  const t0 = process.hrtime.bigint();
  let rows = 0;
  for (const ch of chunks) {
    const body = new Uint8Array(ch.body); // the worker gets a buffer of its own
    const { packed } = await decodeChunkPacked({ body, contentEncoding: 'gzip', tag: 'bench', receivedAtMs: Date.now() }, settings);
    rows += packed.timesMs.length;
  }
  const c = process.cpuUsage(c0);
  return { threadUs: (threadCpuUs() - th0) / LINES, cpuUs: (c.user + c.system) / LINES, wallUs: Number(process.hrtime.bigint() - t0) / 1e3 / LINES, rows };
}

await round(); // warm-up: JIT, validators, zone caches
const thread: number[] = [];
const cpu: number[] = [];
const wall: number[] = [];
for (let i = 0; i < ROUNDS; i++) {
  const r = await round();
  if (r.rows !== LINES) throw new Error(`expected ${LINES} rows, got ${r.rows}`);
  thread.push(r.threadUs);
  cpu.push(r.cpuUs);
  wall.push(r.wallUs);
}
const range = (xs: number[]) => `${Math.min(...xs).toFixed(2)}–${Math.max(...xs).toFixed(2)}`;
console.log(`decode worker path, ${LINES} records in ${chunks.length} chunks × ${ROUNDS} rounds: CPU ${range(thread)} µs/record (thread), ${range(cpu)} (process), wall ${range(wall)} µs/record; load average ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
