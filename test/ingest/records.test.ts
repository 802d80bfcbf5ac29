/** Per-record validation: long attacker-chosen content is truncated into an event, never a reason to dead-letter it. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfig } from '../../alert-service/src/config/load.js';
import { processRecords } from '../../alert-service/src/ingest/records.js';

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
