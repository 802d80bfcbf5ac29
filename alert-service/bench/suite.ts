/**
 * `npm run bench`: every benchmark of the project in one run, one results table.
 *
 *   npm run bench                       the issue's sizes (long: the 10 M-event items take a while)
 *   npm run bench -- --quick            small sizes, a smoke run of every step end to end (a few minutes)
 *   npm run bench -- --only ingest,rules --readme
 *   npm run bench -- --from-logs --readme   the table again from the last run's bench-out/ logs (no step re-run)
 *   sizes: --burst-lines 1000000 --load-seconds 30 --bursts 20 --ssh-lines 1000000 --sigma-events 300000
 *          --rules-events 1000000 --store-events 10000000 --rss-events 10000000 --rss-ips 1000000 --rss-hosts 10000
 *
 * It runs the existing `bench:*` scripts as child processes (each in its own process, so its peak
 * RSS is its own), keeps each one's whole output in bench-out/<step>.log, picks the figures out of
 * it, and writes bench-out/results.md; `--readme` also replaces the block between the
 * `bench-suite:start`/`bench-suite:end` markers in README.md. A figure the suite cannot find in a
 * script's output is reported as missing (with the log to read), never guessed.
 *
 * This machine is shared and noisy, so each figure comes with the core count and the load average
 * seen around its step, and, where one exists, as a ratio to a baseline measured in the same run:
 * the ingest rates against the capacity the burst measured, latencies against the 25 % run, rule
 * throughput against one rule, SSH against fail2ban-regex. A fixed CPU calibration loop (SHA-256)
 * timed at the start and the end says how fast the machine was during the run.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createWriteStream, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

const ROOT = join(import.meta.dirname, '..', '..');
const OUT = join(ROOT, 'bench-out');
const SIGMAHQ = join(ROOT, '..', 'shared', 'sigmahq');

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    only: { type: 'string' },
    readme: { type: 'boolean', default: false },
    'from-logs': { type: 'boolean', default: false },
    'burst-lines': { type: 'string' },
    'load-seconds': { type: 'string' },
    bursts: { type: 'string' },
    'ssh-lines': { type: 'string' },
    'sigma-events': { type: 'string' },
    'rules-events': { type: 'string' },
    'store-events': { type: 'string' },
    'rss-events': { type: 'string' },
    'rss-ips': { type: 'string' },
    'rss-hosts': { type: 'string' },
  },
});
const QUICK = values.quick!;
const FROM_LOGS = values['from-logs']!;
/** A size: the flag, else the quick or the issue's default. */
const size = (name: keyof typeof values, full: number, quick: number) => Number(values[name] ?? (QUICK ? quick : full));
const SIZES = {
  burstLines: size('burst-lines', 1_000_000, 30_000),
  loadSeconds: size('load-seconds', 30, 6),
  bursts: size('bursts', 20, 3),
  sshLines: size('ssh-lines', 1_000_000, 20_000),
  sigmaEvents: size('sigma-events', 300_000, 10_000),
  rulesEvents: size('rules-events', 1_000_000, 20_000),
  storeEvents: size('store-events', 10_000_000, 100_000),
  rssEvents: size('rss-events', 10_000_000, 100_000),
  rssIps: size('rss-ips', 1_000_000, 10_000),
  rssHosts: size('rss-hosts', 10_000, 1_000),
};
const ONLY = values.only ? new Set(values.only.split(',')) : null;

const CORES = cpus().length;
const load1 = () => loadavg()[0]!.toFixed(2);
const fmt = (n: number, digits = 0) => (Number.isFinite(n) ? n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits }) : 'n/a');
const num = (s: string | undefined) => (s === undefined ? NaN : Number(s.replace(/,/g, '')));

interface Figure {
  step: string;
  what: string;
  value: string;
  /** "ratio to <baseline>" text, when a baseline measured in this run exists. */
  ratio: string;
  load: string;
}
const figures: Figure[] = [];
const problems: string[] = [];

/** A fixed CPU loop: SHA-256 over 64 MiB. Its time says how fast the machine was while the suite ran. */
function calibrate(): number {
  const buf = Buffer.alloc(1 << 20, 7);
  const t0 = process.cpuUsage();
  let h = createHash('sha256');
  for (let i = 0; i < 64; i++) h = h.update(buf);
  h.digest();
  const cpu = process.cpuUsage(t0);
  return (cpu.user + cpu.system) / 1000;
}

interface StepRun {
  out: string;
  ok: boolean;
  load: string;
}

