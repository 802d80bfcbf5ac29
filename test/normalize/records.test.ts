/** Record shapes: classification, JSON app logs, winlog, ids, bounds, host naming, errors. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  classifyRecord, normalizeRawLine, normalizeRecord, NormalizeError, recordSchemaFile, type RecordShape,
} from '../../alert-service/src/normalize/index.js';
import { validatorFor } from '../../alert-service/src/schema/registry.js';
import { assertValidEvent, cfg, loadCaptures, loadWindows } from './helpers.js';

const ctx = { tag: 'app.var.log.myapp.api.log', collectedAt: new Date('2026-11-21T10:00:00Z'), receivedAt: new Date('2026-11-21T10:00:01Z') };

function app(rec: Record<string, unknown>, config = cfg()) {
  assert.equal(classifyRecord(rec), 'app_json');
  const ev = normalizeRecord(rec, 'app_json', ctx, config);
  assertValidEvent(ev);
  return ev;
}

describe('classifyRecord', () => {
  const shapes: Array<[Record<string, unknown>, RecordShape | undefined]> = [
    [{ log: 'Nov 21 10:00:01 web1 sshd[1]: x', file: '/var/log/auth.log', offset: 0, hostname: 'web1' }, 'tail_raw'],
    [{ log: '{"msg":"x"}', stream: 'stdout' }, 'tail_raw'],
    [{ time: 'Nov 21 10:00:01', host: 'web1', ident: 'sshd', pid: '1', message: 'x' }, 'tail_parsed'],
    [{ pri: '34', time: 'Nov 21 10:00:01', host: 'web1', ident: 'su', message: 'x' }, 'tail_parsed'],
    [{ time: 'Nov 21 10:00:01', host: 'web1', message: 'no ident' }, 'tail_parsed'],
    [{ remote: '1.2.3.4', host: '-', user: '-', method: 'GET', path: '/', code: '200', size: '1' }, 'tail_parsed'],
    [{ host: '1.2.3.4', user: '-', method: 'GET', path: '/', code: '200', size: '1' }, 'tail_parsed'],
    [{ time: '2026-11-21T10:00:01Z', level: 'info', msg: 'x' }, 'app_json'],
    [{ '@timestamp': '2026-11-21T10:00:01Z', message: 'x', host: 'h' }, 'app_json'],
    [{ event: 'structlog event', level: 'warning' }, 'app_json'],
    [{ EventID: 4625, EventRecordID: 1, Channel: 'Security', Computer: 'h', TimeCreated: '2026-11-21 10:00:00 +0000' }, 'winevtlog'],
    [{ RecordNumber: 1, EventID: 1, Channel: 'System', ComputerName: 'h', TimeGenerated: '2026-11-21 10:00:00 +0000' }, 'winlog'],
    [{}, undefined],
    [{ foo: 'bar' }, undefined],
    [{ log: 42 }, undefined],
    [{ code: '200' }, undefined],
  ];
  for (const [rec, shape] of shapes) {
    it(`${JSON.stringify(rec).slice(0, 70)} → ${shape}`, () => assert.equal(classifyRecord(rec), shape));
  }

  it('junk that is not an object is unknown, never a throw', () => {
    for (const junk of [null, [], 'x', 42, [{ log: 'x' }]]) assert.equal(classifyRecord(junk as unknown as Record<string, unknown>), undefined);
  });

  it('every captured record classifies to a shape whose schema accepts it', () => {
    const all = [...loadCaptures('raw-gzip-json'), ...loadCaptures('parsed-json-lines')].flatMap((c) => c.records).concat(loadWindows());
    const seen = new Set<string>();
    for (const r of all) {
      const shape = classifyRecord(r);
      assert.ok(shape);
      seen.add(shape);
      assert.ok(validatorFor(recordSchemaFile(shape))(r), `${shape} schema rejects ${JSON.stringify(r).slice(0, 100)}`);
    }
    assert.deepEqual([...seen].sort(), ['app_json', 'tail_parsed', 'tail_raw', 'winevtlog']);
  });

  it('recordSchemaFile names an existing schema for each shape', () => {
    for (const s of ['tail_raw', 'tail_parsed', 'app_json', 'winevtlog', 'winlog'] as const) assert.equal(typeof validatorFor(recordSchemaFile(s)), 'function');
  });
});

describe('JSON application logs', () => {
  it('pino numeric levels 10..60', () => {
    const levels = [10, 20, 30, 40, 50, 60].map((level) => app({ level, time: 1795255201123, pid: 77, hostname: 'api-1', name: 'api', msg: 'm' }).severity);
    assert.deepEqual(levels, ['debug', 'debug', 'info', 'warning', 'error', 'critical']);
    const ev = app({ level: 30, time: 1795255201123, pid: 77, name: 'api', msg: 'm', reqId: 'r1' });
    assert.deepEqual([ev.time, ev.pid, ev.program, ev.fields.extra], ['2026-11-21T10:00:01.123Z', 77, 'api', { reqId: 'r1' }]);
  });

  it('level words of many loggers, syslog numbers, numeric strings, ECS log.level', () => {
    const sev = (level: unknown) => app({ msg: 'm', level }).severity;
    assert.deepEqual(
      ['TRACE', 'debug', 'INFO', 'notice', 'WARN', 'warning', 'err', 'ERROR', 'crit', 'FATAL', 'dpanic', 'panic', 'alert', 'emerg'].map(sev),
      ['debug', 'debug', 'info', 'notice', 'warning', 'warning', 'error', 'error', 'critical', 'critical', 'critical', 'emergency', 'alert', 'emergency'],
    );
    assert.deepEqual([0, 3, 4, 6, 7].map(sev), ['emergency', 'error', 'warning', 'info', 'debug']);
    assert.equal(sev('50'), 'error');
    assert.equal(app({ message: 'm', severity: 'WARNING' }).severity, 'warning');
    assert.equal(app({ message: 'm', levelname: 'CRITICAL' }).severity, 'critical');
    assert.equal(app({ message: 'm', log: { level: 'error' } }).severity, 'error');
    assert.equal(app({ message: 'something failed' }).severity, 'warning', 'no level: content heuristic');
    assert.equal(app({ message: 'm', level: 'bogus-level' }).severity, 'info');
  });

  it('http, ip and user fields from flat and pino-http shapes', () => {
    const flat = app({ msg: 'req', method: 'POST', path: '/login', status: 401, client_ip: '2001:DB8::1', user: 'eve' });
    assert.deepEqual(flat.fields, { src_ip: '2001:db8::1', user: 'eve', http_status: 401, http_method: 'POST', http_path: '/login' });
    assert.equal(flat.severity, 'warning');
    const pinoHttp = app({ level: 30, msg: 'request completed', req: { method: 'GET', url: '/x', remoteAddress: '::ffff:10.0.0.5' }, res: { statusCode: 502 } });
    assert.deepEqual([pinoHttp.fields.src_ip, pinoHttp.fields.http_method, pinoHttp.fields.http_path, pinoHttp.fields.http_status, pinoHttp.severity], ['10.0.0.5', 'GET', '/x', 502, 'info']);
  });

  it('extra is bounded: key count, value size, __proto__ keys dropped, transport keys excluded', () => {
    const many: Record<string, unknown> = { msg: 'm', file: '/var/log/myapp/api.log', offset: 5, hostname: 'h', source_kind: 'app' };
    for (let i = 0; i < 200; i++) many[`k${i}`] = i;
    const ev = app(many);
    assert.equal(Object.keys(ev.fields.extra ?? {}).length, 64);
    assert.ok(!('file' in (ev.fields.extra ?? {})) && !('hostname' in (ev.fields.extra ?? {})));
    assert.equal(ev.source.offset, 5);
    const big = app({ msg: 'm', blob: 'x'.repeat(100_000), nested: { deep: 'y'.repeat(50_000) } }, cfg({ max_extra_chars: 1000 }));
    assert.ok(JSON.stringify(big.fields.extra).length < 1200);
    const proto = JSON.parse('{"msg":"m","__proto__":{"polluted":true},"ok":1,"n":{"__proto__":{"x":1}}}') as Record<string, unknown>;
    const p = app(proto);
    assert.deepEqual(Object.keys(p.fields.extra ?? {}), ['ok', 'n']);
    assert.deepEqual((p.fields.extra as Record<string, unknown>).n, {}, 'nested __proto__ keys dropped too');
    assert.equal(Object.getPrototypeOf((p.fields.extra as Record<string, unknown>).n), Object.prototype);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });

  it('app program is the logger name, else the file name', () => {
    assert.equal(app({ msg: 'm', file: '/var/log/myapp/orders.log' }).program, 'orders');
    assert.equal(app({ msg: 'm', service: 'billing', file: '/var/log/myapp/orders.log' }).program, 'billing');
  });
});

describe('winlog (older input) records', () => {
  const base = {
    RecordNumber: 9912, TimeGenerated: '2026-11-21 10:14:01 +0100', TimeWritten: '2026-11-21 10:14:01 +0100', EventID: 4625, Qualifiers: 0,
    EventType: 'FailureAudit', EventCategory: 12544, Channel: 'Security', SourceName: 'Microsoft-Windows-Security-Auditing', ComputerName: 'DC01.corp.example.com',
    Data: '', Sid: '', Message: 'An account failed to log on.',
    StringInserts: ['S-1-0-0', '-', '-', '0x0', 'S-1-0-0', 'administrator', 'CORP', '0xc000006d', '%%2313', '0xc000006a', '3', 'NtLmSsp ', 'NTLM', 'KALI', '-', '-', '0', '0x0', '-', '203.0.113.66', '50211'],
    hostname: 'DC01',
  };

  it('maps EventType, inserts (by the event template) and identity', () => {
    assert.equal(classifyRecord(base), 'winlog');
    assert.ok(validatorFor(recordSchemaFile('winlog'))(base));
    const ev = normalizeRecord(base, 'winlog', { receivedAt: new Date('2026-11-21T10:00:00Z') }, cfg());
    assertValidEvent(ev);
    assert.deepEqual(
      [ev.time, ev.host, ev.agent_host, ev.source.kind, ev.source.channel, ev.source.record_id, ev.program, ev.severity, ev.fields.audit, ev.fields.event_id],
      ['2026-11-21T09:14:01.000Z', 'dc01', 'dc01', 'windows', 'Security', 9912, 'Microsoft-Windows-Security-Auditing', 'warning', 'failure', 4625],
    );
    assert.deepEqual([ev.fields.user, ev.fields.src_ip, ev.fields.src_port, ev.fields.logon_type], ['administrator', '203.0.113.66', 50211, 3]);
    assert.equal(ev.fields.event_data?.TargetUserName, 'administrator');
    assert.equal(ev.fields.event_data?.IpAddress, '203.0.113.66');
  });

  it('EventType words; qualifier bits above 16 dropped from EventID; unknown events get paramN', () => {
    const sev = (EventType: string) => normalizeRecord({ ...base, EventType }, 'winlog', { receivedAt: new Date() }, cfg());
    assert.deepEqual(['Error', 'Warning', 'Information', 'SuccessAudit', 'FailureAudit'].map((t) => [sev(t).severity, sev(t).fields.audit]), [
      ['error', undefined], ['warning', undefined], ['info', undefined], ['info', 'success'], ['warning', 'failure'],
    ]);
    const ev = normalizeRecord({ ...base, EventID: 0x40001b58, StringInserts: ['a', 'b'] }, 'winlog', { receivedAt: new Date() }, cfg());
    assert.equal(ev.fields.event_id, 7000);
    assert.deepEqual(ev.fields.event_data, { param1: 'a', param2: 'b' });
  });

  it('winevtlog EventID "" (no id) and Level mapping', () => {
    const w = loadWindows()[7]!;
    const sev = (Level: number) => normalizeRecord({ ...w, Level }, 'winevtlog', { receivedAt: new Date() }, cfg()).severity;
    assert.deepEqual([0, 1, 2, 3, 4, 5].map(sev), ['info', 'critical', 'error', 'warning', 'info', 'debug']);
    const noId = normalizeRecord({ ...w, EventID: '', Message: '', EventData: undefined, StringInserts: undefined }, 'winevtlog', { receivedAt: new Date() }, cfg());
    assertValidEvent(noId);
    assert.equal(noId.fields.event_id, undefined);
    assert.equal(noId.message, 'Service Control Manager event ?');
  });
});

describe('ids', () => {
  const rec = { log: 'Nov 21 10:00:01 web1 sshd[3101]: Invalid user admin from 203.0.113.7 port 40112', file: '/var/log/auth.log', offset: 104, hostname: 'web1' };
  const norm = (r: Record<string, unknown>, c: Partial<typeof ctx> = {}) => normalizeRecord(r, 'tail_raw', { ...ctx, tag: 'auth.x', ...c }, cfg()).id;

  it('the same record twice (a retried chunk) → the same id, whenever it is received', () => {
    assert.equal(norm(rec), norm({ ...rec }, { receivedAt: new Date('2027-01-01T00:00:00Z') }));
    assert.equal(norm(rec), norm(rec, { collectedAt: new Date('2026-11-22T00:00:00Z') }), 'with an offset the collection time does not matter');
  });

  it('same line at another offset, another file or another agent → another id; rotated file (same offset, new content) → another id', () => {
    const ids = new Set([norm(rec), norm({ ...rec, offset: 0 }), norm({ ...rec, file: '/var/log/auth.log.1' }), norm({ ...rec, hostname: 'web2' }), norm({ ...rec, log: rec.log + ' ' })]);
    assert.equal(ids.size, 5);
  });

  it('without an offset: the collection time tells identical lines apart', () => {
    const { offset: _o, ...noOffset } = rec;
    assert.notEqual(norm(noOffset, { collectedAt: new Date(1) }), norm(noOffset, { collectedAt: new Date(2) }));
    assert.equal(norm(noOffset, { collectedAt: new Date(1) }), norm({ ...noOffset }, { collectedAt: new Date(1) }));
  });

  it('normalizeRawLine (CLI) gives the same id as ingest for the same line', () => {
    const cli = normalizeRawLine(rec.log, { path: rec.file, offset: rec.offset, host: 'web1' }, { receivedAt: new Date() }, cfg());
    assert.equal(cli.id, norm(rec));
    assert.equal(cli.source.kind, 'auth');
  });

  it('Windows ids: Channel + EventRecordID + Computer', () => {
    const w = loadWindows()[0]!;
    const id = (r: Record<string, unknown>) => normalizeRecord(r, 'winevtlog', { receivedAt: new Date() }, cfg()).id;
    assert.equal(id(w), id({ ...w, Message: 'different rendering' }));
    assert.notEqual(id(w), id({ ...w, EventRecordID: 88121 }));
    assert.notEqual(id(w), id({ ...w, Channel: 'System' }));
    assert.notEqual(id(w), id({ ...w, Computer: 'FS02.corp.example.com' }));
  });
});

describe('bounds, hosts and errors', () => {
  it('over-long fields are truncated to the schema limits, never rejected', () => {
    const long = 'A'.repeat(70_000);
    const ev = normalizeRecord(
      { remote: '203.0.113.1', host: '-', user: 'u'.repeat(1000), method: 'GET', path: '/' + 'p'.repeat(20_000), code: '200', size: '1', referer: 'r'.repeat(20_000), agent: 'a'.repeat(5000), file: '/var/log/nginx/access.log' },
      'tail_parsed', { tag: 't'.repeat(1000), receivedAt: new Date() }, cfg(),
    );
    assertValidEvent(ev);
    assert.equal(ev.fields.user?.length, 256);
    assert.equal(ev.fields.http_path?.length, 16384);
    assert.equal(ev.source.tag?.length, 512);
    const msg = normalizeRawLine(long, { path: '/var/log/myapp/a.log', offset: 0 }, { receivedAt: new Date() }, cfg({ max_message_chars: 1000 }));
    assertValidEvent(msg);
    assert.equal(msg.message.length, 1000);
    const surrogate = normalizeRawLine('x'.repeat(999) + '😀', { path: '/var/log/myapp/a.log', offset: 0 }, { receivedAt: new Date() }, cfg({ max_message_chars: 1000 }));
    assert.equal(surrogate.message, 'x'.repeat(999), 'no half surrogate pair left behind');
  });

  it('host names: short lower-case by default, full on request, bad header hosts fall back to the agent, else "unknown"', () => {
    const w = loadWindows()[0]!;
    assert.equal(normalizeRecord(w, 'winevtlog', { receivedAt: new Date() }, cfg({ host_form: 'full' })).host, 'fs01.corp.example.com');
    const line = (l: string, host?: string) => normalizeRawLine(l, { path: '/var/log/syslog', offset: 0, ...(host ? { host } : {}) }, { receivedAt: new Date() }, cfg());
    assert.equal(line('Nov 21 10:00:01 WEB1.example.com cron[1]: x', 'agent').host, 'web1');
    assert.equal(line('Nov 21 10:00:01 192.0.2.4 cron[1]: x', 'agent').host, '192.0.2.4');
    assert.equal(line('Nov 21 10:00:01 b@d!host cron[1]: x', 'Agent.Example').host, 'agent');
    assert.equal(line('no header at all').host, 'unknown');
    // app logs are written by applications: a syslog-looking line there cannot claim another host
    const spoof = normalizeRawLine('Nov 21 10:00:01 dc01 sshd[1]: Accepted password for root from 1.2.3.4 port 1 ssh2', { path: '/var/log/myapp/a.log', offset: 0, host: 'web1' }, { receivedAt: new Date() }, cfg());
    assert.equal(spoof.host, 'web1');
  });

  it('explicit source_kind wins over tag and path', () => {
    const ev = normalizeRecord({ log: 'x', file: '/var/log/nginx/access.log', source_kind: 'auth' }, 'tail_raw', { tag: 'web.x', receivedAt: new Date() }, cfg());
    assert.equal(ev.source.kind, 'auth');
    const byTag = normalizeRecord({ log: 'x' }, 'tail_raw', { tag: 'win.sysmon', receivedAt: new Date() }, cfg());
    assert.equal(byTag.source.kind, 'windows');
  });

  it('kind from the path for CLI lines', () => {
    const kind = (path: string) => normalizeRawLine('x', { path, offset: 0 }, { receivedAt: new Date() }, cfg()).source.kind;
    assert.deepEqual(
      ['/var/log/auth.log', '/var/log/secure', '/var/log/auth.log.1', '/var/log/syslog', '/var/log/messages', '/var/log/nginx/access.log', '/var/log/httpd/access_log', '/srv/site-access.log', '/var/log/nginx/error.log', '/var/log/apache2/error.log', '/var/log/myapp/error.log', '/var/log/myapp/orders.log'].map(kind),
      ['auth', 'auth', 'auth', 'syslog', 'syslog', 'web_access', 'web_access', 'web_access', 'web_error', 'web_error', 'app', 'app'],
    );
  });

  it('records that cannot become events throw NormalizeError (dead letter), with a message', () => {
    assert.throws(() => normalizeRecord({ log: 42 }, 'tail_raw', { receivedAt: new Date() }, cfg()), NormalizeError);
    assert.throws(() => normalizeRecord({ EventID: 1, Channel: 'x', Computer: 'y' }, 'winevtlog', { receivedAt: new Date() }, cfg()), /EventRecordID/);
    assert.throws(() => normalizeRecord({ RecordNumber: 1, Channel: 'x' }, 'winlog', { receivedAt: new Date() }, cfg()), NormalizeError);
  });

  it('control characters and markup are stored as sent (bounded); rendering layers escape', () => {
    const ev = normalizeRawLine('Nov 21 10:00:01 web1 sshd[1]: Invalid user <script>\u0007 from 192.0.2.1', { path: '/var/log/auth.log', offset: 0 }, { receivedAt: new Date() }, cfg());
    assertValidEvent(ev);
    assert.equal(ev.fields.user, '<script>\u0007');
  });
});

describe('line edge cases', () => {
  const line = (text: string, path = '/var/log/myapp/a.log') => {
    const ev = normalizeRawLine(text, { path, offset: 0, host: 'h' }, { receivedAt: new Date('2026-11-21T12:00:00Z') }, cfg());
    assertValidEvent(ev);
    return ev;
  };

  it('in app files, a level word after the timestamp makes an app line, a host and program make a syslog line', () => {
    const a = line('2026-11-21T10:00:05.113+01:00 WARN disk almost full');
    assert.deepEqual([a.time, a.severity, a.message], ['2026-11-21T09:00:05.113Z', 'warning', 'disk almost full']);
    const b = line('2026-11-21T10:10:01.482311+00:00 db1 sshd[7001]: Failed password for root from 192.0.2.1 port 22 ssh2');
    assert.deepEqual([b.host, b.program, b.pid, b.fields.user], ['h', 'sshd', 7001, 'root'], 'app files cannot name another host');
  });

  it('trailing CR/LF is not part of the message but is part of the id', () => {
    const a = line('Nov 21 10:00:01 web1 sshd[1]: Invalid user bob from 192.0.2.1\r\n', '/var/log/auth.log');
    const b = line('Nov 21 10:00:01 web1 sshd[1]: Invalid user bob from 192.0.2.1', '/var/log/auth.log');
    assert.equal(a.message, 'Invalid user bob from 192.0.2.1');
    assert.deepEqual(a.fields, b.fields);
    assert.notEqual(a.id, b.id);
  });

  it('empty lines and lines of only a header still make events', () => {
    assert.equal(line('').message, '');
    assert.equal(line('Nov 21 10:00:01 web1 ', '/var/log/syslog').message, '');
  });
});
