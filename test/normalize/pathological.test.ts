/**
 * Crafted lines cannot make normalization slow (catastrophic regex backtracking) or make it throw.
 * Each 64 KB line goes through every line kind and record shape; the fastest of several runs must
 * stay within a few milliseconds (real lines take microseconds, see `npm run bench:normalize`).
 * Measured as CPU time (process.cpuUsage), the fastest run: backtracking costs CPU on every run,
 * while on a loaded machine wall-clock time mostly measures waiting for a core (the wall-clock
 * median of 5 failed at random under a load of 13 on 2 cores).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { SourceKind } from '../../alert-service/src/generated/schema-types.js';
import { classifyRecord, normalizeRawLine, normalizeRecord } from '../../alert-service/src/normalize/index.js';
import { assertValidEvent, cfg } from './helpers.js';

const SIZE = 64 * 1024;
const fill = (prefix: string, unit: string, suffix = '') => {
  const body = unit.repeat(Math.ceil((SIZE - prefix.length - suffix.length) / unit.length));
  return (prefix + body).slice(0, SIZE - suffix.length) + suffix;
};

const HOSTILE: Array<[string, string]> = [
  ['spaces', fill('', ' ')],
  ['letters', fill('', 'a')],
  ['quotes', fill('', '"')],
  ['backslashes', fill('', '\\')],
  ['sshd failed repeated', fill('Nov 21 10:00:01 web1 sshd[1]: ', 'Failed password for invalid user ')],
  ['sshd from/port without end', fill('Nov 21 10:00:01 web1 sshd[1]: Failed password for ', 'x from ')],
  ['sshd user unterminated', fill('Nov 21 10:00:01 web1 sshd[1]: Invalid user ', 'a ', ' from')],
  ['closed by repeated', fill('Nov 21 10:00:01 web1 sshd[1]: Connection closed by authenticating user ', 'user ')],
  ['pam pairs', fill('Nov 21 10:00:01 web1 sshd[1]: pam_unix(sshd:auth): authentication failure;', ' ruser= rhost=1.2.3.4 user=')],
  ['sudo separators', fill('Nov 21 10:00:01 web1 sudo: alice : ', ' ; USER=')],
  ['su parens', fill('Nov 21 10:00:01 web1 su[1]: (to ', '(to ')],
  ['header digits', fill('Nov 21 10:00:01 ', '1')],
  ['pri only', fill('<', '1')],
  ['rfc5424 structured data', fill('<34>1 2026-11-21T10:00:01Z h a 1 m ', '[x a="\\]')],
  ['access unterminated request', fill('1.2.3.4 - - [21/Nov/2026:10:00:01 +0000] "GET ', '\\"')],
  ['access many spaces in request', fill('1.2.3.4 - - [21/Nov/2026:10:00:01 +0000] "GET', ' /', '" 200 1 "-" "-"')],
  ['access long agent', fill('1.2.3.4 - - [21/Nov/2026:10:00:01 +0000] "GET / HTTP/1.1" 200 1 "-" "', 'Mozilla ', '"')],
  ['nginx error clients', fill('2026/11/21 10:00:03 [error] 1#1: *1 ', ', client: , request: "')],
  ['apache brackets', fill('[Sat Nov 21 10:00:03 2026] [error] ', '[client ')],
  ['app time and levels', fill('2026-11-21 10:00:05,113 ', '[ERROR] ')],
  ['json many keys', fill('{', '"k":1,', '"z":1}')],
  ['json deep nesting', fill('{"a":', '[', '')],
  ['json long string', fill('{"msg":"', 'x', '"}')],
  ['ip lookalikes', fill('Nov 21 10:00:01 web1 sshd[1]: Failed password for root from ', '::ffff:', ' port 22')],
  ['level words', fill('', 'ERROR WARN ')],
  ['control characters', fill('', '\u0000\u0007\u001b[31m\r')],
  ['lone surrogates', fill('', '\ud800')],
];

const KINDS: SourceKind[] = ['auth', 'syslog', 'web_access', 'web_error', 'app'];
const ctx = { tag: 'app.x', collectedAt: new Date('2026-11-21T12:00:00Z'), receivedAt: new Date('2026-11-21T12:00:01Z') };

function timed(fn: () => void): number {
  fn(); // warm-up (compiles the regexes and the code path)
  const runs: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t0 = process.cpuUsage();
    fn();
    const used = process.cpuUsage(t0);
    runs.push((used.user + used.system) / 1000);
  }
  return Math.min(...runs);
}

const LIMIT_MS = 10;

describe('pathological 64 KB lines', () => {
  for (const [name, line] of HOSTILE) {
    it(`${name}: every kind and shape, valid event, under ${LIMIT_MS} ms`, (t) => {
      assert.equal(line.length, SIZE);
      let worst = 0;
      const config = cfg();
      for (const kind of KINDS) {
        const run = () => normalizeRawLine(line, { path: '/var/log/x.log', offset: 0, host: 'h', kind }, ctx, config);
        assertValidEvent(run());
        const ms = timed(run);
        assert.ok(ms < LIMIT_MS, `${kind}: ${ms.toFixed(2)} ms`);
        worst = Math.max(worst, ms);
      }
      const records: Array<Record<string, unknown>> = [
        { log: line, file: '/var/log/auth.log', offset: 1, hostname: 'h' },
        { time: 'Nov 21 10:00:01', host: 'h', ident: 'sshd', pid: '1', message: line },
        { remote: line.slice(0, 255), host: '-', user: line.slice(0, 255), method: 'GET', path: line.slice(0, 16384), code: '200', size: '1', referer: line.slice(0, 16384), agent: line.slice(0, 4096) },
        { msg: line, level: 'error', extra: line },
        { msg: 'm', nested: { s: line, list: [line, line] } },
        { MESSAGE: line, _HOSTNAME: 'h', SYSLOG_IDENTIFIER: 'sshd', _PID: '1', PRIORITY: '6', SYSLOG_FACILITY: '4', _TRANSPORT: 'stdout' },
        { EventID: 4625, EventRecordID: 1, Channel: 'Security', Computer: 'h', TimeCreated: '2026-11-21 10:00:00 +0000', Message: line, EventData: { TargetUserName: line, IpAddress: line.slice(0, 64) }, Keywords: '0x8010000000000000' },
      ];
      for (const rec of records) {
        const shape = classifyRecord(rec);
        assert.ok(shape);
        const run = () => normalizeRecord(rec, shape, ctx, config);
        assertValidEvent(run());
        const ms = timed(run);
        worst = Math.max(worst, ms);
        assert.ok(ms < LIMIT_MS, `${shape}: ${ms.toFixed(2)} ms`);
      }
      t.diagnostic(`slowest ${worst.toFixed(2)} ms`);
    });
  }
});
