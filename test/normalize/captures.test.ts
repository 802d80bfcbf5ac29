/**
 * Every record of every captured Fluent Bit request (and the Windows sample) normalizes into a
 * schema-valid LogEvent with the expected time, host, program, pid, severity and fields.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { EventFields, LogEvent } from '../../alert-service/src/generated/schema-types.js';
import { ingestOne, loadCaptures, loadWindows, assertSubset, type Capture } from './helpers.js';

interface Expect {
  time: string;
  severity: LogEvent['severity'];
  program?: string;
  pid?: number;
  host?: string;
  timeSource?: LogEvent['time_source'];
  message?: string;
  fields: EventFields;
}

/** /var/log/auth.log, by byte offset: the raw capture and the parsed capture hold the same lines. */
const AUTH: Record<number, Expect> = {
  0: { time: '2026-11-21T09:58:01.000Z', severity: 'info', program: 'CRON', pid: 2210, fields: { user: 'root' } },
  104: { time: '2026-11-21T10:00:01.000Z', severity: 'warning', program: 'sshd', pid: 3101, message: 'Invalid user admin from 203.0.113.7 port 40112', fields: { user: 'admin', src_ip: '203.0.113.7', src_port: 40112 } },
  184: { time: '2026-11-21T10:00:03.000Z', severity: 'warning', program: 'sshd', pid: 3101, fields: { user: 'admin', src_ip: '203.0.113.7', src_port: 40112 } },
  289: { time: '2026-11-21T10:00:05.000Z', severity: 'warning', program: 'sshd', pid: 3102, fields: { user: 'root', src_ip: '203.0.113.7', src_port: 40118 } },
  380: { time: '2026-11-21T10:00:07.000Z', severity: 'warning', program: 'sshd', pid: 3103, fields: { user: 'root', src_ip: '203.0.113.7', src_port: 40120 } },
  471: { time: '2026-11-21T10:00:09.000Z', severity: 'warning', program: 'sshd', pid: 3104, fields: { user: 'root', src_ip: '203.0.113.7' } },
  615: { time: '2026-11-21T10:00:11.000Z', severity: 'warning', program: 'sshd', pid: 3104, fields: { user: 'root', src_ip: '203.0.113.7', src_port: 40122 } },
  706: { time: '2026-11-21T10:00:12.000Z', severity: 'info', program: 'sshd', pid: 3104, fields: { user: 'root', src_ip: '203.0.113.7', src_port: 40122 } },
  818: { time: '2026-11-21T10:01:30.000Z', severity: 'info', program: 'sshd', pid: 3120, fields: { user: 'deploy', src_ip: '198.51.100.20', src_port: 51022 } },
  976: { time: '2026-11-21T10:02:02.000Z', severity: 'warning', program: 'sudo', fields: { user: 'alice', actor: 'alice' } },
  1124: {
    time: '2026-11-21T10:02:09.000Z', severity: 'warning', program: 'sudo',
    message: 'alice : 3 incorrect password attempts ; TTY=pts/0 ; PWD=/home/alice ; USER=root ; COMMAND=/usr/bin/bash',
    fields: { user: 'root', actor: 'alice' },
  },
  1258: { time: '2026-11-21T10:03:15.000Z', severity: 'info', program: 'sudo', fields: { user: 'root', actor: 'deploy' } },
  1374: { time: '2026-11-21T10:04:40.000Z', severity: 'warning', program: 'sshd', pid: 3150, fields: { user: 'test', src_ip: '2001:db8::42', src_port: 33022 } },
  1479: { time: '2026-11-21T10:05:00.000Z', severity: 'notice', program: 'useradd', pid: 3160, fields: { user: 'backup2' } },
};

