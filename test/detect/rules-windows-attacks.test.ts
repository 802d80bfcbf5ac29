/**
 * Built-in rules for the Windows attacks nothing else caught (Kerberos spraying, DCSync,
 * pass-the-hash, PsExec-style services and pipes, MSSQL brute force, SID History, DSRM) and
 * Defender Operational, positive and negative, on records shaped as the agent sends them (see
 * windows-records.ts), through the service's schema check and normalizer. EventData names follow
 * Microsoft's event documentation and SigmaHQ's rules.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LogEvent } from '../../alert-service/src/generated/schema-types.js';
import { FIXTURES } from '../helpers/paths.js';
import { runDetection } from '../../alert-service/src/detect/run.js';
import { allRules, fire } from './helpers.js';
import { AUDIT_FAILURE, ingestWin, winEvents, type WinRecordSpec } from './windows-records.js';

const SEC = 'Microsoft-Windows-Security-Auditing';
const SUBJECT_DC = { SubjectUserSid: 'S-1-5-18', SubjectUserName: 'DC01$', SubjectDomainName: 'CORP', SubjectLogonId: '0x3e7' };
const SUBJECT = (user: string, rid = 1104) => ({ SubjectUserSid: `S-1-5-21-3623811015-3361044348-30300820-${rid}`, SubjectUserName: user, SubjectDomainName: 'CORP', SubjectLogonId: '0x7a3f51' });

const security = (t: number, eventId: number, data: WinRecordSpec['data'], over: Partial<WinRecordSpec> = {}): WinRecordSpec => ({ t, channel: 'Security', eventId, provider: SEC, data, ...over });

function sample(name: string): Array<Record<string, unknown>> {
  return JSON.parse(readFileSync(join(FIXTURES, 'windows-eventlog-samples', name), 'utf8')) as Array<Record<string, unknown>>;
}

async function fires(id: string, events: LogEvent[]) {
  return fire(id, events);
}

// ---------------------------------------------------------------------------------------------
// Kerberos password spraying

/** 4771 as a DC logs it: pre-authentication failed for a user, client address IPv4-mapped. */
const preauthFailed = (t: number, user: string, ip: string, status = '0x18'): WinRecordSpec =>
  security(t, 4771, {
    TargetUserName: user, TargetSid: `S-1-5-21-3623811015-3361044348-30300820-${1100 + user.length}`, ServiceName: 'krbtgt/CORP',
    TicketOptions: '0x40810010', Status: status, PreAuthType: '2', IpAddress: `::ffff:${ip}`, IpPort: '51234',
    CertIssuerName: '', CertSerialNumber: '', CertThumbprint: '',
  }, { keywords: AUDIT_FAILURE });

/** 4768 with a failure status (0x6: no such account). */
const tgtFailed = (t: number, user: string, ip: string, status = '0x6'): WinRecordSpec =>
  security(t, 4768, {
    TargetUserName: user, TargetDomainName: 'CORP', TargetSid: 'S-1-0-0', ServiceName: 'krbtgt/CORP', ServiceSid: 'S-1-0-0',
    TicketOptions: '0x40810010', Status: status, TicketEncryptionType: '0xffffffff', PreAuthType: '-', IpAddress: `::ffff:${ip}`, IpPort: '49822',
    CertIssuerName: '', CertSerialNumber: '', CertThumbprint: '',
  }, { keywords: AUDIT_FAILURE });

const USERS = ['alice', 'bob', 'carol', 'dave', 'erin', 'frank', 'grace', 'heidi', 'ivan', 'judy', 'mallory', 'niaj'];

test('win-kerberos-password-spraying: 10 accounts failing pre-auth from one address (4771 0x18 and 4768 0x6) fire once, grouped by address', async () => {
  const spray = [
    ...USERS.slice(0, 6).map((u, i) => preauthFailed(i * 20, u, '10.20.30.40')),
    ...USERS.slice(6, 10).map((u, i) => tgtFailed(200 + i * 20, `${u}.x`, '10.20.30.40')),
    // another DC sees part of the same spray: still the same source
    preauthFailed(400, 'mallory', '10.20.30.40'),
  ].map((s, i) => (i % 2 ? { ...s, computer: 'DC02.corp.example.com' } : s));
  const s = await fires('win-kerberos-password-spraying', winEvents(spray));
  assert.equal(s.length, 1);
  assert.equal(s[0]!.group.src_ip, '10.20.30.40', 'the ::ffff: mapped address is unmapped');
  assert.equal(s[0]!.count, 10);
  assert.match(s[0]!.summary, /10 different accounts from 10\.20\.30\.40/);
  assert.deepEqual([...((s[0]!.fields as Record<string, string[]>).dc ?? [])].sort(), ['dc01', 'dc02']);
});

