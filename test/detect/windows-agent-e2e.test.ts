/**
 * The Windows attack records travel the whole path over a real socket, as the agent posts them:
 * gzip JSON bodies tagged win.eventlog (Security/System) and win.operational (Defender, Sysmon) →
 * ingest (schema check) → normalize → store → event pump → the built-in rules → alert records.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import type { AlertingModule } from '../../alert-service/src/alerting/index.js';
import { postRaw, startTestService, type TestService } from '../helpers/service.js';
import { AUDIT_FAILURE, winRecord, type WinRecordSpec } from './windows-records.js';

const TOKEN = 'windows-e2e-token-0123456789';
const SEC = 'Microsoft-Windows-Security-Auditing';
let t: TestService;
let base: string;
const clock = { t: Date.parse('2026-11-21T10:30:00Z'), now(): number { return this.t; } };

before(async () => {
  t = await startTestService({ ingest: { tokens: [TOKEN] }, alerting: { geoip: { enabled: false } } as never }, { clock });
  base = `http://127.0.0.1:${await t.service.listen()}`;
});
after(async () => {
  await t.close();
});

const post = (tag: string, records: Array<Record<string, unknown>>) =>
  postRaw(base, '/v1/ingest', { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip', Authorization: `Bearer ${TOKEN}`, 'X-Fluent-Tag': tag }, gzipSync(JSON.stringify(records)));

const alerting = () => t.service.modules.find((m) => m.name === 'alerting') as AlertingModule;

test('Kerberos spraying, DCSync, PsExec and a Defender detection posted by the agent become one alert each', async () => {
  const spray: WinRecordSpec[] = Array.from({ length: 11 }, (_, i) => ({
    t: i * 15, channel: 'Security', eventId: 4771, provider: SEC, keywords: AUDIT_FAILURE,
    data: { TargetUserName: `user${i}`, TargetSid: `S-1-5-21-1-2-3-${1200 + i}`, ServiceName: 'krbtgt/CORP', TicketOptions: '0x40810010', Status: '0x18', PreAuthType: '2', IpAddress: '::ffff:10.66.1.9', IpPort: '50112', CertIssuerName: '', CertSerialNumber: '', CertThumbprint: '' },
  }));
  const dcsync: WinRecordSpec = {
    t: 200, channel: 'Security', eventId: 4662, provider: SEC,
    data: { SubjectUserSid: 'S-1-5-21-1-2-3-1104', SubjectUserName: 'mallory', SubjectDomainName: 'CORP', SubjectLogonId: '0x7a3f51', ObjectServer: 'DS', ObjectType: '%{19195a5b-6da0-11d0-afd3-00c04fd930c9}', ObjectName: '%{c6faf7b6-8b6a-4b2c-9b5e-2d3f1a0e4c11}', OperationType: 'Object Access', HandleId: '0x0', AccessList: '%%7688\r\n', AccessMask: '0x100', Properties: '%%7688\r\n{1131f6ad-9c07-11d1-f79f-00c04fc2dcd2}\r\n{19195a5b-6da0-11d0-afd3-00c04fd930c9}\r\n', AdditionalInfo: '-', AdditionalInfo2: '' },
  };
  const psexec: WinRecordSpec[] = [
    { t: 300, channel: 'System', eventId: 7045, provider: 'Service Control Manager', qualifiers: 16384, keywords: '0x8080000000000000', computer: 'FS01.corp.example.com', data: { ServiceName: 'PSEXESVC', ImagePath: '%SystemRoot%\\PSEXESVC.exe', ServiceType: 'user mode service', StartType: 'demand start', AccountName: 'LocalSystem' } },
    { t: 301, channel: 'Security', eventId: 5145, provider: SEC, computer: 'FS01.corp.example.com', data: { SubjectUserSid: 'S-1-5-21-1-2-3-1104', SubjectUserName: 'mallory', SubjectDomainName: 'CORP', SubjectLogonId: '0x7a3f51', ObjectType: 'File', IpAddress: '10.66.1.9', IpPort: '49876', ShareName: '\\\\*\\IPC$', ShareLocalPath: '', RelativeTargetName: 'PSEXESVC-WS07-4812-stdin', AccessMask: '0x12019f', AccessList: '%%1538\r\n', AccessReason: '-' } },
  ];
  const defender: WinRecordSpec = {
    t: 400, channel: 'Microsoft-Windows-Windows Defender/Operational', eventId: 1116, provider: 'Microsoft-Windows-Windows Defender', level: 3, computer: 'WS07.corp.example.com', userId: 'S-1-5-18',
    data: { 'Product Name': 'Microsoft Defender Antivirus', 'Threat ID': '2147735505', 'Threat Name': 'HackTool:Win32/Mimikatz.D', 'Severity Name': 'High', 'Category Name': 'Tool', 'Detection User': 'CORP\\alice', Path: 'file:_C:\\Users\\alice\\Downloads\\mimikatz.exe', 'Action Name': 'Not Applicable' },
  };

  assert.equal((await post('win.eventlog', [...spray, dcsync, ...psexec].map(winRecord))).status, 204);
  const chunk = [winRecord(defender)];
  assert.equal((await post('win.operational', chunk)).status, 204);
  // The same chunk retried by the agent: stored once (same Computer, Channel, EventRecordID).
  assert.equal((await post('win.operational', chunk)).status, 204);
  await t.service.pump.notify();

  const groups = (rule: string) => alerting().listAlerts({ rule, limit: 10 }).map((a) => a.group);
  assert.deepEqual(groups('win-kerberos-password-spraying'), [{ src_ip: '10.66.1.9' }]);
  assert.deepEqual(groups('win-dcsync'), [{ host: 'dc01', account: 'corp\\mallory' }]);
  assert.deepEqual(groups('win-remote-exec-service'), [{ host: 'fs01', service: 'PSEXESVC' }]);
  assert.deepEqual(groups('win-service-installed'), [], 'the PsExec install is one alert, not two');
  assert.deepEqual(groups('win-remote-exec-pipes'), [{ host: 'fs01', src_ip: '10.66.1.9', tool: 'psexec' }]);
  assert.deepEqual(groups('win-defender-malware'), [{ host: 'ws07', threat: 'HackTool:Win32/Mimikatz.D' }]);
  const stored = t.service.store.query({ host: 'ws07', limit: 10 });
  assert.equal(stored.length, 1, 'the retried Defender record is stored once');
  assert.equal(stored[0]!.source.channel, 'Microsoft-Windows-Windows Defender/Operational');
  assert.equal(stored[0]!.source.tag, 'win.operational');
});
