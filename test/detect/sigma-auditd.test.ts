/**
 * SigmaHQ `service: auditd` rules on Linux audit records: the agent tails /var/log/audit/audit.log
 * (fluent-bit/linux/fluent-bit.yaml, input logward_auditd), the service normalizes the line as an app
 * log of program `audit`, and the logsource mapping reads the record's key=value fields
 * (detect/sigma/auditd.ts). Rules: test/fixtures/sigmahq (SigmaHQ, DRL 1.1). The audit lines are
 * written by hand in auditd's record format (auditd 3.x, log_format ENRICHED: interpreted fields
 * after a 0x1D separator); see test/fixtures/sigmahq/README.md.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { LogEvent } from '../../alert-service/src/generated/schema-types.js';
import { classifyRecord, normalizeRecord } from '../../alert-service/src/normalize/index.js';
import { compileSigmaDocuments, listSigmaTree, readSigmaFiles } from '../../alert-service/src/detect/sigma/load.js';
import { parseAuditRecord } from '../../alert-service/src/detect/sigma/auditd.js';
import { resolveLogsource } from '../../alert-service/src/detect/sigma/logsources.js';
import { DetectionEngine, DEFAULT_LIMITS } from '../../alert-service/src/detect/engine.js';
import type { CompiledRule } from '../../alert-service/src/detect/compiled.js';
import { config, CollectSink, ManualClock } from './helpers.js';
import { FIXTURES } from '../helpers/paths.js';

const RULES = join(FIXTURES, 'sigmahq', 'rules', 'rules', 'linux', 'auditd');
const ID = {
  audio: 'a7af2487-9c2f-42e4-9bb9-ff961f0561d5',
  compressed: 'a3b5e3e9-1b49-4119-8b8e-0344a01f21ee',
  config: '977ef627-4539-4875-adf4-ed8f780c4922',
  scanning: '3761e026-f259-44e6-8826-719ed8079408',
};
const GS = '\u001d';

/** One line of audit.log as the agent's tail input sends it. */
function record(line: string, offset: number, file = '/var/log/audit/audit.log'): Record<string, unknown> {
  return { fb_time: '2026-12-01T09:00:00.000000Z', file, offset, inode: 4242, log: line, hostname: 'web1', source_kind: 'app' };
}

function normalize(lines: string[], file?: string): LogEvent[] {
  return lines.map((l, i) => {
    const r = record(l, i * 200, file);
    return normalizeRecord(r, classifyRecord(r)!, { receivedAt: new Date('2026-12-01T09:00:00Z') }, config.normalize);
  });
}

function loadRules(): CompiledRule[] {
  const { rules, skipped } = compileSigmaDocuments(readSigmaFiles(listSigmaTree(RULES), RULES), { defaultQuietSec: 900 });
  assert.deepEqual(skipped, []);
  return rules;
}

function fired(rules: CompiledRule[], events: LogEvent[]): string[] {
  const sink = new CollectSink();
  new DetectionEngine(rules, sink, new ManualClock(Date.UTC(2030, 0, 1)), DEFAULT_LIMITS).process(events);
  return sink.signals.map((s) => s.rule_id);
}

const EXECVE_ARECORD = 'type=EXECVE msg=audit(1764579600.101:3301): argc=3 a0="arecord" a1="-vv" a2="-fdat"';
// tar's arguments hex-encoded (auditd does so when one holds a space): a1="-cf", a2="my backup.tar"
const EXECVE_TAR_HEX = `type=EXECVE msg=audit(1764579600.202:3302): argc=3 a0="tar" a1=2D6366 a2=${Buffer.from('my backup.tar').toString('hex').toUpperCase()}`;
const SYSCALL_NMAP = `type=SYSCALL msg=audit(1764579600.303:3303): arch=c000003e syscall=42 success=yes exit=0 a0=3 a1=7ffd4a1b2c30 a2=10 a3=0 items=0 ppid=2201 pid=2250 auid=1000 uid=0 gid=0 euid=0 suid=0 fsuid=0 egid=0 sgid=0 fsgid=0 tty=pts1 ses=3 comm="nmap" exe="/usr/bin/nmap" subj=unconfined key="network_connect_4"${GS}ARCH=x86_64 SYSCALL=connect AUID="alice" UID="root" GID="root"`;
const PATH_AUDIT_RULES = 'type=PATH msg=audit(1764579600.404:3304): item=0 name="/etc/audit/rules.d/audit.rules" inode=131090 dev=fd:01 mode=0100640 ouid=0 ogid=0 rdev=00:00 nametype=NORMAL cap_fp=0 cap_fi=0 cap_fe=0 cap_fver=0 cap_frootid=0';
const SYSCALL_ECASOUND = `type=SYSCALL msg=audit(1764579600.505:3305): arch=c000003e syscall=319 success=yes exit=4 a0=55d0c2 a1=0 a2=0 a3=0 items=0 ppid=2201 pid=2290 auid=1000 uid=1000 comm="ecasound" exe="/usr/bin/ecasound" key=(null)${GS}ARCH=x86_64 SYSCALL=memfd_create AUID="alice" UID="alice"`;