/** /var/log/nginx/access.log, by offset (raw and parsed). */
const ACCESS: Record<number, Expect> = {
  0: { time: '2026-11-21T10:00:01.000Z', severity: 'info', program: 'nginx', fields: { src_ip: '198.51.100.20', http_method: 'GET', http_path: '/', http_status: 200, http_bytes: 612, user_agent: 'Mozilla/5.0 (X11; Linux x86_64)' } },
  110: { time: '2026-11-21T10:00:02.000Z', severity: 'warning', program: 'nginx', fields: { src_ip: '203.0.113.50', http_method: 'GET', http_path: '/wp-login.php', http_status: 404, http_bytes: 153, user_agent: 'python-requests/2.31' } },
  220: { time: '2026-11-21T10:00:03.000Z', severity: 'warning', program: 'nginx', fields: { src_ip: '203.0.113.50', user: 'admin', http_method: 'POST', http_path: '/admin/login', http_status: 401, http_bytes: 0, user_agent: 'python-requests/2.31' } },
  332: { time: '2026-11-21T10:00:04.000Z', severity: 'warning', program: 'nginx', fields: { src_ip: '203.0.113.50', user: 'admin', http_method: 'POST', http_path: '/admin/login', http_status: 401, http_bytes: 0, user_agent: 'python-requests/2.31' } },
  444: { time: '2026-11-21T10:00:05.000Z', severity: 'warning', program: 'nginx', fields: { src_ip: '203.0.113.50', http_method: 'GET', http_path: '/.env', http_status: 403, http_bytes: 153, user_agent: 'curl/8.5.0' } },
  536: {
    time: '2026-11-21T10:00:06.000Z', severity: 'error', program: 'nginx',
    fields: { src_ip: '198.51.100.21', http_method: 'GET', http_path: '/api/items?id=1%27%20OR%201=1--', http_status: 500, http_bytes: 35, http_referer: 'https://example.com/', user_agent: 'Mozilla/5.0' },
  },
};

const DB1_AUTH: Record<number, Expect> = {
  0: { time: '2026-11-21T10:10:01.482Z', severity: 'warning', host: 'db1', program: 'sshd', pid: 7001, fields: { user: 'oracle', src_ip: '192.0.2.99', src_port: 60022 } },
  121: { time: '2026-11-21T10:10:02.003Z', severity: 'warning', host: 'db1', program: 'sshd', pid: 7002, fields: { user: 'oracle', src_ip: '192.0.2.99', src_port: 60024 } },
  242: { time: '2026-11-21T10:10:02.771Z', severity: 'warning', host: 'db1', program: 'sshd', pid: 7003, fields: { user: 'oracle', src_ip: '192.0.2.99', src_port: 60024 } },
  361: { time: '2026-11-21T10:12:44.100Z', severity: 'info', host: 'db1', program: 'sudo', pid: 7010, message: 'bob : TTY=pts/2 ; PWD=/home/bob ; USER=root ; COMMAND=/usr/bin/apt upgrade', fields: { user: 'root', actor: 'bob' } },
};

const ORDERS: Expect[] = [
  { time: '2026-11-21T10:00:01.120Z', severity: 'info', program: 'orders', message: 'order created', fields: { user: 'carol', extra: { order_id: 'A-1001' } } },
  { time: '2026-11-21T10:00:02.500Z', severity: 'error', program: 'orders', message: 'payment gateway timeout after 30000ms', fields: { extra: { order_id: 'A-1002', err: { code: 'ETIMEDOUT' } } } },
  // The app's own "date" field: in the raw line's JSON it is content; in the parsed record it
  // replaced Fluent Bit's date key (captures README), is no timestamp, so ingest keeps it as content too.
  { time: '2026-11-21T10:00:03.001Z', severity: 'warning', program: 'orders', message: 'retrying payment', fields: { extra: { attempt: 2, date: 'user-supplied date field' } } },
];

const SYSLOG: Expect[] = [
  { time: '2026-11-21T10:00:00.000Z', severity: 'info', program: 'systemd', pid: 1, message: 'Started Daily apt download activities.', fields: {} },
  { time: '2026-11-21T10:00:20.000Z', severity: 'error', program: 'kernel', fields: {} },
  { time: '2026-11-21T10:00:21.000Z', severity: 'warning', program: 'systemd', pid: 1, fields: {} },
  { time: '2026-11-21T10:00:21.000Z', severity: 'warning', program: 'systemd', pid: 1, fields: {} },
  { time: '2026-11-21T10:00:22.000Z', severity: 'error', program: 'kernel', fields: {} },
];

const NGINX_ERROR: Expect[] = [
  { time: '2026-11-21T10:00:03.000Z', severity: 'error', program: 'nginx', pid: 811, fields: { src_ip: '203.0.113.50', http_method: 'GET', http_path: '/wp-login.php' } },
  { time: '2026-11-21T10:00:04.000Z', severity: 'warning', program: 'nginx', pid: 811, fields: { src_ip: '198.51.100.20', http_method: 'GET', http_path: '/big' } },
];

const WORKER: Expect[] = [
  { time: '2026-11-21T10:00:05.113Z', severity: 'error', program: 'worker', message: '[worker-3] Job 8812 failed: ConnectionRefusedError: [Errno 111] Connection refused', fields: {} },
  { time: '2026-11-21T10:00:06.001Z', severity: 'info', program: 'worker', message: '[worker-1] Job 8813 done in 120 ms', fields: {} },
];

