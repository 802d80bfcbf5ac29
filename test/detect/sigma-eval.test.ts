/**
 * Sigma evaluation fast paths against their plain meaning: keyword lists against lower-casing
 * and substring search of each text, the group key computed with a plain rule's match against
 * key(event, values) over the eagerly extracted values, the multi-target picker's memo against
 * a freshly compiled rule, all on generated events (seeded, so a failure reproduces).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from 'yaml';
import { compileSigmaDocuments } from '../../alert-service/src/detect/sigma/load.js';
import { requiredRuns } from '../../alert-service/src/detect/sigma/detection.js';
import { boundedTest, compileSafeRegex } from '../../alert-service/src/detect/safe-regex.js';
import { DetectionEngine, DEFAULT_LIMITS } from '../../alert-service/src/detect/engine.js';
import type { AlertSignal, LogEvent } from '../../alert-service/src/generated/schema-types.js';
import { win } from './helpers.js';
import { mulberry32 } from '../../alert-service/src/anomaly/forest/rng.js';

/** A deterministic generator (the forest's mulberry32), so a failure reproduces. */
const rng = (seed: number): (() => number) => mulberry32(seed).next;

function compile(yaml: string) {
  const { rules, skipped } = compileSigmaDocuments([{ file: 't.yml', doc: parse(yaml) as Record<string, unknown> }], { defaultQuietSec: 900 });
  assert.deepEqual(skipped, []);
  assert.equal(rules.length, 1);
  return rules[0]!;
}

/** Characters that make case folding interesting: both ASCII cases, İ (→ i̇), the Kelvin sign (→ k), ı, ſ, Σ, the separator. */
const TRICKY = ['\u0130', '\u212a', '\u0131', '\u017f', '\u03a3', '\n', ':', ' ', '.'];

/** A text built from pieces of the literals in random case, tricky characters and noise. */
function text(r: () => number, lits: readonly string[]): string {
  let s = '';
  const n = Math.floor(r() * 6);
  for (let i = 0; i < n; i++) {
    const x = r();
    if (x < 0.3) {
      const lit = lits[Math.floor(r() * lits.length)]!;
      const from = Math.floor(r() * lit.length);
      const piece = lit.slice(from, from + 1 + Math.floor(r() * lit.length));
      s += [...piece].map((c) => (r() < 0.5 ? c.toUpperCase() : c)).join('');
    } else if (x < 0.5) s += TRICKY[Math.floor(r() * TRICKY.length)]!;
    else if (x < 0.6) s += r() < 0.5 ? '\u0130' : '\u212a'; // İ / Kelvin in place of i / k
    else s += 'abcikmsw'[Math.floor(r() * 8)]!;
  }
  return s;
}

test('keyword rule matches as lower-cased search of each text does (mixed case, İ, Kelvin sign), keyword and not filter', () => {
  const lits = ['privilege::debug', 'gentilkiwi.com', 'kerberos::golden', 'Kiwi Legit Printer', 'mimidrv.sys'];
  const rule = compile(`title: k\nlogsource:\n  product: windows\ndetection:\n  keywords:\n${lits.map((l) => `    - '${l}'`).join('\n')}\n  filter:\n    EventID: 15\n  condition: keywords and not filter\n`);
  const r = rng(11);
  let hits = 0;
  for (let k = 0; k < 3000; k++) {
    const data: Record<string, string> = { CommandLine: text(r, lits.map((l) => l.toLowerCase())), Image: text(r, lits) };
    const id = r() < 0.2 ? 15 : 1;
    const e = win(0, id, 'Microsoft-Windows-Sysmon/Operational', data);
    e.message = text(r, lits);
    const lowered = [e.message, ...Object.values(data).filter((v) => v)].map((t) => t.toLowerCase());
    const want = id !== 15 && lowered.some((t) => lits.some((l) => t.includes(l.toLowerCase())));
    if (want) hits++;
    assert.equal(rule.evaluate(e) !== null, want, JSON.stringify({ message: e.message, data, id }));
  }
  assert.ok(hits > 20, `some generated events match (${hits})`);
});

const processRule = (groupBy = '') => `title: p
id: 11111111-2222-3333-4444-555555555555
logsource:
  category: process_creation
  product: windows
detection:
  sel:
    Image|endswith: '\\cmd.exe'
  other:
    CommandLine|contains|all: ['/c', 'echo']
  filter:
    ParentImage|startswith: 'C:\\Windows\\explorer'
  condition: (sel or other) and not filter
${groupBy}`;

