/**
 * `npm run bench:sshd`: Logward's SSH verdicts side by side with fail2ban-regex (when installed;
 * skipped with a message otherwise) on
 *   1. fail2ban's own sample log (test/fixtures/fail2ban-sshd/sshd, normal mode),
 *   2. the first 304 lines of LogHub's public OpenSSH_2k.log (test/fixtures/loghub/OpenSSH_2k.head.log),
 *   3. generated auth logs (bench-out/auth-<N>.log, sshd-gen.ts) of each size in `--lines`
 *      (default 100000,1000000; `--no-generated` skips them),
 *   4. any further files given with `--file <path>`, and ../shared/loghub/OpenSSH_2k.log when present.
 * fail2ban-regex runs with --raw (host names sshd logged are kept as written, not resolved: the
 * bench must not depend on DNS, and Logward groups them as written).
 * Logward runs as `logward test-rule` starts when `npm run build:cli` is current: from the
 * precompiled tree (built, or found current, at the start of the bench; plain JavaScript, no tsx);
 * `--tsx` runs the TypeScript sources through tsx instead (what a start without the tree costs).
 * Speed: `--runs N` (default 3) pairs per file, each pair `logward test-rule ssh-brute-force` then
 * fail2ban-regex back to back (each in its own process), so both see the same machine load; per
 * pair the load average, lines/s of both (Logward in-process and whole process, wall) and CPU
 * per line (Logward's whole process and runTestRule alone), the ratios, peak RSS; then the range
 * over the pairs. Under load the wall figures swing with the share of the cores each process
 * gets; CPU per line is the steadier comparison.
 * Verdicts (from the first pair): failure agreement (the share of fail2ban's failures that
 * Logward counts with the same address, time and sshd pid; failures Logward counts that fail2ban
 * does not); and the addresses with 10 failures in 5 minutes: Logward's alerts against fail2ban's
 * bans with maxretry 10, findtime 300 simulated on fail2ban-regex's failures with fail2ban's own
 * counting (failmanager.py: adjustTime scaling, ban removes the ticket), and against an exact
 * sliding window over fail2ban's failures.
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { generateAuthLog } from './sshd-gen.js';
import { buildCli } from '../scripts/build-cli.js';

const ROOT = join(import.meta.dirname, '..', '..');
const OUT = join(ROOT, 'bench-out');
const args = process.argv.slice(2);
const argVal = (name: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const SIZES = (argVal('--lines') ?? '100000,1000000').split(',').map(Number).filter((n) => Number.isInteger(n) && n > 0);
const RUNS = Math.max(1, Number(argVal('--runs') ?? 3) || 3);
const extraFiles = args.flatMap((a, i) => (a === '--file' && args[i + 1] ? [args[i + 1]!] : []));
const VIA_TSX = args.includes('--tsx');

interface Run {
  out: string;
  wallMs: number;
  cpuMs: number;
  maxRssMb: number;
}

/** Runs a command, returns stdout with its wall time, CPU time and peak RSS (GNU time when available). */
function run(cmd: string, argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<Run> {
  const gnuTime = existsSync('/usr/bin/time');
  const statsFile = join(OUT, `time-${process.pid}-${Math.random().toString(36).slice(2)}.txt`);
  const [c, a] = gnuTime ? ['/usr/bin/time', ['-f', '%e %U %S %M', '-o', statsFile, cmd, ...argv]] : [cmd, argv];
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(c, a as string[], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const chunks: Buffer[] = [];
    let err = '';
    child.stdout.on('data', (d: Buffer) => chunks.push(d));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      const wallMs = performance.now() - t0;
      if (code !== 0 && code !== 1) return reject(new Error(`${cmd} exited ${code}: ${err.slice(-2000)}`));
      let cpuMs = NaN;
      let maxRssMb = NaN;
      if (gnuTime && existsSync(statsFile)) {
        const [, u, s, m] = readFileSync(statsFile, 'utf8').trim().split(/\s+/).map(Number);
        cpuMs = (u! + s!) * 1000;
        maxRssMb = m! / 1024;
      }
      resolve({ out: Buffer.concat(chunks).toString(), wallMs, cpuMs, maxRssMb });
    });
  });
}

