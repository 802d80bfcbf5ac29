/** Built-in Linux rules on realistic log lines (through the service's normalizer), positive and negative. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { matchSshdLine } from '../../plugin/lib/sshd.js';
import { matchAddress } from '../../plugin/lib/sshd-filter.js';
import { fire, lines, rule } from './helpers.js';
import { runDetection } from '../../alert-service/src/detect/run.js';
import { SshdSessions } from '../../plugin/lib/sshd-session.js';

const sshLines = (ip: string, n: number, variant: (i: number) => string, startSec = 0) =>
  Array.from({ length: n }, (_, i) => {
    const s = startSec + i * 5;
    const hh = String(10 + Math.floor(s / 3600)).padStart(2, '0');
    const mm = String(Math.floor((s % 3600) / 60)).padStart(2, '0');
    const ss = String(s % 60).padStart(2, '0');
    return `Nov 21 ${hh}:${mm}:${ss} web1 sshd[${3000 + i}]: ${variant(i).replace('IP', ip)}`;
  });

test('sshd lines: fail2ban\'s failregexes on every variant real servers write, IPv4 and IPv6, the address anchored to the format', () => {
  // [message, regex name, failure on its own (not NOFAIL), user, address]
  const cases: Array<[string, string, boolean, string | undefined, string | undefined]> = [
    ['Failed password for root from 203.0.113.7 port 40118 ssh2', 'failed', true, 'root', '203.0.113.7'],
    ['Failed password for invalid user admin from 2001:db8::42 port 33022 ssh2', 'failed', true, 'admin', '2001:db8::42'],
    ['Failed publickey for git from 198.51.100.3 port 5022 ssh2: RSA SHA256:abc', 'failed', false, 'git', '198.51.100.3'],
    ['Failed publickey for invalid user git from 198.51.100.3 port 5022 ssh2: RSA SHA256:abc', 'failed-publickey-invalid', true, 'git', '198.51.100.3'],
    ['Failed keyboard-interactive/pam for invalid user oracle from 192.0.2.1 port 1 ssh2', 'failed', true, 'oracle', '192.0.2.1'],
    ['[ID 800047 auth.info] Failed keyboard-interactive for <invalid username> from 205.186.180.55 port 42742 ssh2', 'failed', true, '<invalid username>', '205.186.180.55'],
    ['Invalid user admin from 203.0.113.7 port 40112', 'invalid-user', true, 'admin', '203.0.113.7'],
    ['pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=203.0.113.7  user=root', 'pam-auth-failure', false, 'root', '203.0.113.7'],
    ['error: maximum authentication attempts exceeded for root from 192.0.2.5 port 4444 ssh2 [preauth]', 'max-auth-attempts', true, 'root', '192.0.2.5'],
    ['User bob from 192.0.2.7 not allowed because not listed in AllowUsers', 'user-not-allowed', true, 'bob', '192.0.2.7'],
    ['error: PAM: Authentication failure for illegal user test from 192.0.2.8', 'auth-failure', true, 'illegal user test', '192.0.2.8'],
    ['error: PAM: authentication error for james from example.com via 192.168.1.201', 'auth-failure', true, 'james', 'example.com'],
    ['error: PAM: User not known to the underlying authentication module for illegal user kernelitshell from 10.215.4.227 ', 'user-not-known', true, 'illegal user kernelitshell', '10.215.4.227'],
    ['ROOT LOGIN REFUSED FROM ::ffff:1.2.3.4', 'root-login-refused', true, 'ROOT', '1.2.3.4'],
    ['refused connect from _U2FsdGVkX19P3BCJmFBHhjLza8BcMH06WCUVwttMHpE=_@::ffff:218.249.210.161 (::ffff:218.249.210.161)', 'refused-connect', true, undefined, '218.249.210.161'],
    ['Received disconnect from 89.24.13.192: 3: com.jcraft.jsch.JSchException: Auth fail', 'disconnect-auth-fail', true, undefined, '89.24.13.192'],
    ['Disconnecting invalid user admin 192.0.2.117 port 44004: Change of username or service not allowed: (admin,ssh-connection) -> (user,ssh-connection) [preauth]', 'change-of-username', true, 'admin', '192.0.2.117'],
    ['Disconnecting: Too many authentication failures for root [preauth]', 'too-many-failures', true, 'root', undefined],
    ['Accepted password for deploy from 198.51.100.20 port 51022 ssh2', 'accepted', false, 'deploy', '198.51.100.20'],
    // attacker text after the address sshd wrote never picks the address (fail2ban's anchored regex)
    ['Failed password for user from 127.0.0.1 port 20000 ssh1: ruser XXX from 1.2.3.4', 'failed', true, 'user', '127.0.0.1'],
    ['Failed password for invalid user from 10.10.1.1 from 127.0.0.1 port 58946 ssh2', 'failed', true, 'from 10.10.1.1', '127.0.0.1'],
    ['Failed password for invalid user test from 10.10.1.2 port 55555 ssh2 from 127.0.0.1 port 58946 ssh2', 'failed', true, 'invalid user test from 10.10.1.2 port 55555 ssh2', '127.0.0.1'],
  ];
  for (const [msg, name, failure, user, ip] of cases) {
    const m = matchSshdLine(msg);
    assert.ok(m, msg);
    assert.equal(m.name, name, msg);
    assert.equal(!m.nofail && !m.gained, failure, msg);
    assert.equal(m.user, user, msg);
    assert.equal(matchAddress(m), ip, msg);
  }
  // not failures in normal mode (ddos/extra/aggressive count some of them)
  for (const msg of ['Server listening on 0.0.0.0 port 22.', 'Did not receive identification string from 1.2.3.4 port 1', 'Failed to set up session for user root from 1.2.3.4', 'Address 1.2.3.4 maps to x.example, but this does not map back to the address - POSSIBLE BREAK-IN ATTEMPT!', 'Unable to negotiate with 192.0.2.1 port 55419: no matching cipher found. Their offer: aes256-cbc [preauth]']) {
    assert.equal(matchSshdLine(msg), null, msg);
  }
  assert.equal(matchSshdLine('Did not receive identification string from 1.2.3.4 port 1', 'ddos')?.name, 'no-identification');
  assert.equal(matchSshdLine('Unable to negotiate with 192.0.2.1 port 55419: no matching cipher found. Their offer: aes256-cbc [preauth]', 'extra')?.name, 'unable-to-negotiate');
});

test('ssh-brute-force: 10 failures from one IPv4 address in 5 minutes fire once, with mixed variants', async () => {
  const variants = [
    'Failed password for root from IP port 40118 ssh2',
    'Invalid user admin from IP port 40112',
    'Failed password for invalid user admin from IP port 40112 ssh2',
    'pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=IP  user=root',
    'error: maximum authentication attempts exceeded for root from IP port 4444 ssh2 [preauth]',
  ];
  const events = lines('auth', sshLines('203.0.113.7', 12, (i) => variants[i % variants.length]!));
  const signals = await fire('ssh-brute-force', events);
  assert.equal(signals.length, 1);
  assert.deepEqual(signals[0]!.group, { src_ip: '203.0.113.7' });
  assert.equal(signals[0]!.count, 10);
  assert.equal(signals[0]!.severity, 'high');
  assert.ok(signals[0]!.tags?.includes('attack.t1110'));
});

test('ssh-brute-force: IPv6 source, and sshd-session (OpenSSH ≥ 9.8) as the program', async () => {
  const v6 = lines('auth', sshLines('2001:db8::42', 10, () => 'Failed password for invalid user test from IP port 33022 ssh2'));
  assert.deepEqual((await fire('ssh-brute-force', v6)).map((s) => s.group.src_ip), ['2001:db8::42']);
  const session = lines('auth', sshLines('192.0.2.50', 10, () => 'Failed password for root from IP port 1 ssh2').map((l) => l.replace(/sshd\[/, 'sshd-session[')));
  assert.equal((await fire('ssh-brute-force', session)).length, 1);
});

test('ssh-brute-force: a user name holding " from <ip>" cannot pin the failures on another address', async () => {
  const events = lines('auth', sshLines('203.0.113.9', 10, () => 'Invalid user x from 10.0.0.1 from IP port 22'));
  assert.deepEqual((await fire('ssh-brute-force', events)).map((s) => s.group.src_ip), ['203.0.113.9']);
});

test('ssh-brute-force negatives: 9 failures, failures spread over more than 5 minutes, successes and closes', async () => {
  assert.equal((await fire('ssh-brute-force', lines('auth', sshLines('203.0.113.7', 9, () => 'Failed password for root from IP port 1 ssh2')))).length, 0);
  // 10 failures one every 40 s: never 10 within 300 s
  const slow = Array.from({ length: 10 }, (_, i) => `Nov 21 10:${String(Math.floor((i * 40) / 60)).padStart(2, '0')}:${String((i * 40) % 60).padStart(2, '0')} web1 sshd[1]: Failed password for root from 203.0.113.9 port 1 ssh2`);
  assert.equal((await fire('ssh-brute-force', lines('auth', slow))).length, 0);
  const benign = lines('auth', sshLines('198.51.100.20', 20, (i) => (i % 2 ? 'Accepted publickey for deploy from IP port 51022 ssh2' : 'Connection closed by authenticating user root IP port 40122 [preauth]')));
  assert.equal((await fire('ssh-brute-force', benign)).length, 0);
});

test('ssh-brute-force override from config: threshold and window without code edits', async () => {
  const events = lines('auth', sshLines('203.0.113.7', 3, () => 'Failed password for root from IP port 1 ssh2'));
  assert.equal((await fire('ssh-brute-force', events)).length, 0);
  assert.equal((await fire('ssh-brute-force', events, { threshold: 3 })).length, 1);
  assert.equal((await fire('ssh-brute-force', events, { threshold: 3, window_s: 5 })).length, 0); // 3 events span 10 s
  assert.deepEqual((await fire('ssh-brute-force', events, { threshold: 3, group_by: ['host'] }))[0]!.group, { host: 'web1' });
});

test('ssh-password-spraying: 5 different users from one address fire; one user many times does not', async () => {
  const users = ['root', 'admin', 'oracle', 'test', 'ubuntu'];
  const spray = lines('auth', sshLines('192.0.2.99', 5, (i) => `Failed password for invalid user ${users[i]} from IP port 60022 ssh2`));
  const s = await fire('ssh-password-spraying', spray);
  assert.equal(s.length, 1);
  assert.deepEqual([...(s[0]!.fields as { user: string[] }).user].sort(), [...users].sort());
  const same = lines('auth', sshLines('192.0.2.99', 20, () => 'Failed password for root from IP port 60022 ssh2'));
  assert.equal((await fire('ssh-password-spraying', same)).length, 0);
});

test('ssh-success-after-failures: accepted login after 5 failures from the same address fires; from another address it does not', async () => {
  const fails = sshLines('203.0.113.7', 5, () => 'Failed password for root from IP port 1 ssh2');
  const ok = 'Nov 21 10:01:00 web1 sshd[4000]: Accepted password for root from 203.0.113.7 port 2 ssh2';
  const okOther = 'Nov 21 10:01:00 web1 sshd[4000]: Accepted password for root from 198.51.100.20 port 2 ssh2';
  const s = await fire('ssh-success-after-failures', lines('auth', [...fails, ok]));
  assert.equal(s.length, 1);
  assert.equal(s[0]!.severity, 'critical');
  assert.deepEqual(s[0]!.group, { src_ip: '203.0.113.7' });
  assert.equal((await fire('ssh-success-after-failures', lines('auth', [...fails, okOther]))).length, 0);
  assert.equal((await fire('ssh-success-after-failures', lines('auth', [...fails.slice(0, 4), ok]))).length, 0);
});

test('sudo-auth-failure: incorrect password attempts and PAM failures fire per user; a successful sudo does not', async () => {
  const s = await fire('sudo-auth-failure', lines('auth', [
    'Nov 21 10:02:09 web1 sudo:    alice : 3 incorrect password attempts ; TTY=pts/0 ; PWD=/home/alice ; USER=root ; COMMAND=/usr/bin/bash',
    'Nov 21 10:03:00 web1 sudo: pam_unix(sudo:auth): authentication failure; logname=bob uid=1001 euid=0 tty=/dev/pts/1 ruser=bob rhost=  user=bob',
  ]));
  assert.deepEqual(s.map((x) => x.group.user), ['alice', 'bob']);
  assert.equal((await fire('sudo-auth-failure', lines('auth', ['Nov 21 10:03:15 web1 sudo:   deploy : TTY=pts/1 ; PWD=/srv/app ; USER=root ; COMMAND=/usr/bin/systemctl restart app']))).length, 0);
});

test('sudo-not-in-sudoers fires with the command; an allowed sudo does not', async () => {
  const s = await fire('sudo-not-in-sudoers', lines('auth', ['Nov 21 10:04:00 web1 sudo:    mallory : user NOT in sudoers ; TTY=pts/3 ; PWD=/tmp ; USER=root ; COMMAND=/bin/cat /etc/shadow']));
  assert.equal(s.length, 1);
  assert.equal(s[0]!.group.user, 'mallory');
  assert.deepEqual((s[0]!.fields as { command: string[] }).command, ['/bin/cat /etc/shadow']);
  assert.equal((await fire('sudo-not-in-sudoers', lines('auth', ['Nov 21 10:12:44 db1 sudo[7010]:      bob : TTY=pts/2 ; PWD=/home/bob ; USER=root ; COMMAND=/usr/bin/apt upgrade']))).length, 0);
});

test('su-failure: util-linux, shadow and PAM forms fire; a successful su does not', async () => {
  const s = await fire('su-failure', lines('auth', [
    'Nov 21 10:05:00 web1 su[5001]: FAILED SU (to root) alice on pts/0',
    'Nov 21 10:06:00 web1 su[5002]: FAILED su for postgres by bob',
    'Nov 21 10:07:00 web1 su[5003]: pam_unix(su:auth): authentication failure; logname=carol uid=1002 euid=0 tty=/dev/pts/2 ruser=carol rhost=  user=admin',
  ]));
  assert.deepEqual(s.map((x) => x.group.user), ['root', 'postgres', 'admin']);
  assert.equal((await fire('su-failure', lines('auth', ['Nov 21 10:05:00 web1 su[5001]: (to root) alice on pts/0', 'Nov 21 10:05:00 web1 su[5001]: pam_unix(su:session): session opened for user root(uid=0) by alice(uid=1000)']))).length, 0);
});

test('linux-user-created and linux-group-change: useradd, usermod -aG sudo, gpasswd, groupadd', async () => {
  const created = await fire('linux-user-created', lines('auth', ['Nov 21 10:05:00 web1 useradd[3160]: new user: name=backup2, UID=1002, GID=1002, home=/home/backup2, shell=/bin/bash, from=/dev/pts/1']));
  assert.deepEqual(created.map((s) => s.group.user), ['backup2']);
  assert.equal((await fire('linux-user-created', lines('auth', ['Nov 21 10:05:00 web1 useradd[3160]: new group: name=backup2, GID=1002']))).length, 0);
  const groups = await fire('linux-group-change', lines('auth', [
    "Nov 21 10:06:00 web1 usermod[3170]: add 'backup2' to group 'sudo'",
    "Nov 21 10:06:00 web1 usermod[3170]: add 'backup2' to shadow group 'sudo'",
    'Nov 21 10:07:00 web1 gpasswd[3180]: user eve added by root to group docker',
    'Nov 21 10:08:00 web1 groupadd[3190]: new group: name=ops, GID=1005',
  ]));
  assert.deepEqual(groups.map((s) => `${s.group.user ?? ''}>${s.group.group}`), ['backup2>sudo', 'eve>docker', '>ops']);
  assert.match(groups[0]!.summary, /privileged/);
  assert.equal((await fire('linux-group-change', lines('auth', ["Nov 21 10:06:00 web1 usermod[3170]: change user 'bob' shell"]))).length, 0);
});

test('error-burst: 20 errors from one program on one host fire; 19, or 20 warnings, do not', async () => {
  const err = (n: number, level = 'err') => Array.from({ length: n }, (_, i) => `{"time":"2026-11-21T10:00:${String(i).padStart(2, '0')}.000Z","level":"${level === 'err' ? 'error' : 'warn'}","msg":"payment gateway timeout"}`);
  assert.equal((await fire('error-burst', lines('app', err(20)))).length, 1);
  assert.equal((await fire('error-burst', lines('app', err(19)))).length, 0);
  assert.equal((await fire('error-burst', lines('app', err(20, 'warn')))).length, 0);
});

test('oom-kill: host and cgroup OOM kills fire, other kernel lines do not', async () => {
  const s = await fire('oom-kill', lines('syslog', [
    'Nov 21 10:00:20 web1 kernel: [12345.678901] Out of memory: Killed process 4242 (java) total-vm:8123456kB, anon-rss:4123456kB, file-rss:0kB, shmem-rss:0kB, UID:1001 pgtables:9000kB oom_score_adj:0',
  ]));
  assert.equal(s.length, 1);
  assert.deepEqual((s[0]!.fields as { process: string[] }).process, ['java']);
  assert.equal((await fire('oom-kill', lines('syslog', ['Nov 21 10:00:20 db1 kernel: Memory cgroup out of memory: Killed process 777 (postgres) total-vm:1kB']))).length, 1);
  assert.equal((await fire('oom-kill', lines('syslog', ['Nov 21 10:00:20 web1 kernel: [1.0] usb 1-1: new high-speed USB device number 2 using ehci-pci']))).length, 0);
});

test('service-crash-loop: 3 failed runs of one unit within 10 minutes, or systemd giving up, fire; one failure does not', async () => {
  const failed = (n: number) => Array.from({ length: n }, (_, i) => `Nov 21 10:0${i}:21 web1 systemd[1]: app.service: Failed with result 'exit-code'.`);
  assert.equal((await fire('service-crash-loop', lines('syslog', failed(3)))).length, 1);
  assert.equal((await fire('service-crash-loop', lines('syslog', failed(1)))).length, 0);
  assert.equal((await fire('service-crash-loop', lines('syslog', ['Nov 21 10:00:21 web1 systemd[1]: app.service: Main process exited, code=killed, status=9/KILL']))).length, 0);
});

test('disk-filesystem-error: ext4, I/O, read-only remount and full-disk messages fire; ordinary kernel lines do not', async () => {
  const s = await fire('disk-filesystem-error', lines('syslog', [
    'Nov 21 10:00:22 web1 kernel: [12346.000001] EXT4-fs error (device sda1): ext4_find_entry:1455: inode #2: comm ls: reading directory lblock 0',
    'Nov 21 10:00:23 web1 kernel: [12346.1] blk_update_request: I/O error, dev sdb, sector 123456 op 0x0:(READ)',
    'Nov 21 10:00:24 web1 kernel: [12346.2] EXT4-fs (sda1): Remounting filesystem read-only',
    'Nov 21 10:00:25 web1 rsyslogd: file /var/log/x: No space left on device',
  ]));
  assert.deepEqual(s.map((x) => x.group.problem), ['filesystem_error', 'io_error', 'read_only', 'disk_full']);
  assert.equal((await fire('disk-filesystem-error', lines('syslog', ['Nov 21 10:00:22 web1 kernel: EXT4-fs (sda1): mounted filesystem with ordered data mode']))).length, 0);
});

/** Lines of one sshd session (same pid), one every 2 s from 10:00:00 + `start`. */
const session = (pid: number, msgs: string[], start = 0) =>
  msgs.map((m, i) => {
    const s = start + i * 2;
    return `Nov 21 10:${String(Math.floor(s / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')} web1 sshd[${pid}]: ${m}`;
  });