test('win-kerberos-password-spraying: one account failing many times, 9 accounts, other statuses, machine accounts, slow sprays and two sources do not fire', async () => {
  const none = async (specs: WinRecordSpec[], why: string) => assert.equal((await fires('win-kerberos-password-spraying', winEvents(specs))).length, 0, why);
  await none(Array.from({ length: 20 }, (_, i) => preauthFailed(i * 5, 'alice', '10.20.30.40')), 'one user mistyping (account burst, not a spray)');
  await none(USERS.slice(0, 9).map((u, i) => preauthFailed(i * 10, u, '10.20.30.40')), '9 accounts');
  await none(USERS.slice(0, 10).map((u, i) => preauthFailed(i * 10, u, '10.20.30.40', '0x17')), 'password expired is a real user');
  await none(USERS.slice(0, 10).map((u, i) => tgtFailed(i * 10, u, '10.20.30.40', '0x0')), 'successful TGT requests');
  await none(USERS.slice(0, 10).map((u, i) => preauthFailed(i * 10, `${u.toUpperCase()}-PC$`, '10.20.30.40')), 'machine accounts');
  await none(USERS.slice(0, 10).map((u, i) => preauthFailed(i * 120, u, '10.20.30.40')), '10 accounts over 18 minutes');
  await none(USERS.slice(0, 10).map((u, i) => preauthFailed(i * 10, u, i % 2 ? '10.20.30.40' : '10.20.30.41')), 'two sources with 5 each');
});

// ---------------------------------------------------------------------------------------------
// DCSync

const GET_CHANGES = '1131f6aa-9c07-11d1-f79f-00c04fc2dcd2';
const GET_CHANGES_ALL = '1131f6ad-9c07-11d1-f79f-00c04fc2dcd2';
const FILTERED_SET = '89e95b76-444d-4c62-991a-0facbeda640c';
const DOMAIN_DNS_CLASS = '19195a5b-6da0-11d0-afd3-00c04fd930c9';

/** 4662 on the domain NC root with one replication right, as mimikatz lsadump::dcsync causes. */
const dsAccess = (t: number, subject: Record<string, string>, right: string, computer = 'DC01.corp.example.com'): WinRecordSpec =>
  security(t, 4662, {
    ...subject, ObjectServer: 'DS', ObjectType: `%{${DOMAIN_DNS_CLASS}}`, ObjectName: '%{c6faf7b6-8b6a-4b2c-9b5e-2d3f1a0e4c11}',
    OperationType: 'Object Access', HandleId: '0x0', AccessList: '%%7688\r\n\t\t\t\t', AccessMask: '0x100',
    Properties: `%%7688\r\n\t\t\t\t{${right}}\r\n\t\t\t{${DOMAIN_DNS_CLASS}}\r\n`, AdditionalInfo: '-', AdditionalInfo2: '',
  }, { computer });

test('win-dcsync: replication rights exercised by a user account fire, one alert per account per DC', async () => {
  const s = await fires('win-dcsync', winEvents([
    dsAccess(0, SUBJECT('mallory'), GET_CHANGES),
    dsAccess(1, SUBJECT('mallory'), GET_CHANGES_ALL),
    dsAccess(2, SUBJECT('svc-sql', 1201), FILTERED_SET),
    dsAccess(3, SUBJECT('mallory'), GET_CHANGES_ALL, 'DC02.corp.example.com'),
  ]));
  assert.deepEqual(s.map((x) => [x.group.host, x.group.account]).sort(), [['dc01', 'corp\\mallory'], ['dc01', 'corp\\svc-sql'], ['dc02', 'corp\\mallory']]);
  const mallory = s.find((x) => x.group.account === 'corp\\mallory' && x.group.host === 'dc01')!;
  assert.equal(mallory.severity, 'high');
  // single mode alerts on the first event; the burst's later rights are suppressed into the same alert
  assert.match(mallory.summary, /corp\\mallory requested directory replication \(DS-Replication-Get-Changes\) from dc01/);
});

