import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DrainMiner, OVERFLOW_TEMPLATE_ID } from '../../alert-service/src/anomaly/templates/drain.js';
import { maskMessage, maskMessageBySplit, maskToken, maskTokenByPatterns } from '../../alert-service/src/anomaly/templates/mask.js';

const opts = { similarity: 0.5, depth: 4, maxTemplates: 2000, maxMessageLength: 2048 };

function mine(lines: string[], o = opts): { miner: DrainMiner; ids: number[] } {
  const miner = new DrainMiner(o);
  const ids = lines.map((l, i) => miner.add(l, 1000 + i).id);
  return { miner, ids };
}

test('masking: numbers, IPv4/IPv6, hex, UUID, paths, emails, quoted strings, times', () => {
  assert.deepEqual(maskMessage('conn from 10.0.0.12:5432 and [2001:db8::1] id=0xdeadbeef req 550e8400-e29b-41d4-a716-446655440000', 64), [
    'conn', 'from', '<IP>', 'and', '[<IP>]', 'id=<HEX>', 'req', '<UUID>',
  ]);
  assert.deepEqual(maskMessage('open /var/lib/app/data.db failed for bob@example.com: "permission denied" after 3000ms at 12:01:33', 64), [
    'open', '<PATH>', 'failed', 'for', '<EMAIL>:', '<STR>', 'after', '<NUM>', 'at', '<TIME>',
  ]);
  assert.deepEqual(maskMessage('commit 9f86d081884c7d65 by sshd[2231]: ok', 64), ['commit', '<HEX>', 'by', 'sshd[<NUM>]:', 'ok']);
  // Words that merely look hex-ish stay words.
  assert.deepEqual(maskMessage('deadbeef cafe added', 64), ['deadbeef', 'cafe', 'added']);
});