function processEvent(r: () => number, t: number): LogEvent {
  const images = ['C:\\Windows\\System32\\cmd.exe', 'C:\\Windows\\System32\\CMD.EXE', 'C:\\x\\powershell.exe', ''];
  const parents = ['C:\\Windows\\explorer.exe', 'C:\\Windows\\System32\\services.exe', ''];
  const cmd = ['cmd /c echo hi', 'cmd /C ECHO', 'whoami', ''][Math.floor(r() * 4)]!;
  const image = images[Math.floor(r() * images.length)]!;
  const parent = parents[Math.floor(r() * parents.length)]!;
  const host = r() < 0.5 ? 'ws1' : 'ws2';
  if (r() < 0.5) {
    const data: Record<string, string> = { CommandLine: cmd, ParentImage: parent };
    if (image || r() < 0.5) data.Image = image;
    return win(t, 1, 'Microsoft-Windows-Sysmon/Operational', data, {}, host);
  }
  const data: Record<string, string> = { CommandLine: cmd, ParentProcessName: parent };
  if (image || r() < 0.5) data.NewProcessName = image;
  if (r() < 0.3) data.Image = 'C:\\unmapped\\cmd.exe'; // the unmapped name, read when the mapped one is absent or empty
  return win(t, r() < 0.8 ? 4688 : 4689, 'Security', data, {}, host);
}

test('plain rule: the key computed with the match equals key(event, values), values equal on every target', () => {
  for (const groupBy of ['', 'fields:\n  - CommandLine\n']) {
    const rule = compile(processRule(groupBy));
    const fresh = () => compile(processRule(groupBy));
    const r = rng(3);
    let matched = 0;
    for (let k = 0; k < 300; k++) {
      const e = processEvent(r, k);
      const scoped = (!rule.channels || rule.channels.has((e.source.channel ?? '').toLowerCase())) && (!rule.eventIds || rule.eventIds.has(e.fields.event_id!));
      if (!scoped) continue;
      const ev = rule.evaluate(e);
      // The memoised target choice agrees with a rule that never saw an event before.
      const ref = fresh().evaluate(e);
      assert.equal(ev !== null, ref !== null);
      if (!ev || !ref) continue;
      matched++;
      const key = ev.key;
      assert.equal(typeof key, 'string');
      assert.deepEqual({ ...ev.values }, { ...ref.values });
      assert.equal(key, rule.key(e, ev.values));
      assert.deepEqual(rule.groupKey(e, ev.values), rule.key(e, ev.values).split('\u001f'));
    }
    assert.ok(matched > 25, `matches on both targets (${matched})`);
  }
});

test('engine with lazily extracted values: the same signals (groups, counts, values) as with values read at every match', () => {
  const rule = compile(processRule());
  // The same rule forced to extract at every match, as before the lazy path.
  const eager = { ...rule, evaluate: (e: LogEvent) => {
    const ev = rule.evaluate(e);
    return ev ? { values: { ...ev.values } } : null;
  } };
  const g = rng(5);
  const events = Array.from({ length: 3000 }, (_, k) => processEvent(g, k * 60));
  const run = (r: typeof rule) => {
    const out: AlertSignal[] = [];
    const engine = new DetectionEngine([r], { emit: (s) => void out.push(s) }, { now: () => Date.UTC(2030, 0, 1) }, { ...DEFAULT_LIMITS, maxGroupsPerRule: 5 });
    for (const e of events) engine.processOne(e);
    return { out, metrics: { ...engine.metrics, by_rule: [...engine.metrics.by_rule] } };
  };
  const a = run(rule);
  const b = run(eager);
  assert.ok(a.out.length > 10);
  assert.ok(a.metrics.suppressed_total > 10);
  assert.deepEqual(a, b);
});

test('requiredRuns: every literal run a regex needs, in order; none for a top-level alternation', () => {
  assert.deepEqual(requiredRuns('\\s-\\s*<'), ['-', '<']);
  assert.deepEqual(requiredRuns('\\+.*\\+.*\\+'), ['+', '+', '+']);
  assert.deepEqual(requiredRuns('-k\\s\\w{1,64}'), ['-k']);
  assert.deepEqual(requiredRuns('ab?c{0,2}d+e(x|y)fg'), ['a', 'd', 'e', 'fg']);
  assert.deepEqual(requiredRuns('(?:set).*&&\\s?set.*(?:a|b).*&&.*"'), ['&&', 'set', '&&', '"']);
  assert.equal(requiredRuns('ab|cd'), null);
});

