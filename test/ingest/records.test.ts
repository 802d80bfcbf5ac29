/** Per-record validation: long attacker-chosen content is truncated into an event, never a reason to dead-letter it. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfig } from '../../alert-service/src/config/load.js';
import { processRecords, withoutKey } from '../../alert-service/src/ingest/records.js';
import { classifyRecord, normalizeRecord, parseCollectorTime } from '../../alert-service/src/normalize/index.js';

const config = loadConfig({ env: {} });
const ctx = { receivedAt: new Date('2026-11-21T10:00:01Z'), dateKeys: config.ingest.date_keys, normalize: config.normalize };

test('request fields a client chooses (user agent, basic-auth user, method, long messages) cannot turn a record into a dead letter', () => {
  const long = (n: number) => 'A'.repeat(n);
  const records = [
    // nginx logs whatever the client sent, within its 8 KB header buffers
    { remote: '203.0.113.7', user: long(1000), method: 'GET', path: '/login', code: '401', size: '0', referer: '-', agent: long(6000), file: '/var/log/nginx/access.log', offset: 0 },
    { remote: '203.0.113.7', user: '-', method: long(100), path: '/', code: '400', size: '0', file: '/var/log/nginx/access.log', offset: 100 },
    { time: 'Nov 21 10:00:03', host: 'web1', ident: 'sshd', pid: '1', message: 'Invalid user ' + long(70_000) + ' from 203.0.113.7 port 1', file: '/var/log/auth.log', offset: 0 },
    { time: '2026-11-21T10:00:01Z', level: 'warn', msg: 'login failed for ' + long(70_000), file: '/var/log/myapp/api.log', offset: 0 },
    { EventID: 4104, EventRecordID: 9, Channel: 'Microsoft-Windows-PowerShell/Operational', Computer: 'WS1', TimeCreated: '2026-11-21 10:14:01 +0100', Level: 5, Message: 'Creating Scriptblock text: ' + long(70_000) },
  ];
  const { events, deadLetters } = processRecords(records, ctx);
  assert.deepEqual(deadLetters.map((d) => d.reason), []);
  assert.equal(events.length, records.length);
  assert.equal(events[0]!.fields.http_status, 401);
  assert.equal(events[0]!.fields.src_ip, '203.0.113.7');
  for (const e of events) assert.ok(e.message.length <= 16_384, `${e.source.kind} message of ${e.message.length}`);
});

/** The definition withoutKey short-cuts: delete the key from the parsed record. */
function byDelete(text: string, key: string): Record<string, unknown> {
  const rec = JSON.parse(text) as Record<string, unknown>;
  delete rec[key];
  return rec;
}

test('the date key is taken off a copy that is what delete leaves: same keys in the same order, hostile keys included', () => {
  const bodies = [
    '{"fb_time":"2026-11-21T10:00:01.000Z","log":"a","file":"/var/log/x.log","offset":1}',
    '{"log":"a","fb_time":"2026-11-21T10:00:01.000Z"}',
    '{"fb_time":1,"__proto__":{"polluted":true},"log":"b"}',
    '{"2":"two","fb_time":1,"1":"one","constructor":"c","hasOwnProperty":"h","log":"c"}',
    '{"fb_time":1}',
    '{"log":"no date key"}',
    '{"fb_time":1,"fb_time2":2,"":"empty","\\u0000":"nul"}',
  ];
  for (const text of bodies) {
    const want = byDelete(text, 'fb_time');
    const got = withoutKey(JSON.parse(text) as Record<string, unknown>, 'fb_time');
    assert.deepEqual(Object.keys(got), Object.keys(want), text);
    assert.equal(JSON.stringify(got), JSON.stringify(want), text);
    assert.equal(Object.getPrototypeOf(got), Object.prototype, text);
    assert.deepStrictEqual(got, want, text);
  }
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
});