/** How many failures ssh-brute-force counts over these lines (threshold 1: every counted failure shows). */
async function counted(text: string[]): Promise<number> {
  const r = await rule('ssh-brute-force');
  let n = 0;
  runDetection(lines('auth', text), [r], { onMatch: () => void n++ });
  return n;
}

test('sshd sessions: attempts counted as fail2ban counts them, linked by pid', async () => {
  const ip = '203.0.113.7';
  // PAM failure + Failed password of one attempt: 1
  assert.equal(await counted(session(4001, [`pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=${ip}  user=root`, `Failed password for root from ${ip} port 1 ssh2`])), 1);
  // Invalid user + PAM + Failed password: fail2ban counts 2 (the Invalid user line and the Failed line; the PAM line is NOFAIL)
  assert.equal(await counted(session(4002, [`Invalid user bob from ${ip} port 2`, 'pam_unix(sshd:auth): check pass; user unknown', `pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=${ip}`, `Failed password for invalid user bob from ${ip} port 2 ssh2`])), 2);
  // max attempts exceeded + the OpenSSH ≥ 7.x disconnect line: 1 (fail2ban's regex for "Too many authentication failures" only takes the address-less form)
  assert.equal(await counted(session(4003, [`error: maximum authentication attempts exceeded for root from ${ip} port 3 ssh2 [preauth]`, `Disconnecting authenticating user root ${ip} port 3: Too many authentication failures [preauth]`])), 1);
  // the address-less form takes the session's address: 2 failed keys (NOFAIL) + "Too many" = 1
  assert.equal(await counted(session(4004, [`Failed publickey for git from ${ip} port 4 ssh2: RSA SHA256:a`, `Failed publickey for git from ${ip} port 4 ssh2: RSA SHA256:b`, 'Disconnecting: Too many authentication failures for git [preauth]', `Connection closed by ${ip} port 4 [preauth]`])), 1);
  // "account is locked" names no address: pending until the close names it, then 1
  const locked = await rule('ssh-brute-force');
  const seen: Array<string | number | undefined> = [];
  runDetection(lines('auth', session(4005, ['User root not allowed because account is locked', 'input_userauth_request: invalid user root [preauth]', `Connection closed by ${ip} port 5 [preauth]`])), [locked], { onMatch: (_r, _e, ev) => void seen.push(ev.values.src_ip) });
  assert.deepEqual(seen, [ip]);
  // the same close without the session's earlier line is no failure
  assert.equal(await counted(session(4006, [`Connection closed by ${ip} port 6 [preauth]`])), 0);
  // different pids are different sessions: "Too many" of another pid does not borrow this address
  assert.equal(await counted([...session(4007, [`Connection from ${ip} port 7 on 10.0.0.1 port 22`]), ...session(4008, ['Disconnecting: Too many authentication failures [preauth]'], 4)]), 0);
});