test('|re gated by its literal runs in order: the same verdict as the regex alone (case, İ, Kelvin sign, µ, numbers)', () => {
  // Each pattern with the pieces its generated values are made of: its own literals in other
  // cases, the characters whose case folding differs between `/i` and toLowerCase(), noise.
  const patterns: Array<[string, string, string[]]> = [
    ['\\s-\\s*<', '', ['-', ' ', '<', '\t', 'a']],
    ['\\+.*\\+.*\\+.*\\+', '', ['+', 'a', ' ', '++']],
    ['(?i)set.*&&\\s?set.*&&.*"', '', ['set', 'SET', 'sEt', '&&', '&', '"', ' ', 's\u0130t']],
    ['(?i)ki.*K\\d', '', ['ki', 'KI', 'K', 'k', '\u212a', '\u0130', 'i', '1', ' ']],
    ['Ab.*cD.*ab', '', ['Ab', 'aB', 'ab', 'cD', 'CD', 'cd', ' ']],
    ['µx.*Ä[bc]', 'i', ['µ', 'Μ', 'μ', 'x', 'X', 'Ä', 'ä', 'b', 'C', ' ']],
    ['İs.*ks', 'i', ['\u0130', 'i', 'I', 's', 'S', 'ks', 'KS', '\u212as', '\u017f', '\u0307']],
    ['ΑΣ.*σ', 'i', ['Α', 'α', 'Σ', 'σ', 'ς', ' ']],
    ['1.*2.*12', '', ['1', '2', '12', '3']],
  ];
  const r = rng(21);
  for (const [source, mod, pieces] of patterns) {
    const rule = compile(`title: r\nlogsource:\n  category: process_creation\n  product: windows\ndetection:\n  sel:\n    CommandLine|re${mod ? `|${mod}` : ''}: '${source.replace(/'/g, "''")}'\n  condition: sel\n`);
    // The ungated regex as the rule compiles it (with `i`: lower-cased text against lower-cased literals).
    const inline = /^\(\?i\)/.test(source);
    const re = compileSafeRegex(source.replace(/^\(\?i\)/, ''), mod || inline ? 'i' : '');
    let hits = 0;
    for (let k = 0; k < 4000; k++) {
      let cmd = '';
      const n = Math.floor(r() * 10);
      for (let i = 0; i < n; i++) cmd += pieces[Math.floor(r() * pieces.length)]!;
      const numeric = /^\d+$/.test(cmd) && r() < 0.5;
      const e = win(k, 1, 'Microsoft-Windows-Sysmon/Operational', { CommandLine: numeric ? Number(cmd) : cmd } as Record<string, string>);
      const want = boundedTest(re, cmd);
      if (want) hits++;
      assert.equal(rule.evaluate(e) !== null, want, `${source} on ${JSON.stringify(cmd)} (${[...cmd].map((c) => c.codePointAt(0)!.toString(16)).join(' ')})`);
    }
    assert.ok(hits >= 10 && hits < 3990, `${source}: some generated values match, some not (${hits})`);
  }
});

test('|re with a final-sigma literal: the index and the rule agree with the regex (Σ lower-cases by context)', () => {
  for (const [mod, source] of [['', 'ΑΣ'], ['|i', 'ΑΣ'], ['', 'xΣ.*y']] as const) {
    const rule = compile(`title: s\nlogsource:\n  category: process_creation\n  product: windows\ndetection:\n  sel:\n    CommandLine|re${mod}: '${source}'\n  condition: sel\n`);
    const re = compileSafeRegex(source, mod ? 'i' : '');
    const texts = ['ΑΣ', 'ΑΣΑ', 'ας', 'ασα', 'xΣ y', 'xΣy', 'XΣ.Y', 'xσ y', 'α ΑΣ β'];
    const viaIndex: number[] = [];
    let at = 0;
    const engine = new DetectionEngine([rule], { emit: () => {} }, { now: () => Date.UTC(2030, 0, 1) }, DEFAULT_LIMITS);
    engine.onMatch = () => void viaIndex.push(at);
    const want: number[] = [];
    texts.forEach((t, i) => {
      const e = win(i, 1, 'Microsoft-Windows-Sysmon/Operational', { CommandLine: t });
      if (boundedTest(re, t)) want.push(i);
      assert.equal(rule.evaluate(e) !== null, boundedTest(re, t), `${mod} ${source} on ${t}`);
      at = i;
      engine.processOne(e);
    });
    assert.deepEqual(viaIndex, want, `${mod} ${source} through the index`);
    assert.ok(want.length >= 1);
  }
});
