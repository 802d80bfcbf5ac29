/** The README's promises are checked: its two set-up commands, CI running the test one, and the settings it names. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { environmentKeys } from '../../alert-service/src/config/load.js';

const root = join(import.meta.dirname, '..', '..');
const readme = readFileSync(join(root, 'README.md'), 'utf8');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> };

test('the first section gives exactly two commands: start and test', () => {
  const first = readme.slice(readme.indexOf('## '), readme.indexOf('## ', readme.indexOf('## ') + 3));
  const block = /```sh\n([\s\S]*?)```/.exec(first)![1]!;
  const commands = block.split('\n').map((l) => l.replace(/#.*/, '').trim()).filter(Boolean);
  assert.deepEqual(commands, ['npm ci && npm start', 'npm ci && npm test']);
  assert.match(pkg.scripts.start!, /logward\.js serve/);
  assert.ok(pkg.scripts.test);
});

test('CI runs the README test command', () => {
  const ci = readFileSync(join(root, '.ci', 'run'), 'utf8');
  assert.match(ci, /^npm ci[^\n]*&& npm test$/m);
});

test('every LOGWARD_ variable the README names is a real setting', () => {
  const keys = environmentKeys();
  const known = new Set([...keys.keys(), 'LOGWARD_INGEST_TOKEN', 'LOGWARD_CONFIG', 'LOGWARD_HOST', 'LOGWARD_PORT']);
  for (const name of new Set(readme.match(/LOGWARD_[A-Z0-9_]+/g))) assert.ok(known.has(name), `${name} in README.md is not a setting`);
});

test('every npm run script the README mentions exists', () => {
  for (const m of readme.matchAll(/npm run ([\w:-]+)/g)) assert.ok(pkg.scripts[m[1]!], `npm run ${m[1]}`);
});
