/**
 * Equality check for changes to the detection engine, its window checkpoint and the anomaly
 * consumer: `node --import tsx alert-service/bench/detect-check.ts [--lines 300000] [--log-min-mb 4] --out FILE`.
 *
 * Runs a large event mix through every built-in rule (DetectionEngine) and the anomaly consumer,
 * saving the window checkpoint as the detection module does (every 20,000 events, into SQLite,
 * with a small log limit so snapshots and log compaction happen too), then writes to FILE:
 * every signal (JSON, in emit order), the checkpoint's rows and meta (hex), the state a fresh
 * engine restores from them (exportAll) beside the live engine's exportAll, the detect counters
 * and every row of the anomaly tables. Run it on two builds and `cmp` the files: any difference
 * in what detection emits or saves shows up. It prints a sha256 per section.
 *
 * Events go to the engine and the anomaly consumer with their times in ms, as the event pump
 * passes them (each stored row's time_ms); a build before that parsed the time texts instead,
 * and its output must be the same.
 *
 * The mix: the ingest benchmark's records (bench/record-mix.ts, normalized as the service does),
 * interleaved with the SSH fixtures under test/fixtures/ (fail2ban's sshd test logs, LogHub's
 * OpenSSH sample, the journald auth.log), repeated with shifted times and addresses so their
 * brute forces, sprays and successes fire, plus a late and out-of-order tail.
 */
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../src/config/load.js';
import type { AlertSignal, LogEvent } from '../src/generated/schema-types.js';
import { normalizeRawLine } from '../src/normalize/index.js';
import { DetectionEngine } from '../src/detect/engine.js';
import { limitsFrom, loadRuleSet } from '../src/detect/ruleset.js';
import { DetectStateRepository } from '../src/detect/state-repository.js';
import { createAnomalyModule } from '../src/anomaly/module.js';
import { openDatabase } from '../src/store/database.js';
import { line } from './record-mix.js';

const { values: args } = parseArgs({ options: { lines: { type: 'string', default: '300000' }, out: { type: 'string' }, 'log-min-mb': { type: 'string', default: '4' } } });
if (!args.out) {
  console.error('usage: detect-check.ts [--lines N] --out FILE');
  process.exit(2);
}
const LINES = Number(args.lines);
const root = join(import.meta.dirname, '..', '..');
const config = loadConfig({ env: {} });
const receivedAt = new Date('2026-11-21T12:00:00Z');
const NOW = receivedAt.getTime();

let offset = 0;
const norm = (kind: LogEvent['source']['kind'], path: string, text: string, host = 'web1'): LogEvent | null => {
  offset += text.length + 1;
  return normalizeRawLine(text, { path, offset, host, kind }, { receivedAt }, config.normalize);
};

/** The SSH fixture lines (comments and blank lines left out), as auth.log lines. */
const fixtureLines: string[] = [];
for (const f of ['test/fixtures/fail2ban-sshd/sshd', 'test/fixtures/loghub/OpenSSH_2k.head.log', 'test/fixtures/journald/auth.log', 'test/fixtures/loghub/Linux_2k.log']) {
  for (const l of readFileSync(join(root, f), 'utf8').split('\n')) if (l.trim() && !l.startsWith('#')) fixtureLines.push(l);
}

