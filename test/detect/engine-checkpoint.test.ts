/**
 * The engine's checkpoint changes: which saved entries a window dropped (`removed`) is noted as
 * the entries leave (trim, a distinct value seen again, a consumed burst), not recomputed from a
 * copy of every saved ord. These pin that list: ascending, only saved entries, kept until a save
 * commits, forgotten for a re-created group.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DetectionEngine, DEFAULT_LIMITS, type StateChanges } from '../../alert-service/src/detect/engine.js';
import { defineRule } from '../../alert-service/src/detect/rule.js';
import { CollectSink, compile, ev, ManualClock } from './helpers.js';

const rule = (mode: 'count' | 'distinct', threshold: number, windowSec: number) =>
  compile(
    defineRule({
      id: `cp-${mode}`,
      title: mode,
      description: 'd',
      severity: 'low',
      match: { kinds: ['auth'] },
      extract: (e) => ({ src_ip: e.fields.src_ip, user: e.fields.user }),
      fire: mode === 'count' ? { mode, threshold, windowSec, groupBy: ['src_ip'], quietSec: 0 } : { mode, field: 'user', threshold, windowSec, groupBy: ['src_ip'], quietSec: 0 },
    }),
  );
const at = (t: number, user = 'root', ip = '203.0.113.7') => ev(t, { fields: { src_ip: ip, user } });

function setup(r: ReturnType<typeof rule>, limits = DEFAULT_LIMITS) {
  const sink = new CollectSink();
  const clock = new ManualClock();
  return { sink, e: new DetectionEngine([r], sink, clock, limits) };
}
/** Export and commit; returns the one group's change. */
function save(e: DetectionEngine): StateChanges['upserts'][number] | undefined {
  const ch = e.exportChanges();
  e.takeChanges();
  return ch.upserts[0];
}
const ords = (e: DetectionEngine) => e.exportAll().upserts[0]?.added.map((x) => x.ord!) ?? [];

test('entries trimmed by the per-group cap after a save are exported as removed, ascending; unsaved ones are not', () => {
  const { e } = setup(rule('count', 100, 600), { ...DEFAULT_LIMITS, maxEventsPerGroup: 3 });
  e.process([at(0), at(1), at(2)]);
  const first = save(e)!;
  assert.equal(first.fresh, true);
  const saved = first.added.map((x) => x.ord!);
  e.process([at(3), at(4)]); // two saved entries leave; the new ones stay
  let c = e.exportChanges().upserts[0]!;
  assert.equal(c.fresh, false);
  assert.deepEqual(c.removed, saved.slice(0, 2));
  assert.equal(c.added.length, 2);
  // Not committed: the next export still lists them, with what left since (an unsaved entry leaves unlisted).
  e.process([at(5), at(6)]);
  c = e.exportChanges().upserts[0]!;
  assert.deepEqual(c.removed, saved);
  assert.deepEqual(c.added.map((x) => x.ord!), ords(e).filter((o) => o > saved[2]!));
  e.takeChanges();
  e.process([at(7)]);
  assert.equal(save(e)!.removed.length, 1);
});

test('a distinct value seen again drops its older saved entry; an out-of-order insert keeps the removed list ascending', () => {
  const { e } = setup(rule('distinct', 10, 600));
  e.process([at(10, 'a'), at(20, 'b'), at(30, 'c')]);
  const saved = save(e)!.added.map((x) => x.ord!);
  e.process([at(40, 'c'), at(35, 'a')]); // c's and then a's older entries leave: removed in ord order, not in leaving order
  const c = save(e)!;
  assert.deepEqual(c.removed, [saved[0], saved[2]]);
  assert.equal(c.added.length, 2);
  assert.deepEqual(save(e), undefined); // nothing changed since
});

test('a consumed burst removes the saved entries up to its end; a later re-created group of the key starts fresh', () => {
  const { sink, e } = setup(rule('count', 3, 60));
  e.process([at(0), at(1)]);
  const saved = save(e)!.added.map((x) => x.ord!);
  e.process([at(2)]); // fires: the window is consumed
  assert.equal(sink.signals.length, 1);
  const c = save(e)!;
  assert.deepEqual(c.removed, saved);
  assert.deepEqual(c.added, []);
  // A restore of that state, then the same removal bookkeeping from the loaded body.
  const rows = e.exportAll();
  e.takeChanges();
  const back = new DetectionEngine([rule('count', 3, 60)], new CollectSink(), new ManualClock(), DEFAULT_LIMITS);
  back.restore(rows.upserts, rows.watermark, rows.touchCounter, () => ({ values: rows.upserts[0]!.values, entries: [], lastFire: rows.upserts[0]!.lastFire, suppressed: 0 }), rows.entryCounter);
  back.process([at(100)]);
  const after = back.exportChanges().upserts[0]!;
  assert.equal(after.fresh, false);
  assert.deepEqual(after.removed, []);
  assert.equal(after.added.length, 1);
});

