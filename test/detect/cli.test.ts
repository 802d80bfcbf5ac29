/** test-rule and analyze, through their exported functions (the same code the CLI runs). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runAnalyze } from '../../alert-service/src/cli/commands/analyze.js';
import { runTestRule } from '../../alert-service/src/cli/commands/test-rule.js';
import { alertsToCsv, countByRule, csvCell } from '../../alert-service/src/detect/report.js';
import type { AlertSignal, SourceKind } from '../../alert-service/src/generated/schema-types.js';
import { config } from './helpers.js';
import { defaultConfig, loadConfig } from '../../alert-service/src/config/load.js';
import { createAjv, schemaDocuments } from '../../alert-service/src/schema/registry.js';
import { FIXTURES } from '../helpers/paths.js';

const AUTH = join(FIXTURES, 'fluent-bit-captures', 'source-logs', 'var-log-auth.log');
const ACCESS = join(FIXTURES, 'fluent-bit-captures', 'source-logs', 'var-log-nginx-access.log');
const WINDOWS = join(FIXTURES, 'windows-eventlog-samples', 'winevtlog-out-http-body.json');
const receivedAt = new Date('2026-11-21T12:00:00Z');

test('test-rule lists matched lines with extracted values, per-group counts, and exits 0 when nothing would fire', async () => {
  const r = await runTestRule(config, { rule: 'ssh-brute-force', file: AUTH, receivedAt });
  assert.equal(r.exitCode, 0);
  assert.equal(r.input.lines, 14);
  const rep = r.rules[0]!;
  // the 6 lines fail2ban-regex matches with sshd.conf: the PAM line before "Failed password" of
  // session 3104 is the same attempt (NOFAIL), the close after it only ends the session
  assert.equal(rep.matched, 6);
  assert.deepEqual(rep.groups, { 'src_ip=203.0.113.7': 5, 'src_ip=2001:db8::42': 1 });
  assert.deepEqual(rep.lines[0], { line: 2, time: '2026-11-21T10:00:01.000Z', extracted: { src_ip: '203.0.113.7', user: 'admin', failure: 'invalid-user' }, text: 'Nov 21 10:00:01 web1 sshd[3101]: Invalid user admin from 203.0.113.7 port 40112' });
  assert.deepEqual(rep.lines.map((l) => l.line), [2, 3, 4, 5, 7, 13]);
  // the CRON, sudo and useradd lines cannot carry sshd in their header: counted, not normalized
  assert.equal(r.input.skipped, 5);
  assert.match(r.text, /14 lines, 9 parsed, 0 unparsed, 5 skipped \(no tested rule reads their program\)/);
  assert.match(r.text, /matched 6 of 9 events/);
  assert.match(r.text, /settings: mode=normal, max_sessions_per_host=100/);
  assert.match(r.text, /0 alert\(s\) would fire/);
  assert.equal(r.missed.count, 8);
  const shown = await runTestRule(config, { rule: 'ssh-brute-force', file: AUTH, receivedAt, showMissed: true });
  assert.match(shown.text, /lines no rule matched: 8\n  line 1  Nov 21 09:58:01 web1 CRON\[2210\]/);
});

test('test-rule with a threshold override shows the alert and exits 1; a Sigma file tests all its rules', async () => {
  const r = await runTestRule(config, { rule: 'ssh-brute-force', file: AUTH, threshold: 5, receivedAt });
  assert.equal(r.exitCode, 1);
  assert.equal(r.rules[0]!.alerts[0]!.count, 5);
  const s = await runTestRule(config, { rule: 'plugin/sigma/win_security_failed_logons.yml', file: WINDOWS, receivedAt });
  assert.deepEqual(s.rules.map((x) => x.rule.title), ['Windows Failed Logon Burst From One Address', 'Windows Password Spraying From One Address', 'Windows Logon Success After Failures From One Address']);
  assert.deepEqual(s.rules.map((x) => x.alerts.length), [0, 0, 1]);
  assert.equal(s.exitCode, 1);
});

test('test-rule errors: unknown rule id and missing file', async () => {
  await assert.rejects(runTestRule(config, { rule: 'no-such-rule', file: AUTH }), /unknown rule id/);
  await assert.rejects(runTestRule(config, { rule: 'ssh-brute-force', file: '/nonexistent.log' }), /does not exist/);
  // A mistyped --kind would otherwise read every line as nothing known and report "no alerts".
  await assert.rejects(runTestRule(config, { rule: 'ssh-brute-force', file: AUTH, kind: 'auht' as SourceKind }), /--kind must be one of/);
  await assert.rejects(runAnalyze(config, { files: [AUTH], out: tmpdir(), formats: ['json'], kind: 'auht' as SourceKind }), /--kind must be one of/);
});

test('analyze writes JSON and CSV reports, prints a summary, exit code tells whether alerts were found', async () => {
  const out = mkdtempSync(join(tmpdir(), 'analyze-'));
  const r = await runAnalyze(config, { files: [AUTH, ACCESS], out, formats: ['json', 'csv'], window: 300, threshold: 3, host: 'web1', receivedAt });
  assert.equal(r.exitCode, 1);
  const report = JSON.parse(readFileSync(join(out, 'alerts.json'), 'utf8')) as { alerts: AlertSignal[]; by_rule: Record<string, number>; inputs: unknown[] };
  assert.equal(report.inputs.length, 2);
  assert.equal(report.by_rule['ssh-brute-force'], 1);
  assert.equal(report.by_rule['web-auth-failures-burst'], 1);
  const csv = readFileSync(join(out, 'alerts.csv'), 'utf8').split('\r\n');
  assert.equal(csv[0], 'rule_id,title,severity,source,host,group_key,first_seen,last_seen,count,summary,sample_lines');
  assert.ok(csv.some((row) => row.startsWith('"ssh-brute-force","SSH brute force","high","rule","web1","src_ip=203.0.113.7","2026-11-21T10:00:01.000Z","2026-11-21T10:00:05.000Z",3,')));
  assert.match(r.summary, /alert\(s\):/);

  const quiet = await runAnalyze(config, { files: [AUTH], out, formats: ['json'], rules: ['ssh-brute-force'], receivedAt });
  assert.equal(quiet.exitCode, 0);
  await assert.rejects(runAnalyze(config, { files: ['/nonexistent.log'], out, formats: ['json'] }), /does not exist/);
});

test('CSV cells are quoted and neutralize spreadsheet formulas from attacker-written log content', () => {
  assert.equal(csvCell('=HYPERLINK("http://evil","x")'), `"'=HYPERLINK(""http://evil"",""x"")"`);
  for (const v of ['+1+1', '-2+3', '@SUM(A1)', '\tx', '\rx']) assert.ok(csvCell(v).startsWith(`"'`), v);
  assert.equal(csvCell('plain, "quoted"\nnext'), '"plain, ""quoted""\nnext"');
  assert.equal(csvCell(42), '42');
  const csv = alertsToCsv([{ rule_id: 'r', title: 't', severity: 'low', source: 'rule', host: 'h', group: { user: '=cmd|x' }, first_seen: 'a', last_seen: 'b', count: 1, summary: '-s', samples: ['@x', 'y'] }]);
  assert.match(csv, /"'user=|"user==cmd/); // group key starts with the key name, so it is not a formula
  assert.match(csv, /"'-s"/);
  assert.match(csv, /"'@x\ny"/);
});

test('analyze reads Fluent Bit JSON lines as captured (parsed-json-lines body)', async () => {
  const out = mkdtempSync(join(tmpdir(), 'analyze-'));
  const file = join(out, 'records.jsonl');
  writeFileSync(file, readFileSync(join(FIXTURES, 'fluent-bit-captures', 'parsed-json-lines', '001.body')));
  const r = await runAnalyze(config, { files: [file], out, formats: ['json'], threshold: 3, receivedAt });
  const report = JSON.parse(readFileSync(join(out, 'alerts.json'), 'utf8')) as { inputs: Array<{ file: string; lines: number; events: number; unparsed: number; kind_from: string; rules_applied: string[] }>; by_rule: Record<string, number> };
  const { rules_applied, ...counts } = report.inputs[0]!;
  assert.deepEqual({ file: counts.file, lines: counts.lines, events: counts.events, unparsed: counts.unparsed }, { file, lines: 14, events: 14, unparsed: 0 });
  assert.ok(rules_applied.includes('ssh-brute-force') && rules_applied.includes('sudo-auth-failure'), rules_applied.join(','));
  // The same auth.log lines as the raw file, parsed by Fluent Bit: the same detections.
  assert.equal(report.by_rule['ssh-brute-force'], 1);
  assert.equal(report.by_rule['sudo-auth-failure'], 1);
  assert.equal(report.by_rule['linux-user-created'], 1);
  assert.equal(r.exitCode, 1);
});

test('the logward binary exits 1 when alerts are found, 0 when none, 2 on errors', async () => {
  const { execFile } = await import('node:child_process');
  const out = mkdtempSync(join(tmpdir(), 'analyze-bin-'));
  const run = (args: string[]) =>
    new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      execFile(process.execPath, ['alert-service/bin/logward.js', ...args], { cwd: join(import.meta.dirname, '..', '..'), env: { ...process.env, LOGWARD_CONFIG: '' } }, (err, stdout, stderr) =>
        resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr }),
      );
    });
  const yml = join(out, 'logward.yaml');
  writeFileSync(yml, 'server:\n  port: 9999\nnormalize:\n  timezone: UTC\n');
  const [found, none, missing, usage, help, withConfig, badConfig] = await Promise.all([
    run(['analyze', AUTH, '--out', out, '--threshold', '3']),
    run(['analyze', join(FIXTURES, 'fluent-bit-captures', 'source-logs', 'var-log-myapp-worker.log'), '--out', out, '--format', 'csv']),
    run(['test-rule', 'ssh-brute-force', '/nonexistent.log']),
    run(['analyze', AUTH, '--out', out, '--format', 'xml']),
    run(['--help']),
    // only the command asked for is loaded; a config file (YAML) still goes through validation
    run(['-c', yml, 'test-rule', 'ssh-brute-force', AUTH, '--threshold', '3']),
    run(['--config', yml + '.missing', 'test-rule', 'ssh-brute-force', AUTH]),
  ]);
  for (const name of ['serve', 'test-rule', 'analyze', 'config', 'rules', 'anomaly', 'replay', 'backup']) assert.match(help.stdout, new RegExp(`^  ${name} `, 'm'), name);
  assert.equal(withConfig.code, 1, withConfig.stderr);
  assert.match(withConfig.stdout, /1 alert\(s\) would fire/);
  assert.equal(badConfig.code, 2);
  assert.match(badConfig.stderr, /does not exist/);
  assert.equal(found.code, 1, found.stderr);
  assert.match(found.stdout, /ssh-brute-force src_ip=203\.0\.113\.7 count=3/);
  assert.equal(none.code, 0, none.stderr);
  assert.match(none.stdout, /0 alert\(s\)/);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /does not exist/);
  assert.equal(usage.code, 2);
  assert.match(usage.stderr, /--format/);
});

test('analyze and test-rule print attacker-written group values without terminal control characters', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'esc-'));
  const log = join(dir, 'auth.log');
  writeFileSync(log, 'Nov 21 10:00:01 web1 sudo:  \u001b[2Jevil : 3 incorrect password attempts ; TTY=pts/0 ; PWD=/home ; USER=root ; COMMAND=/bin/sh\n');
  const a = await runAnalyze(config, { files: [log], out: join(dir, 'out'), formats: ['json'], kind: 'auth', receivedAt });
  assert.equal(a.exitCode, 1);
  assert.doesNotMatch(a.summary, /\u001b/);
  assert.match(a.summary, /user=\?\[2Jevil/);
  const t = await runTestRule(config, { rule: 'sudo-auth-failure', file: log, kind: 'auth', receivedAt });
  assert.equal(t.exitCode, 1);
  assert.doesNotMatch(t.text, /\u001b/);
});

test('analyze --rules with a rule file and a rule id runs both (the id was silently dropped)', async () => {
  const out = mkdtempSync(join(tmpdir(), 'analyze-mix-'));
  const r = await runAnalyze(config, { files: [AUTH, ACCESS], out, formats: ['json'], rules: ['plugin/sigma/win_security_audit_log_cleared.yml', 'ssh-brute-force'], threshold: 3, host: 'web1', receivedAt });
  assert.deepEqual(Object.keys(countByRule(r.signals)), ['ssh-brute-force']);
  assert.match(r.summary, /analyzed .*; [2-9] rules/);
  await assert.rejects(runAnalyze(config, { files: [AUTH], out, formats: ['json'], rules: ['plugin/sigma/win_security_audit_log_cleared.yml', 'no-such-rule'] }), /unknown rule id/);
});

test('a file whose name says nothing (auth-1m.log, OpenSSH_2k.log) is read by its content, the host from its lines', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kind-'));
  for (const name of ['auth-1m.log', 'OpenSSH_2k.log']) {
    const file = join(dir, name);
    writeFileSync(file, readFileSync(AUTH));
    const r = await runTestRule(config, { rule: 'ssh-brute-force', file, threshold: 5, receivedAt });
    assert.equal(r.input.kind, 'auth');
    assert.equal(r.input.kind_from, 'content');
    assert.match(r.text, /raw lines read as auth \(content\)/);
    assert.equal(r.rules[0]!.matched, 6);
    assert.equal(r.rules[0]!.alerts[0]!.host, 'web1'); // the line's host, not this machine's name
  }
  // a log of another kind: named as nothing, read by content too
  const access = join(dir, 'frontend-2026.log');
  writeFileSync(access, readFileSync(ACCESS));
  const a = await runAnalyze(config, { files: [access], out: join(dir, 'out'), formats: ['json'], receivedAt });
  assert.equal(a.files[0]!.kind, 'web_access');
  assert.ok(a.files[0]!.rules_applied.includes('web-scanner-paths'));
});

test('analyze and test-rule say which rules apply to each file, and warn when none does', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cover-'));
  const r = await runAnalyze(config, { files: [AUTH, ACCESS], out: dir, formats: ['json'], rules: ['ssh-brute-force'], receivedAt });
  assert.deepEqual(r.files.map((f) => f.rules_applied), [['ssh-brute-force'], []]);
  assert.deepEqual(r.files[0]!.matched, { 'ssh-brute-force': 6 });
  assert.match(r.summary, /file .*var-log-auth\.log: 14 lines, 9 events, 0 unparsed, 5 skipped \(no rule run reads their program\); raw lines read as auth \(file name\)\n  rules that apply: ssh-brute-force\n  matches: ssh-brute-force=6/);
  assert.match(r.summary, /var-log-nginx-access\.log.*\n  warning: no rule applies to the \d+ events of this file \(programs: nginx \(\d+\)\)/);
  const t = await runTestRule(config, { rule: 'ssh-brute-force', file: ACCESS, receivedAt });
  assert.match(t.text, /warning: no rule applies/);
  assert.match(t.text, /warning: this rule sees none of the file's events \(raw lines read as web_access; it needs program sshd\/sshd-session\/sshd-auth\)/);
});

test('sshd, sudo and su lines in a syslog-kind file (RHEL /var/log/messages) reach their rules by program', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'rhel-'));
  const messages = join(dir, 'messages');
  const ssh = Array.from({ length: 10 }, (_, i) => `Nov 21 10:00:${String(i * 2).padStart(2, '0')} rhel9 sshd[${5000 + i}]: Failed password for root from 198.51.100.77 port ${40000 + i} ssh2`);
  writeFileSync(messages, [
    'Nov 21 09:59:59 rhel9 systemd[1]: Started Session 12 of User root.',
    ...ssh,
    'Nov 21 10:01:00 rhel9 sudo[6001]: pam_unix(sudo:auth): authentication failure; logname=eve uid=1003 euid=0 tty=/dev/pts/3 ruser=eve rhost=  user=eve',
    'Nov 21 10:01:05 rhel9 sudo[6001]:      eve : 3 incorrect password attempts ; TTY=pts/3 ; PWD=/home/eve ; USER=root ; COMMAND=/bin/bash',
    'Nov 21 10:02:00 rhel9 su[6100]: FAILED SU (to root) eve on pts/3',
  ].join('\n') + '\n');
  const r = await runAnalyze(config, { files: [messages], out: join(dir, 'out'), formats: ['json'], receivedAt });
  assert.equal(r.files[0]!.kind, 'syslog');
  const by = countByRule(r.signals);
  assert.equal(by['ssh-brute-force'], 1);
  assert.equal(by['sudo-auth-failure'], 1); // the PAM line and the "3 incorrect" line of one sudo: one alert
  assert.equal(by['su-failure'], 1);
  const ssh1 = r.signals.find((s) => s.rule_id === 'ssh-brute-force')!;
  assert.deepEqual([ssh1.host, ssh1.group.src_ip, ssh1.count], ['rhel9', '198.51.100.77', 10]);
});

test('analyze streams a file it cannot hold: lines longer than the bound are cut, every line is counted', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'stream-'));
  const file = join(dir, 'auth.log');
  const long = 'Nov 21 10:00:00 web1 sshd[1]: Failed password for root from 192.0.2.1 port 1 ssh2 ' + 'x'.repeat(200_000);
  const lines = [long, ...Array.from({ length: 5000 }, (_, i) => `Nov 21 10:${String(Math.floor(i / 100) % 60).padStart(2, '0')}:00 web1 sshd[${i + 10}]: Connection closed by 192.0.2.${i % 200} port 22 [preauth]`)];
  writeFileSync(file, lines.join('\r\n'));
  const r = await runAnalyze(config, { files: [file], out: dir, formats: ['json'], receivedAt });
  assert.equal(r.files[0]!.lines, 5001);
  assert.equal(r.files[0]!.events, 5001);
  assert.equal(r.files[0]!.matched['ssh-brute-force'], 1); // the cut long line still holds its failure
});

test('file reader: lines split on bytes with exact byte offsets (UTF-8 across buffer edges, CRLF, an over-long line, no final newline)', async () => {
  const { readLogFile } = await import('../../alert-service/src/detect/input.js');
  const dir = mkdtempSync(join(tmpdir(), 'split-'));
  const file = join(dir, 'auth.log');
  const line = (i: number, msg: string) => `Nov 21 10:${String(Math.floor(i / 60) % 60).padStart(2, '0')}:${String(i % 60).padStart(2, '0')} web1 sshd[${1000 + i}]: ${msg}`;
  const parts: string[] = [];
  // enough lines to cross several 256 KB buffers, some with multi-byte characters (user names an attacker chose)
  for (let i = 0; i < 6000; i++) parts.push(line(i, `Invalid user ${i % 7 === 0 ? 'jürgen€😀' : 'admin'}${'x'.repeat(i % 97)} from 192.0.2.${i % 250} port ${i}`) + (i % 5 === 0 ? '\r\n' : '\n'));
  parts.push(line(6000, 'L'.repeat(300_000)) + '\n'); // longer than the read buffer
  parts.push('\n   \n');
  parts.push(line(6001, 'Invalid user last from 192.0.2.9 port 9')); // no final newline
  const bytes = Buffer.from(parts.join(''), 'utf8');
  writeFileSync(file, bytes);
  const read = readLogFile(file, { normalize: config.normalize, receivedAt });
  assert.equal(read.length, 6002);
  const starts: number[] = [0];
  for (let i = 0; i < bytes.length; i++) if (bytes[i] === 10) starts.push(i + 1);
  for (let i = 0; i < 6000; i++) {
    const r = read[i]!;
    assert.equal(r.line, i + 1);
    assert.equal(r.raw, parts[i]!.replace(/\r?\n$/, ''));
    assert.equal(r.event!.source.offset, starts[i], `byte offset of line ${i + 1}`);
  }
  const long = read[6000]!;
  assert.equal(long.raw.length, 65536);
  assert.equal(long.event!.source.offset, starts[6000]);
  const last = read[6001]!;
  assert.equal(last.line, 6004); // two blank lines skipped, still counted
  assert.equal(last.raw, line(6001, 'Invalid user last from 192.0.2.9 port 9'));
  assert.equal(last.event!.source.offset, starts[6003]);
});

test('program prefilter: only lines that cannot name a tested program are skipped (any case); JSON lines are always read', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'prefilter-'));
  const file = join(dir, 'secure');
  const fail = (i: number, prog: string) => `Nov 21 10:00:${String(i).padStart(2, '0')} rhel9 ${prog}: Failed password for root from 198.51.100.5 port ${40000 + i} ssh2`;
  const json = JSON.stringify({ date: 1795255210, log: fail(10, 'sshd[710]'), file: '/var/log/secure', offset: 1 });
  writeFileSync(file, [
    ...Array.from({ length: 8 }, (_, i) => fail(i, `sshd[${700 + i}]`)),
    fail(8, 'SSHD[708]'),
    'Nov 21 10:00:09 rhel9 CRON[9]: (root) CMD (echo sshd is fine)',
    'Nov 21 10:00:09 rhel9 systemd[1]: Started Session 12 of User root.',
    json,
  ].join('\n') + '\n');
  const r = await runTestRule(config, { rule: 'ssh-brute-force', file, receivedAt });
  assert.equal(r.input.kind, 'auth');
  assert.equal(r.input.lines, 12);
  assert.equal(r.input.skipped, 1, 'only the systemd line names no sshd at all');
  assert.equal(r.input.parsed, 11);
  assert.equal(r.rules[0]!.matched, 10, '8 sshd lines, SSHD in capitals, and the Fluent Bit record');
  assert.equal(r.exitCode, 1);
  assert.equal(r.missed.count, 2);
  const none = join(dir, 'messages');
  writeFileSync(none, 'Nov 21 10:00:09 rhel9 systemd[1]: Started Session 12 of User root.\nNov 21 10:00:10 rhel9 kernel: eth0 up\n');
  const a = await runAnalyze(config, { files: [none], out: join(dir, 'out'), formats: ['json'], rules: ['ssh-brute-force'], receivedAt });
  assert.equal(a.files[0]!.skipped, 2);
  assert.match(a.summary, /warning: no rule applies: none of the 2 lines of this file names a program the rules read/);
});

test("LogHub's public OpenSSH log (excerpt): every failure fail2ban-regex reports, per address, and its two bans", async () => {
  const file = join(FIXTURES, 'loghub', 'OpenSSH_2k.head.log');
  const r = await runTestRule(config, { rule: 'ssh-brute-force', file, receivedAt: new Date('2025-12-11T00:00:00Z') });
  assert.equal(r.input.kind, 'auth');
  assert.equal(r.input.kind_from, 'content');
  const rep = r.rules[0]!;
  // fail2ban 1.0.2 sshd.conf (normal) on the same lines: 101 failures (fixture README)
  assert.equal(rep.matched, 101);
  assert.deepEqual(rep.groups, {
    'src_ip=5.188.10.180': 29, 'src_ip=112.95.230.3': 28, 'src_ip=123.235.32.19': 7, 'src_ip=52.80.34.196': 6, 'src_ip=195.154.37.122': 5,
    'src_ip=103.207.39.212': 5, 'src_ip=185.190.58.151': 4, 'src_ip=173.234.31.186': 4, 'src_ip=5.36.59.76': 2, 'src_ip=202.100.179.208': 2,
    'src_ip=183.136.162.51': 2, 'src_ip=175.102.13.6': 2, 'src_ip=106.5.5.195': 2, 'src_ip=103.207.39.165': 2, 'src_ip=191.210.223.172': 1,
  });
  assert.deepEqual([...new Set(rep.alerts.map((a) => a.group.src_ip))].sort(), ['112.95.230.3', '5.188.10.180']);
  assert.equal(r.exitCode, 1);
});

test('offline start-up: the defaults-only config (no file, no variable) equals what schema validation with useDefaults makes of empty sections', () => {
  const sections = (schemaDocuments().get('config.schema.json') as { required: string[] }).required;
  const input: Record<string, unknown> = Object.fromEntries(sections.map((s) => [s, {}]));
  const validate = createAjv({ useDefaults: true }).getSchema('https://logward.dev/schemas/config.schema.json')!;
  assert.equal(validate(input), true, JSON.stringify(validate.errors));
  assert.deepEqual(defaultConfig(), input);
  // and loadConfig takes that path only when nothing is set: a variable still goes through validation
  assert.deepEqual(loadConfig({ env: {} }), input);
  assert.throws(() => loadConfig({ env: { LOGWARD_SERVER_PORT: 'x' } }), /LOGWARD_SERVER_PORT/);
  assert.equal(loadConfig({ env: { LOGWARD_SERVER_PORT: '9999' } }).server.port, 9999);
});

test('precompiled tree (npm run build:cli): test-rule and analyze print what the TypeScript sources print; a .ts rule file still loads, named as given', async () => {
  const { execFile } = await import('node:child_process');
  const { buildCli } = await import('../../alert-service/scripts/build-cli.js');
  const root = join(import.meta.dirname, '..', '..');
  const tree = join(mkdtempSync(join(tmpdir(), 'cli-tree-')), 'build');
  const b = await buildCli({ outDir: tree, force: true });
  assert.ok(b.built && b.files > 100);
  const run = (argv: string[]) =>
    new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      execFile(process.execPath, argv, { cwd: root, env: { ...process.env, LOGWARD_CONFIG: '' }, maxBuffer: 1 << 26 }, (err, stdout, stderr) => resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr }));
    });
  const compiled = (args: string[]) => run([join(tree, 'alert-service', 'src', 'cli', 'main.js'), ...args]);
  const sources = (args: string[]) => run(['--import', 'tsx', 'alert-service/src/cli/main.ts', ...args]);
  const loghub = join(FIXTURES, 'loghub', 'OpenSSH_2k.head.log');
  const outA = mkdtempSync(join(tmpdir(), 'tree-a-'));
  const outB = mkdtempSync(join(tmpdir(), 'tree-b-'));
  const cases = [
    ['test-rule', 'ssh-brute-force', loghub, '--json'],
    ['test-rule', 'ssh-brute-force', AUTH, '--threshold', '3'],
    ['test-rule', 'plugin/rules/ssh-password-spraying.ts', loghub, '--json'],
  ];
  const [a, bOut, c, ...src] = await Promise.all([...cases.map(compiled), ...cases.map(sources)]);
  for (const [i, got] of [a!, bOut!, c!].entries()) {
    const want = src[i]!;
    assert.equal(got.code, want.code, `${cases[i]!.join(' ')}: ${got.stderr}`);
    assert.equal(got.stderr, want.stderr);
    assert.equal(got.stdout, want.stdout, cases[i]!.join(' '));
  }
  assert.equal(a!.code, 1);
  assert.equal((JSON.parse(a!.stdout) as { rules: Array<{ rule: { file: string }; matched: number }> }).rules[0]!.rule.file, 'plugin/rules/ssh-brute-force.ts');
  assert.equal((JSON.parse(a!.stdout) as { rules: Array<{ matched: number }> }).rules[0]!.matched, 101);
  assert.equal((JSON.parse(c!.stdout) as { rules: Array<{ rule: { file: string } }> }).rules[0]!.rule.file, 'plugin/rules/ssh-password-spraying.ts');
  const [ra, rb] = await Promise.all([compiled(['analyze', AUTH, loghub, '--out', outA, '--threshold', '3']), sources(['analyze', AUTH, loghub, '--out', outB, '--threshold', '3'])]);
  assert.equal(ra.code, 1, ra.stderr);
  assert.equal(ra.stdout.replaceAll(outA, 'OUT'), rb.stdout.replaceAll(outB, 'OUT'));
});

test('precompiled tree: used only while it was built from exactly the current sources (an edited, added or removed file, or tsconfig.json, means tsx)', async () => {
  const { mkdirSync, rmSync } = await import('node:fs');
  const { buildCli } = await import('../../alert-service/scripts/build-cli.js');
  const { freshBuild } = await import('../../alert-service/bin/precompiled.js');
  const root = mkdtempSync(join(tmpdir(), 'tree-root-'));
  mkdirSync(join(root, 'alert-service', 'src'), { recursive: true });
  mkdirSync(join(root, 'plugin', 'rules'), { recursive: true });
  writeFileSync(join(root, 'alert-service', 'src', 'a.ts'), 'export const a: number = 1;\n');
  writeFileSync(join(root, 'plugin', 'rules', 'r.ts'), 'export default { id: "r" };\n');
  assert.equal(freshBuild(root), undefined, 'no tree yet');
  const first = await buildCli({ root });
  assert.ok(first.built);
  assert.equal(freshBuild(root), first.dir);
  assert.equal(readFileSync(join(first.dir, 'alert-service', 'src', 'a.js'), 'utf8').trim(), 'const a = 1;\nexport {\n  a\n};');
  assert.equal((await buildCli({ root })).built, false, 'a current tree is not rebuilt');
  writeFileSync(join(root, 'alert-service', 'src', 'a.ts'), 'export const a: number = 2;\n');
  assert.equal(freshBuild(root), undefined, 'edited source');
  await buildCli({ root });
  assert.equal(freshBuild(root), first.dir);
  writeFileSync(join(root, 'plugin', 'rules', 'new.ts'), 'export default { id: "new" };\n');
  assert.equal(freshBuild(root), undefined, 'added source');
  rmSync(join(root, 'plugin', 'rules', 'new.ts'));
  assert.equal(freshBuild(root), first.dir, 'back to the sources it was built from');
  writeFileSync(join(root, 'tsconfig.json'), '{}\n');
  assert.equal(freshBuild(root), undefined, 'compiler options changed');
});

test('offline line ids: the path hash then the byte offset in 16 hex digits, across 4 KB steps, large offsets and files read in turn', async () => {
  const { positionalId } = await import('../../alert-service/src/normalize/event-id.js');
  const { createHash } = await import('node:crypto');
  const want = (path: string, offset: number) => createHash('sha256').update('path;' + path).digest('hex').slice(0, 16) + offset.toString(16).padStart(16, '0');
  let seed = 99;
  const rand = (n: number) => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % n;
  };
  const offsets = [0, 1, 4095, 4096, 4097, 65535, 65536, 2 ** 31 - 1, 2 ** 31, 2 ** 32 + 5, Number.MAX_SAFE_INTEGER];
  for (let i = 0; i < 5000; i++) offsets.push(rand(2 ** 30) * (rand(2) ? 1 : 4096) + rand(4096));
  let n = 0;
  for (const path of ['/var/log/auth.log', 'b.log', '/var/log/auth.log']) {
    for (const o of [...offsets, ...offsets.slice().reverse()]) {
      assert.equal(positionalId(path, o), want(path, o), `${path} ${o}`);
      n++;
    }
  }
  assert.ok(n > 30_000);
});