/** A fixture line moved to `rep`'s copy: its addresses shifted so each copy is an attacker of its own, its clock into the bench day. */
function shifted(l: string, rep: number, minute: number): string {
  const body = l.replace(/^[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d /, '');
  const mm = String(minute % 60).padStart(2, '0');
  const hh = String(9 + Math.floor(minute / 60) % 3).padStart(2, '0');
  return `Nov 21 ${hh}:${mm}:${String(rep % 60).padStart(2, '0')} ${body.replace(/\b(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\b/g, (_m, a, b, c) => `${a}.${b}.${c}.${rep % 250}`)}`;
}

const events: LogEvent[] = [];
let fixtureAt = 0;
let rep = 0;
for (let i = 0; i < LINES; i++) {
  const r = line(i);
  const e = norm(r.kind as LogEvent['source']['kind'], r.file, r.log);
  if (e) events.push(e);
  // A fixture line every 8 bench lines, copies cycling through the fixtures.
  if (i % 8 === 7) {
    const fl = fixtureLines[fixtureAt++]!;
    if (fixtureAt === fixtureLines.length) {
      fixtureAt = 0;
      rep++;
    }
    const ev = norm('auth', '/var/log/auth.log', shifted(fl, rep, Math.floor(fixtureAt / 40)), rep % 3 ? 'web1' : 'db1');
    if (ev) events.push(ev);
  }
}
// Late and out-of-order: a slice of the stream again with new ids, times moved back 0-900 s.
for (let i = 0; i < Math.min(events.length, 20_000); i += 3) {
  const e = events[events.length - 1 - i]!;
  const t = Date.parse(e.time) - ((i * 7919) % 900_000);
  events.push({ ...e, id: `late${i.toString(16).padStart(28, '0')}`, time: new Date(t).toISOString() });
}

const db = openDatabase({ path: ':memory:' });
const signals: AlertSignal[] = [];
const loaded = await loadRuleSet(config.rules);
const clock = { now: () => NOW };
const engine = new DetectionEngine(loaded.rules, { emit: (s) => void signals.push(s) }, clock, limitsFrom(config.rules));
// The checkpoint log is compacted into a snapshot past this size (the service: 32 MiB; small here, so snapshots happen).
const LOG_MIN_BYTES = Number(args['log-min-mb']) * 2 ** 20;
const repo = new DetectStateRepository(db, LOG_MIN_BYTES);
const anomaly = createAnomalyModule({ db, config: { ...config.anomaly, time_zone: 'UTC' }, clock, sink: { emit: () => {} } });

const CHECKPOINT_EVERY = 20_000;
const BATCH = 1000;
const started = process.cpuUsage();
let detectUs = 0;
let anomalyUs = 0;
let checkpointUs = 0;
const cpu = () => {
  const u = process.cpuUsage();
  return u.user + u.system;
};
let sinceCheckpoint = 0;
let removedOrds = 0;
let addedEntries = 0;
// Every row each checkpoint wrote (a sha256 each): rows a later snapshot deleted are compared too.
const written: string[] = [];
let lastRow = 0;
const newRows = db.prepare('SELECT id, body FROM detect_log WHERE id > ? ORDER BY id').raw();
for (let at = 0; at < events.length; at += BATCH) {
  const batch = events.slice(at, at + BATCH);
  const seqs = batch.map((_, i) => at + i + 1);
  // Each event's time in ms as the pump passes it (the stored row's time_ms: Date.parse of the text, as the encoder computes it).
  const timesMs = batch.map((e) => Date.parse(e.time));
  let c = cpu();
  for (let k = 0; k < batch.length; k++) engine.processOne(batch[k]!, timesMs[k]);
  detectUs += cpu() - c;
  c = cpu();
  anomaly.consumer.consume(batch, seqs, timesMs);
  anomalyUs += cpu() - c;
  sinceCheckpoint += batch.length;
  if (sinceCheckpoint >= CHECKPOINT_EVERY || at + BATCH >= events.length) {
    c = cpu();
    db.transaction(() => {
      const ch = engine.exportChanges();
      for (const u of ch.upserts) {
        removedOrds += u.removed.length;
        addedEntries += u.added.length;
      }
      repo.save(ch, at + batch.length, () => engine.exportAll());
    })();
    engine.takeChanges();
    checkpointUs += cpu() - c;
    for (const [id, body] of newRows.all(lastRow) as Array<[number, Buffer | string]>) {
      written.push(`${at + batch.length} ${id} ${createHash('sha256').update(body).digest('hex')}`);
      lastRow = id;
    }
    sinceCheckpoint = 0;
  }
}
const totalUs = cpu() - (started.user + started.system);

// A fresh repository and engine restore what was saved; both engines then export everything.
const repo2 = new DetectStateRepository(db, LOG_MIN_BYTES);
for (let a: number | undefined = 0; (a = repo2.foldNext(a)) !== undefined; );
const meta = repo2.meta()!;
const engine2 = new DetectionEngine(loaded.rules, { emit: () => {} }, clock, limitsFrom(config.rules));
const restored = engine2.restore(repo2.heads(), meta.watermark, meta.touchCounter, (r, k) => repo2.body(r, k), meta.entryCounter);
const sections: Array<[string, string]> = [];
const add = (name: string, text: string) => sections.push([name, text]);
add('signals', signals.map((s) => JSON.stringify(s)).join('\n'));
const rows = db.prepare('SELECT id, body FROM detect_log ORDER BY id').raw().all() as Array<[number, Buffer | string]>;
add('checkpoint-rows', rows.map(([id, b]) => `${id} ${Buffer.isBuffer(b) ? b.toString('hex') : b}`).join('\n'));
add('checkpoint-history', written.join('\n'));
add('checkpoint-meta', JSON.stringify(db.prepare('SELECT name, value FROM detect_meta ORDER BY name').raw().all()));
// Keys sorted: the state compared, not the order an object's fields were set in.
const sortedKeys = (_k: string, v: unknown) =>
  typeof v === 'number' && !Number.isFinite(v) ? String(v) : v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : v;
const exported = (e: DetectionEngine) => JSON.stringify(e.exportAll(), sortedKeys);
add('restored-state', exported(engine2));
add('live-state', exported(engine));
add('metrics', JSON.stringify({ ...engine.metrics, by_rule: [...engine.metrics.by_rule] }));
const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'detect%' ORDER BY name").raw().all() as string[][]).map((r) => r[0]!);
// Rows as JSON lines, sorted (some tables are WITHOUT ROWID: no insertion order to read).
for (const t of tables) add(`table ${t}`, (db.prepare(`SELECT * FROM "${t}"`).raw().all() as unknown[][]).map((r) => JSON.stringify(r, (_k, v: unknown) => (Buffer.isBuffer(v) ? v.toString('hex') : v))).sort().join('\n'));

writeFileSync(args.out, sections.map(([n, t]) => `== ${n}\n${t}\n`).join(''));
const sha = (s: string) => createHash('sha256').update(s).digest('hex').slice(0, 16);
console.log(`${events.length.toLocaleString('en-US')} events, ${signals.length} signals, ${rows.length} checkpoint rows, ${restored} groups restored, ${engine.groupCount()} open`);
console.log(`incremental exports: ${addedEntries} entries added, ${removedOrds} saved entries removed`);
console.log(`CPU µs per event: detect ${(detectUs / events.length).toFixed(2)}, anomaly ${(anomalyUs / events.length).toFixed(2)}, checkpoint ${(checkpointUs / events.length).toFixed(2)}, all ${(totalUs / events.length).toFixed(2)}`);
for (const [n, t] of sections) console.log(`  ${sha(t)}  ${n} (${t.length.toLocaleString('en-US')} chars)`);
if (exported(engine) !== exported(engine2)) console.log('NOTE: the restored state differs from the live one');
