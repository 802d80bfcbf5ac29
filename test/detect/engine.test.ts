/** Window semantics of the engine, with hand-built events and an injected clock. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DetectionEngine, DEFAULT_LIMITS } from '../../alert-service/src/detect/engine.js';
import { defineRule } from '../../alert-service/src/detect/rule.js';
import { widestWindowContaining, insertSorted, type WindowEntry } from '../../alert-service/src/detect/windows.js';
import { CollectSink, compile, ev, ManualClock, T0 } from './helpers.js';

const countRule = (threshold = 3, windowSec = 60, quietSec = 300) =>
  compile(
    defineRule({
      id: 'test-count',
      title: 'count',
      description: 'd',
      severity: 'low',
      match: { kinds: ['auth'], where: (e) => e.message.startsWith('fail') },
      extract: (e) => ({ src_ip: e.fields.src_ip }),
      fire: { mode: 'count', threshold, windowSec, groupBy: ['src_ip'], quietSec },
    }),
  );

const fail = (t: number, ip = '203.0.113.7') => ev(t, { message: 'fail', fields: { src_ip: ip } });

function engine(rules = [countRule()], limits = DEFAULT_LIMITS) {
  const sink = new CollectSink();
  const clock = new ManualClock();
  return { sink, clock, engine: new DetectionEngine(rules, sink, clock, limits) };
}

test('count rule fires exactly once when the threshold is reached, with the burst as first/last seen', () => {
  const { sink, engine: e } = engine();
  e.process([fail(0), fail(10)]);
  assert.equal(sink.signals.length, 0);
  e.process([fail(20)]);
  assert.equal(sink.signals.length, 1);
  const s = sink.signals[0]!;
  assert.deepEqual(s.group, { src_ip: '203.0.113.7' });
  assert.equal(s.count, 3);
  assert.equal(s.first_seen, new Date(T0).toISOString());
  assert.equal(s.last_seen, new Date(T0 + 20_000).toISOString());
  assert.equal(s.event_ids?.length, 3);
});

test('window is sliding over event time, not fixed buckets: 3 events across a minute boundary fire', () => {
  const { sink, engine: e } = engine();
  // 10:00:50, 10:01:05, 10:01:30 — no fixed minute bucket holds 3, a 60 s sliding window does.
  e.process([fail(50), fail(65), fail(90)]);
  assert.equal(sink.signals.length, 1);
});

test('events further apart than the window do not add up; a span equal to the window is outside it', () => {
  const { sink, engine: e } = engine();
  e.process([fail(0), fail(30), fail(60), fail(90)]); // (t-60, t]: never 3 within a span < 60 s
  assert.equal(sink.signals.length, 0);
  e.process([fail(100)]); // 60, 90, 100
  assert.equal(sink.signals.length, 1);
});

test('event time decides, not arrival: a late event within lateness completes an earlier window', () => {
  const { sink, engine: e } = engine();
  e.process([fail(0), fail(10), fail(200)]); // 200 is far after; window at 0..10 has 2
  assert.equal(sink.signals.length, 0);
  e.process([fail(5)]); // arrives late, belongs between 0 and 10 → 3 within 60 s
  assert.equal(sink.signals.length, 1);
  assert.equal(sink.signals[0]!.first_seen, new Date(T0).toISOString());
  assert.equal(sink.signals[0]!.last_seen, new Date(T0 + 10_000).toISOString());
});

test('a late event that completes an earlier window consumes only that burst; later entries stay in the window', () => {
  const { sink, engine: e } = engine([countRule(3, 60, 0)]);
  e.process([fail(0), fail(10), fail(200), fail(205)]);
  e.process([fail(5)]);
  assert.equal(sink.signals.length, 1);
  e.process([fail(210)]);
  assert.equal(sink.signals.length, 2);
  assert.equal(sink.signals[1]!.first_seen, new Date(T0 + 200_000).toISOString());
});

test('events later than the allowed lateness are dropped and counted', () => {
  const { sink, engine: e } = engine([countRule()], { ...DEFAULT_LIMITS, allowedLatenessMs: 30_000 });
  e.process([fail(1000), fail(1001)]);
  e.process([fail(900)]); // 100 s behind the group's newest event, lateness 30 s
  assert.equal(e.metrics.late_dropped_total, 1);
  assert.equal(sink.signals.length, 0);
});

test('quiet period: the same burst fires once; matches in the quiet period are counted, a fresh burst after it fires again', () => {
  const { sink, engine: e } = engine([countRule(3, 60, 300)]);
  const burst = (start: number) => [0, 1, 2, 3, 4, 5].map((i) => fail(start + i));
  e.process(burst(0));
  assert.equal(sink.signals.length, 1);
  assert.equal(e.metrics.suppressed_total, 3);
  e.process(burst(100)); // still within 300 s quiet after 10:00:02
  assert.equal(sink.signals.length, 1);
  assert.equal(e.metrics.suppressed_total, 9);
  e.process(burst(400)); // after quiet: fires again, reporting what was suppressed
  assert.equal(sink.signals.length, 2);
  assert.equal((sink.signals[1]!.fields as Record<string, unknown>).suppressed_before, 9);
});

test('groups are independent: another source address has its own window', () => {
  const { sink, engine: e } = engine();
  e.process([fail(0, 'a'), fail(1, 'b'), fail(2, 'a'), fail(3, 'b'), fail(4, 'a')]);
  assert.deepEqual(sink.signals.map((s) => s.group.src_ip), ['a']);
});

test('distinct rule counts values once each, at their latest time', () => {
  const rule = compile(
    defineRule({
      id: 'test-distinct',
      title: 'distinct',
      description: 'd',
      severity: 'low',
      match: { kinds: ['auth'] },
      extract: (e) => ({ src_ip: e.fields.src_ip, user: e.fields.user }),
      fire: { mode: 'distinct', field: 'user', threshold: 3, windowSec: 60, groupBy: ['src_ip'] },
    }),
  );
  const { sink, engine: e } = engine([rule]);
  const u = (t: number, user: string) => ev(t, { fields: { src_ip: 'x', user } });
  e.process([u(0, 'root'), u(1, 'root'), u(2, 'admin'), u(3, 'admin'), u(4, 'root')]);
  assert.equal(sink.signals.length, 0);
  e.process([u(5, 'oracle')]);
  assert.equal(sink.signals.length, 1);
  assert.equal(sink.signals[0]!.count, 3);
  assert.deepEqual([...(sink.signals[0]!.fields as { user: string[] }).user].sort(), ['admin', 'oracle', 'root']);
});

test('ordered sequence: success after ≥N failures fires; success with fewer failures, or failures after success, do not', () => {
  const rule = compile(
    defineRule({
      id: 'test-seq',
      title: 'seq',
      description: 'd',
      severity: 'high',
      match: { kinds: ['auth'] },
      extract: (e) => ({ src_ip: e.fields.src_ip, step: e.message }),
      fire: { mode: 'sequence', ordered: true, windowSec: 300, groupBy: ['src_ip'], steps: [{ name: 'failure', min: 3 }, { name: 'success', min: 1 }] },
    }),
  );
  const { sink, engine: e } = engine([rule]);
  const f = (t: number, ip: string) => ev(t, { message: 'failure', fields: { src_ip: ip } });
  const s = (t: number, ip: string) => ev(t, { message: 'success', fields: { src_ip: ip } });
  e.process([f(0, 'a'), f(1, 'a'), s(2, 'a')]); // only 2 failures
  e.process([s(10, 'b'), f(11, 'b'), f(12, 'b'), f(13, 'b')]); // failures after the success
  e.process([f(0, 'c'), f(100, 'c'), f(200, 'c'), s(250, 'c')]);
  assert.deepEqual(sink.signals.map((x) => x.group.src_ip), ['c']);
  assert.equal(sink.signals[0]!.count, 4);
  e.process([f(1000, 'd'), f(1001, 'd'), f(1002, 'd'), s(1400, 'd')]); // success 398 s later: outside 300 s
  assert.equal(sink.signals.length, 1);
});

test('unordered sequence (Sigma temporal) fires when every step occurred in the window, in any order', () => {
  const rule = compile(
    defineRule({
      id: 'test-temporal',
      title: 't',
      description: 'd',
      severity: 'low',
      match: { kinds: ['auth'] },
      extract: (e) => ({ host: e.host, step: e.message }),
      fire: { mode: 'sequence', ordered: false, windowSec: 60, groupBy: ['host'], steps: [{ name: 'a', min: 1 }, { name: 'b', min: 1 }] },
    }),
  );
  const { sink, engine: e } = engine([rule]);
  e.process([ev(0, { message: 'b' }), ev(10, { message: 'a' })]);
  assert.equal(sink.signals.length, 1);
});

test('state is bounded: a flood of distinct keys evicts least recently used groups and counts evictions', () => {
  const { engine: e } = engine([countRule(3, 60)], { ...DEFAULT_LIMITS, maxGroupsPerRule: 1000 });
  for (let i = 0; i < 20_000; i++) e.processOne(fail(i / 100, `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`));
  assert.ok(e.groupCount() <= 1000, `groups ${e.groupCount()}`);
  assert.equal(e.metrics.groups_evicted_total, 19_000);
});

test('groups nobody can still affect are expired as the watermark moves on', () => {
  const { engine: e, clock } = engine([countRule(3, 60, 60)], { ...DEFAULT_LIMITS, allowedLatenessMs: 0 });
  clock.ms = T0 + 20_000_000;
  for (let i = 0; i < 100; i++) e.processOne(fail(0, `ip${i}`));
  e.processOne(fail(10_000, 'late-ip'));
  e.sweep();
  assert.equal(e.groupCount(), 1);
  assert.equal(e.metrics.groups_expired_total, 100);
});

test('events stamped far in the future do not move the watermark (a skewed host cannot expire everyone else)', () => {
  const { engine: e, clock } = engine([countRule(3, 60, 60)], { ...DEFAULT_LIMITS, allowedLatenessMs: 0 });
  clock.ms = T0 + 100_000;
  for (let i = 0; i < 10; i++) e.processOne(fail(0, `ip${i}`));
  e.processOne(fail(10_000_000, 'skewed-host'));
  e.sweep();
  assert.equal(e.groupCount(), 11);
});

test('entries per group are capped and truncation counted', () => {
  const { engine: e } = engine([countRule(1000, 3600)], { ...DEFAULT_LIMITS, maxEventsPerGroup: 50 });
  for (let i = 0; i < 200; i++) e.processOne(fail(i));
  assert.equal(e.metrics.entries_truncated_total, 150);
});

test('a rule that throws is counted and does not stop the others', () => {
  const bad = compile(defineRule({ id: 'bad', title: 'b', description: 'd', severity: 'low', match: { kinds: ['auth'] }, extract: () => { throw new Error('boom'); }, fire: { mode: 'single' } }));
  const { sink, engine: e } = engine([bad, countRule(1)]);
  e.process([fail(0)]);
  assert.equal(e.metrics.rule_errors_total, 1);
  assert.equal(sink.signals.length, 1);
});

test('warm mode rebuilds windows and quiet periods without emitting', () => {
  const { sink, engine: e } = engine([countRule(3, 60, 300)]);
  e.warm([fail(0), fail(1)]);
  assert.equal(sink.signals.length, 0);
  e.process([fail(2)]); // third event after restart completes the window
  assert.equal(sink.signals.length, 1);
  const second = engine([countRule(3, 60, 300)]);
  second.engine.warm([fail(0), fail(1), fail(2)]); // a burst that already fired before the restart
  second.engine.process([fail(3), fail(4), fail(5)]); // same burst continues: quiet, no second alert
  assert.equal(second.sink.signals.length, 0);
  assert.equal(second.engine.metrics.warmup_signals_total, 1);
});

test('window helpers: sorted insertion and widest window around an out-of-order entry', () => {
  const entries: WindowEntry[] = [];
  const mk = (t: number): WindowEntry => ({ t, id: String(t), message: '', host: 'h', values: {} });
  for (const t of [0, 50, 20, 10, 100, 55]) insertSorted(entries, mk(t));
  assert.deepEqual(entries.map((x) => x.t), [0, 10, 20, 50, 55, 100]);
  const i = entries.findIndex((x) => x.t === 20);
  assert.deepEqual(widestWindowContaining(entries, i, 50), { lo: 1, hi: 4 }); // 10..55; 0..50 spans exactly 50, not < 50
  assert.deepEqual(widestWindowContaining(entries, i, 51), { lo: 0, hi: 3 }); // 0..50 now fits (first widest kept)
  assert.deepEqual(widestWindowContaining(entries, i, 40), { lo: 0, hi: 2 });
});

test('sequences by event time: a late event that completes a sequence already stored fires (ordered and unordered)', () => {
  const seq = (ordered: boolean) =>
    compile(
      defineRule({
        id: `test-late-seq-${ordered}`,
        title: 'seq',
        description: 'd',
        severity: 'high',
        match: { kinds: ['auth'] },
        extract: (e) => ({ src_ip: e.fields.src_ip, step: e.message }),
        fire: { mode: 'sequence', ordered, windowSec: 60, groupBy: ['src_ip'], steps: [{ name: 'failure', min: 2 }, { name: 'success', min: 1 }] },
      }),
    );
  const f = (t: number) => ev(t, { message: 'failure', fields: { src_ip: 'a' } });
  const s = (t: number) => ev(t, { message: 'success', fields: { src_ip: 'a' } });
  for (const ordered of [true, false]) {
    // Ordered: the success (t=30) arrives before the late second failure (t=20).
    const { sink, engine: e } = engine([seq(ordered)]);
    e.process([f(10), s(30), f(200), f(20)]);
    assert.equal(sink.signals.length, 1, `ordered=${ordered}`);
    assert.equal(sink.signals[0]!.first_seen, new Date(T0 + 10_000).toISOString());
    assert.equal(sink.signals[0]!.last_seen, new Date(T0 + 30_000).toISOString());
    // The late failure comes after the success in event time: not a success after failures.
    const late = engine([seq(ordered)]);
    late.engine.process([f(10), s(30), f(40)]);
    assert.equal(late.sink.signals.length, ordered ? 0 : 1, `ordered=${ordered}, failure after success`);
  }
});

// groupFor remembers the last group it handed out (one key in a row skips the Map lookup):
// the cases where that group stops being the live one, or stops being in the changes to save.
test('the same key again after its group was exported and saved is exported again (the memo does not skip dirty)', () => {
  const { engine: e } = engine([countRule(10, 60)]);
  e.processOne(fail(0));
  assert.deepEqual(e.exportChanges().upserts.map((u) => u.added.length), [1]);
  e.takeChanges();
  e.processOne(fail(1));
  const c = e.exportChanges();
  assert.equal(c.upserts.length, 1);
  assert.equal(c.upserts[0]!.added.length, 1);
  assert.equal(c.upserts[0]!.fresh, false);
});

test('the same key again after its group was dropped (sweep, eviction to a one-group limit) starts a new group', () => {
  const { sink, engine: e, clock } = engine([countRule(2, 60, 60)], { ...DEFAULT_LIMITS, allowedLatenessMs: 0, maxGroupsPerRule: 1 });
  clock.ms = T0 + 20_000_000;
  e.processOne(fail(0, 'a'));
  e.processOne(fail(10_000, 'b')); // evicts a, the only group allowed besides b
  assert.equal(e.metrics.groups_evicted_total, 1);
  e.sweep(); // b stays (its own time is the watermark)
  e.processOne(fail(10_001, 'b'));
  assert.equal(sink.signals.length, 1); // b's two failures, in one live group
  e.processOne(fail(20_000, 'c'));
  e.sweep();
  e.processOne(fail(20_001, 'c'));
  assert.equal(sink.signals.length, 2);
  assert.equal(e.groupCount(), 1);
  assert.deepEqual(e.exportChanges().upserts.map((u) => u.key), ['c']);
});

test('a group dropped right as it is made (a zero-group limit) is not remembered: the next event of its key counts afresh', () => {
  const { sink, engine: e } = engine([countRule(2, 60)], { ...DEFAULT_LIMITS, maxGroupsPerRule: 0 });
  for (let i = 0; i < 5; i++) e.processOne(fail(i));
  assert.equal(sink.signals.length, 0);
  assert.equal(e.groupCount(), 0);
  assert.equal(e.metrics.groups_evicted_total, 5);
});