function has(cmd: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

interface Failure {
  t: number;
  ip: string;
  pid: string;
}

/** fail2ban-regex -o row: "['ip',\tepoch,\t{'mlfid': ' host sshd[pid]: ', ...}]," per failure. */
function parseRows(text: string): Failure[] {
  const out: Failure[] = [];
  for (const line of text.split('\n')) {
    const m = /^\['([^']*)',\s+([\d.]+),\s+\{(.*)\}\],?$/.exec(line);
    if (!m) continue;
    const pid = /'mlfid': '[^']*\[(\d+)\]/.exec(m[3]!)?.[1] ?? '';
    out.push({ ip: m[1]!, t: Math.floor(Number(m[2])), pid });
  }
  return out;
}

function parseVerdicts(text: string): Failure[] {
  return text.split('\n').filter(Boolean).map((l) => {
    const [t, ip, pid] = l.split('\t');
    return { t: Number(t), ip: ip!, pid: pid! };
  });
}

const key = (f: Failure) => `${f.t}|${f.ip}|${f.pid}`;

/** Multiset comparison: how many of fail2ban's failures Logward has (same time, address, pid), and Logward's extras. */
function agreement(f2b: Failure[], ours: Failure[]): { same: number; missing: Failure[]; extra: Failure[] } {
  const counts = new Map<string, number>();
  for (const f of ours) counts.set(key(f), (counts.get(key(f)) ?? 0) + 1);
  let same = 0;
  const missing: Failure[] = [];
  for (const f of f2b) {
    const n = counts.get(key(f)) ?? 0;
    if (n > 0) {
      same++;
      counts.set(key(f), n - 1);
    } else missing.push(f);
  }
  const extra: Failure[] = [];
  const left = new Map(counts);
  for (const f of ours) {
    const n = left.get(key(f)) ?? 0;
    if (n > 0) {
      extra.push(f);
      left.set(key(f), n - 1);
    }
  }
  return { same, missing, extra };
}