function check(ev: LogEvent, e: Expect, where: string, agentHost: string | undefined): void {
  assert.equal(ev.time, e.time, `${where} time`);
  assert.equal(ev.time_source, e.timeSource ?? 'line', `${where} time_source`);
  assert.equal(ev.severity, e.severity, `${where} severity`);
  assert.equal(ev.program, e.program, `${where} program`);
  assert.equal(ev.pid, e.pid, `${where} pid`);
  assert.equal(ev.host, e.host ?? agentHost ?? 'unknown', `${where} host`);
  assert.equal(ev.agent_host, agentHost, `${where} agent_host`);
  if (e.message !== undefined) assert.equal(ev.message, e.message, `${where} message`);
  assert.deepEqual(ev.fields, e.fields, `${where} fields`);
  assert.match(ev.id, /^[0-9a-f]{32}$/);
  assert.equal(ev.received_at, '2026-11-22T00:00:00.000Z');
}

function expectationsFor(c: Capture, parsed: boolean): Array<Expect | undefined> {
  return c.records.map((r, i) => {
    const off = typeof r.offset === 'number' ? r.offset : -1;
    switch (r.file) {
      case '/var/log/auth.log': return AUTH[off] && { host: 'web1', ...AUTH[off] };
      case '/var/log/db1/auth.log': return DB1_AUTH[off];
      // the stock nginx parser consumed the line's time into the record time (the date key)
      case '/var/log/nginx/access.log': return ACCESS[off] && (parsed ? { ...ACCESS[off], timeSource: 'collector' } : ACCESS[off]);
      case '/var/log/nginx/error.log': return NGINX_ERROR[i];
      case '/var/log/syslog': return SYSLOG[i];
      case '/var/log/myapp/orders.log': return ORDERS[i];
      case '/var/log/myapp/worker.log': return WORKER[i];
      default: return undefined;
    }
  });
}

describe('captured Fluent Bit requests', () => {
  for (const folder of ['raw-gzip-json', 'parsed-json-lines'] as const) {
    for (const capture of loadCaptures(folder)) {
      it(`${capture.name} (${capture.records.length} records, tag ${capture.tag})`, () => {
        const expectations = expectationsFor(capture, folder === 'parsed-json-lines');
        const ids = new Set<string>();
        capture.records.forEach((rec, i) => {
          const e = expectations[i];
          assert.ok(e, `no expectation for ${capture.name} #${i}`);
          const ev = ingestOne(rec, capture.tag);
          const agentHost = typeof rec.hostname === 'string' ? rec.hostname : undefined;
          check(ev, e, `${capture.name} #${i}`, agentHost);
          assert.equal(ev.source.tag, capture.tag);
          assert.equal(ev.source.path, rec.file);
          assert.equal(ev.source.offset, rec.offset);
          ids.add(ev.id);
        });
        assert.equal(ids.size, capture.records.length, 'distinct lines get distinct ids');
      });
    }
  }

  it('source kinds follow the tag prefix', () => {
    const kinds = new Map<string, string>();
    for (const c of loadCaptures('raw-gzip-json')) kinds.set(c.name, ingestOne(c.records[0]!, c.tag).source.kind);
    assert.deepEqual(Object.fromEntries(kinds), {
      'raw-gzip-json/001.body': 'auth',
      'raw-gzip-json/002.body': 'auth',
      'raw-gzip-json/003.body': 'web_access',
      'raw-gzip-json/004.body': 'app',
      'raw-gzip-json/005.body': 'syslog',
      'raw-gzip-json/006.body': 'web_error',
      'raw-gzip-json/007.body': 'app',
    });
  });

  it('a raw line and the same line split by a Fluent Bit parser give the same content fields', () => {
    const raw = loadCaptures('raw-gzip-json')[0]!;
    const parsed = loadCaptures('parsed-json-lines')[0]!;
    for (let i = 0; i < raw.records.length; i++) {
      const a = ingestOne(raw.records[i]!, raw.tag);
      const b = ingestOne(parsed.records[i]!, parsed.tag);
      for (const k of ['time', 'program', 'pid', 'severity', 'message', 'fields'] as const) assert.deepEqual(b[k], a[k], `line ${i} ${k}`);
    }
  });

  it('web records split by the stock nginx parser keep the collector time (the parser consumed the line time)', () => {
    const web = loadCaptures('parsed-json-lines')[1]!;
    const ev = ingestOne(web.records[0]!, web.tag);
    assert.equal(ev.time_source, 'collector');
    assert.equal(ev.time, '2026-11-21T10:00:01.000Z');
    assert.equal(ev.host, 'unknown', 'the nginx parser host "-" is not a host');
  });
});

