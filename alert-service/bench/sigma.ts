/**
 * Sigma throughput: `npm run bench:sigma [-- --dir ../shared/sigmahq] [--events 200000] [--runs 3] [--noise 3]`.
 * Not part of `npm test`: it reads the SigmaHQ snapshot beside the repository (../shared/sigmahq)
 * and exits 0 with a message when it is absent.
 *
 * Every loadable SigmaHQ rule (no status/level filter) in one DetectionEngine, the service's
 * matching path (rule index, prefilter, evaluate, windows), on one core. The events are the
 * agent records of the regression samples (normalized by the service normalizer) repeated, plus
 * `--noise` times as many non-matching records: benign Sysmon events of the same EventIDs built
 * from the samples with everyday images and command lines, and Security/System/Application
 * records. Printed per run: events/s by wall clock, CPU µs per event (process.cpuUsage), and
 * once: the rules evaluated per event (after the index) and the machine's load average.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { loadConfig } from '../src/config/load.js';
import type { LogEvent } from '../src/generated/schema-types.js';
import { DetectionEngine, DEFAULT_LIMITS } from '../src/detect/engine.js';
import { readLogFile } from '../src/detect/input.js';
import { PROJECT_ROOT } from '../src/detect/ruleset.js';
import { compileSigmaDocuments, listSigmaTree, readSigmaFiles } from '../src/detect/sigma/load.js';
import type { CompiledRule } from '../src/detect/compiled.js';
import { PrefilterIndex, type Atom } from '../src/detect/sigma/prefilter.js';

const arg = (name: string, dflt: string) => {
  const i = process.argv.indexOf(name);
  return i > 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1]! : dflt;
};
const DIR = resolve(PROJECT_ROOT, arg('--dir', '../shared/sigmahq'));
const EVENTS = Number(arg('--events', '200000'));
const RUNS = Number(arg('--runs', '3'));
const NOISE = Number(arg('--noise', '3'));
/** `--top N`: also list the N rules evaluated most often and what in the index wakes them. */
const TOP = Number(arg('--top', '0'));
/**
 * `--check [--check-out file]`: instead of timing, prove the index sound on this mix: every
 * (rule id, event) match through the engine (with the index) must equal every rule evaluated on
 * its own (its scope, then its detection) over the templates plus case-changed and non-ASCII
 * copies of the regression records. `--check-out` writes the sorted match list, to compare
 * builds.
 */
const CHECK = process.argv.includes('--check');
const CHECK_OUT = process.argv.includes('--check-out') ? arg('--check-out', '') : '';

if (!existsSync(join(DIR, 'rules')) || !existsSync(join(DIR, 'regression', 'index.json'))) {
  console.log(`bench:sigma: no SigmaHQ snapshot at ${DIR} (expected rules/ and regression/ there); nothing to measure.`);
  process.exit(0);
}

const config = loadConfig({ env: {} });
const load = (path: string) => readLogFile(path, { normalize: config.normalize }).flatMap((l) => (l.event ? [l.event] : []));

const t0 = performance.now();
const docs = readSigmaFiles(listSigmaTree(join(DIR, 'rules')), join(DIR, 'rules'));
const tRead = performance.now();
const { rules, skipped } = compileSigmaDocuments(docs, { defaultQuietSec: config.rules.default_quiet_s });
const tCompile = performance.now();
console.log(`SigmaHQ ${DIR}: ${docs.length} rules, ${rules.length} loadable (${skipped.length} skipped); YAML read ${(tRead - t0).toFixed(0)} ms, compile ${(tCompile - tRead).toFixed(0)} ms`);
{
  const i0 = performance.now();
  const st = new PrefilterIndex(rules.filter((r) => r.prefilter)).stats();
  const mb = (n: number) => (n / 1e6).toFixed(1);
  console.log(`Index: built in ${(performance.now() - i0).toFixed(0)} ms; ${st.buckets} buckets, ${st.fields} indexed fields; contains tables ${mb(st.containsBytes)} MB, prefix/suffix tries ${mb(st.affixBytes)} MB`);
}

interface IndexEntry { sample: string }
const index = JSON.parse(readFileSync(join(DIR, 'regression', 'index.json'), 'utf8')) as IndexEntry[];
const samples = index.flatMap((e) => load(join(DIR, 'regression', e.sample)));