test('sshd sessions that end in success are not failures: several keys, PAM then another method', async () => {
  const keys = session(4101, [
    'Failed publickey for alice from 198.51.100.20 port 51022 ssh2: RSA SHA256:k1',
    'Failed publickey for alice from 198.51.100.20 port 51022 ssh2: ECDSA SHA256:k2',
    'Accepted publickey for alice from 198.51.100.20 port 51022 ssh2: ED25519 SHA256:k3',
  ]);
  assert.equal(await counted(keys), 0);
  const pamThenKbd = session(4102, [
    'pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=198.51.100.21  user=rda',
    'Accepted keyboard-interactive/pam for rda from 198.51.100.21 port 52100 ssh2',
  ]);
  assert.equal(await counted(pamThenKbd), 0);
  // a user logging in with the 6th of several keys, 5 times in a row, is no brute force either
  const many = Array.from({ length: 5 }, (_, i) => session(4200 + i, [...Array.from({ length: 5 }, () => 'Failed publickey for alice from 198.51.100.20 port 51022 ssh2: RSA SHA256:k'), 'Accepted publickey for alice from 198.51.100.20 port 51022 ssh2: ED25519 SHA256:k6'], i * 20)).flat();
  assert.equal((await fire('ssh-success-after-failures', lines('auth', many))).length, 0);
  assert.equal((await fire('ssh-brute-force', lines('auth', many), { threshold: 1 })).length, 0);
  // but trying other users before "Accepted" does not wash the failures away (fail2ban: several users in one session)
  const switched = session(4103, [
    'pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser=root rhost=192.0.2.114',
    'pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser=sudoer rhost=192.0.2.114',
    'Accepted password for known from 192.0.2.114 port 52100 ssh2',
  ]);
  assert.equal(await counted(switched), 2);
});

