/**
 * Seeded random records and lines, built from fragments of real log syntax: normalization never
 * throws anything but NormalizeError on a schema-valid record, and every event it returns is
 * schema-valid. The seed is fixed, so a failure reproduces.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { SourceKind } from '../../alert-service/src/generated/schema-types.js';
import { classifyRecord, normalizeRawLine, normalizeRecord, NormalizeError, recordSchemaFile } from '../../alert-service/src/normalize/index.js';
import { validatorFor } from '../../alert-service/src/schema/registry.js';
import { assertValidEvent, cfg } from './helpers.js';
import { mulberry32 as seeded } from '../../alert-service/src/anomaly/forest/rng.js';

const mulberry32 = (seed: number) => seeded(seed).next;


const FRAGMENTS = [
  'Nov 21 10:00:01 ', 'Feb 29 23:59:60 ', '2026-11-21T10:10:01.482311+00:00 ', '<34>', '<999>', '1 ', 'web1 ', 'FS01.corp.example.com ', 'sshd[3101]: ', 'sudo: ', 'su[1]: ', 'useradd[2]: ', 'kernel: ',
  'Failed password for ', 'invalid user ', 'Accepted publickey for ', 'Invalid user ', ' from ', ' port ', '203.0.113.7', '2001:db8::42', '::ffff:1.2.3.4', '999.1.1.1', '[', ']', '"', '\\', '\\"',
  'pam_unix(sshd:auth): authentication failure; ', 'ruser=', 'rhost=', 'user=', ' ; ', 'USER=root', 'TTY=pts/0', 'COMMAND=/bin/sh', ' : ', '(to root) ', 'new user: name=', "'bob'",
  '198.51.100.20 - - [21/Nov/2026:10:00:01 +0000] "', 'GET /x HTTP/1.1', '" 200 612 "-" "', '2026/11/21 10:00:03 [error] 811#811: *19 ', ', client: ', ', request: "',
  '[Sat Nov 21 10:00:03.123456 2026] [core:error] [pid 1:tid 2] [client 1.2.3.4:5] ', '2026-11-21 10:00:05,113 ', 'ERROR ', 'WARN ', '{', '}', '"msg":', '"level":', '"time":', '60', '"x"', ',', ':',
  '\u0000', '\u0007', '\r', '\n', '\t', '😀', '\ud800', 'é', ' ', 'error', 'failed', 'Out of memory', 'a'.repeat(300),
];

function randomLine(rand: () => number): string {
  const n = 1 + Math.floor(rand() * 14);
  let s = '';
  for (let i = 0; i < n; i++) s += FRAGMENTS[Math.floor(rand() * FRAGMENTS.length)]!;
  return s;
}

function randomValue(rand: () => number): unknown {
  const r = rand();
  if (r < 0.45) return randomLine(rand);
  if (r < 0.6) return Math.floor(rand() * 100000) - 10;
  if (r < 0.65) return rand() * 1e13;
  if (r < 0.7) return null;
  if (r < 0.75) return rand() < 0.5;
  if (r < 0.85) return { k: randomLine(rand), n: [1, randomLine(rand)] };
  return [randomLine(rand)];
}

const KEYS = ['log', 'file', 'offset', 'hostname', 'source_kind', 'time', 'host', 'ident', 'pid', 'message', 'remote', 'user', 'method', 'path', 'code', 'size', 'referer', 'agent', 'msg', 'level', 'ts',
  'EventID', 'EventRecordID', 'Channel', 'Computer', 'TimeCreated', 'Level', 'Keywords', 'EventData', 'ProviderName', 'RecordNumber', 'ComputerName', 'TimeGenerated', 'EventType', 'StringInserts', '__proto__'];

const TEMPLATES: Array<Record<string, unknown>> = [
  { log: 'x' },
  { ident: 'sshd', message: 'x' },
  { remote: '1.2.3.4', code: '200' },
  { msg: 'x' },
  { EventID: 1, EventRecordID: 1, Channel: 'Security', Computer: 'h', TimeCreated: '2026-11-21 10:00:00 +0100' },
  { RecordNumber: 1, EventID: 1, Channel: 'System', ComputerName: 'h', TimeGenerated: '2026-11-21 10:00:00 +0100' },
];

describe('fuzzed records and lines', () => {
  it('2,000 random raw lines of every kind make valid events', () => {
    const rand = mulberry32(20261121);
    const kinds: SourceKind[] = ['auth', 'syslog', 'web_access', 'web_error', 'app', 'windows'];
    for (let i = 0; i < 2000; i++) {
      const text = randomLine(rand);
      const ev = normalizeRawLine(text, { path: '/var/log/x.log', offset: i, host: 'h', kind: kinds[i % kinds.length]! }, { receivedAt: new Date('2026-11-21T12:00:00Z') }, cfg({ timezone: 'Europe/Berlin' }));
      assertValidEvent(ev);
    }
  });

  it('2,000 random records: schema-valid ones normalize to valid events or a NormalizeError', () => {
    const rand = mulberry32(42);
    let normalized = 0;
    for (let i = 0; i < 2000; i++) {
      // Start from a minimal record of each shape, then overwrite or add random keys.
      const rec: Record<string, unknown> = { ...TEMPLATES[i % TEMPLATES.length]! };
      const n = Math.floor(rand() * 7);
      for (let j = 0; j < n; j++) Object.defineProperty(rec, KEYS[Math.floor(rand() * KEYS.length)]!, { value: randomValue(rand), enumerable: true, configurable: true, writable: true });
      const shape = classifyRecord(rec);
      if (!shape || !validatorFor(recordSchemaFile(shape))(rec)) continue;
      try {
        assertValidEvent(normalizeRecord(rec, shape, { tag: 'app.x', receivedAt: new Date('2026-11-21T12:00:00Z') }, cfg()));
        normalized++;
      } catch (err) {
        assert.ok(err instanceof NormalizeError, `unexpected ${(err as Error).stack} for ${JSON.stringify(rec).slice(0, 300)}`);
      }
    }
    assert.ok(normalized > 500, `only ${normalized} records were schema-valid`);
  });
});