/** Everyday values for the fields SigmaHQ's Sysmon rules test most, so noise looks like a workstation's day. */
const BENIGN: Array<Record<string, string>> = [
  { Image: 'C:\\Windows\\System32\\svchost.exe', OriginalFileName: 'svchost.exe', CommandLine: 'C:\\Windows\\system32\\svchost.exe -k netsvcs -p -s Schedule', ParentImage: 'C:\\Windows\\System32\\services.exe', ParentCommandLine: 'C:\\Windows\\system32\\services.exe' },
  { Image: 'C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe', OriginalFileName: 'chrome.exe', CommandLine: '"C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe" --type=renderer --lang=en-US --mojo-platform-channel-handle=4512 /prefetch:1', ParentImage: 'C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe', ParentCommandLine: '"C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe"' },
  { Image: 'C:\\Windows\\explorer.exe', OriginalFileName: 'EXPLORER.EXE', CommandLine: 'C:\\Windows\\Explorer.EXE', ParentImage: 'C:\\Windows\\System32\\userinit.exe', ParentCommandLine: 'C:\\Windows\\system32\\userinit.exe' },
  { Image: 'C:\\Program Files\\Microsoft Office\\root\\Office16\\OUTLOOK.EXE', OriginalFileName: 'Outlook.exe', CommandLine: '"C:\\Program Files\\Microsoft Office\\root\\Office16\\OUTLOOK.EXE" /recycle', ParentImage: 'C:\\Windows\\explorer.exe', ParentCommandLine: 'C:\\Windows\\Explorer.EXE' },
  { Image: 'C:\\Windows\\System32\\backgroundTaskHost.exe', OriginalFileName: 'backgroundTaskHost.exe', CommandLine: '"C:\\Windows\\system32\\backgroundTaskHost.exe" -ServerName:BackgroundTaskHost.WebAccountProvider', ParentImage: 'C:\\Windows\\System32\\svchost.exe', ParentCommandLine: 'C:\\Windows\\system32\\svchost.exe -k DcomLaunch -p' },
  { Image: 'C:\\Program Files\\Microsoft VS Code\\Code.exe', OriginalFileName: 'electron.exe', CommandLine: '"C:\\Program Files\\Microsoft VS Code\\Code.exe" --type=utility --utility-sub-type=node.mojom.NodeService --lang=en-US', ParentImage: 'C:\\Program Files\\Microsoft VS Code\\Code.exe', ParentCommandLine: '"C:\\Program Files\\Microsoft VS Code\\Code.exe"' },
  { Image: 'C:\\Windows\\System32\\SearchProtocolHost.exe', OriginalFileName: 'SearchProtocolHost.exe', CommandLine: '"C:\\Windows\\system32\\SearchProtocolHost.exe" Global\\UsGthrFltPipeMssGthrPipe5_ Global\\UsGthrCtrlFltPipeMssGthrPipe5 1 -2147483646', ParentImage: 'C:\\Windows\\System32\\SearchIndexer.exe', ParentCommandLine: 'C:\\Windows\\system32\\SearchIndexer.exe /Embedding' },
  { Image: 'C:\\Windows\\System32\\conhost.exe', OriginalFileName: 'CONHOST.EXE', CommandLine: '\\??\\C:\\Windows\\system32\\conhost.exe 0xffffffff -ForceV1', ParentImage: 'C:\\Windows\\System32\\cmd.exe', ParentCommandLine: 'C:\\Windows\\system32\\cmd.exe /c ""C:\\ProgramData\\Backup\\nightly.bat""' },
];
const BENIGN_TARGETS = ['C:\\Users\\alice\\AppData\\Local\\Temp\\chrome_BITS_1234\\download.tmp', 'C:\\Users\\alice\\Documents\\Quarterly report.docx', 'C:\\Windows\\Prefetch\\SVCHOST.EXE-1234ABCD.pf', 'C:\\ProgramData\\Microsoft\\Windows Defender\\Scans\\History\\Service\\Detections.log'];
const BENIGN_KEYS = ['HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\WindowsUpdate\\Auto Update\\LastOnlineScanTimeForAppCategory', 'HKU\\S-1-5-21-1-2-3-1001\\Software\\Microsoft\\Office\\16.0\\Common\\Roaming\\Identities'];

/** A benign copy of a sample: the fields rules key on replaced by everyday values. */
function benign(e: LogEvent, i: number): LogEvent {
  const data = e.fields.event_data;
  if (!data) return e;
  const b = BENIGN[i % BENIGN.length]!;
  const out: NonNullable<LogEvent['fields']['event_data']> = { ...data };
  for (const k of Object.keys(b)) if (k in out) out[k] = b[k]!;
  if ('TargetFilename' in out) out.TargetFilename = BENIGN_TARGETS[i % BENIGN_TARGETS.length]!;
  if ('TargetObject' in out) out.TargetObject = BENIGN_KEYS[i % BENIGN_KEYS.length]!;
  if ('Details' in out) out.Details = 'DWORD (0x00000001)';
  if ('ImageLoaded' in out) out.ImageLoaded = 'C:\\Windows\\System32\\kernel32.dll';
  if ('QueryName' in out) out.QueryName = 'www.example.com';
  if ('DestinationHostname' in out) out.DestinationHostname = 'www.example.com';
  if ('DestinationIp' in out) out.DestinationIp = '93.184.215.14';
  if ('PipeName' in out) out.PipeName = '\\PSHost.133.1234.DefaultAppDomain.powershell';
  if ('ScriptBlockText' in out) out.ScriptBlockText = 'Get-ChildItem -Path C:\\Users\\alice\\Documents | Sort-Object LastWriteTime';
  if ('TargetImage' in out) out.TargetImage = 'C:\\Windows\\System32\\svchost.exe';
  if ('SourceImage' in out) out.SourceImage = b.Image!;
  return { ...e, message: '', fields: { ...e.fields, event_data: out } };
}

