/**
 * SigmaHQ acceptance: `npm run accept:sigma [-- --dir ../shared/sigmahq] [--events 300000]`.
 * Not part of `npm test`: it reads the SigmaHQ snapshot beside the repository (../shared/sigmahq,
 * see its README) and exits 0 with a message when it is absent.
 *
 * 1. Load rate per folder (every rule, no status/level filter: this measures support, not
 *    configuration), with the skip reasons counted.
 * 2. Regression samples: each sample's records through the service normalizer and its rule alone;
 *    the share whose rule loads and fires (target: every sample whose rule loads).
 * 3. Throughput: all loadable rules together in one engine on one core, fed the regression
 *    records (mostly Sysmon process creation: the heaviest case, ~1,400 candidate rules) and a
 *    Security/System mix; events/s by wall clock and CPU time per event.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadConfig } from '../src/config/load.js';
import type { AlertSignal, LogEvent } from '../src/generated/schema-types.js';
import { DetectionEngine, DEFAULT_LIMITS } from '../src/detect/engine.js';
import { readLogFile } from '../src/detect/input.js';
import { runDetection } from '../src/detect/run.js';
import { PROJECT_ROOT } from '../src/detect/ruleset.js';
import { compileSigmaDocuments, listSigmaTree, readSigmaFiles, skipSummary, type SkippedRule } from '../src/detect/sigma/load.js';
import type { CompiledRule } from '../src/detect/compiled.js';
import { prefilterDefaults } from '../src/detect/sigma/prefilter.js';

const arg = (name: string) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const DIR = resolve(PROJECT_ROOT, arg('--dir') ?? '../shared/sigmahq');
const EVENTS = Number(arg('--events') ?? 300_000);
/** `--value-cache off`: throughput with the Sigma index's value cache off, to compare. */
const VALUE_CACHE = arg('--value-cache') ?? 'on';
if (VALUE_CACHE !== 'on' && VALUE_CACHE !== 'off') throw new Error('--value-cache is on or off');
if (VALUE_CACHE === 'off') prefilterDefaults.valueCache = { ...prefilterDefaults.valueCache, maxEntries: 0 };

if (!existsSync(join(DIR, 'rules'))) {
  console.log(`accept:sigma: no SigmaHQ snapshot at ${DIR} (expected rules/ and regression/ there); nothing to check.`);
  process.exit(0);
}

const config = loadConfig({ env: {} });
const pct = (a: number, b: number) => (b ? `${((100 * a) / b).toFixed(1)} %` : '-');

// 1. Load rate per folder.
const started = performance.now();
const files = listSigmaTree(join(DIR, 'rules'));
const docs = readSigmaFiles(files, join(DIR, 'rules'));
const readMs = performance.now() - started;
const { rules, skipped } = compileSigmaDocuments(docs, { defaultQuietSec: config.rules.default_quiet_s });
const loadMs = performance.now() - started;
console.log(`SigmaHQ snapshot ${DIR}: ${files.length} files, ${docs.length} rules; read ${readMs.toFixed(0)} ms, read+compile ${loadMs.toFixed(0)} ms`);

const folderOf = (file: string, depth: number) => file.split('/').slice(0, depth).join('/');
const byFolder = new Map<string, { loaded: number; skipped: SkippedRule[] }>();
const bump = (folder: string, s?: SkippedRule) => {
  const f = byFolder.get(folder) ?? { loaded: 0, skipped: [] };
  if (s) f.skipped.push(s);
  else f.loaded++;
  byFolder.set(folder, f);
};
for (const r of rules) for (const d of [2, 3]) bump(folderOf(r.file, d));
for (const s of skipped) for (const d of [2, 3]) bump(folderOf(s.file, d), s);