test('masking: the plain-word and word-with-digits short cuts give what the patterns give, for words and for hostile tokens', () => {
  let seed = 7;
  const rnd = () => ((seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  const alphabets = ['abcdefXYZ_', 'abcdef0123456789-', 'abcdefxyzABFX0123456789_', 'user0123456789msKBx_', 'aZ_:=./\\@[]#"\'`()<>,;!?%µ~', 'Failed password for root from port ssh2', 'ÄéßДж\u007f\u0000'];
  const fixed = ['', '_', 'abcdefab-abcd-abcd-abcd-abcdefabcdef', 'deadbeef', 'Deadbeef', 'cafe_babe', 'sshd[12]:', 'key=value', 'a=b=c', 'ÄBC', 'ABC\u007f', 'x:y:z', 'word.', '(word)', '3000ms', '40012', '5kB', '0xdeadbeef', '0XAB', '9f86d081884c7d65', 'user12', '12abc', '123abcd', '1_000', '007', 'ssh2'];
  const tokens = [...fixed];
  for (let i = 0; i < 28_000; i++) {
    const abc = alphabets[i % alphabets.length]!;
    let t = '';
    for (let n = 1 + Math.floor(rnd() * 40); n > 0; n--) t += abc[Math.floor(rnd() * abc.length)];
    tokens.push(t);
  }
  let plain = 0;
  const alnum = { '<NUM>': 0, '<HEX>': 0, kept: 0 };
  for (const t of tokens) {
    const want = maskTokenByPatterns(t);
    assert.equal(maskToken(t), want, JSON.stringify(t));
    if (want === t && /^[A-Za-z_]+$/.test(t)) plain++;
    else if (/^\w+$/.test(t)) alnum[want === '<NUM>' || want === '<HEX>' ? want : 'kept']++;
  }
  assert.ok(plain > 3000, `only ${plain} plain words`);
  // Words with digits, each outcome of their short cut many times.
  assert.ok(alnum['<NUM>'] >= 5 && alnum['<HEX>'] >= 50 && alnum.kept > 3000, JSON.stringify(alnum));
});

test('masking: the one-pass tokenizer gives what the regex split gives, whitespace of every kind, quotes and the token limit included', () => {
  let seed = 11;
  const rnd = () => ((seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  // Every code unit /\s/ matches (and a few it does not) as separators, quoted runs, tokens of every shape.
  const spaces = ' \t\n\v\f\r\u00a0\u1680\u2000\u2005\u200a\u2028\u2029\u202f\u205f\u3000\ufeff';
  const parts = ['Failed', 'user12', '198.51.100.7', 'port', '40012', 'ssh2', '"quoted text"', "'it''s'", '"open', 'id=0xdead', 'sshd[12]:', '\u200b', '\u0085', 'é', '(x)', '12:01:33', '/var/log/x'];
  const messages = ['', ' ', '   lead and trail   ', 'one', '"only a quote', Array.from({ length: 70 }, (_, i) => `t${i}`).join(' ')];
  for (let i = 0; i < 5000; i++) {
    let m = '';
    for (let n = Math.floor(rnd() * 30); n > 0; n--) {
      m += rnd() < 0.5 ? parts[Math.floor(rnd() * parts.length)] : spaces[Math.floor(rnd() * spaces.length)];
      if (rnd() < 0.3) m += spaces[Math.floor(rnd() * spaces.length)];
    }
    messages.push(m);
  }
  for (const m of messages) {
    for (const max of [1, 2, 5, 40, 64]) assert.deepEqual(maskMessage(m, max), maskMessageBySplit(m, max), `${JSON.stringify(m)} max ${max}`);
  }
  // Exactly at the limit and one past it.
  const words = (n: number) => Array.from({ length: n }, (_, i) => `w${'abc'[i % 3]}`).join('  ');
  assert.deepEqual(maskMessage(words(3), 3), ['wa', 'wb', 'wc']);
  assert.deepEqual(maskMessage(words(4), 3), ['wa', 'wb', '<*>']);
});

test('sshd lines mine into their templates', () => {
  const { miner, ids } = mine([
    'Failed password for root from 203.0.113.5 port 52211 ssh2',
    'Failed password for admin from 198.51.100.7 port 40022 ssh2',
    'Failed password for root from 203.0.113.9 port 1022 ssh2',
    'Invalid user oracle from 203.0.113.5 port 52213',
    'Invalid user test from 192.0.2.44 port 60001',
    'pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=203.0.113.5  user=root',
    'pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=198.51.100.7  user=admin',
  ]);
  assert.equal(ids[0], ids[1]);
  assert.equal(ids[0], ids[2]);
  assert.equal(ids[3], ids[4]);
  assert.equal(ids[5], ids[6]);
  assert.equal(new Set(ids).size, 3);
  assert.equal(miner.template(ids[0]!), 'Failed password for <*> from <IP> port <NUM> ssh2');
  assert.equal(miner.template(ids[3]!), 'Invalid user <*> from <IP> port <NUM>');
  assert.equal(miner.template(ids[5]!), 'pam_unix(sshd:auth): authentication failure; logname= uid=<NUM> euid=<NUM> tty=ssh ruser= rhost=<IP> user=<*>');
});

test('nginx error lines and access lines', () => {
  const { miner, ids } = mine([
    '2026/11/21 10:00:01 [error] 1234#1234: *5678 open() "/usr/share/nginx/html/favicon.ico" failed (2: No such file or directory), client: 10.1.2.3, server: example.com, request: "GET /favicon.ico HTTP/1.1", host: "example.com"',
    '2026/11/21 10:02:11 [error] 1234#1234: *5690 open() "/usr/share/nginx/html/wp-login.php" failed (2: No such file or directory), client: 10.9.8.7, server: example.com, request: "GET /wp-login.php HTTP/1.1", host: "example.com"',
    '2026/11/21 10:05:00 [error] 1235#1235: *6001 upstream timed out (110: Connection timed out) while reading response header from upstream, client: 10.1.2.3, server: example.com',
    '10.1.2.3 - - [21/Nov/2026:10:00:01 +0000] "GET /missing HTTP/1.1" 404 153 "-" "curl/8.0"',
    '10.4.4.4 - - [21/Nov/2026:10:00:09 +0000] "GET /other HTTP/1.1" 404 153 "-" "Mozilla/5.0"',
  ]);
  assert.equal(ids[0], ids[1]);
  assert.notEqual(ids[0], ids[2]);
  assert.equal(ids[3], ids[4]);
  assert.equal(
    miner.template(ids[0]!),
    '<TIME> <TIME> [error] <NUM>: *<NUM> open() <STR> failed (<NUM>: No such file or directory), client: <IP>, server: example.com, request: <STR>, host: <STR>',
  );
  assert.equal(miner.template(ids[3]!), '<IP> - - [<TIME> <NUM>] <STR> <NUM> <NUM> <STR> <STR>');
});

test('kernel lines and JSON application logs', () => {
  const { miner, ids } = mine([
    'Out of memory: Killed process 4242 (java) total-vm:8123456kB, anon-rss:4000000kB',
    'Out of memory: Killed process 977 (postgres) total-vm:2123456kB, anon-rss:1000000kB',
    'EXT4-fs error (device sda1): ext4_find_entry:1455: inode #2: comm ls: reading directory lblock 0',
    'EXT4-fs error (device sdb2): ext4_find_entry:1455: inode #7: comm find: reading directory lblock 0',
    '{"level":"error","msg":"db query failed after 3000 ms","request_id":"550e8400-e29b-41d4-a716-446655440000","user":"alice"}',
    '{"level":"error","msg":"db query failed after 12 ms","request_id":"6ba7b810-9dad-11d1-80b4-00c04fd430c8"}',
    '{"level":"warn","message":"cache miss rate 0.35 above 0.2"}',
  ]);
  assert.equal(ids[0], ids[1]);
  assert.equal(miner.template(ids[0]!), 'Out of memory: Killed process <NUM> <*> total-vm:<NUM>, anon-rss:<NUM>');
  assert.equal(ids[2], ids[3]);
  assert.equal(miner.template(ids[2]!), 'EXT4-fs error (device <*> ext4_find_entry:<NUM>: inode #<NUM>: comm <*> reading directory lblock <NUM>');
  assert.equal(ids[4], ids[5]);
  assert.equal(miner.template(ids[4]!), 'db query failed after <NUM> ms');
  assert.equal(miner.template(ids[6]!), 'cache miss rate <NUM> above <NUM>');
});

test('bounded: template cap overflows to one id, long lines are cut, persisted clusters reload into the tree', () => {
  const { miner, ids } = mine(Array.from({ length: 50 }, (_, i) => `unique${i} word${i} thing${i}`), { ...opts, maxTemplates: 10 });
  assert.equal(miner.size, 10);
  assert.equal(ids.filter((id) => id === OVERFLOW_TEMPLATE_ID).length, 40);
  assert.equal(miner.overflowCount, 40);

  const long = mine(['x '.repeat(100_000)]);
  assert.ok(long.miner.template(long.ids[0]!).length < 400);

  const a = new DrainMiner(opts);
  const first = a.add('Failed password for root from 203.0.113.5 port 52211 ssh2', 1).id;
  a.add('Failed password for bob from 203.0.113.6 port 2 ssh2', 2);
  const b = new DrainMiner(opts);
  b.load(a.takeDirty().map((c) => ({ ...c, tokens: [...c.tokens] })));
  const again = b.add('Failed password for carol from 192.0.2.1 port 3 ssh2', 3);
  assert.equal(again.id, first);
  assert.equal(again.created, false);
  assert.equal(b.add('something else entirely', 4).id, first + 1);
});

test('masking crafted tokens stays linear: long punctuation runs and key=key=... chains (no quadratic scan, no deep recursion)', () => {
  const miner = new DrainMiner({ ...opts, maxMessageLength: 65536 });
  const crafted = ['.'.repeat(65535) + 'x', 'a='.repeat(32768), 'k=' + 'v:'.repeat(32767)];
  for (const line of crafted) {
    const started = performance.now();
    assert.doesNotThrow(() => miner.add(line, 1000));
    const ms = performance.now() - started;
    assert.ok(ms < 250, `${line.slice(0, 8)}… took ${ms.toFixed(1)} ms`);
  }
  // Nesting is still masked a few levels deep, and trailing punctuation still kept.
  assert.deepEqual(maskMessage('opt=timeout=30 done.', 64), ['opt=timeout=<NUM>', 'done.']);
  assert.deepEqual(maskMessage('port 8080).', 64), ['port', '<NUM>).']);
});