const fixture = join(PROJECT_ROOT, 'test', 'fixtures', 'windows-eventlog-samples', 'winevtlog-out-http-body.json');
const builtin = existsSync(fixture) ? load(fixture).filter((e) => e.fields.event_id !== 1102) : [];
const windowsSamples = samples.filter((e) => e.source.kind === 'windows');
const noise: LogEvent[] = [...windowsSamples.map(benign), ...builtin];

/** Templates: each sample once, NOISE noise records per sample (cycled). */
const templates: LogEvent[] = [];
for (let i = 0; i < samples.length; i++) {
  templates.push(samples[i]!);
  for (let k = 0; k < NOISE; k++) templates.push(noise[(i * NOISE + k) % noise.length]!);
}

if (CHECK) {
  check();
  process.exit(process.exitCode ?? 0);
}

const base = Date.UTC(2026, 10, 21);
// Distinct ids and times, built outside the timed section; a batch size like the pump's.
const BATCH = Math.min(EVENTS, 50_000);
const events = Array.from({ length: BATCH }, (_, i) => ({ ...templates[i % templates.length]!, id: i.toString(16).padStart(32, '0'), time: new Date(base + i * 10).toISOString() }));
const rounds = Math.max(1, Math.round(EVENTS / BATCH));
const load1 = () => loadavg().map((l) => l.toFixed(2)).join(' ');

/** Rules evaluated per event after the index: every rule's evaluate() counted, in a pass of its own. */
function rulesTested(rs: readonly CompiledRule[], evs: readonly LogEvent[]): { mean: number; max: number; sysmon: number; byRule: Map<CompiledRule, number> } {
  let calls = 0;
  const byRule = new Map<CompiledRule, number>();
  const counted = rs.map((r) => ({ ...r, evaluate: (e: LogEvent) => (calls++, byRule.set(r, (byRule.get(r) ?? 0) + 1), r.evaluate(e)) }));
  const engine = new DetectionEngine(counted, { emit: () => {} }, { now: () => Date.UTC(2030, 0, 1) }, DEFAULT_LIMITS);
  let max = 0;
  let sysmonCalls = 0;
  let sysmonEvents = 0;
  for (const e of evs) {
    const before = calls;
    engine.processOne(e);
    const n = calls - before;
    if (n > max) max = n;
    if (e.source.channel === 'Microsoft-Windows-Sysmon/Operational') {
      sysmonCalls += n;
      sysmonEvents++;
    }
  }
  return { mean: calls / evs.length, max, sysmon: sysmonEvents ? sysmonCalls / sysmonEvents : 0, byRule };
}

const sample = events.slice(0, Math.min(events.length, templates.length * 4));
const tested = rulesTested(rules, sample);
console.log(`Mix: ${samples.length} regression records (${windowsSamples.length} Windows) + ${NOISE}× as many non-matching records; ${templates.length} templates`);
console.log(`Rules evaluated per event after the index: mean ${tested.mean.toFixed(1)}, on Sysmon events ${tested.sysmon.toFixed(1)}, max ${tested.max} (of ${rules.length})`);
for (const [r, n] of [...tested.byRule].sort((a, b) => b[1] - a[1]).slice(0, TOP)) {
  const list = (atoms: readonly Atom[]) => atoms.slice(0, 3).map((a) => `${a.field} ${a.how} ${JSON.stringify(a.value)}`).join(' | ') + (atoms.length > 3 ? ` (+${atoms.length - 3})` : '');
  const how = r.prefilter
    ? r.prefilter.targets.map((t) => (t.atoms ? list(t.atoms) + (t.also ? ` AND ${list(t.also)}` : '') : t.veto ? `scan unless ${list(t.veto)}` : 'scan'))[0]
    : 'not prefiltered';
  console.log(`  ${((100 * n) / sample.length).toFixed(0).padStart(3)} % of events: ${r.file} — ${how}`);
}
console.log(`Load average before: ${load1()}`);

