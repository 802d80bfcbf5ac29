/**
 * Carriage returns in sshd messages, as fail2ban treats them: it drops trailing CR/LF from every
 * line it reads (FileContainer.readline and fail2ban-regex: `rstrip('\r\n')`) and its regexes'
 * `.` is Python's, which matches a CR. fail2ban-regex 1.0.2 counts each line below as one failure
 * (checked by hand on this machine, e.g. a file ending in "... port 39520 ssh2\r\r\n" and one
 * holding "... ssh2\rX"); Logward must count them too, whichever way the message arrives.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { matchSshdLine } from '../../plugin/lib/sshd.js';
import { matchAddress } from '../../plugin/lib/sshd-filter.js';
import { runTestRule } from '../../alert-service/src/cli/commands/test-rule.js';
import { config } from './helpers.js';

const receivedAt = new Date('2026-11-21T12:00:00Z');

test('sshd messages ending in CR or CRLF, or holding a CR, match as fail2ban matches them', () => {
  const base = 'Failed password for root from 192.0.2.10 port 22 ssh2';
  for (const msg of [base + '\r', base + '\r\n', base + '\r\r', base + '\n', base + '\rX', 'Invalid user admin from 192.0.2.10 port 22\r', 'Failed password for invalid user a\rb from 192.0.2.10 port 22 ssh2\r']) {
    const m = matchSshdLine(msg);
    assert.ok(m, JSON.stringify(msg));
    assert.equal(m.nofail, false, JSON.stringify(msg));
    assert.equal(matchAddress(m), '192.0.2.10', JSON.stringify(msg));
  }
  // a Failed publickey with its key after ": " is still NOFAIL with a trailing CR
  assert.equal(matchSshdLine('Failed publickey for git from 192.0.2.11 port 5022 ssh2: RSA SHA256:abc\r')?.nofail, true);
  // a CR does not turn a non-failure into one
  assert.equal(matchSshdLine('Server listening on 0.0.0.0 port 22.\r'), null);
});

test('test-rule counts sshd failures from CRLF files and from Fluent Bit records whose message kept the CR', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sshd-cr-'));
  const raw = join(dir, 'auth.log');
  const lines = Array.from({ length: 10 }, (_, i) => `Nov 21 10:00:${String(i * 5).padStart(2, '0')} web1 sshd[${4000 + i}]: Failed password for root from 192.0.2.20 port ${40000 + i} ssh2`);
  writeFileSync(raw, lines.map((l, i) => l + (i % 2 ? '\r\r\n' : '\r\n')).join(''));
  const r = await runTestRule(config, { rule: 'ssh-brute-force', file: raw, receivedAt });
  assert.equal(r.rules[0]!.matched, 10);
  assert.equal(r.rules[0]!.alerts.length, 1);

  // tail with a syslog parser: the message field keeps what followed the header, CR included
  const parsed = join(dir, 'records.jsonl');
  const recs = Array.from({ length: 10 }, (_, i) => JSON.stringify({
    date: Date.parse('2026-11-21T10:00:00Z') / 1000 + i * 5,
    time: `Nov 21 10:00:${String(i * 5).padStart(2, '0')}`, host: 'web1', ident: 'sshd', pid: String(5000 + i),
    message: `Failed password for invalid user u${i} from 192.0.2.21 port ${41000 + i} ssh2\r`,
    file: '/var/log/auth.log', offset: i * 100,
  }));
  writeFileSync(parsed, recs.join('\n') + '\n');
  const p = await runTestRule(config, { rule: 'ssh-brute-force', file: parsed, receivedAt });
  assert.equal(p.rules[0]!.matched, 10);
  assert.deepEqual(p.rules[0]!.alerts.map((a) => a.group.src_ip), ['192.0.2.21']);
});
