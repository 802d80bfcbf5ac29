/** Rule discovery and validation: a broken rule module stops start-up with a message naming the file. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadRuleModules } from '../../alert-service/src/detect/loader.js';
import { validateRuleDefinition } from '../../alert-service/src/detect/rule.js';
import { createDetectionModule } from '../../alert-service/src/detect/module.js';
import { loadRuleSet } from '../../alert-service/src/detect/ruleset.js';
import { CollectSink, ManualClock, rulesConfig } from './helpers.js';

const good = (id: string) => `export default { id: '${id}', title: 't', description: 'd', severity: 'low', match: { kinds: ['auth'] }, fire: { mode: 'count', threshold: 2, windowSec: 60, groupBy: ['host'] } };\n`;

function dirWith(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'rules-'));
  for (const [name, body] of Object.entries(files)) writeFileSync(join(dir, name), body);
  return dir;
}

test('valid modules load; helpers, tests and _-prefixed files are not rules', async () => {
  const dir = dirWith({ 'a.ts': good('rule-a'), 'b.mjs': good('rule-b'), '_helper.ts': 'export const x = 1;', 'a.test.ts': 'throw new Error("no")' });
  const loaded = await loadRuleModules(dir, dir);
  assert.deepEqual(loaded.map((l) => [l.file, l.def.id]), [['a.ts', 'rule-a'], ['b.mjs', 'rule-b']]);
});

test('a module that does not compile is refused, naming the file', async () => {
  const dir = dirWith({ 'ok.ts': good('ok'), 'broken.ts': 'export default { id: "x", ' });
  await assert.rejects(loadRuleModules(dir, dir), /cannot load broken\.ts/);
});

test('an invalid definition is refused with every problem and the file name', async () => {
  const dir = dirWith({ 'bad.ts': "export default { id: 'Bad Id', title: '', description: 'd', severity: 'severe', match: { kinds: ['mail'] }, fire: { mode: 'count', threshold: 0 } };" });
  await assert.rejects(loadRuleModules(dir, dir), (err: Error) => {
    assert.match(err.message, /invalid rule in bad\.ts/);
    for (const part of [/id must match/, /title must be/, /severity must be/, /match\.kinds/, /threshold must be/, /windowSec must be/]) assert.match(err.message, part);
    return true;
  });
});

test('duplicate ids across files and modules without a rule are refused', async () => {
  await assert.rejects(loadRuleModules(dirWith({ 'one.ts': good('same'), 'two.ts': good('same') }), '/'), /duplicate rule id "same"/);
  await assert.rejects(loadRuleModules(dirWith({ 'none.ts': 'export const a = 1; export const b = 2;' }), '/'), /exports no rule/);
});

test('validateRuleDefinition accepts every shipped rule shape and rejects bad sequences', () => {
  assert.deepEqual(validateRuleDefinition({ id: 'x', title: 't', description: 'd', severity: 'low', match: {}, fire: { mode: 'single' } }), []);
  assert.match(validateRuleDefinition({ id: 'x', title: 't', description: 'd', severity: 'low', match: {}, fire: { mode: 'sequence', windowSec: 5, ordered: true, steps: [{ name: 'a', min: 1 }] } }).join(), /at least two steps/);
});

test('the service module refuses to start when a plugin is broken', async () => {
  const dir = dirWith({ 'broken.ts': 'export default { id: 1 };' });
  await assert.rejects(createDetectionModule({ config: rulesConfig({ dir, sigma_dir: '' }), sink: new CollectSink(), clock: new ManualClock() }), /invalid rule in .*broken\.ts/);
});

test('config overrides, disabled rules and warnings for unknown ids', async () => {
  const set = await loadRuleSet(rulesConfig({
    disabled: ['oom-kill'],
    overrides: { 'ssh-brute-force': { threshold: 4, window_s: 60, quiet_s: 10, severity: 'critical' }, 'web-5xx-burst': { enabled: false }, 'no-such-rule': { threshold: 2 } },
  }));
  const ssh = set.rules.find((r) => r.id === 'ssh-brute-force')!;
  assert.deepEqual([ssh.fire.threshold, ssh.fire.windowMs, ssh.fire.quietMs, ssh.severity], [4, 60_000, 10_000, 'critical']);
  assert.ok(!set.rules.some((r) => r.id === 'oom-kill' || r.id === 'web-5xx-burst'));
  assert.deepEqual(set.disabled.sort(), ['oom-kill', 'web-5xx-burst']);
  assert.ok(set.warnings.some((w) => /no-such-rule/.test(w)));
});

test('per-rule overrides and disabled rules come from the environment too, without code edits', async () => {
  const { loadConfig } = await import('../../alert-service/src/config/load.js');
  const cfg = loadConfig({ env: { LOGWARD_RULES_OVERRIDES: '{"ssh-brute-force":{"threshold":5,"window_s":120}}', LOGWARD_RULES_DISABLED: 'oom-kill,web-5xx-burst' } });
  const set = await loadRuleSet(cfg.rules);
  const ssh = set.rules.find((r) => r.id === 'ssh-brute-force')!;
  assert.deepEqual([ssh.fire.threshold, ssh.fire.windowMs], [5, 120_000]);
  assert.deepEqual(set.disabled.sort(), ['oom-kill', 'web-5xx-burst']);
});

test('a Sigma rule with an id can be disabled by its name too (rules.disabled takes "Sigma id/name")', async () => {
  const dir = dirWith({ 'r.yml': 'title: t\nid: 0b9c2f1e-1111-4222-8333-944455556666\nname: my_named_rule\nlogsource:\n  product: linux\n  service: sshd\ndetection:\n  k:\n    - Failed password\n  condition: k\n' });
  const set = await loadRuleSet(rulesConfig({ dir: join(dir, 'none'), sigma_dir: dir, disabled: ['my_named_rule'] }), { files: [join(dir, 'r.yml')] });
  assert.deepEqual(set.rules.map((r) => r.id), []);
  assert.deepEqual(set.disabled, ['0b9c2f1e-1111-4222-8333-944455556666']);
  assert.deepEqual(set.warnings, []);
});

test('a sequence needing more entries than max_events_per_group holds is warned about (failures plus the success)', async () => {
  const set = await loadRuleSet(rulesConfig({ max_events_per_group: 5 }));
  assert.ok(set.warnings.some((w) => /ssh-success-after-failures: threshold 6 exceeds/.test(w)), set.warnings.join('\n'));
});
