/**
 * The decode worker's path of two builds compared in one process, for a loaded machine:
 *
 *   node --import tsx alert-service/bench/decode-ab.ts OTHER_TREE   (e.g. an export of main: git archive main | tar -x -C /tmp/main)
 *
 * Both builds' decodeChunkPacked (each its own modules, validators and memos) run over the same
 * chunks bench/decode-worker.ts makes, round after round in alternating order, so both see the
 * same load; printed: CPU µs per record of each (process CPU: this thread plus zlib's pool and the
 * GC helpers) and the per-round ratio this tree / OTHER_TREE. Separate runs of decode-worker.ts
 * varied by ±20 % under the load of parallel sessions; the ratio of interleaved rounds varies less.
 */
import { existsSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chunkRecords } from '../src/agent/out-http.js';
import { line } from './record-mix.js';

type Decode = typeof import('../src/ingest/decode.js');
type Load = typeof import('../src/config/load.js');

const LINES = Number(process.env.LINES ?? 50_000);
const ROUNDS = Number(process.env.ROUNDS ?? 12);
const here = resolve(import.meta.dirname, '..', '..');
const other = process.argv[2] ? resolve(process.argv[2]) : '';
if (!other || !existsSync(join(other, 'alert-service/src/ingest/decode.ts'))) {
  console.error('usage: decode-ab.ts OTHER_TREE (a checkout or export of another build of this repository)');
  process.exit(2);
}

async function build(root: string) {
  const url = (p: string) => pathToFileURL(join(root, p)).href;
  const { decodeChunkPacked } = (await import(url('alert-service/src/ingest/decode.ts'))) as Decode;
  const { loadConfig } = (await import(url('alert-service/src/config/load.ts'))) as Load;
  const cfg = loadConfig({});
  return { decodeChunkPacked, settings: { ingest: cfg.ingest, normalize: cfg.normalize } };
}
const mine = await build(here);
const theirs = await build(other);

function* records(): Generator<string> {
  for (let i = 0; i < LINES; i++) {
    const l = line(i);
    yield JSON.stringify({ fb_time: new Date(1795304879000 + i).toISOString(), file: l.file, offset: i * 120, log: l.log, hostname: `web${i % 20}`, source_kind: l.kind });
  }
}
const chunks = chunkRecords('bench', records(), true, 256 * 1024);
const cpuUs = () => {
  const u = process.cpuUsage();
  return u.user + u.system;
};

async function round(b: Awaited<ReturnType<typeof build>>): Promise<number> {
  const c0 = cpuUs();
  let rows = 0;
  for (const ch of chunks) {
    const { packed } = await b.decodeChunkPacked({ body: new Uint8Array(ch.body), contentEncoding: 'gzip', tag: 'bench', receivedAtMs: 1795304880000 }, b.settings);
    rows += packed.timesMs.length;
  }
  if (rows !== LINES) throw new Error(`expected ${LINES} rows, got ${rows}`);
  return (cpuUs() - c0) / LINES;
}

for (let i = 0; i < 2; i++) await round(mine), await round(theirs); // warm-up: JIT, validators, memos
const a: number[] = [];
const b: number[] = [];
for (let r = 0; r < ROUNDS; r++) {
  if (r % 2) (b.push(await round(theirs)), a.push(await round(mine)));
  else (a.push(await round(mine)), b.push(await round(theirs)));
}
const sorted = (xs: number[]) => [...xs].sort((x, y) => x - y);
const summary = (xs: number[]) => `min ${sorted(xs)[0]!.toFixed(2)}, median ${sorted(xs)[xs.length >> 1]!.toFixed(2)}`;
const ratios = sorted(a.map((x, i) => x / b[i]!));
console.log(
  `decode worker path A/B, ${LINES} records in ${chunks.length} chunks × ${ROUNDS} rounds each: this tree ${summary(a)}; ${other} ${summary(b)} µs/record (process CPU); ` +
    `this/other per round median ${ratios[ratios.length >> 1]!.toFixed(3)} (${ratios[0]!.toFixed(3)}–${ratios[ratios.length - 1]!.toFixed(3)}); load average ${loadavg().map((x) => x.toFixed(2)).join(' ')}`,
);