test('audit records are read field by field: quoted, bare, hex-encoded arguments, ENRICHED fields, USER_* msg', () => {
  const syscall = parseAuditRecord(SYSCALL_NMAP)!;
  assert.equal(syscall.get('type'), 'SYSCALL');
  assert.equal(syscall.get('syscall'), '42');
  assert.equal(syscall.get('SYSCALL'), 'connect');
  assert.equal(syscall.get('exe'), '/usr/bin/nmap');
  assert.equal(syscall.get('comm'), 'nmap');
  assert.equal(syscall.get('a0'), '3'); // syscall arguments stay hex numbers, as SigmaHQ's rules compare them
  assert.equal(syscall.get('key'), 'network_connect_4');
  assert.equal(syscall.get('AUID'), 'alice');
  const tar = parseAuditRecord(EXECVE_TAR_HEX)!;
  assert.deepEqual([tar.get('a0'), tar.get('a1'), tar.get('a2')], ['tar', '-cf', 'my backup.tar']);
  const user = parseAuditRecord(`type=USER_AUTH msg=audit(1764579600.606:3306): pid=2301 uid=0 auid=4294967295 ses=4294967295 msg='op=PAM:authentication grantors=? acct="root" exe="/usr/sbin/sshd" hostname=203.0.113.7 addr=203.0.113.7 terminal=ssh res=failed'${GS}UID="root" AUID="unset"`)!;
  assert.deepEqual([user.get('acct'), user.get('exe'), user.get('addr'), user.get('res'), user.get('UID')], ['root', '/usr/sbin/sshd', '203.0.113.7', 'failed', 'root']);
  assert.equal(parseAuditRecord('Dec  1 09:00:00 web1 sshd[1]: Accepted publickey'), undefined);
});

test('logsource linux/auditd maps to the audit.log records the agent ships (app log, program audit)', () => {
  const [target] = resolveLogsource({ product: 'linux', service: 'auditd' });
  assert.deepEqual(target!.kinds, ['app']);
  assert.deepEqual(target!.programs, ['audit']);
  assert.equal(target!.eventSource, 'auditd');
  const [e] = normalize([EXECVE_ARECORD]);
  assert.equal(e!.source.kind, 'app');
  assert.equal(e!.program, 'audit');
});

test('SigmaHQ auditd rules fire on their records and not on others', () => {
  const rules = loadRules();
  assert.deepEqual(rules.map((r) => r.id).sort(), Object.values(ID).sort());
  const cases: Array<[string, string[]]> = [
    [EXECVE_ARECORD, [ID.audio]],
    [SYSCALL_ECASOUND, [ID.audio]], // SYSCALL: memfd_create from the ENRICHED part, exe|endswith
    [EXECVE_TAR_HEX, [ID.compressed]], // a1|contains '-c' on the decoded argument
    [SYSCALL_NMAP, [ID.scanning]],
    [PATH_AUDIT_RULES, [ID.config]],
    // Negatives: other arguments, record types, keys, paths.
    ['type=EXECVE msg=audit(1764579600.707:3307): argc=2 a0="tar" a1="-xf"', []],
    ['type=EXECVE msg=audit(1764579600.708:3308): argc=3 a0="arecord" a1="-l" a2="-fdat"', []],
    [SYSCALL_NMAP.replace('key="network_connect_4"', 'key="exec"'), []],
    [PATH_AUDIT_RULES.replace('/etc/audit/rules.d/audit.rules', '/etc/hosts'), []],
    // The same text as a SYSCALL record: the audio rule's EXECVE selection needs type EXECVE.
    [EXECVE_ARECORD.replace('type=EXECVE', 'type=SYSCALL'), []],
  ];
  for (const [line, want] of cases) assert.deepEqual(fired(rules, normalize([line])), want, line.slice(0, 60));
});

test('auditd rules read only audit.log records: the same text in another log does not match', () => {
  const rules = loadRules();
  assert.deepEqual(fired(rules, normalize([EXECVE_ARECORD], '/var/log/myapp/app.log')), []);
  const fromAuditLog = normalize([EXECVE_ARECORD], '/var/log/audit/audit.log');
  assert.deepEqual(fired(rules, fromAuditLog), [ID.audio]);
});