/** Runs one bench script to its end, its output streamed to the console and to bench-out/<step>.log. */
async function runScript(step: string, script: string, args: string[]): Promise<StepRun> {
  if (FROM_LOGS) {
    // The figures of the last run, read again (after a fix to how a figure is picked out).
    const out = existsSync(join(OUT, `${step}.log`)) ? readFileSync(join(OUT, `${step}.log`), 'utf8') : '';
    if (!out) problems.push(`${step}: no bench-out/${step}.log to read`);
    const load = existsSync(join(OUT, `${step}.load`)) ? readFileSync(join(OUT, `${step}.load`), 'utf8').trim() : '?';
    return { out, ok: Boolean(out), load };
  }
  const loadBefore = load1();
  const log = createWriteStream(join(OUT, `${step}.log`));
  console.log(`\n### ${step}: node --import tsx alert-service/bench/${script} ${args.join(' ')}  (load ${loadBefore})`);
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'alert-service', 'bench', script), ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const take = (d: Buffer) => {
    out += d.toString();
    log.write(d);
    process.stdout.write(d);
  };
  child.stdout.on('data', take);
  child.stderr.on('data', take);
  const code = await new Promise<number | null>((r) => child.once('close', r));
  await new Promise((r) => log.end(r));
  const ok = code === 0;
  if (!ok) problems.push(`${step}: exited with ${code} (bench-out/${step}.log)`);
  const load = `${loadBefore} → ${load1()}`;
  writeFileSync(join(OUT, `${step}.load`), load + '\n');
  return { out, ok, load };
}

/** Records a figure; a value the output did not contain is reported as missing, not made up. */
function add(step: string, run: StepRun, what: string, value: number, unit: string, digits = 0, ratio = ''): void {
  if (!Number.isFinite(value)) problems.push(`${step}: "${what}" not found in its output (bench-out/${step}.log)`);
  figures.push({ step, what, value: Number.isFinite(value) ? `${fmt(value, digits)} ${unit}`.trim() : `missing (see bench-out/${step}.log)`, ratio, load: run.load });
}
/** Records a figure that is text (a range over runs); missing text is reported, as in add(). */
function addText(step: string, run: StepRun, what: string, text: string | undefined, ratio = ''): void {
  if (!text) problems.push(`${step}: "${what}" not found in its output (bench-out/${step}.log)`);
  figures.push({ step, what, value: text || `missing (see bench-out/${step}.log)`, ratio, load: run.load });
}
const ratio = (value: number, base: number, baseName: string, digits = 2) => (Number.isFinite(value) && Number.isFinite(base) && base !== 0 ? `${(value / base).toFixed(digits)}× ${baseName}` : '');
const want = (step: string) => !ONLY || ONLY.has(step);

// ------------------------------------------------------------------------------------------ steps

