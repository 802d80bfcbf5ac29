/** alert-service/docs/configuration.md is what the config schemas render to, and names every setting. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderConfigReference } from '../../alert-service/src/config/reference.js';
import { environmentKeys, loadConfig } from '../../alert-service/src/config/load.js';

const root = join(import.meta.dirname, '..', '..');
const committed = readFileSync(join(root, 'alert-service/docs/configuration.md'), 'utf8');

test('the committed configuration reference is up to date with schemas/config/ (npm run gen:config-docs)', () => {
  assert.ok(committed === renderConfigReference(), 'alert-service/docs/configuration.md is stale: run `npm run gen:config-docs` and commit it');
});

test('the reference lists every setting once, with the variable the loader reads and its real default', () => {
  const rows = [...committed.matchAll(/^\| `([a-z0-9_.]+)` \| `(LOGWARD_[A-Z0-9_]+)` \| [^|]*(?:\\\|[^|]*)* \| ([^|]*) \|/gm)].map((m) => ({ key: m[1]!, env: m[2]!, dflt: m[3]!.trim() }));
  const keys = environmentKeys();
  assert.deepEqual(rows.map((r) => r.env).sort(), [...keys.keys()].sort());
  const defaults = loadConfig({ env: {} }) as unknown as Record<string, unknown>;
  for (const r of rows) {
    assert.deepEqual(keys.get(r.env)!.path, r.key.split('.'), r.key);
    const value = r.key.split('.').reduce<unknown>((o, k) => (o as Record<string, unknown> | undefined)?.[k], defaults);
    if (r.dflt === 'unset') assert.equal(value, undefined, r.key);
    else if (!r.dflt.endsWith('...`')) assert.deepEqual(JSON.parse(r.dflt.slice(1, -1)), value, r.key);
  }
});
