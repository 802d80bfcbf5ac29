/**
 * Event times handed in as ms (the pump passes each stored row's time_ms with the batch) instead
 * of parsed from the text by the detection engine and the anomaly consumer: the same signals,
 * window state and anomaly tables as from the text, over canonical and non-canonical time texts,
 * out-of-order and late events and a bad time; and through the real pump, each consumer gets
 * time_ms equal to Date.parse of the event's time for events fed from the handoff.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LogEvent } from '../../alert-service/src/generated/schema-types.js';
import { DetectionEngine, DEFAULT_LIMITS } from '../../alert-service/src/detect/engine.js';
import { createDetectionModule } from '../../alert-service/src/detect/module.js';
import { createAnomalyModule } from '../../alert-service/src/anomaly/module.js';
import { openDatabase } from '../../alert-service/src/store/database.js';
import { decodeStored, encodeEvent, SqliteEventStore } from '../../alert-service/src/store/sqlite-event-store.js';
import { EventPump } from '../../alert-service/src/pipeline/event-pump.js';
import type { EventConsumer } from '../../alert-service/src/pipeline/contracts.js';
import { loadRuleSet } from '../../alert-service/src/detect/ruleset.js';
import { CollectSink, config, lines, ManualClock } from './helpers.js';

/** Every built-in rule, loaded afresh: the sshd rules keep session state across events, so each run needs its own. */
const freshRules = async () => (await loadRuleSet(config.rules)).rules;

const root = join(import.meta.dirname, '..', '..');
/** The fail2ban sshd test log's lines (brute forces, sprays, successes) as normalized auth events. */
function sshEvents(): LogEvent[] {
  const text = readFileSync(join(root, 'test/fixtures/fail2ban-sshd/sshd'), 'utf8')
    .split('\n')
    .filter((l) => l.trim() && !l.startsWith('#'));
  return lines('auth', text);
}

/** The events with their times rewritten: canonical, without ms, with an offset, some moved back (late), one unparsable. */
function mixedTimes(events: LogEvent[]): LogEvent[] {
  const base = Date.parse('2026-11-21T10:00:00.000Z');
  return events.map((e, i) => {
    const ms = base + i * 7_000 - (i % 9 === 4 ? 650_000 : 0);
    const iso = new Date(ms).toISOString();
    const time = i === 17 ? 'not a time' : i % 5 === 1 ? iso.replace('.000Z', 'Z') : i % 5 === 2 ? new Date(ms + 3_600_000).toISOString().replace('Z', '+01:00') : iso;
    return { ...e, time };
  });
}

test('the engine given each event time in ms emits and keeps exactly what it does parsing the text', async () => {
  const events = mixedTimes(sshEvents());
  assert.ok(events.length > 100);
  const run = async (withMs: boolean) => {
    const rules = await freshRules();
    const sink = new CollectSink();
    const engine = new DetectionEngine(rules, sink, new ManualClock(Date.parse('2026-11-21T12:00:00Z')), DEFAULT_LIMITS);
    for (const e of events) engine.processOne(e, withMs ? Date.parse(e.time) : undefined);
    return { signals: sink.signals, state: JSON.stringify(engine.exportAll()), metrics: JSON.stringify({ ...engine.metrics, by_rule: [...engine.metrics.by_rule] }) };
  };
  const parsed = await run(false);
  const given = await run(true);
  assert.ok(parsed.signals.length > 0, 'the fixture fires rules');
  assert.deepEqual(given.signals, parsed.signals);
  assert.ok(given.state === parsed.state, 'the same window state');
  assert.equal(given.metrics, parsed.metrics);
  assert.match(given.metrics, /"bad_time_total":1,/);
});

