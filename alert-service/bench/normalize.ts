/**
 * Micro-benchmark of normalization alone (`npm run bench:normalize`; not part of the tests).
 * Cycles through the captured record mix (raw syslog/auth, access, error, JSON and python app
 * lines, parsed records, Windows events) with distinct offsets and prints µs per record per shape.
 * Ingest must sustain 50,000 records/s including storage on 2 cores, so this should be well
 * under 10 µs per record.
 */
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { join } from 'node:path';
import { classifyRecord, normalizeRecord, parseCollectorTime } from '../src/normalize/index.js';
import type { NormalizeConfig } from '../src/generated/schema-types.js';

const SHARED = join(import.meta.dirname, '..', '..', '..', 'shared');
const CAPTURES = process.env.CAPTURES ?? join(SHARED, 'fluent-bit-captures');
const WINDOWS = process.env.WINDOWS_SAMPLE ?? join(SHARED, 'windows-eventlog-samples', 'winevtlog-out-http-body.json');
const N = Number(process.env.N ?? 200_000);

interface Sample { rec: Record<string, unknown>; tag?: string }

function load(): Sample[] {
  const out: Sample[] = [];
  for (const folder of ['raw-gzip-json', 'parsed-json-lines']) {
    const dir = `${CAPTURES}/${folder}`;
    if (!existsSync(dir)) continue;
    for (const f of readdirSync(dir).filter((x) => x.endsWith('.body'))) {
      const headers = JSON.parse(readFileSync(`${dir}/${f.replace('.body', '.headers.json')}`, 'utf8')) as { headers: Record<string, string> };
      const raw = readFileSync(`${dir}/${f}`);
      const recs = headers.headers['Content-Encoding'] === 'gzip'
        ? (JSON.parse(gunzipSync(raw).toString()) as Record<string, unknown>[])
        : raw.toString().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
      for (const rec of recs) {
        const s: Sample = { rec };
        const tag = headers.headers['X-Fluent-Tag'];
        if (tag) s.tag = tag;
        out.push(s);
      }
    }
  }
  if (existsSync(WINDOWS)) for (const rec of JSON.parse(readFileSync(WINDOWS, 'utf8')) as Record<string, unknown>[]) out.push({ rec, tag: 'win.security' });
  if (out.length === 0) throw new Error(`no samples under ${CAPTURES}`);
  return out;
}

const cfg: NormalizeConfig = { timezone: process.env.TZ_NAME ?? 'Europe/Berlin', max_message_chars: 16384 };
const samples = load().map(({ rec, tag }) => {
  const copy = { ...rec };
  const collectedAt = parseCollectorTime(copy.fb_time ?? copy.date);
  delete copy.fb_time;
  delete copy.date;
  const shape = classifyRecord(copy);
  if (!shape) throw new Error('unclassified sample');
  return { rec: copy, shape, tag, collectedAt };
});

// Distinct offsets so every id hash is over different input, as in real traffic.
const batches = samples.map((s) => Array.from({ length: 64 }, (_, i) => (typeof s.rec.offset === 'number' ? { ...s.rec, offset: s.rec.offset + i * 4096 } : s.rec)));

const receivedAt = new Date();
let sink = 0;

function run(indices: number[], n: number): number {
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) {
    const k = indices[i % indices.length]!;
    const s = samples[k]!;
    const rec = batches[k]![(i / indices.length) & 63]!;
    sink += normalizeRecord(rec, s.shape, { tag: s.tag, collectedAt: s.collectedAt, receivedAt }, cfg).id.length;
  }
  return Number(process.hrtime.bigint() - t0) / 1e9;
}

const all = samples.map((_, i) => i);
run(all, Math.min(N, 50_000)); // warm-up: JIT, zone offset cache
const total = run(all, N);
console.log(`normalized ${N} records (captured mix) in ${total.toFixed(2)} s: ${(N / total).toFixed(0)} records/s, ${((total / N) * 1e6).toFixed(2)} µs/record`);
for (const shape of new Set(samples.map((s) => s.shape))) {
  const idx = all.filter((i) => samples[i]!.shape === shape);
  const n = Math.max(10_000, Math.floor(N / 4));
  const secs = run(idx, n);
  console.log(`  ${shape.padEnd(12)} ${((secs / n) * 1e6).toFixed(2)} µs/record`);
}
if (sink === 0) console.log('');