const results: Array<{ eps: number; cpuUs: number }> = [];
for (let run = 0; run < RUNS; run++) {
  let signals = 0;
  const engine = new DetectionEngine(rules, { emit: () => void signals++ }, { now: () => Date.UTC(2030, 0, 1) }, DEFAULT_LIMITS);
  engine.process(events.slice(0, Math.min(5_000, events.length))); // warm-up (JIT)
  const cpu0 = process.cpuUsage();
  const w0 = performance.now();
  for (let r = 0; r < rounds; r++) engine.process(events);
  const ms = performance.now() - w0;
  const cpu = process.cpuUsage(cpu0);
  const total = rounds * events.length;
  const eps = total / (ms / 1000);
  const cpuUs = (cpu.user + cpu.system) / total;
  results.push({ eps, cpuUs });
  console.log(`  run ${run + 1}: ${Math.round(eps).toLocaleString('en-US').padStart(9)} events/s wall, ${cpuUs.toFixed(2)} µs CPU/event = ${Math.round(1e6 / cpuUs).toLocaleString('en-US')} events per CPU-second (${total.toLocaleString('en-US')} events, ${signals} signals)`);
}
const range = (xs: number[], f: (x: number) => string) => `${f(Math.min(...xs))}–${f(Math.max(...xs))}`;
console.log(`\n${rules.length} rules: ${range(results.map((r) => r.eps), (x) => Math.round(x).toLocaleString('en-US'))} events/s wall, ${range(results.map((r) => r.cpuUs), (x) => x.toFixed(2))} µs CPU/event over ${RUNS} runs; load average after: ${load1()} (2 cores)`);

/** A copy of the event with every EventData string and the message changed by `f`. */
function mapTexts(e: LogEvent, f: (s: string, k: string) => string): LogEvent {
  const data = e.fields.event_data;
  const out: Record<string, unknown> = {};
  if (data) for (const k in data) out[k] = typeof data[k] === 'string' ? f(data[k] as string, k) : data[k];
  return { ...e, message: f(e.message, ''), fields: { ...e.fields, ...(data ? { event_data: out as typeof data } : {}) } };
}

function check(): void {
  // Case folding and non-ASCII: upper-cased copies, mixed-case copies, and copies with
  // characters whose lower case differs in length ('İ') or is non-ASCII ('Ä', 'К') put in front.
  const mixed = (s: string) => [...s].map((c, i) => (i % 2 ? c.toUpperCase() : c.toLowerCase())).join('');
  const evs: LogEvent[] = [
    ...templates,
    ...samples.map((e) => mapTexts(e, (s) => s.toUpperCase())),
    ...samples.map((e) => mapTexts(e, mixed)),
    ...samples.map((e) => mapTexts(e, (s, k) => (k.length % 3 === 0 ? 'İ' : k.length % 3 === 1 ? 'ÄК' : '\u0130x') + s)),
    ...samples.map((e) => mapTexts(e, (s) => s.replace(/i/g, 'İ'))),
  ].map((e, i) => ({ ...e, id: i.toString(16).padStart(32, '0'), time: new Date(Date.UTC(2026, 10, 21) + i * 10).toISOString() }));
  const viaIndex: string[] = [];
  let at = 0;
  const engine = new DetectionEngine(rules, { emit: () => {} }, { now: () => Date.UTC(2030, 0, 1) }, DEFAULT_LIMITS);
  engine.onMatch = (r) => void viaIndex.push(`${r.id} ${at}`);
  for (; at < evs.length; at++) engine.processOne(evs[at]!);
  const everyRule: string[] = [];
  evs.forEach((e, i) => {
    const ch = e.source.channel?.toLowerCase();
    const prog = e.program?.toLowerCase();
    for (const r of rules) {
      if (r.kinds && !r.kinds.has(e.source.kind)) continue;
      if (r.programs && (prog === undefined || !r.programs.has(prog))) continue;
      if (r.channels && (ch === undefined || !r.channels.has(ch))) continue;
      if (r.eventIds && (e.fields.event_id === undefined || !r.eventIds.has(e.fields.event_id))) continue;
      let hit = false;
      try {
        hit = r.evaluate(e) !== null;
      } catch {
        hit = false;
      }
      if (hit) everyRule.push(`${r.id} ${i}`);
    }
  });
  viaIndex.sort();
  everyRule.sort();
  const a = new Set(viaIndex);
  const b = new Set(everyRule);
  const missed = everyRule.filter((m) => !a.has(m));
  const extra = viaIndex.filter((m) => !b.has(m));
  console.log(`check: ${evs.length} events, ${rules.length} rules; ${everyRule.length} matches evaluating every rule, ${viaIndex.length} through the index; missed by the index ${missed.length}, extra ${extra.length}`);
  for (const m of [...missed, ...extra].slice(0, 20)) console.log(`  differs: ${m}`);
  if (CHECK_OUT) writeFileSync(CHECK_OUT, viaIndex.join('\n') + '\n');
  if (missed.length || extra.length) process.exitCode = 1;
}