test('the anomaly consumer given the times in ms counts exactly what it counts parsing the text', () => {
  const events = mixedTimes(lines('syslog', Array.from({ length: 400 }, (_, i) => `Nov 21 10:00:00 web1 app[${i}]: request ${i % 7 ? 'ok' : 'failed with error'} in ${i} ms`)));
  const now = Date.parse('2026-11-21T12:00:00Z');
  const tables = (withMs: boolean) => {
    const db = openDatabase({ path: ':memory:' });
    const m = createAnomalyModule({ db, config: { ...config.anomaly, time_zone: 'UTC' }, clock: { now: () => now }, sink: { emit: () => {} } });
    for (let at = 0; at < events.length; at += 64) {
      const batch = events.slice(at, at + 64);
      const seqs = batch.map((_, i) => at + i + 1);
      void m.consumer.consume(batch, seqs, withMs ? batch.map((e) => Date.parse(e.time)) : undefined);
    }
    const names = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").raw().all() as string[][]).map((r) => r[0]!);
    return names.map((t) => `${t}: ${JSON.stringify((db.prepare(`SELECT * FROM "${t}"`).raw().all() as unknown[][]).map((r) => JSON.stringify(r)).sort())}`).join('\n');
  };
  const parsed = tables(false);
  assert.match(parsed, /anomaly/);
  assert.equal(tables(true), parsed);
});

test('the pump hands each consumer the stored rows\' time_ms for events fed from the handoff, none for events read back or offered as objects', async () => {
  const store = new SqliteEventStore(openDatabase({ path: ':memory:' }), { retentionDays: 30, deadLetterRetentionDays: 30 });
  const got: Array<{ name: string; times: readonly number[] | undefined; events: readonly LogEvent[] }> = [];
  const recorder = (name: string): EventConsumer => ({ name, consume: (events, _seqs, times) => void got.push({ name, times, events }) });
  store.setCursors([['ahead', 3]]); // starts past the first 3 events: gets the rest of each batch, its times cut alike
  const pump = new EventPump(store, [recorder('slow'), recorder('ahead')], undefined, { batchSize: 50, maxHandoff: 40, decode: decodeStored }, false);
  const events = mixedTimes(sshEvents()).filter((e) => Number.isFinite(Date.parse(e.time))).slice(0, 60);
  await pump.offerEncoded(store.insertEncoded(events.map(encodeEvent)).stored); // 40 kept, 20 read back
  await pump.start();
  await pump.offer(store.insertEvents([{ ...events[0]!, id: 'f'.repeat(32) }]).stored);
  const fed = got.filter((g) => g.times);
  assert.deepEqual(fed.map((g) => [g.name, g.events.length]), [['slow', 40], ['ahead', 37]]);
  for (const g of fed) {
    assert.equal(g.times!.length, g.events.length);
    g.events.forEach((e, i) => assert.equal(g.times![i], Date.parse(e.time), `${g.name} event ${i} (${e.time})`));
  }
  // Read back from the store (past the full handoff) and the object offered: no times, the consumers parse.
  assert.deepEqual(got.filter((g) => !g.times).map((g) => [g.name, g.events.length]), [['slow', 20], ['ahead', 20], ['slow', 1], ['ahead', 1]]);
});

test('the detection module fed by the pump with row times fires what the engine fires from the texts', async () => {
  const events = mixedTimes(sshEvents()).filter((e) => Number.isFinite(Date.parse(e.time)));
  const now = { now: () => Date.parse('2026-11-21T12:00:00Z') };
  const viaPump = new CollectSink();
  const store = new SqliteEventStore(openDatabase({ path: ':memory:' }), { retentionDays: 30, deadLetterRetentionDays: 30 });
  const mod = await createDetectionModule({ config: config.rules, sink: viaPump, clock: now });
  const pump = new EventPump(store, [mod.consumer], undefined, { batchSize: 64, maxHandoff: 100_000, decode: decodeStored });
  for (let at = 0; at < events.length; at += 100) await pump.offerEncoded(store.insertEncoded(events.slice(at, at + 100).map(encodeEvent)).stored);
  const direct = new CollectSink();
  const engine = new DetectionEngine(await freshRules(), direct, now, DEFAULT_LIMITS);
  engine.process(events);
  assert.ok(direct.signals.length > 0);
  assert.deepEqual(viaPump.signals, direct.signals);
});