/** Fluent Bit-faithful ingest: a burst (capacity and time to stored), then paced at 25/50/100 % of that capacity. */
async function ingest(): Promise<void> {
  const burst = await runScript('ingest-burst', 'ingest.ts', ['--mode', 'fluentbit', '--lines', String(SIZES.burstLines)]);
  const stored = /burst of ([\d,]+) lines fully stored after ([\d.]+) s \(([\d,]+) records\/s overall\); steady ([\d,]+|NaN) records\/s/.exec(burst.out);
  const cpu = /([\d.]+) µs per record over all threads = main ([\d.]+) \+ decode worker ([\d.]+) \+ \d+ other threads ([\d.]+)/.exec(burst.out);
  const lat = /request latency \(2xx\) p50 (\d+) ms, p99 (\d+) ms/.exec(burst.out);
  const rss = /service peak RSS (\d+) MiB/.exec(burst.out);
  const overall = num(stored?.[3]);
  const steady = num(stored?.[4]);
  const capacity = Number.isFinite(steady) ? steady : overall;
  add('ingest-burst', burst, `${fmt(SIZES.burstLines)}-line burst: time to stored`, num(stored?.[2]), 's', 1);
  add('ingest-burst', burst, 'capacity (steady records/s, 10 % → 90 % of the burst stored)', capacity, 'records/s');
  add('ingest-burst', burst, 'burst request latency p50 / p99', num(lat?.[1]), `ms / ${lat?.[2] ?? '?'} ms`);
  add('ingest-burst', burst, 'CPU per record, all threads (main + decode worker + others)', num(cpu?.[1]), `µs (${cpu?.[2] ?? '?'} + ${cpu?.[3] ?? '?'} + ${cpu?.[4] ?? '?'})`, 1);
  add('ingest-burst', burst, 'service peak RSS', num(rss?.[1]), 'MiB');
  if (!Number.isFinite(capacity)) return;

  let p99At25 = NaN;
  for (const share of [25, 50, 100]) {
    const rate = Math.max(100, Math.round((capacity * share) / 100));
    const step = `ingest-${share}pct`;
    const run = await runScript(step, 'ingest.ts', ['--mode', 'fluentbit', '--rate', String(rate), '--lines', String(rate * SIZES.loadSeconds)]);
    const s = /fully stored after ([\d.]+) s \(([\d,]+) records\/s overall\)/.exec(run.out);
    const l = /request latency \(2xx\) p50 (\d+) ms, p99 (\d+) ms/.exec(run.out);
    const c = /([\d.]+) µs per record over all threads = main ([\d.]+) \+ decode worker ([\d.]+)/.exec(run.out);
    const r = /service peak RSS (\d+) MiB/.exec(run.out);
    const p99 = num(l?.[2]);
    if (share === 25) p99At25 = p99;
    add(step, run, `${share} % of capacity (${fmt(rate)} lines/s offered): records/s stored`, num(s?.[2]), 'records/s', 0, ratio(num(s?.[2]), rate, 'offered'));
    add(step, run, `${share} %: request latency p50`, num(l?.[1]), 'ms');
    add(step, run, `${share} %: request latency p99`, p99, 'ms', 0, share === 25 ? '' : ratio(p99, p99At25, 'the 25 % run'));
    add(step, run, `${share} %: CPU per record, all threads (main / decode worker)`, num(c?.[1]), `µs (${c?.[2] ?? '?'} / ${c?.[3] ?? '?'})`, 1, ratio(num(c?.[1]), num(cpu?.[1]), 'the burst'));
    add(step, run, `${share} %: service peak RSS`, num(r?.[1]), 'MiB');
  }
}

async function alertLatency(): Promise<void> {
  // The storm (part 2) takes minutes of waiting for its grouping timers: the full run only.
  const args = ['--bursts', String(SIZES.bursts), ...(QUICK ? ['--parts', '1,3', '--outage-messages', '200'] : [])];
  const run = await runScript('alert-latency', 'alert-latency.ts', args);
  const l = /ingest 2xx → Slack receiver: p50 (\d+) ms, p99 (\d+) ms, max (\d+) ms over (\d+) bursts/.exec(run.out);
  add('alert-latency', run, `ingest 2xx → Slack receiver p50 (${l?.[4] ?? '?'} bursts, default settings)`, num(l?.[1]), 'ms');
  add('alert-latency', run, 'ingest 2xx → Slack receiver p99', num(l?.[2]), 'ms', 0, ratio(num(l?.[2]), num(l?.[1]), 'p50'));
  const storm = /(\d+) Slack messages in the (\d+) s since the storm began/.exec(run.out);
  if (!QUICK) add('alert-latency', run, 'storm of one rule: Slack messages', num(storm?.[1]), `messages in ${storm?.[2] ?? '?'} s`);
  const c = /all (\d+) after (\d+) ms, in order: (\w+), copies: (\d+)/.exec(run.out);
  add('alert-latency', run, `catch-up of ${c?.[1] ?? '?'} queued messages after an outage (in order: ${c?.[3] ?? '?'}, copies ${c?.[4] ?? '?'})`, num(c?.[2]), 'ms');
}

