/**
 * The anchor q-gram literal search (detect/sigma/literal-scan.ts) must find exactly the literals
 * a naive `includes` finds, whatever the anchors, hash collisions or text: random texts over a
 * small alphabet (many near misses and overlaps), literals of every length from 1, non-ASCII
 * literals and texts (homoglyphs, 'İ' whose lower case is two characters), and texts lower-cased
 * the way the index lower-cases them.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LiteralScan } from '../../alert-service/src/detect/sigma/literal-scan.js';
import { mulberry32 } from '../../alert-service/src/anomaly/forest/rng.js';

/** A deterministic generator (the forest's mulberry32), so a failure reproduces. */
const rng = (seed: number): (() => number) => mulberry32(seed).next;

function found(scan: LiteralScan<number>, text: string): number[] {
  const out = new Set<number>();
  scan.search(text, (v) => out.add(v));
  return [...out].sort((a, b) => a - b);
}

function naive(lits: readonly string[], text: string): number[] {
  return lits.flatMap((l, i) => (text.includes(l) ? [i] : []));
}

test('random literals and texts over a small alphabet: the same literals as includes', () => {
  const r = rng(7);
  const alphabet = 'ab\\.:-ex c';
  const word = (n: number) => Array.from({ length: n }, () => alphabet[Math.floor(r() * alphabet.length)]).join('');
  for (let round = 0; round < 40; round++) {
    const lits = [...new Set(Array.from({ length: 1 + Math.floor(r() * 60) }, () => word(1 + Math.floor(r() * 9))))];
    const scan = new LiteralScan(lits.map((l, i) => [l, i] as const));
    for (let k = 0; k < 30; k++) {
      const text = word(Math.floor(r() * 80));
      assert.deepEqual(found(scan, text), naive(lits, text), `literals ${JSON.stringify(lits)} text ${JSON.stringify(text)}`);
    }
  }
});

test('many literals (thousands, as SigmaHQ CommandLine lists): every planted literal found, near misses not', () => {
  const r = rng(11);
  const word = (n: number) => Array.from({ length: n }, () => String.fromCharCode(97 + Math.floor(r() * 26))).join('');
  const lits = [...new Set(Array.from({ length: 4000 }, () => word(3 + Math.floor(r() * 14))))];
  const scan = new LiteralScan(lits.map((l, i) => [l, i] as const), { common: ['c:\\windows\\system32\\'] });
  for (let k = 0; k < 300; k++) {
    const lit = lits[Math.floor(r() * lits.length)]!;
    const text = `c:\\windows\\system32\\${word(Math.floor(r() * 20))}${lit}${word(Math.floor(r() * 20))}`;
    const nearMiss = `${lit.slice(0, -1)}#${lit.slice(-1)}`;
    assert.ok(found(scan, text).includes(lits.indexOf(lit)));
    assert.deepEqual(found(scan, text), naive(lits, text));
    assert.deepEqual(found(scan, nearMiss), naive(lits, nearMiss));
  }
});

test('adversarial: repeated and overlapping grams, literals at both ends, empty and one-character literals', () => {
  const lits = ['aaaa', 'aaaab', 'baaaa', 'a', 'ab', 'aba', 'abab', 'ababab', '', 'x', '\\', '^^', '`', 'zzzzzzzzzzzz'];
  const scan = new LiteralScan(lits.map((l, i) => [l, i] as const));
  for (const text of ['', 'a', 'aaaa', 'aaaaaaaab', 'baaaa', 'abababab', 'ab', 'x', '\\\\', '^^^', '`', 'zzzzzzzzzzz', 'zzzzzzzzzzzz', 'qqqq']) {
    assert.deepEqual(found(scan, text), naive(lits, text), JSON.stringify(text));
  }
});

test('non-ASCII literals and texts, and case folded as toLowerCase folds it', () => {
  // Homoglyphs and dashes (SigmaHQ's lists), a literal next to ASCII, characters whose 7 low bits alias ASCII ones.
  const lits = ['\u0430', 'ex\u0430mple', '\u2013encodedcommand', '\u2014s ', 'i\u0307', 'powershell', 'ample', '\u00e9t\u00e9', 'k', 'kiwi', '\u0131'];
  const scan = new LiteralScan(lits.map((l, i) => [l, i] as const));
  const raw = ['ping EX\u0410MPLE.com', 'POWERSHELL \u2013EncodedCommand SQBF', 'cmd \u2014s x', 'MİMİKATZ', '\u212Aiwi', '\u00c9T\u00c9 \u00e9t\u00e9', 'example', 'DIYARBAKIR \u0131', '\u00e1mple\u00e9', '\u0101\u0161\u0177'];
  for (const r of raw) {
    const text = r.toLowerCase();
    assert.deepEqual(found(scan, text), naive(lits, text), JSON.stringify(text));
  }
  // The 7-bit packing aliases 'é' (0xe9) with 'i' (0x69): only the comparison decides.
  const alias = new LiteralScan([['mimi', 0] as const]);
  assert.deepEqual(found(alias, 'm\u00e9m\u00e9'), []);
  assert.deepEqual(found(alias, 'xmimix'), [0]);
});

test('the table stays small: a bitset of at most 32 KB per gram length for thousands of literals', () => {
  const lits = Array.from({ length: 5000 }, (_, i) => `literal-${i.toString(36)}-x`);
  const scan = new LiteralScan(lits.map((l, i) => [l, i] as const));
  assert.ok(scan.bytes < 200_000, `${scan.bytes} bytes`);
  assert.deepEqual(found(scan, 'run literal-3e7-x now'), [lits.indexOf('literal-3e7-x')]);
});