console.log('\nLoad rate per folder (loaded / rules):');
const tops = [...byFolder.keys()].filter((k) => k.split('/').length === 2 || !k.startsWith('rules/')).sort();
for (const top of [...new Set(tops.map((k) => folderOf(k, k.startsWith('rules/') ? 2 : 1)))]) {
  const t = byFolder.get(top) ?? [...byFolder].filter(([k]) => k.startsWith(top + '/') && k.split('/').length === 2).reduce((acc, [, v]) => ({ loaded: acc.loaded + v.loaded, skipped: [...acc.skipped, ...v.skipped] }), { loaded: 0, skipped: [] as SkippedRule[] });
  const total = t.loaded + t.skipped.length;
  console.log(`  ${top.padEnd(44)} ${String(t.loaded).padStart(5)} / ${String(total).padEnd(5)} ${pct(t.loaded, total)}`);
  if (top.startsWith('rules/')) {
    for (const [k, v] of [...byFolder].filter(([k]) => k.startsWith(top + '/') && k.split('/').length === 3).sort()) {
      const n = v.loaded + v.skipped.length;
      console.log(`    ${k.slice(top.length + 1).padEnd(42)} ${String(v.loaded).padStart(5)} / ${String(n).padEnd(5)} ${pct(v.loaded, n)}`);
    }
  }
  for (const r of skipSummary(t.skipped).slice(0, 12)) console.log(`      skipped ${String(r.count).padStart(4)}× ${r.reason}`);
}

// 2. Regression samples.
interface IndexEntry { rule_id: string; title: string; rule_path: string; sample: string; match_count: number | null }
const index = JSON.parse(readFileSync(join(DIR, 'regression', 'index.json'), 'utf8')) as IndexEntry[];
const byId = new Map(rules.map((r) => [r.id, r] as const));
const skippedByFile = new Map(skipped.map((s) => [s.file, s] as const));
let loadedSamples = 0;
let fired = 0;
const misses: string[] = [];
const notLoaded: string[] = [];
const allEvents: LogEvent[] = [];
for (const entry of index) {
  const events = readLogFile(join(DIR, 'regression', entry.sample), { normalize: config.normalize }).flatMap((l) => (l.event ? [l.event] : []));
  allEvents.push(...events);
  const rule = byId.get(entry.rule_id);
  if (!rule) {
    const s = skippedByFile.get(entry.rule_path.replace(/^rules\//, '')) ?? skippedByFile.get(entry.rule_path);
    notLoaded.push(`${entry.title}: ${s ? s.reason : 'not in the snapshot'}`);
    continue;
  }
  loadedSamples++;
  const signals: AlertSignal[] = runDetection(events, [rule]).signals;
  if (signals.length) fired++;
  else misses.push(`${entry.title} (${entry.rule_path})`);
}
console.log(`\nRegression samples: ${index.length}; rule loads for ${loadedSamples}; of those ${fired} fire their rule (${pct(fired, loadedSamples)}); ${pct(fired, index.length)} of all samples`);
for (const m of misses) console.log(`  loads but does not fire: ${m}`);
for (const m of notLoaded) console.log(`  rule not loaded: ${m}`);

// 3. Throughput: all loadable rules on one core.
function bench(label: string, templates: readonly LogEvent[], rulesToRun: readonly CompiledRule[]) {
  if (!templates.length) return;
  let n = 0;
  const engine = new DetectionEngine(rulesToRun, { emit: () => void n++ }, { now: () => Date.UTC(2030, 0, 1) }, DEFAULT_LIMITS);
  const base = Date.UTC(2026, 10, 21);
  // Distinct ids and times, built outside the timed section.
  const events = Array.from({ length: Math.min(EVENTS, 100_000) }, (_, i) => ({ ...templates[i % templates.length]!, id: i.toString(16).padStart(32, '0'), time: new Date(base + i * 10).toISOString() }));
  engine.process(events.slice(0, 5_000)); // warm-up (JIT)
  const rounds = Math.max(1, Math.round(EVENTS / events.length));
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  for (let r = 0; r < rounds; r++) engine.process(events);
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const total = rounds * events.length;
  const cpuUs = (cpu.user + cpu.system) / total;
  console.log(`  ${label.padEnd(52)} ${Math.round(total / (ms / 1000)).toLocaleString('en-US').padStart(9)} events/s wall, ${cpuUs.toFixed(2)} µs CPU/event (${total.toLocaleString('en-US')} events, ${n} signals)`);
}
const windowsEvents = allEvents.filter((e) => e.source.kind === 'windows');
console.log(`\nThroughput, ${rules.length} loadable rules in one engine, one core (index value cache ${VALUE_CACHE}):`);
bench('regression records (Sysmon-heavy, 238 templates)', windowsEvents, rules);
const fixture = join(PROJECT_ROOT, 'test', 'fixtures', 'windows-eventlog-samples', 'winevtlog-out-http-body.json');
if (existsSync(fixture)) bench('Security/System/Application sample records', readLogFile(fixture, { normalize: config.normalize }).flatMap((l) => (l.event ? [l.event] : [])), rules);