async function ssh(): Promise<void> {
  const run = await runScript('sshd', 'sshd.ts', ['--lines', String(SIZES.sshLines)]);
  // The generated log's section (the biggest file) is the figure; its header names it.
  const section = run.out.split('\n== ').find((s) => s.startsWith('generated auth log')) ?? run.out;
  // Several runs end in an "over N runs" line of ranges; a single run has its "run 1" lines only.
  const R = '([\\d.,]+(?:–[\\d.,]+)?)';
  const over = new RegExp(`over (\\d+) runs.*?: logward ${R} lines/s in-process, ${R} whole process, ${R} µs CPU/line whole process(?:.*?; fail2ban-regex ${R} lines/s, ${R} µs CPU/line.*?; ratio ${R}× in-process, ${R}× whole process, ${R}× CPU)?`).exec(section);
  const one = new RegExp(`run 1, .*?: logward ${R} lines/s in-process \\(${R} whole process.*?\\), ${R} µs CPU/line whole process[^\\n]*(?:\\n\\s*fail2ban-regex ${R} lines/s \\([^)]*\\), ${R} µs CPU/line[^\\n]*\\n\\s*ratio ${R}× in-process, ${R}× whole process, ${R}× CPU)?`).exec(section);
  const m = over ? over.slice(2) : one?.slice(1);
  const runs = over ? `${over[1]} runs` : '1 run';
  const [lw, lwWhole, lwCpu, f2, f2Cpu, rIn, rWhole, rCpu] = m ?? [];
  const f2bMissing = /fail2ban-regex or .* not found/.test(run.out);
  addText('sshd', run, `SSH brute force, ${fmt(SIZES.sshLines)}-line auth log: logward test-rule (${runs})`, lw && `${lw} lines/s in-process, ${lwWhole} whole process; ${lwCpu} µs CPU/line whole process`, rIn !== undefined ? `${rIn}× fail2ban-regex wall in-process, ${rWhole}× whole process, ${rCpu}× CPU per line` : 'fail2ban-regex not installed');
  if (f2bMissing) return;
  addText('sshd', run, 'fail2ban-regex (sshd.conf, normal mode)', f2 && `${f2} lines/s; ${f2Cpu} µs CPU/line`);
  const ag = /failure agreement: [\d,]+ of fail2ban's [\d,]+ with the same time, address and pid \(([\d.]+) %\)/.exec(section);
  const bans = /10 in 5 min: Logward alerts (\d+) addresses; fail2ban bans \(maxretry 10, findtime 300, its counting\) (\d+)/.exec(section);
  add('sshd', run, "failure agreement with fail2ban (same time, address, pid)", num(ag?.[1]), '%', 2);
  add('sshd', run, 'verdicts: addresses alerted by Logward / banned by fail2ban (maxretry 10, findtime 300)', num(bans?.[1]), `/ ${bans?.[2] ?? '?'}`);
}
async function sigma(): Promise<void> {
  if (!existsSync(join(SIGMAHQ, 'rules'))) {
    console.log(`\n### sigmahq: no SigmaHQ snapshot at ${SIGMAHQ}; skipped`);
    return;
  }
  const run = await runScript('sigmahq', 'accept-sigma.ts', ['--events', String(SIZES.sigmaEvents)]);
  const n = /Throughput, (\d+) loadable rules in one engine/.exec(run.out);
  for (const m of run.out.matchAll(/^ {2}(\S.*?)\s{2,}([\d,]+) events\/s wall, ([\d.]+) µs CPU\/event/gm)) {
    add('sigmahq', run, `all ${n?.[1] ?? '?'} loadable SigmaHQ rules, ${m[1]}`, num(m[2]), `events/s (${m[3]} µs CPU/event)`);
  }
}

/** Throughput at 1, 10, 100 and all rules (the shipped rules, plus SigmaHQ's when present, so that 100 and "all" differ). */
async function ruleScaling(): Promise<void> {
  const sigmaArgs = existsSync(join(SIGMAHQ, 'rules')) ? ['--sigma-dir', join(SIGMAHQ, 'rules')] : [];
  let one = NaN;
  for (const count of [1, 10, 100, 0]) {
    const step = `rules-${count || 'all'}`;
    const run = await runScript(step, 'rules.ts', ['--mixed-only', '--events', String(SIZES.rulesEvents), ...(count ? ['--rules', String(count)] : []), ...sigmaArgs]);
    const m = /mixed: [\d,]+ events through (\d+) rules \((\d+) Sigma\) in [\d.]+ s → ([\d,]+) events\/s/.exec(run.out);
    const eps = num(m?.[3]);
    if (count === 1) one = eps;
    add(step, run, `detection throughput, ${m?.[1] ?? count} rules (${m?.[2] ?? '?'} Sigma), mixed events, one thread`, eps, 'events/s', 0, count === 1 ? '' : ratio(eps, one, '1 rule', 3));
  }
}

async function storage(): Promise<void> {
  const run = await runScript('storage', 'storage.ts', ['--events', String(SIZES.storeEvents)]);
  const f = /([\d.]+) bytes per event, (\d+) MB per million events/.exec(run.out);
  add('storage', run, `storage, ${fmt(SIZES.storeEvents)}-event store (db + wal)`, num(f?.[2]), `MB per million events (${f?.[1] ?? '?'} bytes/event)`);
  const queries = [...run.out.matchAll(/GET \/api\/events\?(.+?)\s+(\d+) events: median\s+([\d.]+) ms, max\s+([\d.]+) ms/g)];
  if (!queries.length) add('storage', run, `events API on the ${fmt(SIZES.storeEvents)}-event store`, NaN, '');
  for (const m of queries) {
    add('storage', run, `events API on the ${fmt(SIZES.storeEvents)}-event store: ${m[1]} (${m[2]} events)`, num(m[3]), `ms median (max ${m[4]} ms)`, 1);
  }
  const hz = /worst \/healthz wait during events queries: ([\d.]+) ms/.exec(run.out);
  add('storage', run, 'worst /healthz wait during those queries', num(hz?.[1]), 'ms', 1);
}