test('ssh rules: fail2ban mode as a rule setting; a bad setting stops loading with the rule named', async () => {
  const ddos = session(4301, ['Did not receive identification string from 192.0.2.5 port 35836']);
  assert.equal(await counted(ddos), 0);
  const r = await rule('ssh-brute-force', { settings: { mode: 'aggressive' } });
  assert.equal(r.settings?.mode, 'aggressive');
  let n = 0;
  runDetection(lines('auth', ddos), [r], { onMatch: () => void n++ });
  assert.equal(n, 1);
  await assert.rejects(rule('ssh-brute-force', { settings: { mode: 'paranoid' } }), /ssh-brute-force.*mode must be one of normal, ddos, extra, aggressive/);
  await assert.rejects(rule('ssh-brute-force', { settings: { maxretry: 3 } }), /no such setting/);
  await assert.rejects(rule('ssh-brute-force', { settings: { mode: 1 } }), /expected a string/);
});

test('sshd session table is bounded: per-host FIFO cap and event-time expiry, as fail2ban\'s mlfid cache', () => {
  const s = new SshdSessions({ maxPerHost: 3, maxAgeMs: 300_000, maxTotal: 5 });
  const nofail = { regex: 0, name: 'connection-from', nofail: true, forget: false, gained: false };
  const tooMany = { regex: 0, name: 'too-many-failures', nofail: false, forget: false, gained: false };
  for (let i = 0; i < 4; i++) s.merge('h1', `sshd[${i}]`, { ...nofail, ip4: `192.0.2.${i}` }, 1000);
  assert.equal(s.size, 3); // sshd[0] went first
  assert.equal(s.merge('h1', 'sshd[0]', tooMany, 2000).failure, false); // forgotten: no address, pending
  assert.equal(s.merge('h1', 'sshd[3]', tooMany, 2000).ip, '192.0.2.3');
  for (let i = 0; i < 3; i++) s.merge('h2', `sshd[${i}]`, { ...nofail, ip4: `198.51.100.${i}` }, 3000);
  assert.ok(s.size <= 5);
  // expiry: 300 s after the session's first line
  s.merge('h3', 'sshd[9]', { ...nofail, ip4: '203.0.113.9' }, 10_000);
  assert.equal(s.merge('h3', 'sshd[9]', tooMany, 10_000 + 299_000).ip, '203.0.113.9');
  assert.equal(s.merge('h3', 'sshd[9]', tooMany, 10_000 + 300_000).ip, undefined);

  // the global cap drops the oldest session of the least recently used host
  const g = new SshdSessions({ maxPerHost: 10, maxAgeMs: 300_000, maxTotal: 4 });
  const open = (host: string, id: string) => g.merge(host, id, { ...nofail, ip4: '192.0.2.77' }, 1000);
  // a closing line: says whether the session was open, removes it, never opens one
  const has = (host: string, id: string) => g.merge(host, id, { ...nofail, forget: true }, 1000).ip !== undefined;
  open('h1', 'a');
  open('h2', 'a');
  open('h1', 'b'); // h1 used last
  open('h1', 'c'); // still h1
  open('h3', 'a'); // full: h2 is the least recently used host
  open('h1', 'd'); // full: h3 now is
  assert.equal(g.size, 4);
  assert.equal(has('h2', 'a'), false);
  assert.equal(has('h3', 'a'), false);
  for (const id of ['a', 'b', 'c', 'd']) assert.equal(has('h1', id), true, id);
});