test('win-dcsync: DC machine accounts, Azure AD Connect (MSOL_), other properties and other events do not fire', async () => {
  const none = async (specs: WinRecordSpec[], why: string) => assert.equal((await fires('win-dcsync', winEvents(specs))).length, 0, why);
  await none([dsAccess(0, SUBJECT_DC, GET_CHANGES_ALL), dsAccess(1, { ...SUBJECT_DC, SubjectUserName: 'DC02$' }, GET_CHANGES)], 'DCs replicating');
  await none([dsAccess(0, SUBJECT('MSOL_3f2a9c1b7d4e'), GET_CHANGES_ALL)], 'Azure AD Connect password hash sync');
  await none([dsAccess(0, SUBJECT('mallory'), 'bf967a86-0de6-11d0-a285-00aa003049e2')], 'reading a computer object (other GUID)');
  await none([dsAccess(0, SUBJECT('mallory'), '9923a32a-3607-11d2-b9be-0000f87a36b2')], 'DS-Replication-Synchronize returns no secrets');
  const other = dsAccess(0, SUBJECT('mallory'), GET_CHANGES_ALL);
  await none([{ ...other, eventId: 4663 }], '4663 is file/registry object access');
});

// ---------------------------------------------------------------------------------------------
// pass-the-hash

/** 4624 (version 2) fields for a logon; LogonProcessName keeps Windows' trailing padding. */
const logon = (t: number, over: Record<string, string | number>, computer = 'WS07.corp.example.com'): WinRecordSpec =>
  security(t, 4624, {
    SubjectUserSid: 'S-1-0-0', SubjectUserName: '-', SubjectDomainName: '-', SubjectLogonId: '0x0',
    TargetUserSid: 'S-1-5-21-3623811015-3361044348-30300820-500', TargetUserName: 'administrator', TargetDomainName: 'CORP', TargetLogonId: '0x9c41b2',
    LogonType: 3, LogonProcessName: 'NtLmSsp ', AuthenticationPackageName: 'NTLM', WorkstationName: 'KALI', LogonGuid: '{00000000-0000-0000-0000-000000000000}',
    TransmittedServices: '-', LmPackageName: 'NTLM V2', KeyLength: 128, ProcessId: '0x0', ProcessName: '-', IpAddress: '10.20.30.40', IpPort: '50290',
    ImpersonationLevel: '%%1833', RestrictedAdminMode: '-', TargetOutboundUserName: '-', TargetOutboundDomainName: '-', VirtualAccount: '%%1843',
    TargetLinkedLogonId: '0x0', ElevatedToken: '%%1842', ...over,
  }, { computer, version: 2 });

/** sekurlsa::pth on the attacker's foothold: type 9, seclogo, the injected identity as outbound user. */
const pth9 = (t: number, over: Record<string, string | number> = {}) =>
  logon(t, {
    ...SUBJECT('alice'), TargetUserSid: 'S-1-5-21-3623811015-3361044348-30300820-1104', TargetUserName: 'alice', TargetDomainName: 'CORP',
    LogonType: 9, LogonProcessName: 'seclogo', AuthenticationPackageName: 'Negotiate', WorkstationName: '-', KeyLength: 0, LmPackageName: '-',
    ProcessId: '0x1a2c', ProcessName: 'C:\\Windows\\System32\\svchost.exe', IpAddress: '::1', IpPort: '0',
    TargetOutboundUserName: 'administrator', TargetOutboundDomainName: 'CORP', ...over,
  });

test('win-pass-the-hash: LogonType 9 by seclogo fires with the injected outbound identity; other type 9 and type 2/10 logons do not', async () => {
  const s = await fires('win-pass-the-hash', winEvents([pth9(0), pth9(5)]));
  assert.equal(s.length, 1);
  assert.deepEqual([s[0]!.group.host, s[0]!.group.account], ['ws07', 'corp\\alice']);
  assert.match(s[0]!.summary, /as corp\\administrator/);
  const none = async (specs: WinRecordSpec[], why: string) => assert.equal((await fires('win-pass-the-hash', winEvents(specs))).length, 0, why);
  await none([pth9(0, { LogonProcessName: 'Advapi  ' })], 'type 9 from another logon process');
  await none([pth9(0, { LogonType: 2, LogonProcessName: 'User32 ' }), pth9(1, { LogonType: 10, LogonProcessName: 'User32 ' })], 'interactive and RDP logons');
  await none([logon(0, {})], 'a normal NTLM network logon');
});

