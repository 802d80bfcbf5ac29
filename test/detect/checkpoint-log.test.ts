/**
 * The window checkpoint log (detect/state-repository.ts): an engine that saves after every batch
 * and is rebuilt from the database at many points (a fresh repository and engine each time,
 * folding the log) emits exactly the signals of an engine that never stopped, through window
 * trims, fires, distinct-value replacement, late events, evictions, and log compaction.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AlertSignal, LogEvent } from '../../alert-service/src/generated/schema-types.js';
import { DetectionEngine, DEFAULT_LIMITS, type EngineLimits } from '../../alert-service/src/detect/engine.js';
import { DetectStateRepository } from '../../alert-service/src/detect/state-repository.js';
import { defineRule } from '../../alert-service/src/detect/rule.js';
import { openDatabase } from '../../alert-service/src/store/database.js';
import { mulberry32 } from '../../alert-service/src/anomaly/forest/rng.js';
import { CollectSink, compile, ev, ManualClock, T0 } from './helpers.js';

const rules = () => [
  compile(defineRule({ id: 'cp-count', title: 'count', description: 'd', severity: 'low', match: { kinds: ['auth'], where: (e) => e.message.startsWith('fail') }, extract: (e) => ({ src_ip: e.fields.src_ip, user: e.fields.user }), fire: { mode: 'count', threshold: 6, windowSec: 120, groupBy: ['src_ip'], quietSec: 200 } })),
  compile(defineRule({ id: 'cp-distinct', title: 'distinct', description: 'd', severity: 'low', match: { kinds: ['auth'], where: (e) => e.message.startsWith('fail') }, extract: (e) => ({ src_ip: e.fields.src_ip, user: e.fields.user }), fire: { mode: 'distinct', field: 'user', threshold: 4, windowSec: 300, groupBy: ['src_ip'], quietSec: 100 } })),
  compile(defineRule({ id: 'cp-sequence', title: 'sequence', description: 'd', severity: 'high', match: { kinds: ['auth'] }, extract: (e) => ({ src_ip: e.fields.src_ip, step: e.message.startsWith('fail') ? 'failure' : 'success' }), fire: { mode: 'sequence', ordered: true, windowSec: 240, groupBy: ['src_ip'], steps: [{ name: 'failure', min: 3 }, { name: 'success', min: 1 }] } })),
];
const LIMITS: EngineLimits = { ...DEFAULT_LIMITS, maxGroupsPerRule: 25, maxEventsPerGroup: 12, allowedLatenessMs: 60_000 };

/** Failures and some successes from 40 addresses over ~2 hours, a few out of order. */
function events(n: number): LogEvent[] {
  const rng = mulberry32(7);
  const rnd = () => rng.next();
  const out: LogEvent[] = [];
  let t = 0;
  for (let i = 0; i < n; i++) {
    t += rnd() * 4;
    const ip = `192.0.2.${Math.floor(rnd() * rnd() * 40)}`;
    const late = rnd() < 0.05 ? rnd() * 90 : 0;
    const ok = rnd() < 0.08;
    out.push(ev(t - late, { message: ok ? `accepted ${i}` : `fail ${i}`, fields: { src_ip: ip, user: `u${Math.floor(rnd() * 6)}` } }));
  }
  return out;
}

const strip = (s: AlertSignal) => JSON.stringify(s);

function run(minLogChars: number, restartEvery: number) {
  const evs = events(6000);
  const BATCH = 50;
  const clock = new ManualClock(T0 + 10 * 3_600_000);
  const reference = new CollectSink();
  const ref = new DetectionEngine(rules(), reference, clock, LIMITS);
  for (let i = 0; i < evs.length; i += BATCH) ref.process(evs.slice(i, i + BATCH));

  const db = openDatabase({ path: join(mkdtempSync(join(tmpdir(), 'logward-cplog-')), 'd.db'), synchronous: 'NORMAL' });
  const got = new CollectSink();
  let restarts = 0;
  let snapshots = 0;
  let engine!: DetectionEngine;
  let repo!: DetectStateRepository;
  const open = () => {
    repo = new DetectStateRepository(db, minLogChars);
    engine = new DetectionEngine(rules(), got, clock, LIMITS);
    const meta = repo.meta();
    if (!meta) return;
    for (let at: number | undefined = 0; (at = repo.foldNext(at)) !== undefined; );
    engine.restore(repo.heads(), meta.watermark, meta.touchCounter, (r, k) => repo.body(r, k), meta.entryCounter);
  };
  open();
  for (let i = 0, b = 0; i < evs.length; i += BATCH, b++) {
    engine.process(evs.slice(i, i + BATCH));
    const before = (db.prepare('SELECT min(id) AS m FROM detect_log').get() as { m: number | null }).m;
    db.transaction(() => repo.save(engine.exportChanges(), i + BATCH, () => engine.exportAll()))();
    engine.takeChanges();
    const after = (db.prepare('SELECT min(id) AS m FROM detect_log').get() as { m: number | null }).m;
    if (before !== null && after !== before) snapshots++;
    if (b % restartEvery === restartEvery - 1) {
      open();
      restarts++;
    }
  }
  db.close();
  return { expected: reference.signals.map(strip), got: got.signals.map(strip), restarts, snapshots, evicted: ref.metrics.groups_evicted_total, truncated: ref.metrics.entries_truncated_total, suppressed: ref.metrics.suppressed_total };
}

