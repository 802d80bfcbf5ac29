/** Field extraction from real-world auth.log / syslog / web lines: who, from where, how severe. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { EventFields, LogEvent } from '../../alert-service/src/generated/schema-types.js';
import { normalizeRawLine } from '../../alert-service/src/normalize/index.js';
import { canonicalIp } from '../../alert-service/src/normalize/fields.js';
import { assertValidEvent, cfg } from './helpers.js';

const ctx = { collectedAt: new Date('2026-11-21T12:00:00Z'), receivedAt: new Date('2026-11-21T12:00:01Z') };

function auth(message: string, program = 'sshd[4242]'): LogEvent {
  const ev = normalizeRawLine(`Nov 21 10:00:01 web1 ${program}: ${message}`, { path: '/var/log/auth.log', offset: 0, host: 'web1' }, ctx, cfg());
  assertValidEvent(ev);
  return ev;
}

const cases: Array<[string, string, EventFields, LogEvent['severity']]> = [
  // sshd
  ['sshd[1]', 'Failed password for root from 203.0.113.7 port 40118 ssh2', { user: 'root', src_ip: '203.0.113.7', src_port: 40118 }, 'warning'],
  ['sshd[1]', 'Failed password for invalid user admin from 203.0.113.7 port 40112 ssh2', { user: 'admin', src_ip: '203.0.113.7', src_port: 40112 }, 'warning'],
  ['sshd[1]', 'Failed password for invalid user test from 2001:db8::42 port 33022 ssh2', { user: 'test', src_ip: '2001:db8::42', src_port: 33022 }, 'warning'],
  ['sshd[1]', 'Failed password for invalid user x from 2001:0DB8:0000:0000:0000:0000:0000:0042 port 22 ssh2', { user: 'x', src_ip: '2001:db8::42', src_port: 22 }, 'warning'],
  ['sshd[1]', 'Failed password for root from ::ffff:203.0.113.9 port 22 ssh2', { user: 'root', src_ip: '203.0.113.9', src_port: 22 }, 'warning'],
  ['sshd[1]', 'Failed publickey for git from 198.51.100.3 port 5555 ssh2: RSA SHA256:abc', { user: 'git', src_ip: '198.51.100.3', src_port: 5555 }, 'warning'],
  ['sshd[1]', 'Failed none for invalid user  from 198.51.100.3 port 5555 ssh2', { src_ip: '198.51.100.3', src_port: 5555 }, 'warning'],
  ['sshd[1]', 'Invalid user admin from 203.0.113.7 port 40112', { user: 'admin', src_ip: '203.0.113.7', src_port: 40112 }, 'warning'],
  // A user name crafted to look like an address: the address sshd appended (the last one) wins.
  ['sshd[1]', 'Invalid user x from 10.0.0.1 port 22 from 203.0.113.9 port 4444', { user: 'x from 10.0.0.1 port 22', src_ip: '203.0.113.9', src_port: 4444 }, 'warning'],
  ['sshd[1]', 'Failed password for invalid user x from 10.0.0.1 port 22 from 203.0.113.9 port 4444 ssh2', { user: 'x from 10.0.0.1 port 22', src_ip: '203.0.113.9', src_port: 4444 }, 'warning'],
  ['sshd[1]', 'Connection closed by invalid user x 10.0.0.1 port 22 203.0.113.9 port 4444 [preauth]', { user: 'x 10.0.0.1 port 22', src_ip: '203.0.113.9', src_port: 4444 }, 'warning'],
  ['sshd[1]', 'Invalid user oracle from fe80::1%eth0', { user: 'oracle', src_ip: 'fe80::1' }, 'warning'],
  ['sshd[1]', 'Accepted publickey for deploy from 198.51.100.20 port 51022 ssh2: ED25519 SHA256:Zx9', { user: 'deploy', src_ip: '198.51.100.20', src_port: 51022 }, 'info'],
  ['sshd[1]', 'Accepted password for bob from 2001:db8:1::7 port 2222 ssh2', { user: 'bob', src_ip: '2001:db8:1::7', src_port: 2222 }, 'info'],
  ['sshd[1]', 'Connection closed by authenticating user root 203.0.113.7 port 40122 [preauth]', { user: 'root', src_ip: '203.0.113.7', src_port: 40122 }, 'info'],
  ['sshd[1]', 'Disconnected from invalid user oracle 192.0.2.99 port 60024 [preauth]', { user: 'oracle', src_ip: '192.0.2.99', src_port: 60024 }, 'warning'],
  ['sshd[1]', 'Connection closed by 192.0.2.5 port 41000 [preauth]', { src_ip: '192.0.2.5', src_port: 41000 }, 'info'],
  ['sshd[1]', 'Received disconnect from 192.0.2.5 port 41000:11: Bye Bye [preauth]', { src_ip: '192.0.2.5', src_port: 41000 }, 'info'],
  ['sshd[1]', 'error: maximum authentication attempts exceeded for invalid user admin from 203.0.113.7 port 5 ssh2 [preauth]', { user: 'admin', src_ip: '203.0.113.7', src_port: 5 }, 'error'],
  ['sshd[1]', 'User bob from 192.0.2.8 not allowed because not listed in AllowUsers', { user: 'bob', src_ip: '192.0.2.8' }, 'warning'],
  ['sshd[1]', 'Did not receive identification string from 192.0.2.9 port 3333', { src_ip: '192.0.2.9', src_port: 3333 }, 'info'],
  ['sshd[1]', 'Failed password for root from 999.1.1.1 port 22 ssh2', { user: 'root' }, 'warning'],
  ['sshd[1]', 'Failed password for root from not-an-ip port 22 ssh2', { user: 'root' }, 'warning'],
  ['sshd[1]', 'pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=203.0.113.7  user=root', { user: 'root', src_ip: '203.0.113.7' }, 'warning'],
  ['sshd[1]', 'PAM 2 more authentication failures; logname= uid=0 euid=0 tty=ssh ruser= rhost=2001:db8::9  user=root', { user: 'root', src_ip: '2001:db8::9' }, 'warning'],
  ['sshd[1]', 'pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=attacker.example.com', {}, 'warning'],
  ['sshd[1]', 'pam_unix(sshd:session): session opened for user deploy(uid=1001) by (uid=0)', { user: 'deploy' }, 'info'],
  // sudo
  ['sudo', '   alice : 3 incorrect password attempts ; TTY=pts/0 ; PWD=/home/alice ; USER=root ; COMMAND=/usr/bin/bash', { actor: 'alice', user: 'root' }, 'warning'],
  ['sudo', '  deploy : TTY=pts/1 ; PWD=/srv/app ; USER=root ; COMMAND=/usr/bin/systemctl restart app', { actor: 'deploy', user: 'root' }, 'info'],
  ['sudo', 'bob : TTY=pts/2 ; PWD=/home/bob ; USER=postgres ; ENV=A=b ; COMMAND=/usr/bin/psql', { actor: 'bob', user: 'postgres' }, 'info'],
  ['sudo', 'eve : user NOT in sudoers ; TTY=pts/3 ; PWD=/tmp ; USER=root ; COMMAND=/bin/sh', { actor: 'eve', user: 'root' }, 'warning'],
  ['sudo', 'pam_unix(sudo:auth): authentication failure; logname=bob uid=1000 euid=0 tty=/dev/pts/0 ruser=bob rhost=  user=bob', { actor: 'bob', user: 'bob' }, 'warning'],
  ['sudo', 'pam_unix(sudo:session): session opened for user root(uid=0) by bob(uid=1000)', { user: 'root', actor: 'bob' }, 'info'],
  // su
  ['su[900]', '(to root) alice on pts/0', { user: 'root', actor: 'alice' }, 'info'],
  ['su[900]', 'FAILED SU (to root) alice on pts/0', { user: 'root', actor: 'alice' }, 'warning'],
  ['su[900]', 'Successful su for root by alice', { user: 'root', actor: 'alice' }, 'info'],
  ['su[900]', 'FAILED su for root by mallory', { user: 'root', actor: 'mallory' }, 'warning'],
  ['su[900]', '+ pts/0 alice:root', { actor: 'alice', user: 'root' }, 'info'],
  ['su[900]', 'pam_unix(su:auth): authentication failure; logname=alice uid=1000 euid=0 tty=pts/0 ruser=alice rhost=  user=root', { actor: 'alice', user: 'root' }, 'warning'],
  ['su[900]', 'pam_unix(su-l:session): session opened for user root(uid=0) by alice(uid=1000)', { user: 'root', actor: 'alice' }, 'info'],
  // account management
  ['useradd[3160]', 'new user: name=backup2, UID=1002, GID=1002, home=/home/backup2, shell=/bin/bash, from=/dev/pts/1', { user: 'backup2' }, 'notice'],
  ['useradd[3160]', "add 'backup2' to group 'sudo'", { user: 'backup2' }, 'notice'],
  ['groupadd[3159]', 'group added to /etc/group: name=backup2, GID=1002', { user: 'backup2' }, 'notice'],
  ['groupadd[3159]', 'new group: name=backup2, GID=1002', { user: 'backup2' }, 'notice'],
  ['userdel[77]', "delete user 'olduser'", { user: 'olduser' }, 'notice'],
  ['usermod[78]', "add 'carol' to shadow group 'adm'", { user: 'carol' }, 'notice'],
  ['passwd[79]', 'pam_unix(passwd:chauthtok): password changed for dave', { user: 'dave' }, 'notice'],
  // login / logind
  ['login[80]', "FAILED LOGIN (1) on '/dev/tty1' FOR 'UNKNOWN', Authentication failure", { user: 'UNKNOWN' }, 'warning'],
  ['systemd-logind[81]', 'New session 12 of user alice.', { user: 'alice' }, 'info'],
  // cron (PAM session, user only)
  ['CRON[2210]', 'pam_unix(cron:session): session opened for user root(uid=0) by (uid=0)', { user: 'root' }, 'info'],
];

describe('auth line fields', () => {
  for (const [program, message, fields, severity] of cases) {
    it(`${program}: ${message.slice(0, 70)}`, () => {
      const ev = auth(message, program);
      assert.deepEqual(ev.fields, fields);
      assert.equal(ev.severity, severity);
      assert.equal(ev.program, program.replace(/\[\d+\]$/, ''));
      assert.equal(ev.message, message.trimStart());
      assert.equal(ev.host, 'web1');
    });
  }

  it('RFC 3339 auth.log (newer distributions) and lines without a host token', () => {
    const a = normalizeRawLine('2026-11-21T10:10:01.482311+00:00 db1 sshd[7001]: Failed password for invalid user oracle from 192.0.2.99 port 60022 ssh2', { path: '/var/log/auth.log', offset: 0, host: 'web1' }, ctx, cfg());
    assert.deepEqual([a.host, a.agent_host, a.program, a.pid, a.fields.user, a.fields.src_ip], ['db1', 'web1', 'sshd', 7001, 'oracle', '192.0.2.99']);
    const b = normalizeRawLine('Nov 21 10:00:01 sshd[5]: Invalid user x from 192.0.2.1', { path: '/var/log/auth.log', offset: 0, host: 'web1' }, ctx, cfg());
    assert.deepEqual([b.host, b.program, b.pid, b.fields.user], ['web1', 'sshd', 5, 'x']);
  });

  it('<PRI> gives the severity directly', () => {
    const ev = normalizeRawLine('<34>Nov 21 10:00:01 web1 sshd[5]: Accepted publickey for a from 192.0.2.1 port 1 ssh2', { path: '/var/log/auth.log', offset: 0 }, ctx, cfg());
    assert.equal(ev.severity, 'critical');
  });
});

describe('syslog content severity heuristic', () => {
  const sev = (msg: string, program = 'kernel') => normalizeRawLine(`Nov 21 10:00:01 web1 ${program}: ${msg}`, { path: '/var/log/syslog', offset: 0 }, ctx, cfg()).severity;
  it('is conservative and documented', () => {
    assert.equal(sev('Kernel panic - not syncing: VFS'), 'critical');
    assert.equal(sev('[1.2] Out of memory: Killed process 4242 (java)'), 'error');
    assert.equal(sev('[1.2] java[4242]: segfault at 0 ip 0 sp 0 error 4'), 'error');
    assert.equal(sev('[1.2] EXT4-fs error (device sda1): x'), 'error');
    assert.equal(sev('app.service: Failed with result \'signal\'.', 'systemd[1]'), 'warning');
    assert.equal(sev('Started Daily apt download activities.', 'systemd[1]'), 'info');
    assert.equal(sev('eth0: link up, 0 errors'), 'info');
    assert.equal(sev('ConnectionRefusedError in handler', 'app'), 'info');
  });
});

describe('web lines', () => {
  const web = (text: string, path: string) => {
    const ev = normalizeRawLine(text, { path, offset: 0, host: 'web1' }, ctx, cfg());
    assertValidEvent(ev);
    return ev;
  };

  it('apache combined with escaped quotes, IPv6 client and a bad request line', () => {
    const a = web('2001:db8::5 - - [21/Nov/2026:10:00:01 +0000] "GET /a\\"b HTTP/1.1" 200 5 "http://r/\\"x" "agent \\"q\\""', '/var/log/apache2/access.log');
    assert.deepEqual(a.fields, { src_ip: '2001:db8::5', http_method: 'GET', http_path: '/a\\"b', http_status: 200, http_bytes: 5, http_referer: 'http://r/\\"x', user_agent: 'agent \\"q\\"' });
    assert.equal(a.program, 'apache2');
    const b = web('203.0.113.9 - - [21/Nov/2026:10:00:01 +0000] "\\x16\\x03\\x01\\x00" 400 157 "-" "-"', '/var/log/nginx/access.log');
    assert.deepEqual(b.fields, { src_ip: '203.0.113.9', http_status: 400, http_bytes: 157 });
    assert.equal(b.severity, 'warning');
    const c = web('203.0.113.9 - - [21/Nov/2026:10:00:01 +0000] "GET /x HTTP/1.0" 503 -', '/var/log/httpd/access_log');
    assert.deepEqual(c.fields, { src_ip: '203.0.113.9', http_method: 'GET', http_path: '/x', http_status: 503 });
    assert.equal(c.severity, 'error');
    assert.equal(c.source.kind, 'web_access');
  });

  it('apache error log with client address and port', () => {
    const ev = web('[Sat Nov 21 10:00:03.123456 2026] [core:error] [pid 1234:tid 5678] [client 203.0.113.5:51234] AH00126: Invalid URI in request', '/var/log/apache2/error.log');
    assert.deepEqual([ev.severity, ev.pid, ev.program, ev.fields.src_ip, ev.fields.src_port, ev.message], ['error', 1234, 'apache2', '203.0.113.5', 51234, 'AH00126: Invalid URI in request']);
    assert.equal(ev.source.kind, 'web_error');
  });

  it('nginx error levels map onto the scale', () => {
    const lvl = (l: string) => web(`2026/11/21 10:00:03 [${l}] 1#1: x`, '/var/log/nginx/error.log').severity;
    assert.deepEqual(['debug', 'info', 'notice', 'warn', 'error', 'crit', 'alert', 'emerg'].map(lvl), ['debug', 'info', 'notice', 'warning', 'error', 'critical', 'alert', 'emergency']);
  });
});

describe('canonicalIp', () => {
  it('accepts v4/v6 in their logged forms and rejects garbage', () => {
    assert.equal(canonicalIp('203.0.113.7'), '203.0.113.7');
    assert.equal(canonicalIp('[2001:DB8::1]'), '2001:db8::1');
    assert.equal(canonicalIp('2001:db8:0:0:1:0:0:1'), '2001:db8::1:0:0:1');
    assert.equal(canonicalIp('::1'), '::1');
    assert.equal(canonicalIp('::ffff:198.51.100.1'), '198.51.100.1');
    for (const bad of ['', '-', '1.2.3', '01.2.3.4', '1.2.3.4.5', '256.1.1.1', 'localhost', '1.2.3.4 ', '::g', 'a'.repeat(100), 12345, null]) assert.equal(canonicalIp(bad), undefined, String(bad));
  });
});
