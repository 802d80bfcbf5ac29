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
 *
 * `--mix real` (the default) vs `--mix templates`: the templates alone repeat ~950 events
 * verbatim, so anything keyed on a field value (the index's value cache) would hit on nearly
 * every lookup, which real Sysmon logs do not. `real` gives each generated event the unique parts
 * a real one has: ProcessGuid, ParentProcessGuid, LogonGuid, SourceProcessGUID/TargetProcessGUID,
 * ProcessId, ParentProcessId, UtcTime and CreationUtcTime (and the message, which repeats them),
 * every string a fresh copy (as decoded from the store: no hash cached on a shared string);
 * and, on the non-matching records, a unique token (a GUID, a PID argument or a random temp file
 * name, in turn) in `--unique` (default 0.5) of the CommandLines and TargetFilenames and in half
 * that share of ParentCommandLines, TargetObjects and CurrentDirectories. The regression records keep their
 * values (they are what rules match; their matches stay comparable across mixes). The values
 * that repeat are those real hosts repeat: images, hashes, company/product strings, users,
 * integrity levels, the everyday command lines. The batch of 50,000 events is replayed
 * `--events / 50,000` times; a bounded cache (far fewer entries than one batch's unique values)
 * cannot profit from that replay. More signals than on the templates (2,230 against 367 at the
 * defaults): plain rules group by the values they test, and those are now distinct (the benign
 * `conhost.exe 0xffffffff -ForceV1` line matches SigmaHQ's conhost legacy-option rule). `--cache on|off|both` (default both: each run times the same
 * events without then with the cache, in one process, so both see the same machine load); with
 * the cache the run also prints its hit rate per field. `--check` also proves the cache exact.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { loadConfig } from '../src/config/load.js';
import type { LogEvent } from '../src/generated/schema-types.js';
import { DetectionEngine, DEFAULT_LIMITS } from '../src/detect/engine.js';
import { readLogFile } from '../src/detect/input.js';
import { PROJECT_ROOT } from '../src/detect/ruleset.js';
import { compileSigmaDocuments, listSigmaTree, readSigmaFiles } from '../src/detect/sigma/load.js';
import { parseSigmaRule, type Selection } from '../src/detect/sigma/tree.js';
import type { CompiledRule } from '../src/detect/compiled.js';
import { PrefilterIndex, prefilterDefaults, type Atom } from '../src/detect/sigma/prefilter.js';
import { DEFAULT_VALUE_CACHE, type ValueCacheLimits } from '../src/detect/sigma/value-cache.js';
import { mulberry32 } from '../src/anomaly/forest/rng.js';

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
const MIX = arg('--mix', 'real');
const UNIQUE = Number(arg('--unique', '0.5'));
const CACHE = arg('--cache', 'both') as 'on' | 'off' | 'both';
if (CACHE !== 'on' && CACHE !== 'off' && CACHE !== 'both') throw new Error('--cache is on, off or both');
const CACHE_OFF: ValueCacheLimits = { ...DEFAULT_VALUE_CACHE, maxEntries: 0 };
if (MIX !== 'real' && MIX !== 'templates') throw new Error('--mix is real or templates');
if (!(UNIQUE >= 0 && UNIQUE <= 1)) throw new Error('--unique is a share in [0, 1]');
/**
 * `--check [--check-out file]`: instead of timing, prove the index sound on this mix: every
 * (rule id, event) match through the engine (with the index) must equal every rule evaluated on
 * its own (its scope, then its detection) over the templates plus case-changed and non-ASCII
 * copies of the regression records. `--check-out` writes the sorted match list (and, to
 * `<file>.signals`, every signal of the cache check in order), to compare builds.
 */
const CHECK = process.argv.includes('--check');
const CHECK_OUT = process.argv.includes('--check-out') ? arg('--check-out', '') : '';
/**
 * `--rule-costs N`: instead of timing runs, time every rule's evaluate() call (cache on) over the
 * batch and list the N rules with the most CPU in total, with calls per event, µs per call and
 * what in the rule costs (regex, `contains` values, windash variants, `|all`, keywords searched
 * over every value, scanned without an index atom).
 */
const RULE_COSTS = Number(arg('--rule-costs', '0'));
/**
 * `--cpu-profile FILE`: write a V8 CPU profile of the first timed run alone (no YAML parsing, no
 * event generation in it), to read where matching spends its time.
 */
const CPU_PROFILE = process.argv.includes('--cpu-profile') ? arg('--cpu-profile', '') : '';

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

const hex = (n: number) => Array.from({ length: n }, () => '0123456789ABCDEF'[rnd.int(16)]).join('');
const guid = () => `{${hex(8)}-${hex(4)}-${hex(4)}-${hex(4)}-${hex(12)}}`;
/** A token real command lines and paths carry once: a GUID, a PID argument, a random temp file name. */
const token = (i: number) => (i % 3 === 0 ? guid() : i % 3 === 1 ? `--pid=${1000 + rnd.int(60000)}` : `C:\\Users\\alice\\AppData\\Local\\Temp\\tmp${hex(4)}.tmp`);
const UNIQUE_IDS = ['ProcessGuid', 'ParentProcessGuid', 'LogonGuid', 'SourceProcessGUID', 'TargetProcessGUID'];

/**
 * The event with its own unique parts (see the header): ids and times always, tokens in a share
 * of the non-matching records' command lines and paths. Each replaced value is also replaced in
 * the message, which the agent renders from the same EventData.
 */
function realistic(e: LogEvent, i: number, isNoise: boolean): LogEvent {
  const data = e.fields.event_data;
  if (!data) return e;
  const out: NonNullable<LogEvent['fields']['event_data']> = { ...data };
  let message = e.message;
  const put = (k: string, v: string | number) => {
    const old = out[k];
    if (message && (typeof old === 'string' || typeof old === 'number') && String(old)) message = message.split(String(old)).join(String(v));
    out[k] = v;
  };
  for (const k of UNIQUE_IDS) if (typeof out[k] === 'string') put(k, guid());
  for (const k of ['ProcessId', 'ParentProcessId']) if (k in out) put(k, typeof out[k] === 'number' ? 1000 + rnd.int(60000) : String(1000 + rnd.int(60000)));
  const stamp = new Date(base + i * 10).toISOString().replace('T', ' ').slice(0, 23);
  for (const k of ['UtcTime', 'CreationUtcTime']) if (typeof out[k] === 'string') put(k, stamp);
  if (isNoise) {
    const full = (k: string, p: number) => typeof out[k] === 'string' && rnd.next() < p;
    if (full('CommandLine', UNIQUE)) put('CommandLine', `${out.CommandLine as string} ${token(i)}`);
    if (full('ParentCommandLine', UNIQUE / 2)) put('ParentCommandLine', `${out.ParentCommandLine as string} ${token(i + 1)}`);
    if (full('TargetFilename', UNIQUE)) put('TargetFilename', `C:\\Users\\alice\\AppData\\Local\\Temp\\~DF${hex(12)}.TMP`);
    if (full('TargetObject', UNIQUE / 2)) put('TargetObject', `${out.TargetObject as string}\\${guid()}`);
    if (full('CurrentDirectory', UNIQUE / 2)) put('CurrentDirectory', `C:\\Users\\alice\\AppData\\Local\\Temp\\${guid()}\\`);
  }
  // Fresh string objects, as the event store's decoder hands out: shared ones would carry V8's
  // cached hash from event to event, which a Map-keyed cache would profit from and real input not.
  for (const k in out) if (typeof out[k] === 'string') out[k] = fresh(out[k] as string);
  return { ...e, message: fresh(message), fields: { ...e.fields, event_data: out } };
}

function fresh(s: string): string {
  return Buffer.from(s, 'utf8').toString('utf8');
}

// Distinct ids and times, built outside the timed section; a batch size like the pump's.
const BATCH = Math.min(EVENTS, 50_000);
const base = Date.UTC(2026, 10, 21);
const rnd = mulberry32(14);
const noiseSet = new Set(noise);
const events = Array.from({ length: BATCH }, (_, i) => {
  const t = templates[i % templates.length]!;
  const e = { ...t, id: i.toString(16).padStart(32, '0'), time: new Date(base + i * 10).toISOString() };
  return MIX === 'real' ? realistic(e, i, noiseSet.has(t)) : e;
});
const rounds = Math.max(1, Math.round(EVENTS / BATCH));

if (CHECK) {
  check();
  checkCache();
  process.exit(process.exitCode ?? 0);
}
if (RULE_COSTS > 0) {
  ruleCosts(RULE_COSTS);
  process.exit(0);
}

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

/** The engine's own index (a private field of DetectionEngine, read here for its cache counters only). */
function indexOf(engine: DetectionEngine): PrefilterIndex<CompiledRule> | undefined {
  return (engine as unknown as { prefiltered?: PrefilterIndex<CompiledRule> }).prefiltered;
}
type Counts = Map<string, { hits: number; misses: number; bypassed: number }>;

/** Per field: the share of lookups answered from the cache over the timed events (warm-up left out). */
function hitRates(before: Counts, after: Counts): string {
  const rows = [...after].map(([field, a]) => {
    const b = before.get(field) ?? { hits: 0, misses: 0, bypassed: 0 };
    const hits = a.hits - b.hits;
    const all = hits + a.misses - b.misses + a.bypassed - b.bypassed;
    return { field, hits, all, bypassed: a.bypassed - b.bypassed };
  });
  rows.sort((x, y) => y.all - x.all);
  const hits = rows.reduce((n, r) => n + r.hits, 0);
  const all = rows.reduce((n, r) => n + r.all, 0);
  const pct = (a: number, b: number) => (b ? ((100 * a) / b).toFixed(0) : '-');
  const top = rows.slice(0, 16).map((r) => `${r.field} ${pct(r.hits, r.all)}${r.bypassed ? ` (${pct(r.bypassed, r.all)} too long)` : ''}`);
  return `hit rate ${pct(hits, all)} % of ${(all / (rounds * events.length)).toFixed(1)} lookups/event; per field %: ${top.join(', ')}`;
}

async function startProfile(): Promise<Session> {
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  return session;
}
async function stopProfile(session: Session, file: string): Promise<void> {
  const { profile } = await session.post('Profiler.stop');
  writeFileSync(file, JSON.stringify(profile));
  session.disconnect();
  console.log(`    CPU profile of this run: ${file}`);
}

const modes: ReadonlyArray<'off' | 'on'> = CACHE === 'both' ? ['off', 'on'] : [CACHE];
const results = { off: [] as Array<{ eps: number; cpuUs: number }>, on: [] as Array<{ eps: number; cpuUs: number }> };
console.log(`Mix: ${MIX}${MIX === 'real' ? ` (unique tokens in ${UNIQUE} of noise CommandLines/TargetFilenames)` : ''}; value cache ${CACHE}: ${DEFAULT_VALUE_CACHE.maxEntries} entries, ~${DEFAULT_VALUE_CACHE.maxBytes >> 20} MB, values up to ${DEFAULT_VALUE_CACHE.maxChars} characters`);
for (let run = 0; run < RUNS; run++) {
  for (const mode of modes) {
    prefilterDefaults.valueCache = mode === 'on' ? DEFAULT_VALUE_CACHE : CACHE_OFF;
    let signals = 0;
    const engine = new DetectionEngine(rules, { emit: () => void signals++ }, { now: () => Date.UTC(2030, 0, 1) }, DEFAULT_LIMITS);
    engine.process(events.slice(0, Math.min(5_000, events.length))); // warm-up (JIT)
    const counts0 = indexOf(engine)?.valueCache.stats() ?? new Map();
    const profiler = CPU_PROFILE && run === 0 ? await startProfile() : undefined;
    const cpu0 = process.cpuUsage();
    const w0 = performance.now();
    for (let r = 0; r < rounds; r++) engine.process(events);
    const ms = performance.now() - w0;
    const cpu = process.cpuUsage(cpu0);
    if (profiler) await stopProfile(profiler, `${CPU_PROFILE}${modes.length > 1 ? `.${mode}` : ''}`);
    const total = rounds * events.length;
    const eps = total / (ms / 1000);
    const cpuUs = (cpu.user + cpu.system) / total;
    results[mode].push({ eps, cpuUs });
    console.log(`  run ${run + 1}, cache ${mode.padEnd(3)}: ${Math.round(eps).toLocaleString('en-US').padStart(9)} events/s wall, ${cpuUs.toFixed(2)} µs CPU/event = ${Math.round(1e6 / cpuUs).toLocaleString('en-US')} events per CPU-second (${total.toLocaleString('en-US')} events, ${signals} signals)`);
    const idx = indexOf(engine);
    if (mode === 'on' && idx) {
      const size = idx.valueCache.size();
      console.log(`    ${hitRates(counts0, idx.valueCache.stats())}; held ${size.entries.toLocaleString('en-US')} entries ~${(size.bytes / 1e6).toFixed(1)} MB, ${idx.valueCache.swaps} generation swaps`);
    }
  }
}
prefilterDefaults.valueCache = DEFAULT_VALUE_CACHE;
const range = (xs: number[], f: (x: number) => string) => `${f(Math.min(...xs))}–${f(Math.max(...xs))}`;
console.log('');
for (const mode of modes) {
  const rs = results[mode];
  console.log(`${rules.length} rules, mix ${MIX}, cache ${mode}: ${range(rs.map((r) => r.eps), (x) => Math.round(x).toLocaleString('en-US'))} events/s wall, ${range(rs.map((r) => r.cpuUs), (x) => x.toFixed(2))} µs CPU/event over ${RUNS} runs`);
}
console.log(`load average after: ${load1()} (2 cores)`);

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

/** Every (rule, event) match and every signal, in order, of one engine run over `evs` with these cache bounds. */
function runWith(limits: ValueCacheLimits, evs: readonly LogEvent[]): { matches: string[]; signals: string[]; swaps: number } {
  prefilterDefaults.valueCache = limits;
  const matches: string[] = [];
  const signals: string[] = [];
  let at = 0;
  const engine = new DetectionEngine(rules, { emit: (s) => void signals.push(JSON.stringify(s)) }, { now: () => Date.UTC(2030, 0, 1) }, DEFAULT_LIMITS);
  engine.onMatch = (r) => void matches.push(`${r.id} ${at}`);
  for (; at < evs.length; at++) engine.processOne(evs[at]!);
  prefilterDefaults.valueCache = DEFAULT_VALUE_CACHE;
  return { matches, signals, swaps: indexOf(engine)?.valueCache.swaps ?? 0 };
}

/**
 * The value cache changes nothing: the same events (this mix's batch, then the templates with
 * upper-, mixed-case and non-ASCII copies, each twice so that the copies hit) through the engine
 * with the cache off, with the default bounds, and with tiny bounds (many generation swaps and
 * values over the length bound): every match and every signal, in order, must be equal.
 */
function checkCache(): void {
  const mixed = (s: string) => [...s].map((c, i) => (i % 2 ? c.toUpperCase() : c.toLowerCase())).join('');
  const copies = [...templates, ...samples.map((e) => mapTexts(e, (s) => s.toUpperCase())), ...samples.map((e) => mapTexts(e, mixed)), ...samples.map((e) => mapTexts(e, (s) => s.replace(/i/g, 'İ')))];
  const evs = [...events, ...copies, ...copies].map((e, i) => ({ ...e, id: i.toString(16).padStart(32, '0'), time: new Date(base + i * 10).toISOString() }));
  const off = runWith(CACHE_OFF, evs);
  // Beside the match list: every signal in order, to compare builds (their evaluation must not change what fires).
  if (CHECK_OUT) writeFileSync(`${CHECK_OUT}.signals`, off.signals.join('\n') + '\n');
  let failed = false;
  for (const [name, limits] of [['default', DEFAULT_VALUE_CACHE], ['tiny', { maxEntries: 64, maxBytes: 16_384, maxChars: 40, maxLists: 2 }]] as const) {
    const on = runWith(limits, evs);
    const same = (a: string[], b: string[]) => a.length === b.length && a.every((x, i) => x === b[i]);
    const ok = same(off.matches, on.matches) && same(off.signals, on.signals);
    console.log(`check cache ${name}: ${evs.length} events (mix ${MIX}); matches ${on.matches.length} with the cache, ${off.matches.length} without; signals ${on.signals.length} / ${off.signals.length}; ${on.swaps} generation swaps; ${ok ? 'all equal, in order' : 'DIFFERENT'}`);
    if (!ok) failed = true;
  }
  if (failed) process.exitCode = 1;
}

/** What in a rule's detection costs per evaluation, counted over its selections. */
function ruleTraits(doc: Record<string, unknown> | undefined, r: CompiledRule): string {
  if (!doc) return '';
  let tree;
  try {
    tree = parseSigmaRule(doc);
  } catch {
    return '';
  }
  const n = { items: 0, values: 0, re: 0, contains: 0, windash: 0, all: 0, keywords: 0, b64: 0, fieldref: 0, cased: 0 };
  const walk = (s: Selection) => {
    if (s.kind === 'or') return s.options.forEach(walk);
    for (const i of s.items) {
      n.items++;
      n.values += i.values.length;
      const m = new Set(i.modifiers);
      if (i.field === null) n.keywords += i.values.length;
      if (m.has('re')) n.re += i.values.length;
      if (m.has('contains')) n.contains += i.values.length;
      if (m.has('windash')) n.windash += i.values.length;
      if (m.has('all')) n.all++;
      if (m.has('base64offset') || m.has('base64')) n.b64 += i.values.length;
      if (m.has('fieldref')) n.fieldref++;
      if (m.has('cased')) n.cased++;
    }
  };
  for (const s of tree.detection.selections.values()) walk(s);
  const parts = [`${n.items} items/${n.values} values`];
  for (const k of ['re', 'contains', 'windash', 'all', 'keywords', 'b64', 'fieldref', 'cased'] as const) if (n[k]) parts.push(`${k} ${n[k]}`);
  const scan = r.prefilter?.targets.some((t) => !t.atoms);
  if (scan) parts.push('scan (no index atom)');
  return parts.join(', ');
}

function ruleCosts(top: number): void {
  const docById = new Map<string, Record<string, unknown>>();
  for (const d of docs) {
    const key = typeof d.doc.id === 'string' ? d.doc.id : typeof d.doc.name === 'string' ? d.doc.name : undefined;
    if (key) docById.set(key, d.doc);
  }
  const cost = new Map<CompiledRule, { calls: number; ms: number; matches: number }>();
  /** Per rule, the events of the timed pass it was evaluated on (up to 2,000), to time it alone after. */
  const seenBy = new Map<CompiledRule, LogEvent[]>();
  let collect = false;
  const timed = rules.map((r) => {
    const c = { calls: 0, ms: 0, matches: 0 };
    cost.set(r, c);
    const evaluate = r.evaluate;
    const seen: LogEvent[] = [];
    seenBy.set(r, seen);
    return {
      ...r,
      evaluate: (e: LogEvent) => {
        const t0 = performance.now();
        const ev = evaluate(e);
        c.ms += performance.now() - t0;
        c.calls++;
        if (ev) c.matches++;
        if (collect && seen.length < 2_000) seen.push(e);
        return ev;
      },
    };
  });
  const cpuPerEvent = (rs: readonly CompiledRule[]) => {
    const engine = new DetectionEngine(rs, { emit: () => {} }, { now: () => Date.UTC(2030, 0, 1) }, DEFAULT_LIMITS);
    engine.process(events.slice(0, Math.min(5_000, events.length))); // warm-up (JIT)
    for (const c of cost.values()) Object.assign(c, { calls: 0, ms: 0, matches: 0 });
    const cpu0 = process.cpuUsage();
    engine.process(events);
    const cpu = process.cpuUsage(cpu0);
    return (cpu.user + cpu.system) / events.length;
  };
  // The same events untimed first: the difference is what the timers cost.
  const plainUs = cpuPerEvent(rules);
  collect = true;
  const totalUs = cpuPerEvent(timed);
  collect = false;
  const rows = [...cost].filter(([, c]) => c.calls).sort((a, b) => b[1].ms - a[1].ms);
  const evalMs = rows.reduce((n, [, c]) => n + c.ms, 0);
  const calls = rows.reduce((n, [, c]) => n + c.calls, 0);
  const perEvent = (ms: number) => ((ms * 1000) / events.length).toFixed(2);
  const timerUs = (totalUs - plainUs) / (calls / events.length);
  console.log(`Rule costs over ${events.length.toLocaleString('en-US')} events (mix ${MIX}, cache on): ${plainUs.toFixed(2)} µs CPU/event untimed, ${totalUs.toFixed(2)} timed; ${(calls / events.length).toFixed(2)} evaluate() calls per event, ${perEvent(evalMs)} µs in them (timers ~${timerUs.toFixed(2)} µs per call: rule evaluation ~${(((evalMs * 1000) / events.length - (timerUs * calls) / events.length / 2) / plainUs * 100).toFixed(0)} % of the untimed CPU)`);
  // Alone: the rule evaluated over the events it met, 5 times over, timed as a whole (no timer per
  // call, no GC of other work in it; but every field it reads is lower-cased by it, not shared).
  const alone = (r: CompiledRule) => {
    const evs = seenBy.get(r)!;
    if (!evs.length) return NaN;
    for (const e of evs) r.evaluate(e);
    const t0 = performance.now();
    for (let k = 0; k < 5; k++) for (const e of evs) r.evaluate(e);
    return ((performance.now() - t0) * 1000) / (5 * evs.length);
  };
  console.log(`  ${'µs/event'.padStart(8)} ${'calls/ev'.padStart(8)} ${'µs/call'.padStart(8)} ${'alone'.padStart(7)} ${'match'.padStart(6)}  rule — traits`);
  for (const [r, c] of rows.slice(0, top)) {
    console.log(`  ${perEvent(c.ms).padStart(8)} ${(c.calls / events.length).toFixed(3).padStart(8)} ${((c.ms * 1000) / c.calls).toFixed(2).padStart(8)} ${alone(r).toFixed(2).padStart(7)} ${String(c.matches).padStart(6)}  ${r.file} — ${ruleTraits(docById.get(r.id), r)}`);
  }
}