describe('Windows winevtlog sample', () => {
  const records = loadWindows();
  const events = records.map((r) => ingestOne(r, 'win.security'));

  it('every record normalizes with TimeCreated (host local +0100) converted to UTC', () => {
    assert.deepEqual(
      events.map((e) => e.time),
      [
        '2026-11-21T09:14:01.000Z', '2026-11-21T09:14:02.000Z', '2026-11-21T09:14:04.000Z', '2026-11-21T09:20:00.000Z',
        '2026-11-21T09:21:00.000Z', '2026-11-21T09:21:05.000Z', '2026-11-21T09:22:10.000Z', '2026-11-21T09:30:00.000Z',
        '2026-11-21T09:31:00.000Z', '2026-11-21T09:32:00.000Z',
      ],
    );
    for (const e of events) {
      assert.equal(e.time_source, 'line');
      assert.equal(e.host, 'fs01', 'Computer FS01.corp.example.com → short lower-case name');
      assert.equal(e.agent_host, 'fs01');
      assert.equal(e.source.kind, 'windows');
      assert.equal(e.source.tag, 'win.security');
    }
  });

  it('EventID, provider, channel, record id, severity and audit outcome', () => {
    const summary = events.map((e) => [e.fields.event_id, e.source.channel, e.source.record_id, e.program, e.pid, e.severity, e.fields.audit]);
    assert.deepEqual(summary, [
      [4625, 'Security', 88120, 'Microsoft-Windows-Security-Auditing', 640, 'warning', 'failure'],
      [4625, 'Security', 88121, 'Microsoft-Windows-Security-Auditing', 640, 'warning', 'failure'],
      [4625, 'Security', 88122, 'Microsoft-Windows-Security-Auditing', 640, 'warning', 'failure'],
      [1102, 'Security', 88130, 'Microsoft-Windows-Eventlog', 640, 'info', 'success'],
      [4720, 'Security', 88131, 'Microsoft-Windows-Security-Auditing', 640, 'info', 'success'],
      [4732, 'Security', 88132, 'Microsoft-Windows-Security-Auditing', 640, 'info', 'success'],
      [7045, 'System', 40211, 'Service Control Manager', 640, 'info', undefined],
      [7031, 'System', 40212, 'Service Control Manager', 640, 'error', undefined],
      [1000, 'Application', 120551, 'Application Error', 640, 'error', undefined],
      [4624, 'Security', 88140, 'Microsoft-Windows-Security-Auditing', 640, 'info', 'success'],
    ]);
    for (const e of events) assert.equal(e.fields.provider, e.program);
  });

  it('users, actors, source addresses and logon types come from EventData', () => {
    const who = events.map((e) => [e.fields.user, e.fields.actor, e.fields.src_ip, e.fields.src_port, e.fields.logon_type]);
    assert.deepEqual(who, [
      ['administrator', undefined, '203.0.113.66', 50211, 3], // SubjectUserName "-" is nobody
      ['administrator', undefined, '203.0.113.66', 50213, 3],
      ['admin', undefined, '203.0.113.66', 50220, 3],
      [undefined, 'mallory', undefined, undefined, undefined],
      ['svc-backup2', 'mallory', undefined, undefined, undefined],
      ['Administrators', 'mallory', undefined, undefined, undefined],
      [undefined, 'mallory', undefined, undefined, undefined], // from UserID CORP\mallory
      [undefined, undefined, undefined, undefined, undefined],
      [undefined, undefined, undefined, undefined, undefined],
      ['administrator', undefined, '203.0.113.66', 50290, 3],
    ]);
  });

  it('EventData is kept as a name → value map', () => {
    records.forEach((r, i) => assert.deepEqual(events[i]!.fields.event_data, r.EventData));
    assertSubset(events[6]!.fields.event_data, { ServiceName: 'updsvc', ImagePath: 'C:\\Users\\Public\\updsvc.exe' }, 'event_data');
  });

  it('messages are the rendered Message; ids follow Channel+EventRecordID+Computer', () => {
    assert.ok(events[0]!.message.startsWith('An account failed to log on.'));
    assert.equal(new Set(events.map((e) => e.id)).size, events.length);
    const again = ingestOne({ ...records[0]!, fb_time: '2026-11-22T10:00:00Z', hostname: 'other' }, 'win.security');
    assert.equal(again.id, events[0]!.id, 'a re-collected record keeps its id');
  });
});
