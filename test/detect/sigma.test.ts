/** Sigma support: modifiers, wildcards, conditions, logsource/field mapping, correlations, unsupported features. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { compileSigmaDocuments, loadSigmaFiles } from '../../alert-service/src/detect/sigma/load.js';
import { compileGlob } from '../../alert-service/src/detect/sigma/glob.js';
import { runDetection } from '../../alert-service/src/detect/run.js';
import type { LogEvent } from '../../alert-service/src/generated/schema-types.js';
import { ev, lines, win } from './helpers.js';

function compileYaml(yaml: string) {
  const docs = yaml.split(/^---$/m).map((d) => ({ file: 'test.yml', doc: parse(d) as Record<string, unknown> }));
  return compileSigmaDocuments(docs, { defaultQuietSec: 900 });
}

function matches(yaml: string, event: LogEvent): boolean {
  const { rules, skipped } = compileYaml(yaml);
  assert.deepEqual(skipped, []);
  assert.equal(rules.length, 1);
  const r = rules[0]!;
  const scoped = (!r.kinds || r.kinds.has(event.source.kind)) && (!r.channels || r.channels.has((event.source.channel ?? '').toLowerCase()));
  return scoped && r.evaluate(event) !== null;
}

const winRule = (detection: string) => `title: t\nlogsource:\n  product: windows\n  service: security\ndetection:\n${detection}`;
const logon = win(0, 4625, 'Security', { TargetUserName: 'Administrator', IpAddress: '10.1.2.3', LogonType: 3, ProcessName: 'C:\\Windows\\System32\\svchost.exe' }, { src_ip: '10.1.2.3', user: 'Administrator' });

test('wildcards: * and ? with escapes, case-insensitive by default; linear on long input', () => {
  assert.ok(compileGlob('adm*')('Administrator'));
  assert.ok(compileGlob('a?min')('ADMIN'));
  assert.ok(!compileGlob('a?min')('aamin2'));
  assert.ok(compileGlob('*\\*literal')('x*literal'));
  assert.ok(!compileGlob('*\\*literal')('xyliteral'));
  assert.ok(compileGlob('a\\\\b')('a\\b'));
  const long = 'a'.repeat(60_000);
  const started = performance.now();
  for (let i = 0; i < 20; i++) assert.ok(!compileGlob('*a*a*a*a*a*b')(long));
  assert.ok(performance.now() - started < 1000);
});

test('field modifiers: contains, startswith, endswith, all, re, cidr, gt/gte/lt/lte, exists, cased, lists', () => {
  const yes = (d: string) => assert.ok(matches(winRule(d), logon), d);
  const no = (d: string) => assert.ok(!matches(winRule(d), logon), d);
  yes('  sel:\n    EventID: 4625\n    TargetUserName: administrator\n  condition: sel');
  yes('  sel:\n    TargetUserName|contains: minis\n  condition: sel');
  yes('  sel:\n    TargetUserName|startswith: ADMIN\n  condition: sel');
  yes('  sel:\n    ProcessName|endswith: \\svchost.exe\n  condition: sel');
  yes('  sel:\n    ProcessName|contains|all:\n      - System32\n      - svchost\n  condition: sel');
  no('  sel:\n    ProcessName|contains|all:\n      - System32\n      - lsass\n  condition: sel');
  yes('  sel:\n    TargetUserName:\n      - guest\n      - admin*\n  condition: sel');
  yes("  sel:\n    TargetUserName|re: '^Admin[a-z]+$'\n  condition: sel");
  no("  sel:\n    TargetUserName|re: '^admin[a-z]+$'\n  condition: sel");
  yes("  sel:\n    TargetUserName|re|i: '^admin[a-z]+$'\n  condition: sel");
  yes('  sel:\n    IpAddress|cidr: 10.0.0.0/8\n  condition: sel');
  no('  sel:\n    IpAddress|cidr: 192.168.0.0/16\n  condition: sel');
  yes('  sel:\n    LogonType|gte: 3\n  condition: sel');
  no('  sel:\n    LogonType|gt: 3\n  condition: sel');
  yes('  sel:\n    LogonType|lt: 10\n  condition: sel');
  yes('  sel:\n    LogonType|lte: 3\n  condition: sel');
  yes('  sel:\n    IpAddress|exists: true\n  condition: sel');
  yes('  sel:\n    WorkstationName|exists: false\n  condition: sel');
  yes('  sel:\n    WorkstationName: null\n  condition: sel');
  no('  sel:\n    TargetUserName|cased: administrator\n  condition: sel');
  yes('  sel:\n    - TargetUserName: nobody\n    - LogonType: 3\n  condition: sel');
});

test('conditions: and, or, not, parentheses, 1 of / all of with patterns and them', () => {
  const det = `  sel_user:\n    TargetUserName: administrator\n  sel_type:\n    LogonType: 3\n  filter_lan:\n    IpAddress|cidr: 10.0.0.0/8\n  other:\n    EventID: 4624\n`;
  const cases: Array<[string, boolean]> = [
    ['sel_user and sel_type', true],
    ['sel_user and not filter_lan', false],
    ['(sel_user or other) and not (filter_lan and other)', true],
    ['all of sel_*', true],
    ['1 of sel_* and not filter_lan', false],
    ['1 of them', true],
    ['all of them', false],
    ['not other and (sel_user and sel_type)', true],
  ];
  for (const [cond, want] of cases) assert.equal(matches(winRule(`${det}  condition: ${cond}`), logon), want, cond);
});

test('keywords search the message; linux logsources map onto kinds and programs', () => {
  const rule = 'title: k\nlogsource:\n  product: linux\n  service: sshd\ndetection:\n  keywords:\n    - "Failed password"\n    - "Invalid user"\n  condition: keywords';
  const [sshFail, sudoLine] = lines('auth', ['Nov 21 10:00:05 web1 sshd[3102]: Failed password for root from 203.0.113.7 port 40118 ssh2', 'Nov 21 10:00:05 web1 sudo: Failed password for nothing']);
  const { rules } = compileYaml(rule);
  const r = rules[0]!;
  assert.ok(r.programs?.has('sshd') && r.kinds?.has('auth'));
  const out = runDetection([sshFail!, sudoLine!], rules).signals;
  assert.equal(out.length, 1);
  assert.equal(out[0]!.source, 'sigma');
});

test('webserver category maps W3C field names onto the access log fields', () => {
  const rule = "title: w\nlogsource:\n  category: webserver\ndetection:\n  sel:\n    cs-uri-query|contains: 'union select'\n    sc-status: 500\n    c-ip|cidr: 198.51.100.0/24\n  condition: sel";
  const [hit, miss] = lines('web_access', [
    '198.51.100.21 - - [21/Nov/2026:10:00:06 +0000] "GET /api/items?id=1%20union%20select HTTP/1.1" 500 35 "-" "x"',
    '198.51.100.21 - - [21/Nov/2026:10:00:06 +0000] "GET /api/union%20select HTTP/1.1" 500 35 "-" "x"',
  ]);
  const { rules } = compileYaml(rule.replace("'union select'", "'union%20select'"));
  assert.equal(runDetection([hit!], rules).signals.length, 1);
  assert.equal(runDetection([miss!], rules).signals.length, 0);
});

test('correlations: event_count, value_count and temporal_ordered run on the windowed engine; referenced rules do not alert alone', () => {
  const yaml = `title: burst
id: c-1
correlation:
  type: event_count
  rules: [failed]
  group-by: [IpAddress]
  timespan: 5m
  condition:
    gte: 3
level: high
---
title: spray
id: c-2
correlation:
  type: value_count
  rules: [failed]
  group-by: [IpAddress]
  timespan: 5m
  condition:
    field: TargetUserName
    gt: 1
---
title: fail then success
id: c-3
correlation:
  type: temporal_ordered
  rules: [failed, success]
  group-by: [IpAddress]
  timespan: 10m
---
title: failed
name: failed
logsource: {product: windows, service: security}
detection:
  sel: {EventID: 4625}
  condition: sel
---
title: success
name: success
logsource: {product: windows, service: security}
detection:
  sel: {EventID: 4624}
  condition: sel`;
  const { rules, skipped } = compileYaml(yaml);
  assert.deepEqual(skipped, []);
  assert.deepEqual(rules.map((r) => r.id).sort(), ['c-1', 'c-2', 'c-3']);
  const f = (t: number, user: string) => win(t, 4625, 'Security', { TargetUserName: user, IpAddress: '203.0.113.66' });
  const events = [f(0, 'a'), f(1, 'a'), f(2, 'b'), win(3, 4624, 'Security', { TargetUserName: 'a', IpAddress: '203.0.113.66' }), win(3, 4624, 'Security', { TargetUserName: 'a', IpAddress: '10.9.9.9' })];
  const signals = runDetection(events, rules).signals;
  assert.deepEqual(signals.map((s) => s.rule_id).sort(), ['c-1', 'c-2', 'c-3']);
  for (const s of signals) assert.deepEqual(s.group, { IpAddress: '203.0.113.66' });
  assert.equal(signals.find((s) => s.rule_id === 'c-1')!.severity, 'high');
});

test('unsupported features are reported with a reason and skipped, not misread', () => {
  const bad: Array<[string, RegExp]> = [
    ['title: a\nlogsource: {product: windows, service: security}\ndetection:\n  sel:\n    CommandLine|expand: x\n  condition: sel', /modifier \|expand/],
    ['title: b\nlogsource: {product: windows, service: security}\ndetection:\n  sel: {EventID: 4625}\n  condition: sel | count() by IpAddress > 5', /aggregation/],
    ['title: c\nlogsource: {product: windows, category: file_access}\ndetection:\n  sel: {Image: x}\n  condition: sel', /category file_access needs the Microsoft-Windows-Kernel-File ETW provider/],
    ['title: d\nlogsource: {product: macos}\ndetection:\n  sel: {x: 1}\n  condition: sel', /product macos/],
    ["title: e\nlogsource: {product: linux}\ndetection:\n  sel:\n    message|re: '(a+)+$'\n  condition: sel", /nested quantifier/],
    ['title: f\ncorrelation:\n  type: event_count\n  rules: [missing]\n  group-by: [x]\n  timespan: 5m\n  condition: {gte: 2}', /not loaded/],
    ['title: g\nname: g\nlogsource: {product: linux}\ndetection:\n  sel: [x]\n  condition: sel\n---\ntitle: h\ncorrelation:\n  type: event_count\n  rules: [g]\n  group-by: [host]\n  timespan: 5m\n  condition: {lt: 2}', /not supported/],
    ['title: i\nlogsource: {product: linux}\ndetection:\n  sel: [x]\n  condition: sel and missing', /unknown selection/],
  ];
  for (const [yaml, reason] of bad) {
    const { skipped } = compileYaml(yaml);
    assert.ok(skipped.length >= 1, yaml);
    assert.match(skipped[skipped.length - 1]!.reason, reason, yaml);
  }
});

test('a Sigma file that is not valid YAML stops loading with the file name', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sigma-'));
  const file = join(dir, 'broken.yml');
  writeFileSync(file, 'title: x\ndetection: [unclosed\n');
  assert.throws(() => loadSigmaFiles([file], { defaultQuietSec: 900, root: dir }), /broken\.yml is not valid YAML/);
});

test('every shipped Sigma rule loads without being skipped', async () => {
  const { loadRuleSet } = await import('../../alert-service/src/detect/ruleset.js');
  const { config } = await import('./helpers.js');
  const set = await loadRuleSet(config.rules);
  assert.deepEqual(set.skipped, []);
  assert.ok(set.rules.filter((r) => r.source === 'sigma').length >= 8);
  assert.ok(ev(0)); // helper sanity
});

test('field name aliases used by other Sigma backends (user_name, client_ip, ECS source.ip) read the normalized fields', () => {
  const rule = `title: alias
logsource: {product: linux, service: sshd}
detection:
  keywords: ['failed password']
  sel:
    user_name|contains: root
    client_ip|exists: true
    deviceProcessName: sshd
  private:
    source.ip|cidr: [10.0.0.0/8, 'fc00::/7']
  condition: keywords and sel and not private`;
  const [pub, priv] = lines('auth', [
    'Nov 21 10:00:05 web1 sshd[3102]: Failed password for root from 203.0.113.7 port 40118 ssh2',
    'Nov 21 10:00:05 web1 sshd[3102]: Failed password for root from 10.1.1.1 port 40118 ssh2',
  ]);
  const { rules, skipped } = compileYaml(rule);
  assert.deepEqual(skipped, []);
  assert.deepEqual(runDetection([pub!, priv!], rules).signals.map((s) => s.fields && (s.fields as Record<string, unknown>).client_ip), [['203.0.113.7']]);
});

test('malformed modifier values are reported and skipped, not misread (empty CIDR prefix, |i without |re, |exists: maybe, two comparison modifiers)', () => {
  const skippedReason = (d: string) => {
    const { rules, skipped } = compileYaml(winRule(d));
    assert.equal(rules.length, 0, d);
    return skipped[0]!.reason;
  };
  // "10.0.0.0/" used to read as /0 and match every address.
  assert.match(skippedReason('  sel:\n    IpAddress|cidr: 10.0.0.0/\n  condition: sel'), /bad CIDR prefix/);
  assert.match(skippedReason('  sel:\n    IpAddress|cidr: 10.0.0.0/8/1\n  condition: sel'), /bad CIDR/);
  assert.match(skippedReason("  sel:\n    TargetUserName|i: admin*\n  condition: sel"), /only valid after \|re/);
  assert.match(skippedReason('  sel:\n    IpAddress|exists: maybe\n  condition: sel'), /exists needs true or false/);
  // |re used to win silently over |contains (and |cidr over |startswith, ...).
  assert.match(skippedReason("  sel:\n    TargetUserName|contains|re: 'adm.n'\n  condition: sel"), /\|contains and \|re cannot be combined/);
  assert.match(skippedReason('  sel:\n    IpAddress|startswith|cidr: 10.0.0.0/8\n  condition: sel'), /cannot be combined/);
  assert.ok(matches(winRule('  sel:\n    IpAddress|cidr: 10.0.0.0/8\n  condition: sel'), logon));
});
