/**
 * matchSshdLine takes shortcuts (dispatch on the first character, needed substrings searched
 * once, the "Failed ..." regexes split into a head and a tail tried only where it can match,
 * the head decided by scanning). They must never change the answer: every line here gets the
 * same match from matchSshdLinePlain, which runs each failregex as one plain regex, in order.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { matchSshdLine, matchSshdLinePlain, SSHD_MODES } from '../../plugin/lib/sshd-filter.js';
import { FIXTURES } from '../helpers/paths.js';

/** The message after "host sshd[pid]: " of each sshd line of a file. */
function messages(file: string): string[] {
  return readFileSync(file, 'utf8').split('\n').flatMap((l) => {
    const m = /^(?:\S+ ){3,5}\S*sshd\S*?(?:\[\d+\])?:? (.*)$/.exec(l);
    return m ? [m[1]!] : [];
  });
}

function same(msg: string): void {
  for (const mode of SSHD_MODES) assert.deepEqual(matchSshdLine(msg, mode), matchSshdLinePlain(msg, mode), `${mode}: ${JSON.stringify(msg)}`);
}

test('sshd filter shortcuts: fail2ban\'s samples and the LogHub excerpt match as the plain failregexes match them', () => {
  const msgs = [...messages(join(FIXTURES, 'fail2ban-sshd', 'sshd')), ...messages(join(FIXTURES, 'fail2ban-sshd', 'sshd-journal')), ...messages(join(FIXTURES, 'loghub', 'OpenSSH_2k.head.log'))];
  assert.ok(msgs.length > 400, String(msgs.length));
  for (const m of msgs) same(m);
});

test('sshd filter shortcuts: mutated "Failed ..." lines (odd spaces, injected from, colons, CRs) match as the plain failregexes match them', () => {
  const bases = [
    'Failed password for root from 192.0.2.1 port 22 ssh2',
    'Failed password for invalid user admin from 192.0.2.1 port 22 ssh2',
    'Failed publickey for invalid user git from 192.0.2.1 port 22 ssh2: RSA SHA256:abc',
    'Failed publickey for git from 192.0.2.1 port 22 ssh2: RSA SHA256:abc',
    'Failed keyboard-interactive/pam for invalid user a b c from 2001:db8::1 port 22 ssh2',
    'Failed password for invalid user test from 10.10.1.2 port 55555 ssh2 from 127.0.0.1 port 58946 ssh2',
    'Failed none for invalid user x from host.example.com',
  ];
  const bits = [' ', '  ', '\t', '\u00a0', ':', ': ', ' from ', ' from 198.51.100.9', ' for ', ' for invalid user ', 'invalid user ', '\r', 'x', '1', ' port 1', ' ssh2'];
  let seed = 4242;
  const rand = (n: number) => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % n;
  };
  for (let k = 0; k < 5000; k++) {
    let line = bases[rand(bases.length)]!;
    for (let m = 1 + rand(3); m > 0; m--) {
      const at = rand(line.length + 1);
      const bit = bits[rand(bits.length)]!;
      line = rand(2) ? line.slice(0, at) + bit + line.slice(at) : line.slice(0, at) + bit + line.slice(at + 1 + rand(4));
    }
    same(line);
  }
});
