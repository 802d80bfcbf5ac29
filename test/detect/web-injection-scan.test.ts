/**
 * web-injection-traversal looks its needles up by the path's character pairs: the category must
 * be what searching every needle in SIGNATURES order gives (the rule's earlier form), on the
 * rule's own test paths, every needle alone and inside others, and random paths built from
 * needle pieces, encodings and non-ASCII text.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { injectionCategory, SIGNATURES } from '../../plugin/rules/web-injection-traversal.js';
import { decodedLower } from '../../plugin/lib/text.js';
import { mulberry32 } from '../../alert-service/src/anomaly/forest/rng.js';

function byScan(path: string | undefined): string | undefined {
  if (!path) return undefined;
  const p = decodedLower(path);
  for (const [category, needles] of SIGNATURES) for (const n of needles) if (p.includes(n)) return category;
  return undefined;
}

test('the pair-indexed scan gives the category of an in-order search of every needle', () => {
  const needles = SIGNATURES.flatMap(([, n]) => n);
  const paths: Array<string | undefined> = [undefined, '', '/', '/api/items?page=2', '/static/app.js', '/api/items?id=1%27%20OR%201=1--', '/a/..%2f..%2fetc/passwd', '/x?q=%3Cscript%3E', '/%E2%82%AC/caf%C3%A9', '/ünï/çødé?x=${jndi:ldap://x}', '/q?a=`id`', '/%zz%2', '/WIN.INI', '/x?{{7*7}}'];
  for (const n of needles) paths.push(n, `/a/${n}`, `/a${n}b`, `/${n.toUpperCase()}`, `/${encodeURIComponent(n)}`, `/${n.slice(0, -1)}`, `/${n.slice(1)}`);
  const pieces = [...needles, ...needles.map((n) => n.slice(0, 2)), '/', 'a', '%2', '%27', '%2e', 'é', '€', '\u{1F600}', ' ', '.', '-', '?', '=', '&', '0', 'x', '%'];
  const r = mulberry32(8); // seeded: a failure reproduces
  for (let i = 0; i < 20_000; i++) {
    let p = '/';
    for (let k = 1 + r.int(6); k > 0; k--) p += pieces[r.int(pieces.length)];
    paths.push(p);
  }
  let hits = 0;
  for (const p of paths) {
    const want = byScan(p);
    if (want) hits++;
    assert.equal(injectionCategory(p), want, JSON.stringify(p));
  }
  assert.ok(hits > 5000, `random paths with a needle: ${hits}`); // both outcomes are exercised
});