test('win-pass-the-hash-ntlm: NTLM type 3 with KeyLength 0 and a NULL subject fires per account and source; keyed, anonymous and Kerberos logons do not', async () => {
  const pth = (t: number, ip: string, user = 'administrator') => logon(t, { KeyLength: 0, IpAddress: ip, TargetUserName: user });
  const s = await fires('win-pass-the-hash-ntlm', winEvents([pth(0, '10.20.30.40'), pth(3, '10.20.30.40'), pth(6, '10.20.30.41')]));
  assert.deepEqual(s.map((x) => [x.group.account, x.group.src_ip]).sort(), [['corp\\administrator', '10.20.30.40'], ['corp\\administrator', '10.20.30.41']]);
  assert.equal(s[0]!.severity, 'medium');
  // SID-typed values rendered as the resolved name instead of the SID string
  assert.equal((await fires('win-pass-the-hash-ntlm', winEvents([logon(0, { KeyLength: 0, SubjectUserSid: '\\NULL SID' })]))).length, 1);
  const none = async (events: LogEvent[], why: string) => assert.equal((await fires('win-pass-the-hash-ntlm', events)).length, 0, why);
  // the hand-written fixture's own 4624: NTLM V2 with a 128-bit key
  await none(ingestWin(sample('winevtlog-out-http-body.json').filter((r) => r.EventID === 4624)), 'the fixture 4624 (KeyLength 128)');
  await none(winEvents([logon(0, { KeyLength: 0, TargetUserName: 'ANONYMOUS LOGON', TargetUserSid: 'S-1-5-7', TargetDomainName: 'NT AUTHORITY' })]), 'null session');
  await none(winEvents([logon(0, { KeyLength: 0, LogonProcessName: 'Kerberos', AuthenticationPackageName: 'Kerberos' })]), 'Kerberos network logon');
  await none(winEvents([logon(0, { KeyLength: 0, ...SUBJECT('alice') })]), 'a subject other than NULL SID');
});

// ---------------------------------------------------------------------------------------------
// PsExec-style remote execution

const serviceInstalled = (t: number, name: string, image: string, computer = 'FS01.corp.example.com'): WinRecordSpec => ({
  t, channel: 'System', eventId: 7045, provider: 'Service Control Manager', qualifiers: 16384, keywords: '0x8080000000000000', computer, userId: 'CORP\\mallory',
  data: { ServiceName: name, ImagePath: image, ServiceType: 'user mode service', StartType: 'demand start', AccountName: 'LocalSystem' },
});

test('win-remote-exec-service: PsExec, PAExec, RemCom, Impacket psexec/smbexec and ADMIN$ binaries fire, one alert per service; ordinary services do not', async () => {
  const cases: Array<[string, string, string]> = [
    ['PSEXESVC', '%SystemRoot%\\PSEXESVC.exe', 'psexec'],
    ['PAExec-4812-WS07', 'C:\\Windows\\PAExec-4812-WS07.exe', 'paexec'],
    ['RemComSvc', '%SystemRoot%\\RemComSvc.exe', 'remcom'],
    ['BTOBTO', '%COMSPEC% /Q /c echo cd  ^> \\\\127.0.0.1\\C$\\__output 2^>^&1 > %TEMP%\\execute.bat & %COMSPEC% /Q /c %TEMP%\\execute.bat & del %TEMP%\\execute.bat', 'smbexec'],
    ['RKQh', '%systemroot%\\KQdzlSeM.exe', 'admin-share'],
    ['4f2c1a7', '\\\\FS01\\ADMIN$\\4f2c1a7.exe', 'admin-share'],
  ];
  for (const [i, [name, image, tool]] of cases.entries()) {
    const events = winEvents([serviceInstalled(i, name, image)]);
    const s = await fires('win-remote-exec-service', events);
    assert.equal(s.length, 1, name);
    assert.equal((await fires('win-service-installed', events)).length, 0, `${name}: one install, one alert`);
    assert.deepEqual((s[0]!.fields as Record<string, string[]>).tool, [tool], name);
    assert.equal(s[0]!.group.service, name);
  }
  // 4697 (Security System Extension) names the binary ServiceFileName
  const sec = await fires('win-remote-exec-service', winEvents([security(0, 4697, { ...SUBJECT('mallory'), ServiceName: 'PSEXESVC', ServiceFileName: '%SystemRoot%\\PSEXESVC.exe', ServiceType: '0x10', ServiceStartType: 3, ServiceAccount: 'LocalSystem' })]));
  assert.equal(sec.length, 1);
  const none = async (specs: WinRecordSpec[], why: string) => assert.equal((await fires('win-remote-exec-service', winEvents(specs))).length, 0, why);
  await none([
    serviceInstalled(0, 'gupdate', '"C:\\Program Files (x86)\\Google\\Update\\GoogleUpdate.exe" /svc'),
    serviceInstalled(1, 'WinDefend', '"C:\\ProgramData\\Microsoft\\Windows Defender\\platform\\4.18.26030.3011-0\\MsMpEng.exe"'),
    serviceInstalled(2, 'Netlogon', 'C:\\Windows\\system32\\lsass.exe'),
    serviceInstalled(3, 'updsvc', 'C:\\Users\\Public\\updsvc.exe'),
  ], 'ordinary and merely suspicious services (win-service-installed reports those)');
  assert.equal((await fires('win-service-installed', winEvents([serviceInstalled(0, 'updsvc', 'C:\\Users\\Public\\updsvc.exe')]))).length, 1);
  await none([{ ...serviceInstalled(0, 'PSEXESVC', '%SystemRoot%\\PSEXESVC.exe'), channel: 'Application' }], '7045 outside the System channel');
});