/** Python's round(): half to even. */
function pyRound(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/**
 * fail2ban's ban decision on a failure stream (failmanager.py FailManager.addFailure with
 * FailTicket.adjustTime, cleanup of tickets older than findtime, toBan removing the ticket).
 */
function fail2banBans(failures: Failure[], maxretry = 10, findtime = 300): Set<string> {
  const tickets = new Map<string, { retry: number; first: number; last: number }>();
  const banned = new Set<string>();
  for (const f of [...failures].sort((a, b) => a.t - b.t)) {
    for (const [ip, tk] of tickets) if (tk.last <= f.t - findtime) tickets.delete(ip);
    let tk = tickets.get(f.ip);
    if (!tk) {
      tk = { retry: 1, first: f.t, last: f.t };
      tickets.set(f.ip, tk);
    } else {
      if (f.t > tk.last) {
        if (tk.first < f.t - findtime) {
          tk.retry = pyRound((tk.retry / (f.t - tk.first)) * findtime);
          tk.first = f.t - findtime;
        }
        tk.last = f.t;
      }
      tk.retry += 1;
    }
    if (tk.retry >= maxretry) {
      banned.add(f.ip);
      tickets.delete(f.ip);
    }
  }
  return banned;
}

/** Addresses with `n` failures within any `windowS` span (what ssh-brute-force computes). */
function slidingWindow(failures: Failure[], n = 10, windowS = 300): Set<string> {
  const by = new Map<string, number[]>();
  for (const f of failures) (by.get(f.ip) ?? by.set(f.ip, []).get(f.ip)!).push(f.t);
  const out = new Set<string>();
  for (const [ip, ts] of by) {
    ts.sort((a, b) => a - b);
    for (let i = n - 1; i < ts.length; i++) if (ts[i]! - ts[i - n + 1]! < windowS) {
      out.add(ip);
      break;
    }
  }
  return out;
}

const diff = (a: Set<string>, b: Set<string>) => [...a].filter((x) => !b.has(x));
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

const load = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
const range = (xs: number[], f: (n: number) => string) => (xs.length ? (Math.min(...xs) === Math.max(...xs) ? f(xs[0]!) : `${f(Math.min(...xs))}–${f(Math.max(...xs))}`) : 'n/a');
const one = (n: number) => n.toFixed(1);

interface CliOut {
  lines: number;
  matched: number;
  wallMs: number;
  /** CPU of runTestRule alone (no process start-up). */
  runCpuMs: number;
  cpuMs: number;
  maxRssMb: number;
  ips: string[];
}

async function bench(label: string, file: string, fail2ban: boolean): Promise<void> {
  const lines = Number(execFileSync('wc', ['-l', file]).toString().trim().split(/\s+/)[0]);
  console.log(`\n== ${label}: ${file} (${fmt(lines)} lines, ${(statSync(file).size / 1e6).toFixed(1)} MB)`);
  const node = process.execPath;
  const runs = lines >= 10_000 ? RUNS : 1; // the small samples only for their verdicts
  const ratios = { inProc: [] as number[], whole: [] as number[], cpu: [] as number[], runCpu: [] as number[] };
  const seen = { lw: [] as number[], lwWhole: [] as number[], f2: [] as number[], lwCpu: [] as number[], lwRunCpu: [] as number[], f2Cpu: [] as number[], lwRss: [] as number[], f2Rss: [] as number[], loads: [] as string[] };
  let first: { c: CliOut; f2b?: Failure[] } | undefined;
  for (let i = 0; i < runs; i++) {
    const before = load();
    const cli = await run(node, [...child, 'cli', file]);
    const c = JSON.parse(cli.out) as CliOut;
    const lwRate = (c.lines / c.wallMs) * 1000;
    const lwWhole = (c.lines / cli.wallMs) * 1000;
    const lwCpu = ((cli.cpuMs || c.cpuMs) * 1e3) / c.lines;
    const lwRss = cli.maxRssMb || c.maxRssMb;
    const lwRunCpu = (c.runCpuMs * 1e3) / c.lines;
    seen.lw.push(lwRate), seen.lwWhole.push(lwWhole), seen.lwCpu.push(lwCpu), seen.lwRunCpu.push(lwRunCpu), seen.lwRss.push(lwRss);
    let line = `run ${i + 1}, load ${before}: logward ${fmt(lwRate)} lines/s in-process (${fmt(lwWhole)} whole process, ${(cli.wallMs / 1000).toFixed(1)} s), ${one(lwCpu)} µs CPU/line whole process (${one(lwRunCpu)} in-process), peak RSS ${lwRss.toFixed(0)} MB; ${fmt(c.matched)} failures, alerts for ${c.ips.length} addresses`;
    let f2b: Failure[] | undefined;
    if (fail2ban) {
      const f2 = await run('fail2ban-regex', ['-r', '-o', 'row', '--print-no-missed', '--print-no-ignored', file, '/etc/fail2ban/filter.d/sshd.conf'], { ...process.env, TZ: 'UTC' });
      f2b = parseRows(f2.out);
      const f2Rate = (lines / f2.wallMs) * 1000;
      const f2Cpu = (f2.cpuMs * 1e3) / lines;
      seen.f2.push(f2Rate), seen.f2Cpu.push(f2Cpu), seen.f2Rss.push(f2.maxRssMb);
      ratios.inProc.push(lwRate / f2Rate), ratios.whole.push(lwWhole / f2Rate), ratios.cpu.push(f2Cpu / lwCpu), ratios.runCpu.push(f2Cpu / lwRunCpu);
      line += `\n        fail2ban-regex ${fmt(f2Rate)} lines/s (${(f2.wallMs / 1000).toFixed(1)} s), ${one(f2Cpu)} µs CPU/line, peak RSS ${f2.maxRssMb.toFixed(0)} MB; ${fmt(f2b.length)} failures; load after ${load()}`;
      line += `\n        ratio ${one(lwRate / f2Rate)}× in-process, ${one(lwWhole / f2Rate)}× whole process, ${one(f2Cpu / lwCpu)}× CPU per line (${one(f2Cpu / lwRunCpu)}× against Logward's in-process CPU)`;
    }
    seen.loads.push(before);
    console.log(line);
    first ??= { c, ...(f2b ? { f2b } : {}) };
  }
  if (runs > 1) {
    console.log(`over ${runs} runs (load average ${seen.loads.map((l) => l.split(' ')[0]).join(', ')}): logward ${range(seen.lw, fmt)} lines/s in-process, ${range(seen.lwWhole, fmt)} whole process, ${range(seen.lwCpu, one)} µs CPU/line whole process (${range(seen.lwRunCpu, one)} in-process), peak RSS ${range(seen.lwRss, (n) => n.toFixed(0))} MB` +
      (fail2ban ? `; fail2ban-regex ${range(seen.f2, fmt)} lines/s, ${range(seen.f2Cpu, one)} µs CPU/line, peak RSS ${range(seen.f2Rss, (n) => n.toFixed(0))} MB; ratio ${range(ratios.inProc, one)}× in-process, ${range(ratios.whole, one)}× whole process, ${range(ratios.cpu, one)}× CPU (${range(ratios.runCpu, one)}× against the in-process CPU)` : ''));
  }
  const vfile = join(OUT, `verdicts-${label.replace(/\W+/g, '-')}.tsv`);
  await run(node, [...child, 'verdicts', file, vfile]);
  const ours = parseVerdicts(readFileSync(vfile, 'utf8'));
  if (!fail2ban || !first?.f2b) return;
  const f2b = first.f2b;
  const a = agreement(f2b, ours);
  console.log(`failure agreement: ${fmt(a.same)} of fail2ban's ${fmt(f2b.length)} with the same time, address and pid (${((100 * a.same) / Math.max(1, f2b.length)).toFixed(2)} %); ${fmt(a.extra.length)} Logward failures fail2ban does not report`);
  for (const m of a.missing.slice(0, 5)) console.log(`  fail2ban only: ${new Date(m.t * 1000).toISOString()} ${m.ip} pid ${m.pid}`);
  for (const m of a.extra.slice(0, 5)) console.log(`  Logward only:  ${new Date(m.t * 1000).toISOString()} ${m.ip} pid ${m.pid}`);
  const alerts = new Set(first.c.ips);
  const bans = fail2banBans(f2b);
  const sliding = slidingWindow(f2b);
  console.log(`10 in 5 min: Logward alerts ${alerts.size} addresses; fail2ban bans (maxretry 10, findtime 300, its counting) ${bans.size}; exact sliding window over fail2ban's failures ${sliding.size}`);
  console.log(`  vs fail2ban bans: ${diff(alerts, bans).length} only Logward, ${diff(bans, alerts).length} only fail2ban${diff(alerts, bans).length + diff(bans, alerts).length ? ` (${[...diff(alerts, bans).map((x) => '+' + x), ...diff(bans, alerts).map((x) => '-' + x)].slice(0, 8).join(' ')})` : ': equal'}`);
  console.log(`  vs sliding window on fail2ban's failures: ${diff(alerts, sliding).length} only Logward, ${diff(sliding, alerts).length} only fail2ban's failures${diff(alerts, sliding).length + diff(sliding, alerts).length ? '' : ': equal'}`);
}

mkdirSync(OUT, { recursive: true });
/** How the measured child starts: from the precompiled tree (as bin/logward.js starts test-rule when it is current), or through tsx. */
let child: string[];
if (VIA_TSX) {
  child = ['--import', 'tsx', join(ROOT, 'alert-service', 'bench', 'sshd-child.ts')];
  console.log('Logward runs from its TypeScript sources through tsx (--tsx)');
} else {
  const b = await buildCli();
  child = [join(b.dir, 'alert-service', 'bench', 'sshd-child.js')];
  console.log(`Logward runs from the precompiled tree (npm run build:cli: ${b.built ? `built now, ${b.files} source files, ${Math.round(b.ms)} ms` : 'current'}), as logward test-rule starts when it is current; --tsx to run the sources through tsx`);
}
const fail2ban = has('fail2ban-regex') && existsSync('/etc/fail2ban/filter.d/sshd.conf');
if (!fail2ban) console.log('fail2ban-regex or /etc/fail2ban/filter.d/sshd.conf not found: measuring Logward alone (install fail2ban to compare)');
await bench('fail2ban sample log', join(ROOT, 'test', 'fixtures', 'fail2ban-sshd', 'sshd'), fail2ban);
const loghub = join(ROOT, 'test', 'fixtures', 'loghub', 'OpenSSH_2k.head.log');
if (existsSync(loghub)) await bench('LogHub OpenSSH_2k', loghub, fail2ban);
if (!args.includes('--no-generated')) {
  for (const size of SIZES) {
    const gen = join(OUT, `auth-${size}.log`);
    if (!existsSync(gen)) {
      const s = await generateAuthLog(gen, size);
      console.log(`\ngenerated ${gen}: ${fmt(s.lines)} lines, ${fmt(s.sessions)} sshd sessions, ${fmt(s.attackers)} client addresses`);
    }
    await bench(`generated auth log ${size}`, gen, fail2ban);
  }
}
const shared = join(ROOT, '..', 'shared', 'loghub', 'OpenSSH_2k.log');
if (existsSync(shared)) extraFiles.push(shared);
for (const f of extraFiles) await bench('given file', f, fail2ban);
