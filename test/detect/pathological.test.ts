/**
 * Attacker-written input cannot stall the rules: very long lines and lines crafted against the
 * rules' patterns (repeated anchors, unbalanced delimiters, percent floods) each cost little.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { LogEvent } from '../../alert-service/src/generated/schema-types.js';
import { DetectionEngine, DEFAULT_LIMITS } from '../../alert-service/src/detect/engine.js';
import { unsafeRegexReason } from '../../alert-service/src/detect/safe-regex.js';
import { parse } from 'yaml';
import { compileSigmaDocuments } from '../../alert-service/src/detect/sigma/load.js';
import { allRules, CollectSink, ManualClock, lines, win } from './helpers.js';

const N = 60_000; // characters: past the normalizer's message bound, so each rule sees its maximum

function crafted(): LogEvent[] {
  const rep = (s: string) => s.repeat(Math.ceil(N / s.length)).slice(0, N);
  const auth = [
    `Nov 21 10:00:01 web1 sshd[1]: Failed password for ${rep('invalid user x from ')} port 22 ssh2`,
    `Nov 21 10:00:01 web1 sshd[1]: Invalid user ${rep('a ')}`,
    `Nov 21 10:00:01 web1 sshd[1]: pam_unix(sshd:auth): authentication failure; ${rep(' user= rhost=')}`,
    `Nov 21 10:00:01 web1 sshd[1]: Disconnecting authenticating user ${rep('root 1.2.3.4 port ')}: Too many authentication failures`,
    `Nov 21 10:00:01 web1 sudo: ${rep(' ')}alice : ${rep('3 incorrect password attempts ; ')}`,
    `Nov 21 10:00:01 web1 sudo: alice : user NOT in sudoers ${rep('; COMMAND=')}`,
    `Nov 21 10:00:01 web1 su[1]: pam_unix(su:auth): authentication failure; ${rep('ruser=')}`,
    `Nov 21 10:00:01 web1 usermod[1]: add '${rep("'")}' to group '${rep('x')}'`,
    `Nov 21 10:00:01 web1 useradd[1]: new user: name=${rep('a,')}`,
    `Nov 21 10:00:01 web1 sshd[1]: ${rep('x')}`,
    // against the fail2ban sshd.conf ports (catch-all users before " from <HOST>")
    `Nov 21 10:00:01 web1 sshd[1]: Failed password for ${rep('x from 1.2.3.4 port 22 ')}`,
    `Nov 21 10:00:01 web1 sshd[1]: error: PAM: Authentication failure for ${rep('x from a ')}`,
    `Nov 21 10:00:01 web1 sshd[1]: User ${rep('x from 1.2.3.4 ')} not allowed because listed in DenyUsers`,
    `Nov 21 10:00:01 web1 sshd[1]: Connection closed by authenticating user ${rep('x ')}1.2.3.4 port 22 [preauth]`,
    `Nov 21 10:00:01 web1 sshd[1]: Invalid user ${rep('x from ')}`,
  ];
  const syslog = [
    `Nov 21 10:00:20 web1 kernel: Out of memory: Killed process 1 (${rep('(')}`,
    `Nov 21 10:00:20 web1 kernel: oom-kill:${rep(',task')}`,
    `Nov 21 10:00:20 web1 kernel: ${rep('EXT4-fs error (device ')}`,
    `Nov 21 10:00:20 web1 kernel: ${rep('I/O error, dev ')}`,
    `Nov 21 10:00:20 web1 kernel: ${rep('Medium Error')}`,
    `Nov 21 10:00:21 web1 systemd[1]: ${rep('a.service: Failed with result ')}`,
  ];
  const web = [
    `203.0.113.50 - - [21/Nov/2026:10:00:02 +0000] "GET /${rep('%')} HTTP/1.1" 404 1 "-" "x"`,
    `203.0.113.50 - - [21/Nov/2026:10:00:02 +0000] "GET /${rep('..%2')} HTTP/1.1" 404 1 "-" "x"`,
    `203.0.113.50 - - [21/Nov/2026:10:00:02 +0000] "GET /wp-login.php${rep('/.git')} HTTP/1.1" 401 1 "-" "${rep('Mozilla ')}"`,
    `203.0.113.50 - - [21/Nov/2026:10:00:02 +0000] "GET /?q=${rep("' or ")} HTTP/1.1" 500 1 "-" "x"`,
  ];
  const app = [`{"time":"2026-11-21T10:00:02.500Z","level":"error","msg":"${rep('\\\\u0000')}"}`];
  return [
    ...lines('auth', auth),
    ...lines('syslog', syslog),
    ...lines('web_access', web),
    ...lines('app', app),
    win(0, 4625, 'Security', { TargetUserName: rep('a'), IpAddress: rep('1'), ProcessName: rep('\\') }),
    win(0, 7045, 'System', { ServiceName: rep('s'), ImagePath: rep('\\Users\\Public') }),
    win(0, 4732, 'Security', { TargetUserName: rep('Administrators'), TargetSid: rep('S-1-5-32-544') }),
    // the Windows attack rules (win-kerberos-*, win-dcsync, win-pass-the-hash*, win-remote-exec-*, win-mssql-*)
    win(0, 4771, 'Security', { TargetUserName: rep('u'), Status: rep('0x18') }, { src_ip: '10.0.0.1' }),
    win(0, 4662, 'Security', { SubjectUserName: rep('m'), Properties: rep('{1131f6aa-9c07-11d1-f79f-00c04fc2dcd'), SubjectDomainName: rep('Window Manager') }),
    win(0, 4624, 'Security', { LogonType: 9, LogonProcessName: rep('seclogo '), TargetUserName: rep('a'), TargetOutboundUserName: rep('b') }, { logon_type: 9 }),
    win(0, 5145, 'Security', { ShareName: rep('\\*\IPC$'), RelativeTargetName: rep('PSEXESVC-stdin') }),
    win(0, 7045, 'System', { ServiceName: rep('PAExec-'), ImagePath: rep('%SystemRoot%\\admin$\\.exe ') }),
    { ...win(0, 18456, 'Application', { param1: rep("'"), param2: rep('[CLIENT: 1.2.3.4'), param3: rep('[CLIENT: ') }), program: 'MSSQLSERVER', message: rep("Login failed for user '[CLIENT: ") },
  ];
}

test('worst-case time per crafted line through every rule stays small', async (t) => {
  const rules = await allRules();
  const events = crafted();
  const engine = new DetectionEngine(rules, new CollectSink(), new ManualClock(), DEFAULT_LIMITS);
  let worst = 0;
  let worstLine = '';
  for (const e of events) {
    // The fastest of 5 runs: a line that backtracks is slow every time, while a busy machine
    // (other processes on the 2 cores) only slows some runs; the bound checks the line, not the machine.
    let per = Infinity;
    for (let i = 0; i < 5; i++) {
      const started = performance.now();
      engine.processOne({ ...e, id: `${e.id.slice(0, 31)}${i}` });
      per = Math.min(per, performance.now() - started);
    }
    if (per > worst) {
      worst = per;
      worstLine = e.message.slice(0, 60);
    }
  }
  t.diagnostic(`${events.length} crafted lines of ~${N} chars, worst ${worst.toFixed(3)} ms per line through ${rules.length} rules (${worstLine.slice(0, 40)})`);
  assert.ok(worst < 5, `worst line took ${worst.toFixed(2)} ms: ${worstLine}`);
  assert.equal(engine.metrics.rule_errors_total, 0);
});

test('the regex guard rejects patterns that can backtrack exponentially and accepts ordinary ones', () => {
  for (const bad of ['(a+)+$', '(a|aa)*b', '(.*x)*', '(\\w+\\s?)+$', '(a*)*', '(x+x+)+y', '(\\1)']) assert.ok(unsafeRegexReason(bad), bad);
  for (const ok of ['^Failed (\\S+) for', '(?:cmd|powershell)\\.exe', '[a-z]+@[a-z]+\\.com', '^\\d{1,5}$', '(ab)+c']) assert.equal(unsafeRegexReason(ok), null, ok);
});

test('Sigma |re runs in linear time: .*a.*a.*b (no nested quantifier) over a long line of a\'s stays fast, |re|i still folds case', () => {
  const rule = (re: string) => compileSigmaDocuments([{ file: 't.yml', doc: parse(`title: t\nlogsource:\n  product: windows\n  service: system\ndetection:\n  sel:\n    ${re}\n  condition: sel`) as Record<string, unknown> }], { defaultQuietSec: 0 });
  const slow = rule("ImagePath|re: '.*a.*a.*b'");
  assert.deepEqual(slow.skipped, []);
  const e = win(0, 7045, 'System', { ImagePath: 'a'.repeat(8000) });
  const started = performance.now();
  assert.equal(slow.rules[0]!.evaluate(e), null);
  assert.ok(performance.now() - started < 500, `took ${(performance.now() - started).toFixed(0)} ms`);
  const cased = rule("ImagePath|re|i: '^C:\\\\WINDOWS\\\\\\S+\\.EXE$'");
  assert.ok(cased.rules[0]!.evaluate(win(0, 7045, 'System', { ImagePath: 'c:\\Windows\\evil.exe' })));
  assert.equal(cased.rules[0]!.evaluate(win(0, 7045, 'System', { ImagePath: 'c:\\Windows\\a b.exe' })), null);
  // A pattern the linear engine cannot run is reported, not run with backtracking.
  assert.match(rule("ImagePath|re: 'a(?=b)'").skipped[0]!.reason, /linear time/);
});