test('a record with its date key first gives the event the record with the key deleted in place gives (ids, times, fields)', () => {
  const mk = (i: number) => ({ fb_time: `2026-11-21T10:00:0${i}.250Z`, file: '/var/log/auth.log', offset: i * 100, log: `Nov 21 10:00:0${i} web1 sshd[12]: Failed password for root from 203.0.113.${i} port 22 ssh2`, hostname: 'web1' });
  const json = (i: number) => ({ date: 1795304879.5 + i, file: '/var/log/myapp/api.log', offset: i, msg: `login failed ${i}`, level: 'warn', extra_key: { nested: [i] } });
  const records = [...[1, 2, 3].map(mk), ...[1, 2].map(json)];
  const fresh = () => JSON.parse(JSON.stringify(records)) as Array<Record<string, unknown>>;
  const { events, deadLetters } = processRecords(fresh(), ctx);
  assert.deepEqual(deadLetters, []);
  fresh().forEach((rec, i) => {
    const key = 'fb_time' in rec ? 'fb_time' : 'date';
    const collectedAt = parseCollectorTime(rec[key])!;
    delete rec[key];
    const want = normalizeRecord(rec, classifyRecord(rec)!, { receivedAt: ctx.receivedAt, collectedAt }, ctx.normalize);
    assert.deepStrictEqual(events[i], want);
  });
  assert.equal(new Set(events.map((e) => e.id)).size, records.length);
});

test('the tail line normalization reads exactly the tail-raw schema properties (ingest leaves any other date key in such a record)', async () => {
  const { schemaDocuments } = await import('../../alert-service/src/schema/registry.js');
  const { tailRawKeyRead } = await import('../../alert-service/src/normalize/index.js');
  const props = Object.keys((schemaDocuments().get('records/tail-raw.schema.json') as { properties: object }).properties);
  for (const k of props) assert.ok(tailRawKeyRead(k), k);
  for (const k of ['fb_time', 'date', 'message', 'msg', 'time', 'EventRecordID', '__CURSOR', '__proto__', '']) assert.equal(tailRawKeyRead(k), false, k);
});

test('records keeping their date key give the events and dead letters of records with the key deleted, for every date key (schema and classifier keys too)', async () => {
  const { validatorFor, describeErrors } = await import('../../alert-service/src/schema/registry.js');
  const { recordSchemaFile, isBlankRecord } = await import('../../alert-service/src/normalize/index.js');
  const T = '2026-11-21T10:00:01.250Z';
  const line = 'Nov 21 10:00:01 web1 sshd[12]: Failed password for root from 203.0.113.9 port 22 ssh2';
  const keys = ['fb_time', 'date', 'log', 'offset', 'file', 'hostname', 'source_kind', 'inode', 'message', 'msg', 'EventRecordID', 'MESSAGE', 'code', 'time'];
  for (const key of keys) {
    const records: Array<Record<string, unknown>> = [
      { [key]: T, log: line, file: '/var/log/auth.log', offset: 10, hostname: 'web1' },
      { log: line, [key]: 1795304879.5, file: '/var/log/auth.log', offset: 20, inode: 7 },
      { [key]: T, log: line, offset: -1 }, // invalid offset: a dead letter
      { [key]: T, log: line, source_kind: 'nope' }, // invalid kind
      { [key]: T, log: 'é \ud800 ' + line, file: '', offset: 2 ** 53 + 2 },
      { [key]: T, log: '   ' }, // blank
      { [key]: T, log: 42 }, // not a tail line then
      { [key]: 'not a time', log: line, offset: 5 }, // the key stays: it is not a timestamp
      { [key]: T, message: 'hello', ident: 'x', file: '/var/log/syslog', offset: 3 },
      { [key]: T },
      { [key]: T, log: line, EventRecordID: 5 },
    ];
    const c = { ...ctx, dateKeys: [key] };
    const got = processRecords(JSON.parse(JSON.stringify(records)) as unknown[], c);
    const events: unknown[] = [];
    const reasons: string[] = [];
    const texts: string[] = [];
    (JSON.parse(JSON.stringify(records)) as Array<Record<string, unknown>>).forEach((rec, i) => {
      const t = parseCollectorTime(rec[key]);
      if (t) delete rec[key];
      const shape = classifyRecord(rec);
      if (!shape) {
        reasons.push(`record ${i}: unknown`);
        texts.push(JSON.stringify(rec));
        return;
      }
      const v = validatorFor(recordSchemaFile(shape));
      if (!v(rec)) {
        reasons.push(`record ${i} (${shape}): ${describeErrors(v.errors)}`);
        texts.push(JSON.stringify(rec));
        return;
      }
      if (isBlankRecord(rec, shape)) return;
      events.push(normalizeRecord(rec, shape, { receivedAt: ctx.receivedAt, ...(t ? { collectedAt: t } : {}) }, ctx.normalize));
    });
    assert.deepStrictEqual(got.events, events, key);
    assert.deepEqual(got.deadLetters.map((d) => (d.reason.includes('unknown record shape') ? d.reason.slice(0, d.reason.indexOf(':')) + ': unknown' : d.reason)), reasons, key);
    assert.deepEqual(got.deadLetters.map((d) => d.record), texts, key);
  }
});
