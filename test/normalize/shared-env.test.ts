/**
 * The record path resets one parser environment per record; the offline tools' prepared
 * normalizer keeps one of its own. Interleaving the two (records of other hosts, zones and
 * collection times between a file's lines) changes neither's events.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { classifyRecord, normalizeRecord, rawLineNormalizer } from '../../alert-service/src/normalize/index.js';
import { cfg } from './helpers.js';

const config = cfg({ timezone: 'Europe/Berlin', host_timezones: { db1: 'Asia/Tokyo' } });
const lines = ['Nov 21 10:00:01 web1 sshd[1]: Failed password for root from 203.0.113.7 port 22 ssh2', 'Dec 31 23:59:59 web1 cron[2]: x', '2026-11-21 10:00:05,113 ERROR boom'];
const records = [
  { log: 'Jan  1 00:00:01 db1 sshd[3]: Accepted publickey for a from 192.0.2.1 port 1 ssh2', file: '/var/log/auth.log', offset: 1, hostname: 'db1' },
  { msg: 'y', level: 'warn', time: '2026-11-21 10:00:00', hostname: 'app1', file: '/var/log/app/x.log' },
];
const recordCtx = (i: number) => ({ receivedAt: new Date('2027-01-01T00:00:10Z'), collectedAt: new Date(Date.parse('2027-01-01T00:00:05Z') + i) });

test('prepared line normalizer and record normalization interleaved give the events each gives alone', () => {
  const lineCtx = { receivedAt: new Date('2026-11-22T00:00:00Z') };
  const alone = (() => {
    const f = rawLineNormalizer({ path: '/var/log/syslog', host: 'web1' }, lineCtx, config);
    return lines.map((l, i) => f(l, i * 100));
  })();
  const recordsAlone = records.map((r, i) => normalizeRecord({ ...r }, classifyRecord(r)!, recordCtx(i), config));
  const f = rawLineNormalizer({ path: '/var/log/syslog', host: 'web1' }, lineCtx, config);
  const mixedLines = [];
  const mixedRecords = [];
  for (let i = 0; i < lines.length; i++) {
    mixedRecords.push(normalizeRecord({ ...records[i % 2]! }, classifyRecord(records[i % 2]!)!, recordCtx(i % 2), config));
    mixedLines.push(f(lines[i]!, i * 100));
  }
  assert.deepStrictEqual(mixedLines, alone);
  assert.deepStrictEqual(mixedRecords.slice(0, 2), recordsAlone);
});