/** 5145 on the target as the PsExec client opens its pipes over IPC$. */
const pipeAccess = (t: number, pipe: string, ip = '10.20.30.40', computer = 'FS01.corp.example.com'): WinRecordSpec =>
  security(t, 5145, {
    ...SUBJECT('mallory'), ObjectType: 'File', IpAddress: ip, IpPort: '49876', ShareName: '\\\\*\\IPC$', ShareLocalPath: '',
    RelativeTargetName: pipe, AccessMask: '0x12019f', AccessList: '%%1538\r\n\t\t\t\t%%1541\r\n\t\t\t\t%%4416\r\n\t\t\t\t', AccessReason: '-',
  }, { computer });

test('win-remote-exec-pipes: PSEXESVC, RemCom and *-stdin/-stdout/-stderr pipes on IPC$ fire per host, source and tool; other pipes and shares do not', async () => {
  const s = await fires('win-remote-exec-pipes', winEvents([
    pipeAccess(0, 'PSEXESVC'),
    pipeAccess(1, 'PSEXESVC-WS07-4812-stdin'),
    pipeAccess(1, 'PSEXESVC-WS07-4812-stdout'),
    pipeAccess(1, 'PSEXESVC-WS07-4812-stderr'),
    pipeAccess(2, 'RemCom_stdinK8sQ1'),
    pipeAccess(3, 'csexecsvc-WS09-1200-stdin', '10.20.30.41'),
  ]));
  assert.deepEqual(s.map((x) => [x.group.src_ip, x.group.tool]).sort(), [['10.20.30.40', 'psexec'], ['10.20.30.40', 'remcom'], ['10.20.30.41', 'psexec-like']]);
  const none = async (specs: WinRecordSpec[], why: string) => assert.equal((await fires('win-remote-exec-pipes', winEvents(specs))).length, 0, why);
  await none([pipeAccess(0, 'srvsvc'), pipeAccess(1, 'lsarpc'), pipeAccess(2, 'spoolss')], 'ordinary RPC pipes');
  await none([{ ...pipeAccess(0, 'PSEXESVC-WS07-4812-stdin'), data: { ...pipeAccess(0, 'x').data, ShareName: '\\\\*\\C$', RelativeTargetName: 'Temp\\x-stdin' } }], 'a file on C$');
});

// ---------------------------------------------------------------------------------------------
// MSSQL brute force

/** 18456 as SQL Server writes it: classic provider, no template, so StringInserts only. */
const sqlLoginFailed = (t: number, ip: string, login = 'sa', provider = 'MSSQLSERVER'): WinRecordSpec => ({
  t, channel: 'Application', eventId: 18456, provider, qualifiers: 49152, level: 0, keywords: '0x90000000000000', computer: 'SQL01.corp.example.com',
  inserts: [login, ' Reason: Password did not match that for the login provided.', ` [CLIENT: ${ip}]`],
  message: `Login failed for user '${login}'. Reason: Password did not match that for the login provided. [CLIENT: ${ip}]`,
});

