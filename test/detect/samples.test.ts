/**
 * The shared sample logs, end to end (service normalizer → all built-in and shipped Sigma rules),
 * asserted alert by alert: what an analyst expects to fire, and what must not.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { AlertSignal, LogEvent } from '../../alert-service/src/generated/schema-types.js';
import { readLogFile } from '../../alert-service/src/detect/input.js';
import { loadRuleSet } from '../../alert-service/src/detect/ruleset.js';
import { runDetection } from '../../alert-service/src/detect/run.js';
import { groupKey } from '../../alert-service/src/detect/report.js';
import { validatorFor, describeErrors } from '../../alert-service/src/schema/registry.js';
import { config } from './helpers.js';
import { FIXTURES } from '../helpers/paths.js';

const SOURCE_LOGS = join(FIXTURES, 'fluent-bit-captures', 'source-logs');
const WINDOWS = join(FIXTURES, 'windows-eventlog-samples', 'winevtlog-out-http-body.json');

function read(files: string[]): LogEvent[] {
  const events: LogEvent[] = [];
  for (const f of files) {
    for (const l of readLogFile(f, { normalize: config.normalize, host: 'web1', receivedAt: new Date('2026-11-21T12:00:00Z') })) {
      assert.ok(l.event, `${f}:${l.line} did not normalize: ${l.error}`);
      events.push(l.event);
    }
  }
  return events;
}

const linuxFiles = readdirSync(SOURCE_LOGS).map((f) => join(SOURCE_LOGS, f));

async function alerts(files: string[], global?: { threshold?: number }): Promise<Map<string, AlertSignal>> {
  const set = await loadRuleSet(config.rules, global ? { global } : {});
  const { signals } = runDetection(read(files), set.rules);
  const byKey = new Map<string, AlertSignal>();
  const validate = validatorFor<AlertSignal>('alert.schema.json');
  for (const s of signals) {
    assert.ok(validate(s), `${s.rule_id}: ${describeErrors(validate.errors)}`);
    const key = `${s.rule_id} ${groupKey(s.group)}`;
    assert.ok(!byKey.has(key), `${key} fired twice`);
    byKey.set(key, s);
  }
  return byKey;
}

// Sigma rule ids of the shipped rules, by what they detect.
const SIGMA = {
  webScanner: '5e3f7a4b-9c6d-4fa0-b125-c4d3e2f1a701',
  oom: '4d2e6f3a-8b5c-4e9d-a014-b3c2d1e0f601',
  auditCleared: '3f8f4d6a-2c41-4d0e-9d7b-6a51b7e0c101',
  suspiciousService: '8b0d3c1e-5f7a-4e61-9c0b-3e2a4f5d6301',
  winBurst: '6c1e0a52-9a57-4c38-a0a4-1f0b2d7c2201',
  winSpray: '6c1e0a52-9a57-4c38-a0a4-1f0b2d7c2202',
  winSuccessAfterFail: '6c1e0a52-9a57-4c38-a0a4-1f0b2d7c2203',
};

test('Linux and web samples with default thresholds: exactly the alerts an analyst expects', async () => {
  const got = await alerts(linuxFiles);
  const expected = [
    'web-scanner-paths src_ip=203.0.113.50', // /wp-login.php then /.env from a python-requests/curl client
    // Plain Sigma rules group by host plus the fields their selection tested: one alert per probe path.
    `${SIGMA.webScanner} host=web1;cs-uri-stem=/.env;cs-uri=/.env`,
    `${SIGMA.webScanner} host=web1;cs-uri-stem=/wp-login.php;cs-uri=/wp-login.php`,
    'web-injection-traversal src_ip=198.51.100.21', // id=1' OR 1=1--
    'oom-kill host=web1', // java killed
    `${SIGMA.oom} host=web1`,
    'disk-filesystem-error host=web1;problem=filesystem_error', // EXT4-fs error on sda1
    'sudo-auth-failure host=web1;user=alice', // 3 incorrect password attempts
    'linux-user-created host=web1;user=backup2',
  ];
  assert.deepEqual([...got.keys()].sort(), [...expected].sort());

  assert.equal(got.get('web-scanner-paths src_ip=203.0.113.50')!.count, 2);
  assert.deepEqual((got.get('web-injection-traversal src_ip=198.51.100.21')!.fields as { category: string[] }).category, ['sql_injection']);
  assert.deepEqual((got.get('oom-kill host=web1')!.fields as { process: string[] }).process, ['java']);
  assert.deepEqual((got.get('disk-filesystem-error host=web1;problem=filesystem_error')!.fields as { device: string[] }).device, ['sda1']);
  assert.equal(got.get('linux-user-created host=web1;user=backup2')!.first_seen, '2026-11-21T10:05:00.000Z');
  // What does not fire at default thresholds, and why:
  // 203.0.113.7: 5 sshd failures as fail2ban counts them (< 10 in 5 min); it tried 2 users (< 5); no success followed.
  // 192.0.2.99 on db1: 2 failures. 198.51.100.20's accepted publickey login had no failures before it.
  // 203.0.113.50: 3 answers 401/403 (< 10/min). One 5xx, one app error, one crashed unit: no bursts.
  for (const id of ['ssh-brute-force', 'ssh-password-spraying', 'ssh-success-after-failures', 'web-auth-failures-burst', 'web-5xx-burst', 'error-burst', 'service-crash-loop', 'sudo-not-in-sudoers', 'su-failure', 'linux-group-change']) {
    assert.ok(![...got.keys()].some((k) => k.startsWith(id + ' ')), `${id} must not fire`);
  }
});

test('Linux and web samples with --threshold 3: the SSH brute force from 203.0.113.7 and the 401/403 burst fire', async () => {
  const got = await alerts(linuxFiles, { threshold: 3 });
  const ssh = got.get('ssh-brute-force src_ip=203.0.113.7');
  assert.ok(ssh);
  assert.equal(ssh.count, 3);
  assert.equal(ssh.first_seen, '2026-11-21T10:00:01.000Z');
  assert.equal(got.get('web-auth-failures-burst src_ip=203.0.113.50')!.count, 3);
  // The IPv6 address and db1's 192.0.2.99 stay below 3 failures; spraying needs 3 users (2 tried).
  assert.ok(!got.has('ssh-brute-force src_ip=2001:db8::42'));
  assert.ok(!got.has('ssh-brute-force src_ip=192.0.2.99'));
  assert.ok(!got.has('ssh-password-spraying src_ip=203.0.113.7'));
  // The scanner rule counts distinct probe paths: 2 < 3 with the override.
  assert.ok(!got.has('web-scanner-paths src_ip=203.0.113.50'));
});

test('Windows samples with default thresholds: log cleared, user created, admin group add, suspicious service, success after failures', async () => {
  const got = await alerts([WINDOWS]);
  const expected = [
    'win-audit-log-cleared host=fs01;log=Security',
    `${SIGMA.auditCleared} host=fs01`,
    'win-user-created host=fs01;user=svc-backup2',
    'win-privileged-group-add host=fs01;group=Administrators;member=S-1-5-21-1004336348-1177238915-682003330-1601',
    'win-service-installed host=fs01;service=updsvc',
    `${SIGMA.suspiciousService} host=fs01;ImagePath=C:\\Users\\Public\\updsvc.exe`,
    `${SIGMA.winSuccessAfterFail} IpAddress=203.0.113.66`, // 4625s from KALI, then a 4624 from the same address
  ];
  assert.deepEqual([...got.keys()].sort(), [...expected].sort());
  assert.deepEqual((got.get('win-audit-log-cleared host=fs01;log=Security')!.fields as { actor: string[] }).actor, ['mallory']);
  assert.match(got.get('win-service-installed host=fs01;service=updsvc')!.summary, /C:\\Users\\Public\\updsvc\.exe \(user-writable/);
  assert.equal(got.get('win-user-created host=fs01;user=svc-backup2')!.first_seen, '2026-11-21T09:21:00.000Z'); // TimeCreated +0100 → UTC
  // 3 failed logons (< 10), one application crash (< 5), one 7031 (< 3): no bursts.
  for (const id of ['win-failed-logon-burst-ip', 'win-failed-logon-burst-account', 'win-app-crash-burst', 'win-service-crash-loop', 'win-account-lockout', SIGMA.winBurst, SIGMA.winSpray]) {
    assert.ok(![...got.keys()].some((k) => k.startsWith(id + ' ')), `${id} must not fire`);
  }
});

test('Windows samples with --threshold 3: the failed logon burst from 203.0.113.66 fires (rule and Sigma correlation)', async () => {
  const got = await alerts([WINDOWS], { threshold: 3 });
  const burst = got.get('win-failed-logon-burst-ip src_ip=203.0.113.66');
  assert.ok(burst);
  assert.equal(burst.count, 3);
  assert.deepEqual((burst.fields as { user: string[] }).user, ['administrator', 'admin']);
  assert.ok(got.get(`${SIGMA.winBurst} IpAddress=203.0.113.66`));
  assert.ok(!got.has('win-failed-logon-burst-account host=fs01;account=CORP\\administrator')); // 2 for that account
});