test('restarts from the checkpoint log at every 3rd batch emit exactly the signals of an engine that never stopped', () => {
  const r = run(20_000, 3);
  assert.ok(r.expected.length > 20, `the stream fires (${r.expected.length} signals)`);
  assert.ok(r.evicted > 0 && r.truncated > 0 && r.suppressed > 0, 'evictions, truncated windows and quiet periods are exercised');
  assert.ok(r.snapshots >= 2, `the log was compacted into snapshots (${r.snapshots})`);
  assert.ok(r.restarts >= 30);
  assert.deepEqual(r.got, r.expected);
});

test('the same with a restart after every batch and no compaction (the log folds from its start)', () => {
  const r = run(Number.MAX_SAFE_INTEGER, 1);
  assert.equal(r.snapshots, 0);
  assert.deepEqual(r.got, r.expected);
});

test('a database of the previous format (a row per group, whole windows) is converted once, its windows kept', () => {
  const path = join(mkdtempSync(join(tmpdir(), 'logward-cplog-')), 'd.db');
  const db = openDatabase({ path, synchronous: 'NORMAL' });
  db.exec(`CREATE TABLE detect_groups (id INTEGER PRIMARY KEY, rule TEXT NOT NULL, key TEXT NOT NULL, touched INTEGER NOT NULL, newest INTEGER NOT NULL, body TEXT NOT NULL, UNIQUE (rule, key));
    CREATE TABLE detect_meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);`);
  const entries = [0, 10, 20, 30, 40].map((s) => ({ t: T0 + s * 1000, id: `id${s}`, message: `fail ${s}`, host: 'web1', values: { src_ip: '192.0.2.9', user: 'root' } }));
  db.prepare('INSERT INTO detect_groups (rule, key, touched, newest, body) VALUES (?, ?, ?, ?, ?)').run('cp-count', '192.0.2.9', 1, T0 + 40_000, JSON.stringify({ values: ['192.0.2.9'], entries, lastFire: null, suppressed: 0 }));
  for (const [k, v] of [['format', '3'], ['watermark', String(T0 + 40_000)], ['touch_counter', '1'], ['state_seq', '5']]) db.prepare('INSERT INTO detect_meta VALUES (?, ?)').run(k, v);

  const repo = new DetectStateRepository(db);
  assert.deepEqual(repo.meta(), { watermark: T0 + 40_000, touchCounter: 1, entryCounter: 5, stateSeq: 5 });
  for (let at: number | undefined = 0; (at = repo.foldNext(at)) !== undefined; );
  const sink = new CollectSink();
  const engine = new DetectionEngine(rules(), sink, new ManualClock(T0 + 3_600_000), LIMITS);
  assert.equal(engine.restore(repo.heads(), T0 + 40_000, 1, (r, k) => repo.body(r, k), 5), 1);
  engine.process([ev(50, { message: 'fail 50', fields: { src_ip: '192.0.2.9', user: 'root' } })]); // the 6th in 120 s
  assert.deepEqual(sink.signals.filter((s) => s.rule_id === 'cp-count').map((s) => [s.count, s.event_ids?.slice(0, 2)]), [[6, ['id0', 'id10']]]);
  assert.equal((db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE name = 'detect_groups'").get() as { n: number }).n, 0);
  db.close();
});

test('a log of JSON rows (the previous format) is folded, continued in binary rows, and its windows kept across both', () => {
  const path = join(mkdtempSync(join(tmpdir(), 'logward-cplog-')), 'd.db');
  const db = openDatabase({ path, synchronous: 'NORMAL' });
  db.exec(`CREATE TABLE detect_log (id INTEGER PRIMARY KEY, body TEXT NOT NULL);
    CREATE TABLE detect_meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);`);
  // Four failures of cp-count's window as format 4 wrote them: [ord, t, id, message, host, values, distinct, steps].
  const entries = [0, 10, 20, 30].map((s, i) => [i + 1, T0 + s * 1000, `id${s}`, `fail ${s} café ✓`, 'web1', { src_ip: '192.0.2.9', user: 'root', tries: s }, null, null]);
  const group = ['cp-count', '192.0.2.9', 1, T0 + 30_000, ['192.0.2.9'], null, 0, 1, entries, []];
  db.prepare('INSERT INTO detect_log (body) VALUES (?)').run(JSON.stringify({ g: [group], d: [] }));
  for (const [k, v] of [['format', '4'], ['watermark', String(T0 + 30_000)], ['touch_counter', '1'], ['entry_counter', '4'], ['state_seq', '4']]) db.prepare('INSERT INTO detect_meta VALUES (?, ?)').run(k, v);

  const sink = new CollectSink();
  const clock = new ManualClock(T0 + 3_600_000);
  const start = () => {
    const repo = new DetectStateRepository(db);
    const meta = repo.meta()!;
    for (let at: number | undefined = 0; (at = repo.foldNext(at)) !== undefined; );
    const engine = new DetectionEngine(rules(), sink, clock, LIMITS);
    engine.restore(repo.heads(), meta.watermark, meta.touchCounter, (r, k) => repo.body(r, k), meta.entryCounter);
    return { repo, engine, meta };
  };
  const first = start();
  assert.deepEqual(first.meta, { watermark: T0 + 30_000, touchCounter: 1, entryCounter: 4, stateSeq: 4 });
  first.engine.process([ev(40, { message: 'fail 40', fields: { src_ip: '192.0.2.9', user: 'root' } })]); // the 5th
  db.transaction(() => first.repo.save(first.engine.exportChanges(), 5, () => first.engine.exportAll()))();
  first.engine.takeChanges();
  assert.deepEqual(db.prepare('SELECT typeof(body) AS t FROM detect_log ORDER BY id').all().map((r) => (r as { t: string }).t), ['text', 'blob']);

  const second = start(); // folds the JSON row, then the binary one
  second.engine.process([ev(50, { message: 'fail 50', fields: { src_ip: '192.0.2.9', user: 'root' } })]); // the 6th in 120 s
  const fired = sink.signals.filter((s) => s.rule_id === 'cp-count');
  assert.deepEqual(fired.map((s) => [s.count, s.event_ids?.slice(0, 2)]), [[6, ['id0', 'id10']]]);
  assert.equal(fired[0]!.samples?.[0], 'fail 0 café ✓');
  assert.deepEqual((fired[0]!.fields as Record<string, unknown>).tries, ['0', '10', '20', '30']);
  db.close();
});

test('binary rows keep what JSON kept: numbers, non-string values, unicode, quiet periods, distinct values and steps', () => {
  const db = openDatabase({ path: join(mkdtempSync(join(tmpdir(), 'logward-cplog-')), 'd.db'), synchronous: 'NORMAL' });
  const repo = new DetectStateRepository(db);
  const change = {
    rule: 'r\u0000ü', key: 'k\u001f✓', touched: 2 ** 40, newest: T0, values: ['a', 'é'], lastFire: T0 - 5, suppressed: 3, fresh: true,
    added: [
      { t: T0 - 1, id: 'x'.repeat(300), message: '𝄞 line\nwith "quotes"', host: 'h', values: { n: 1.5, s: 'v', b: true as unknown as string, z: null as unknown as string, u: undefined }, ord: 2 ** 35, distinct: 'd', steps: ['failure', 'success'] },
      { t: T0, id: 'y', message: '', host: 'h', values: {}, ord: 2 ** 35 + 1 },
    ],
    removed: [],
  };
  db.transaction(() => repo.save({ upserts: [change], deletes: [{ rule: 'gone', key: 'k' }], watermark: T0, touchCounter: 2 ** 40, entryCounter: 2 ** 35 + 1 }, 9))();
  const again = new DetectStateRepository(db);
  for (let at: number | undefined = 0; (at = again.foldNext(at)) !== undefined; );
  assert.deepEqual(again.heads(), [{ rule: change.rule, key: change.key, touched: 2 ** 40, newest: T0 }]);
  assert.deepEqual(again.body(change.rule, change.key), {
    values: ['a', 'é'],
    lastFire: T0 - 5,
    suppressed: 3,
    entries: [
      { t: T0 - 1, id: 'x'.repeat(300), message: '𝄞 line\nwith "quotes"', host: 'h', values: { n: 1.5, s: 'v', b: true, z: null }, ord: 2 ** 35, distinct: 'd', steps: ['failure', 'success'] },
      // Every entry has one shape (windows.ts windowEntry): an entry without them holds them undefined.
      { t: T0, id: 'y', message: '', host: 'h', values: {}, ord: 2 ** 35 + 1, distinct: undefined, steps: undefined },
    ],
  });
  assert.deepEqual(again.meta(), { watermark: T0, touchCounter: 2 ** 40, entryCounter: 2 ** 35 + 1, stateSeq: 9 });
  db.close();
});

test('a large log row is folded in slices (foldNext returns before the row is done), with the same result', () => {
  const db = openDatabase({ path: join(mkdtempSync(join(tmpdir(), 'logward-cplog-')), 'd.db'), synchronous: 'NORMAL' });
  const repo = new DetectStateRepository(db);
  const GROUPS = 12_000;
  const upserts = Array.from({ length: GROUPS }, (_, i) => ({
    rule: 'cp-count', key: `198.51.100.${i}`, touched: i + 1, newest: T0 + i, values: [`198.51.100.${i}`], lastFire: null, suppressed: 0, fresh: true,
    added: [0, 1].map((j) => ({ t: T0 + i + j, id: `id-${i}-${j}`, message: `fail ${i}-${j} ${'m'.repeat(40)}`, host: 'web1', values: { src_ip: `198.51.100.${i}` }, ord: 2 * i + j + 1 })),
    removed: [],
  }));
  db.transaction(() => repo.save({ upserts, deletes: [], watermark: T0 + GROUPS, touchCounter: GROUPS, entryCounter: 2 * GROUPS }, 1))();
  // A second row deletes the first half: deletes apply after the first row is folded whole.
  db.transaction(() => repo.save({ upserts: [], deletes: upserts.slice(0, GROUPS / 2).map((g) => ({ rule: g.rule, key: g.key })), watermark: T0 + GROUPS, touchCounter: GROUPS, entryCounter: 2 * GROUPS }, 2))();
  const rows = (db.prepare('SELECT count(*) AS n, max(length(body)) AS big FROM detect_log').get() as { n: number; big: number });
  assert.equal(rows.n, 2);
  assert.ok(rows.big > 512 * 1024, `the first row is several slices (${rows.big} bytes)`);

  const again = new DetectStateRepository(db);
  let calls = 0;
  for (let at: number | undefined = 0; (at = again.foldNext(at)) !== undefined; ) calls++;
  assert.ok(calls > rows.n + 1, `folded in ${calls} calls, more than one per row`);
  const heads = again.heads();
  assert.equal(heads.length, GROUPS / 2);
  assert.deepEqual(heads[0], { rule: 'cp-count', key: `198.51.100.${GROUPS / 2}`, touched: GROUPS / 2 + 1, newest: T0 + GROUPS / 2 });
  const last = GROUPS - 1;
  assert.deepEqual(again.body('cp-count', `198.51.100.${last}`)?.entries.map((e) => e.id), [`id-${last}-0`, `id-${last}-1`]);
  assert.equal(again.body('cp-count', '198.51.100.0'), undefined);
  db.close();
});

test('a damaged binary row still fails the fold, though its entries are not built until a body is asked for', () => {
  const db = openDatabase({ path: join(mkdtempSync(join(tmpdir(), 'logward-cplog-')), 'd.db'), synchronous: 'NORMAL' });
  const repo = new DetectStateRepository(db);
  const group = {
    rule: 'cp-count', key: '198.51.100.7', touched: 1, newest: T0, values: ['198.51.100.7'], lastFire: null, suppressed: 0, fresh: true,
    added: [{ t: T0, id: 'id-7', message: 'fail 7', host: 'web1', values: { src_ip: '198.51.100.7', user: 'root' }, ord: 1 }],
    removed: [],
  };
  db.transaction(() => repo.save({ upserts: [group], deletes: [], watermark: T0, touchCounter: 1, entryCounter: 1 }, 1))();
  const body = Buffer.from((db.prepare('SELECT body FROM detect_log').pluck().get() as Buffer));
  assert.ok(body[1]! > 2 && body[1]! < 128, 'string count is one byte');
  // Two strings fewer in the table: the entry's last value refs (its 'user' key and value) point past it.
  body[1]! -= 2;
  db.prepare('UPDATE detect_log SET body = ?').run(body);
  const again = new DetectStateRepository(db);
  assert.throws(() => {
    for (let at: number | undefined = 0; (at = again.foldNext(at)) !== undefined; );
  }, /bad string reference/);
  db.close();
});