test('win-mssql-brute-force: 10 failed logins from one client within 5 minutes fire (default and named instances); the client comes from the inserts', async () => {
  const burst = Array.from({ length: 10 }, (_, i) => sqlLoginFailed(i * 20, '203.0.113.90', i % 3 ? 'sa' : 'admin', i % 2 ? 'MSSQLSERVER' : 'MSSQL$SQLEXPRESS'));
  const events = winEvents(burst);
  assert.equal(events[0]!.fields.event_data?.param3, ' [CLIENT: 203.0.113.90]', 'no template: named param1..3 by the normalizer');
  const s = await fires('win-mssql-brute-force', events);
  assert.equal(s.length, 1);
  assert.equal(s[0]!.group.src_ip, '203.0.113.90');
  assert.deepEqual([...((s[0]!.fields as Record<string, string[]>).login ?? [])].sort(), ['admin', 'sa']);
  // the message alone (no inserts) is enough
  const msgOnly = burst.map((b) => ({ ...b, inserts: [] }));
  assert.equal((await fires('win-mssql-brute-force', winEvents(msgOnly))).length, 1);
});

test('win-mssql-brute-force: 9 failures, local shared-memory clients, spread clients, slow retries and non-SQL providers do not fire', async () => {
  const none = async (specs: WinRecordSpec[], why: string) => assert.equal((await fires('win-mssql-brute-force', winEvents(specs))).length, 0, why);
  await none(Array.from({ length: 9 }, (_, i) => sqlLoginFailed(i, '203.0.113.90')), '9 failures');
  await none(Array.from({ length: 12 }, (_, i) => sqlLoginFailed(i, '<local machine>')), 'shared memory: no address');
  await none(Array.from({ length: 12 }, (_, i) => sqlLoginFailed(i, `203.0.113.${i}`)), 'one failure each from 12 clients');
  await none(Array.from({ length: 10 }, (_, i) => sqlLoginFailed(i * 60, '10.1.1.5', 'app_reporting')), 'a job retrying once a minute (10 in 9 minutes)');
  await none(Array.from({ length: 10 }, (_, i) => sqlLoginFailed(i, '203.0.113.90', 'sa', 'MyApp')), 'another provider using 18456');
});

// ---------------------------------------------------------------------------------------------
// SID History, DSRM

test('win-sid-history-added: 4765, 4766 and a 4738 that sets SidHistory fire; a 4738 without SidHistory does not', async () => {
  const target = { TargetUserName: 'svc-backup', TargetDomainName: 'CORP', TargetSid: 'S-1-5-21-3623811015-3361044348-30300820-1301' };
  const s = await fires('win-sid-history-added', winEvents([
    security(0, 4765, { ...target, SourceUserName: 'Administrator', SourceSid: 'S-1-5-21-1-2-3-500', ...SUBJECT('mallory'), PrivilegeList: '-', SidList: '%{S-1-5-21-1-2-3-500}' }),
    security(1, 4766, { ...target, TargetUserName: 'bob', SourceUserName: 'Domain Admins', SourceSid: 'S-1-5-21-1-2-3-512', ...SUBJECT('mallory'), PrivilegeList: '-' }),
    security(2, 4738, { Dummy: '-', ...target, TargetUserName: 'carol', ...SUBJECT('mallory'), PrivilegeList: '-', SamAccountName: '-', DisplayName: '-', SidHistory: '%{S-1-5-21-1-2-3-519}' }),
  ]));
  assert.deepEqual(s.map((x) => x.group.account).sort(), ['corp\\bob', 'corp\\carol', 'corp\\svc-backup']);
  assert.match(s.find((x) => x.group.account === 'corp\\svc-backup')!.summary, /added .*S-1-5-21-1-2-3-500 of Administrator.* by mallory/);
  const unchanged = winEvents([
    security(0, 4738, { Dummy: '-', ...target, ...SUBJECT('mallory'), PrivilegeList: '-', SidHistory: '-' }),
    security(1, 4738, { Dummy: '-', ...target, ...SUBJECT('mallory'), PrivilegeList: '-', SidHistory: '%%1793' }),
  ]);
  assert.equal((await fires('win-sid-history-added', unchanged)).length, 0);
});