async function memory(): Promise<void> {
  const run = await runScript('rss', 'rules.ts', ['--flood-only', '--events', String(SIZES.rssEvents), '--ips', String(SIZES.rssIps), '--hosts', String(SIZES.rssHosts)]);
  const lines = [...run.out.matchAll(/distinct-ips: ([\d,]+) events, live heap (\d+) MiB, rss (\d+) MiB, open groups ([\d,]+), evicted ([\d,]+)/g)];
  const last = lines[lines.length - 1];
  const first = lines[0];
  add('rss', run, `detection engine after ${fmt(SIZES.rssEvents)} events over ${fmt(SIZES.rssIps)} source IPs and ${fmt(SIZES.rssHosts)} hosts: RSS`, num(last?.[3]), `MiB (live heap ${last?.[2] ?? '?'} MiB, ${last?.[4] ?? '?'} open groups, ${last?.[5] ?? '?'} evicted)`, 0, ratio(num(last?.[3]), num(first?.[3]), `RSS at ${first?.[1] ?? '?'} events`));
}

// ------------------------------------------------------------------------------------------ main

mkdirSync(OUT, { recursive: true });
const started = new Date();
const calStart = calibrate();
console.log(`bench suite${QUICK ? ' (--quick)' : ''}: ${CORES} cores, load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}, node ${process.version}; calibration (SHA-256 of 64 MiB) ${calStart.toFixed(0)} ms CPU`);
console.log(`sizes: ${JSON.stringify(SIZES)}`);
const steps: Array<[string, () => Promise<void>]> = [
  ['ingest', ingest],
  ['alert-latency', alertLatency],
  ['sshd', ssh],
  ['sigmahq', sigma],
  ['rules', ruleScaling],
  ['storage', storage],
  ['rss', memory],
];
for (const [name, fn] of steps) if (want(name)) await fn();
const calEnd = calibrate();
const minutes = (Date.now() - started.getTime()) / 60_000;
// What the header says of the run: this one's, or with --from-logs the run whose logs were read.
const META = join(OUT, 'suite-meta.json');
const meta = FROM_LOGS && existsSync(META)
  ? (JSON.parse(readFileSync(META, 'utf8')) as { started: string; minutes: number; calStart: number; calEnd: number; quick: boolean })
  : { started: started.toISOString(), minutes, calStart, calEnd, quick: QUICK };
if (!FROM_LOGS) writeFileSync(META, JSON.stringify(meta) + '\n');

const md = [
  `Measured ${meta.started.slice(0, 16)} UTC${meta.quick ? ' with `--quick` (smoke sizes: not representative)' : ''}, ${CORES} cores, node ${process.version}, ${meta.minutes.toFixed(1)} min; ` +
    `CPU calibration (SHA-256 of 64 MiB) ${meta.calStart.toFixed(0)} ms at the start, ${meta.calEnd.toFixed(0)} ms at the end. Load average is the 1-minute figure before → after each step. Raw output: \`bench-out/<step>.log\`.`,
  '',
  '| step | figure | value | ratio to a baseline of this run | load |',
  '| --- | --- | --- | --- | --- |',
  ...figures.map((f) => `| ${f.step} | ${f.what.replace(/\|/g, '\\|')} | ${f.value} | ${f.ratio || '–'} | ${f.load} |`),
  ...(problems.length ? ['', 'Problems:', ...problems.map((p) => `- ${p}`)] : []),
].join('\n');
writeFileSync(join(OUT, 'results.md'), md + '\n');
console.log(`\n${md}\n\nwritten to bench-out/results.md`);

if (values.readme) {
  const readme = join(ROOT, 'README.md');
  const text = readFileSync(readme, 'utf8');
  const re = /(<!-- bench-suite:start -->\n)[\s\S]*?(<!-- bench-suite:end -->)/;
  if (re.test(text)) {
    writeFileSync(readme, text.replace(re, (_m, a: string, b: string) => `${a}${md}\n${b}`));
    console.log('README.md results block updated');
  } else console.log('README.md has no <!-- bench-suite:start --> … <!-- bench-suite:end --> block; not updated');
}
process.exitCode = problems.length ? 1 : 0;