test('window entries of a sequence rule share one step list per step name; every entry has distinct and steps set', () => {
  const seq = compile(
    defineRule({
      id: 'cp-seq',
      title: 'seq',
      description: 'd',
      severity: 'low',
      match: { kinds: ['auth'] },
      extract: (e) => ({ src_ip: e.fields.src_ip, step: e.fields.user }),
      fire: { mode: 'sequence', ordered: true, windowSec: 600, groupBy: ['src_ip'], steps: [{ name: 'failure', min: 5 }, { name: 'success', min: 1 }] },
    }),
  );
  const { e } = setup(seq);
  e.process([at(0, 'failure'), at(1, 'failure'), at(2, 'success'), at(3, 'failure', '198.51.100.1')]);
  const entries = e.exportChanges().upserts.flatMap((u) => u.added);
  assert.equal(entries.length, 4);
  assert.equal(entries[0]!.steps, entries[1]!.steps);
  assert.equal(entries[0]!.steps, entries[3]!.steps);
  assert.deepEqual(entries[2]!.steps, ['success']);
  for (const x of entries) assert.deepEqual(Object.keys(x), ['t', 'id', 'message', 'host', 'values', 'distinct', 'steps', 'ord']);
});

test('small windows (exact-size arrays up to 4 entries) stay in time order with late inserts, and a group of one groupBy name exports [key] as its values', () => {
  const { sink, e } = setup(rule('count', 6, 600));
  // In order, out of order into a small window, then past the small size.
  e.process([at(10), at(30), at(20), at(5), at(40), at(35)]);
  assert.equal(sink.signals.length, 1);
  const s = sink.signals[0]!;
  assert.equal(s.first_seen, new Date(Date.parse(s.last_seen) - 35_000).toISOString());
  assert.deepEqual(s.group, { src_ip: '203.0.113.7' });
  e.process([at(700), at(690)]);
  const u = e.exportAll().upserts[0]!;
  assert.deepEqual(u.values, ['203.0.113.7']);
  assert.deepEqual(u.added.map((x) => x.t - u.added[0]!.t), [0, 10_000]);
});

test('a group of two groupBy names keeps and exports both values', () => {
  const two = compile(
    defineRule({
      id: 'cp-two',
      title: 'two',
      description: 'd',
      severity: 'low',
      match: { kinds: ['auth'] },
      extract: (e) => ({ src_ip: e.fields.src_ip, user: e.fields.user }),
      fire: { mode: 'count', threshold: 2, windowSec: 60, groupBy: ['src_ip', 'user'], quietSec: 0 },
    }),
  );
  const { sink, e } = setup(two);
  e.process([at(0, 'alice'), at(1, 'alice')]);
  assert.deepEqual(sink.signals[0]!.group, { src_ip: '203.0.113.7', user: 'alice' });
  e.process([at(2, 'bob')]);
  assert.deepEqual(e.exportAll().upserts.map((u) => u.values), [['203.0.113.7', 'alice'], ['203.0.113.7', 'bob']]);
});

test('groups evicted while listed as changed are let go of from the list (compacted in order), with no checkpoint ever taken', () => {
  const { e } = setup(rule('count', 100, 600), { ...DEFAULT_LIMITS, maxGroupsPerRule: 10 });
  for (let i = 0; i < 5000; i++) e.processOne(at(i, 'root', `10.0.${i >> 8}.${i & 255}`));
  assert.equal(e.metrics.groups_evicted_total, 4990);
  const ch = e.exportChanges();
  assert.deepEqual(ch.upserts.map((u) => u.key), Array.from({ length: 10 }, (_, k) => `10.0.${(4990 + k) >> 8}.${(4990 + k) & 255}`));
  assert.equal(ch.deletes.length, 4990);
  // The list the export walked holds the live groups and at most the compaction's slack of dropped ones.
  assert.ok((e as unknown as { dirtyGroups: unknown[] }).dirtyGroups.length <= 10 + 2 * 1024 + 2);
});