test('win-dsrm-password-change: 4794 fires per DC with who set it; other account-management events do not', async () => {
  const s = await fires('win-dsrm-password-change', winEvents([security(0, 4794, { ...SUBJECT('mallory'), Workstation: 'DC01', Status: '0x0' })]));
  assert.equal(s.length, 1);
  assert.equal(s[0]!.group.host, 'dc01');
  assert.match(s[0]!.summary, /by corp\\mallory \(status 0x0\)/);
  assert.equal((await fires('win-dsrm-password-change', winEvents([security(0, 4793, { ...SUBJECT('mallory'), Workstation: 'DC01', Status: '0x0' })]))).length, 0, '4793 is a password policy check');
});

// ---------------------------------------------------------------------------------------------
// Defender Operational, Sysmon Operational

const defender = (t: number, eventId: number, threat: string, over: Record<string, string> = {}): WinRecordSpec => ({
  t, channel: 'Microsoft-Windows-Windows Defender/Operational', eventId, provider: 'Microsoft-Windows-Windows Defender', level: 3, computer: 'WS07.corp.example.com', userId: 'S-1-5-18',
  data: {
    'Product Name': 'Microsoft Defender Antivirus', 'Product Version': '4.18.26030.3011', 'Detection ID': '{0E0C1B3A-2D4F-4C55-9E7B-6A1F2B3C4D5E}',
    'Detection Time': '2026-11-21T10:00:00.000Z', Unused: '', Unused2: '', 'Threat ID': '2147735505', 'Threat Name': threat, 'Severity ID': '5',
    'Severity Name': 'Severe', 'Category ID': '34', 'Category Name': 'Tool', FWLink: 'https://go.microsoft.com/fwlink/?linkid=37020', 'Status Code': '1',
    'Status Description': '', State: '1', 'Source ID': '3', 'Source Name': 'Real-Time Protection', 'Process Name': 'C:\\Windows\\explorer.exe',
    'Detection User': 'CORP\\alice', Unused3: '', Path: 'file:_C:\\Users\\alice\\Downloads\\mimikatz.exe', 'Origin ID': '1', 'Origin Name': 'Local machine',
    'Execution ID': '0', 'Execution Name': 'Unknown', 'Type ID': '0', 'Type Name': 'Concrete', 'Pre Execution Status': '0', 'Action ID': '9',
    'Action Name': 'Not Applicable', Unused4: '', 'Error Code': '0x00000000', 'Error Description': 'The operation completed successfully. ', Unused5: '',
    'Post Clean Status': '0', 'Additional Actions ID': '0', 'Additional Actions String': 'No additional actions required', 'Remediation User': '', Unused6: '',
    'Security intelligence Version': 'AV: 1.449.142.0, AS: 1.449.142.0, NIS: 1.449.142.0', 'Engine Version': 'AM: 1.1.26030.3008, NIS: 1.1.26030.3008',
    ...over,
  },
});

test('win-defender-malware: real Defender Operational records (1116 then 1117 for one threat, a second threat, the SigmaHQ 1119 sample) fire per host and threat', async () => {
  const s = await fires('win-defender-malware', winEvents([
    defender(0, 1116, 'HackTool:Win32/Mimikatz.D'),
    defender(2, 1117, 'HackTool:Win32/Mimikatz.D', { 'Action ID': '2', 'Action Name': 'Quarantine' }),
    defender(5, 1116, 'Trojan:Win32/Wacatac.B!ml', { 'Category Name': 'Trojan', Path: 'file:_C:\\Users\\alice\\AppData\\Local\\Temp\\inv.exe' }),
  ], 'win.operational'));
  assert.deepEqual(s.map((x) => x.group.threat).sort(), ['HackTool:Win32/Mimikatz.D', 'Trojan:Win32/Wacatac.B!ml']);
  assert.match(s.find((x) => x.group.threat?.startsWith('HackTool'))!.summary, /mimikatz\.exe/);
  const redsun = await fires('win-defender-malware', ingestWin(sample('sigmahq-regression-sysmon-defender.json').filter((r) => r.EventID === 1119), 'win.operational'));
  assert.equal(redsun.length, 1);
  assert.equal(redsun[0]!.group.threat, 'Tool:Win32/EICAR_Test_File');
  assert.match(redsun[0]!.summary, /remediation failed \(critical\)/);
  const none = winEvents([
    { ...defender(0, 5007, 'x'), data: { 'Product Name': 'Microsoft Defender Antivirus', 'Old Value': '', 'New Value': 'HKLM\\SOFTWARE\\Microsoft\\Windows Defender\\Exclusions\\Paths\\C:\\Temp = 0x0' } },
    { ...defender(1, 1116, 'x'), channel: 'Application' },
  ]);
  assert.equal((await fires('win-defender-malware', none)).length, 0, 'config change 5007, and 1116 outside Defender Operational');
});

