/**
 * rawLineNormalizer (one prepared normalizer per file, what the offline tools read files with)
 * gives, line for line, the event normalizeRawLine gives: ids, times, hosts, zones, kinds, both
 * details. Real sample logs (fail2ban's sshd sample, LogHub Linux and OpenSSH heads) plus CRLF,
 * host-zone and app lines; and openLogFile yields those same events.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { normalizeRawLine, rawLineNormalizer } from '../../alert-service/src/normalize/index.js';
import { openLogFile } from '../../alert-service/src/detect/input.js';
import type { SourceKind } from '../../alert-service/src/generated/schema-types.js';
import { cfg } from './helpers.js';

const FIX = join(import.meta.dirname, '..', 'fixtures');
const sample = (rel: string) => readFileSync(join(FIX, rel), 'utf8').split('\n').filter((l) => l.trim() !== '');
const EXTRA = [
  'Nov 21 10:00:00 web1 sshd[42]: Failed password for root from 203.0.113.9 port 22 ssh2\r',
  'Nov 21 10:00:01 db7 sshd[43]: Invalid user admin from 198.51.100.7 port 50000',
  '<38>Nov 21 10:00:02 web1 sudo: alice : TTY=pts/0 ; PWD=/ ; USER=root ; COMMAND=/bin/id',
  '2026-11-21T10:00:03.123+01:00 app1 orders[7]: order failed',
  'plain text without a header',
];

describe('rawLineNormalizer', () => {
  it('gives normalizeRawLine’s event for every line (kinds, hosts, host zones, both details)', () => {
    const config = cfg({ timezone: 'Europe/Berlin', host_timezones: { db7: 'America/New_York' } });
    const ctx = { receivedAt: new Date('2026-11-21T12:00:00Z') };
    const lines = [...sample('fail2ban-sshd/sshd'), ...sample('loghub/Linux_2k.log').slice(0, 300), ...sample('loghub/OpenSSH_2k.head.log'), ...EXTRA];
    const wheres: Array<{ path: string; host?: string; kind?: SourceKind }> = [
      { path: '/var/log/auth.log', host: 'web1' },
      { path: '/var/log/syslog' },
      { path: '/srv/app/orders.log', host: 'App1.example.com' },
      { path: 'messages', kind: 'auth' },
    ];
    let n = 0;
    for (const where of wheres) {
      for (const detail of ['full', 'message'] as const) {
        const prepared = rawLineNormalizer(where, ctx, config, detail);
        lines.forEach((line, i) => {
          const offset = i * 97;
          assert.deepEqual(prepared(line, offset), normalizeRawLine(line, { ...where, offset }, ctx, config, detail), `${where.path} ${detail} line ${i}`);
          n++;
        });
      }
    }
    assert.ok(n > 4000);
  });

  it('openLogFile yields, line for line, normalizeRawLine’s events at the lines’ byte offsets', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lw-prepared-'));
    try {
      const path = join(dir, 'auth.log');
      const lines = [...sample('fail2ban-sshd/sshd').slice(0, 200), ...EXTRA];
      writeFileSync(path, lines.join('\n') + '\n');
      const config = cfg();
      const receivedAt = new Date('2026-11-21T12:00:00Z');
      const got = [...openLogFile(path, { normalize: config, receivedAt, host: 'web1' }).lines()];
      assert.equal(got.length, lines.length);
      let offset = 0;
      got.forEach((l, i) => {
        const text = lines[i]!.endsWith('\r') ? lines[i]!.slice(0, -1) : lines[i]!;
        assert.deepEqual(l.event, normalizeRawLine(text, { path, offset, host: 'web1', kind: 'auth' }, { receivedAt }, config), `line ${i + 1}`);
        offset += Buffer.byteLength(lines[i]!) + 1;
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