test('normalized sshd fields take the address sshd wrote, not client text after it (fail2ban\'s anchoring)', () => {
  const cases: Array<[string, string, string]> = [
    ['Failed password for user from 127.0.0.1 port 20000 ssh1: ruser XXX from 1.2.3.4', 'user', '127.0.0.1'],
    ['Failed password for invalid user test from 127.0.0.1 port 58946 ssh2: from 10.10.1.2 port 55555 ssh2', 'test', '127.0.0.1'],
    ['Failed password for invalid user from 10.10.1.1 from 127.0.0.1 port 58946 ssh2', 'from 10.10.1.1', '127.0.0.1'],
    ['Accepted publickey for git from 192.0.2.1 port 57904 ssh2: RSA SHA256:x from 10.0.0.9', 'git', '192.0.2.1'],
  ];
  for (const [msg, user, ip] of cases) {
    const [e] = lines('auth', [`Nov 21 10:00:00 web1 sshd[1]: ${msg}`]);
    assert.equal(e!.fields.src_ip, ip, msg);
    assert.equal(e!.fields.user, user, msg);
  }
});

test('offline SSH path: lean events (reads: message, program prefilter) give the same matches, values and alerts as fully normalized events', async () => {
  const { loadRuleSet } = await import('../../alert-service/src/detect/ruleset.js');
  const { openLogFile, readScope } = await import('../../alert-service/src/detect/input.js');
  const { runDetectionStream } = await import('../../alert-service/src/detect/run.js');
  const { FIXTURES } = await import('../helpers/paths.js');
  const { join } = await import('node:path');
  const { mkdtempSync, writeFileSync, readFileSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { config } = await import('./helpers.js');
  // fail2ban's annotated sample log plus a burst that fires all three rules, with CRON/sudo noise
  const dir = mkdtempSync(join(tmpdir(), 'lean-'));
  const file = join(dir, 'auth-mixed.log');
  const burst = sshLines('198.51.100.9', 12, (i) => (i < 11 ? `Failed password for invalid user u${i} from IP port ${40000 + i} ssh2` : 'Accepted password for u3 from IP port 41000 ssh2'));
  const noise = ['Nov 21 10:00:02 web1 CRON[2210]: pam_unix(cron:session): session opened for user root(uid=0) by (uid=0)', 'Nov 21 10:00:04 web1 sudo:    alice : TTY=pts/0 ; PWD=/home/alice ; USER=root ; COMMAND=/usr/bin/id', 'Nov 21 10:00:06 web1 SSHD[77]: Failed password for root from 192.0.2.99 port 1 ssh2'];
  writeFileSync(file, [...readFileSync(join(FIXTURES, 'fail2ban-sshd', 'sshd'), 'utf8').split('\n').filter((l) => l && !l.startsWith('#')), ...noise, ...burst].join('\n') + '\n');
  const set = await loadRuleSet(config.rules);
  const ssh = set.rules.filter((r) => r.id.startsWith('ssh-') && r.source === 'rule');
  assert.deepEqual(ssh.map((r) => r.id).sort(), ['ssh-brute-force', 'ssh-password-spraying', 'ssh-success-after-failures']);
  const scope = readScope(ssh);
  assert.equal(scope.detail, 'message');
  assert.deepEqual([...scope.programs!].sort(), ['sshd', 'sshd-auth', 'sshd-session']);
  const receivedAt = new Date('2026-11-21T12:00:00Z');
  const runOn = async (lean: boolean) => {
    // a fresh load per run: the SSH rules share their session table within one load
    const rules = (await loadRuleSet(config.rules)).rules.filter((r) => ssh.some((s) => s.id === r.id));
    const input = openLogFile(file, { normalize: config.normalize, receivedAt, ...(lean ? readScope(rules) : {}) });
    const matches: string[] = [];
    let skipped = 0;
    let lineNo = 0;
    function* events() {
      for (const l of input.lines()) {
        if (l.skipped) skipped++;
        if (!l.event) continue;
        lineNo = l.line;
        yield l.event;
      }
    }
    const { signals } = runDetectionStream(events(), rules, { onMatch: (r, e, ev) => matches.push(`${r.id} line ${lineNo} ${e.time} ${e.host} ${JSON.stringify(ev.values)}`) });
    return { matches, skipped, signals: signals.map(({ event_ids: _ids, ...s }) => s) };
  };
  const full = await runOn(false);
  const lean = await runOn(true);
  assert.equal(full.skipped, 0);
  assert.equal(lean.skipped, 2, 'the CRON and sudo lines are not normalized; SSHD[77] (any case) is');
  assert.ok(full.matches.length > 80, `${full.matches.length} matches`);
  assert.deepEqual(lean.matches, full.matches);
  assert.deepEqual(lean.signals, full.signals);
  assert.deepEqual(new Set(full.signals.map((s) => s.rule_id)), new Set(['ssh-brute-force', 'ssh-password-spraying', 'ssh-success-after-failures']));
});

test("reads: 'message': a rule's group and distinct names come from its values or the event's top level, never its fields", async () => {
  const { compileDefinition } = await import('../../alert-service/src/detect/compiled.js');
  const { validateRuleDefinition } = await import('../../alert-service/src/detect/rule.js');
  const base = { id: 'x', title: 't', description: 'd', severity: 'low' as const, match: { programs: ['sshd'] }, extract: () => ({ user: 'u' }), fire: { mode: 'count' as const, threshold: 2, windowSec: 60, groupBy: ['src_ip', 'host', 'user'] } };
  const [e] = lines('auth', 'Nov 21 10:00:00 web1 sshd[1]: Failed password for root from 192.0.2.1 port 1 ssh2');
  assert.equal(e!.fields.src_ip, '192.0.2.1');
  const plain = compileDefinition(base, 'x.ts', { defaultQuietSec: 60 });
  const lean = compileDefinition({ ...base, reads: 'message' }, 'x.ts', { defaultQuietSec: 60 });
  assert.equal(plain.readsMessageOnly, undefined);
  assert.equal(lean.readsMessageOnly, true);
  assert.deepEqual(plain.groupKey(e!, { user: 'u' }), ['192.0.2.1', 'web1', 'u']);
  assert.deepEqual(lean.groupKey(e!, { user: 'u' }), ['', 'web1', 'u']);
  assert.deepEqual(validateRuleDefinition({ ...base, reads: 'message' }), []);
  assert.deepEqual(validateRuleDefinition({ ...base, reads: 'fields' }), [`reads must be 'message' when given (got "fields")`]);
});

test('sshd sessions: plain sshd is keyed by pid, other idents by ident and pid, never mixed', async () => {
  const { SshdTracker } = await import('../../plugin/lib/sshd.js');
  const t = new SshdTracker('normal', 100);
  const [pam, other, failed] = lines('auth', [
    'Nov 21 10:00:00 web1 sshd[500]: pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=192.0.2.1  user=root',
    'Nov 21 10:00:01 web1 sshd-session[500]: Disconnecting: Too many authentication failures for root [preauth]',
    'Nov 21 10:00:02 web1 sshd[500]: Failed password for root from 192.0.2.1 port 1 ssh2',
  ]);
  assert.deepEqual({ ...t.verdict(pam!) }, { failure: false, accepted: false, regex: 'pam-auth-failure', user: 'root', users: new Set(['root']), ip: '192.0.2.1' });
  // sshd-session[500] is another session: no address of its own yet, its failure waits
  assert.equal(t.verdict(other!)!.failure, false);
  assert.equal(t.verdict(other!)!.ip, undefined);
  // the PAM line and "Failed password" of sshd[500] are one attempt
  assert.equal(t.verdict(failed!)!.failure, true);
  assert.equal(t.sessions.size, 2);
});