test('Sysmon Operational records normalize to the windows kind with host, event time, EventID, provider and EventData', () => {
  const [sysmon] = ingestWin(sample('sigmahq-regression-sysmon-defender.json').filter((r) => r.Channel === 'Microsoft-Windows-Sysmon/Operational'), 'win.operational');
  assert.ok(sysmon);
  assert.equal(sysmon.source.kind, 'windows');
  assert.equal(sysmon.source.channel, 'Microsoft-Windows-Sysmon/Operational');
  assert.equal(sysmon.source.tag, 'win.operational');
  assert.equal(sysmon.host, 'ar-win-dc', 'Computer, in the configured short host form');
  assert.equal(sysmon.time, '2025-10-25T13:44:33.000Z', 'TimeCreated, not the collection time');
  assert.equal(sysmon.time_source, 'line');
  assert.equal(sysmon.program, 'Microsoft-Windows-Sysmon');
  assert.equal(sysmon.fields.event_id, 1);
  assert.equal(sysmon.fields.event_data?.Image, 'C:\\Windows\\System32\\reg.exe');
  assert.equal(sysmon.fields.event_data?.ProcessId, 7112, 'typed values stay numbers');
  assert.match(String(sysmon.fields.event_data?.CommandLine), /^reg {2}query "HKLM\\SOFTWARE/);
  assert.match(sysmon.message, /^Microsoft-Windows-Sysmon event 1: /, 'Message is empty in the sample: a synthetic line');
});

test('no built-in rule fires on an ordinary Sysmon process creation or a PowerShell/Task Scheduler operational event', async () => {
  const events = [
    ...ingestWin(sample('sigmahq-regression-sysmon-defender.json').filter((r) => r.Channel === 'Microsoft-Windows-Sysmon/Operational'), 'win.operational'),
    ...winEvents([
      { t: 1, channel: 'Microsoft-Windows-PowerShell/Operational', eventId: 4104, provider: 'Microsoft-Windows-PowerShell', level: 5, data: { MessageNumber: 1, MessageTotal: 1, ScriptBlockText: 'Get-Process | Sort-Object CPU', ScriptBlockId: '1b0c3e2a-4d5f-4a6b-8c7d-9e0f1a2b3c4d', Path: '' } },
      { t: 2, channel: 'Microsoft-Windows-TaskScheduler/Operational', eventId: 106, provider: 'Microsoft-Windows-TaskScheduler', data: { TaskName: '\\Microsoft\\Windows\\Defrag\\ScheduledDefrag', UserContext: 'NT AUTHORITY\\SYSTEM' } },
    ], 'win.operational'),
  ];
  const builtins = (await allRules()).filter((r) => r.source === 'rule');
  assert.ok(builtins.some((r) => r.id === 'win-remote-exec-service'));
  const fired = runDetection(events, builtins).signals.map((s) => s.rule_id);
  assert.deepEqual(fired, []);
});

test('every Windows channel a built-in rule matches on is collected by the Windows agent config', async () => {
  const { loadConfig, list } = await import('../fluent-bit/fluent-bit-config.js');
  const collected = new Set(loadConfig('windows').pipeline.inputs.flatMap((i) => list(i.channels)).map((c) => c.toLowerCase()));
  const wanted = new Map<string, string[]>();
  for (const r of (await allRules()).filter((x) => x.source === 'rule' && x.channels)) {
    for (const ch of r.channels!) wanted.set(ch, [...(wanted.get(ch) ?? []), r.id]);
  }
  assert.ok(wanted.has('microsoft-windows-windows defender/operational'));
  for (const [ch, ids] of wanted) assert.ok(collected.has(ch), `${ch} (read by ${ids.join(', ')}) is not collected`);
});
