/**
 * The detection stage as a service module: loads the rules at start-up (refusing to start on a
 * broken rule module), consumes stored events from the pump, emits AlertSignals.
 *
 * No alert is lost to a failing sink: the engine's signals are collected per batch and handed to
 * the alert sink after it; a sink that throws (the database is full) makes consume() throw, so
 * the pump keeps the cursor and retries. The retry first re-sends the signals still pending and
 * skips the events (by seq) already run through the engine, so each burst is recorded once.
 *
 * Restart: the window state (open windows' entries, quiet periods, sequence steps) is saved
 * incrementally (changed groups only) as a checkpoint, with the seq it is as of, in the
 * transaction that commits the consumer's cursor (EventConsumer.checkpoint): every 20,000
 * events (or 60 s when events trickle), and on a graceful stop. start() loads it and replays, without emitting, the
 * events consumed after it (up to the cursor; their alerts were recorded before the cursor
 * moved); the pump then delivers the events after the cursor as usual. So after a graceful stop
 * or a crash every open window, quiet period and sequence step is back, whatever the event times,
 * and start-up is bounded by the open groups plus at most 100,000 events (CHECKPOINT_EVERY_EVENTS), not by the store.
 */
import type { Registry } from 'prom-client';
import { Counter, Gauge } from 'prom-client';
import type { AlertSignal, LogEvent, RulesConfig } from '../generated/schema-types.js';
import type { AlertSink, Clock, EventConsumer, ServiceModule } from '../pipeline/contracts.js';
import type { Db } from '../store/database.js';
import type { EventStore } from '../store/event-store.js';
import { DetectionEngine, type DetectMetrics } from './engine.js';
import { limitsFrom, loadRuleSet, type RuleSet } from './ruleset.js';
import { createRulesRouter, type RuleTester } from './router.js';
import { RuleOverrideRepository, RuntimeRuleSettings } from './runtime-overrides.js';
import { skippedLine } from './sigma/load.js';
import { DetectStateRepository } from './state-repository.js';

export const DETECT_CONSUMER = 'detect';
/**
 * Window state is saved after this many events, which bounds the replay at start-up. A save
 * writes the head of every group changed since the last one (a flood of 80,000 groups: many
 * rows) and each new window entry, so it is bounded by events, not made more frequent by time...
 * 100,000 rather than 20,000: a group touched again before the next save has its head written
 * once, and on the ingest benchmark's mix (600,000 events, bench/detect-main.ts) the saves cost
 * 4.1-4.6 µs of main-thread CPU per event instead of 7.9 (50,000: 6.0). The price is a longer
 * replay after a crash: up to 100,000 events read back and re-run through the rules at start-up
 * (bench:restart, 1 M stored events, loaded VM: replayed in 4.9 s, ready after 9.3 s instead of
 * 3.7 s without a replay). A graceful stop always saves, so only a crash pays it.
 */
const CHECKPOINT_EVERY_EVENTS = 100_000;
/** ...except that a trickle of events is saved at least this often. */
const CHECKPOINT_EVERY_MS = 60_000;
/** Events read per step of that replay. */
const REPLAY_PAGE = 5000;
/** Saved group heads handed to the engine per step at start-up. */
const RESTORE_PAGE = 10_000;

export interface DetectionDeps {
  config: RulesConfig;
  sink: AlertSink;
  clock: Clock;
  /** Where the window checkpoint lives (the service's database); without it state lives in memory only. */
  db?: Db;
  /** The event store: start-up replays the events consumed after the last checkpoint from it. */
  store?: EventStore;
  log?: (m: string) => void;
  /** When given, the detect counters are exported as logward_detect_* metrics. */
  registry?: Registry;
  /** Runs `test-rule` for POST /rules/:id/test (the CLI's code, given the service's config). */
  testRule?: RuleTester;
}

export interface DetectionModule extends ServiceModule {
  engine: DetectionEngine;
  rules: RuleSet;
  /** Settings changed through the API (stored with the database; in memory without one). */
  runtime: RuntimeRuleSettings;
  metrics: DetectMetrics;
  consumer: EventConsumer;
  /** Loads the saved window state (start() runs it); resolves with the number of groups restored. */
  restore(): Promise<number>;
}

export async function createDetectionModule(deps: DetectionDeps): Promise<DetectionModule> {
  const log = deps.log ?? (() => {});
  // rules.enabled: false → a module that consumes and ignores events (no rule files are read).
  const ruleSet: RuleSet = deps.config.enabled === false ? { rules: [], disabled: [], skipped: [], warnings: [] } : await loadRuleSet(deps.config);
  for (const w of ruleSet.warnings) log(`rules: warning: ${w}`);
  // One line, not one per rule: a SigmaHQ checkout skips hundreds (`logward rules` and GET /api/rules list them).
  log(`rules: ${ruleSet.rules.length} rules active (${ruleSet.rules.filter((r) => r.source === 'sigma').length} Sigma), ${ruleSet.disabled.length} disabled, ${skippedLine(ruleSet.skipped)}`);

  // Signals fired by the batch being consumed and not yet accepted by the sink, oldest first.
  // Bounded: consume() hands them on before it takes new events.
  let pending: AlertSignal[] = [];
  const collect: AlertSink = { emit: (s) => void pending.push(s) };
  const engine = new DetectionEngine(ruleSet.rules, collect, deps.clock, limitsFrom(deps.config), log);
  const repo = deps.db ? new DetectStateRepository(deps.db) : undefined;
  const runtime = new RuntimeRuleSettings(ruleSet.rules, deps.db ? new RuleOverrideRepository(deps.db) : undefined, {
    maxEventsPerGroup: limitsFrom(deps.config).maxEventsPerGroup,
    now: () => deps.clock.now(),
    log,
  });
  /** Highest store seq run through the engine: a retried batch skips up to here. */
  let processedThrough = 0;
  /** The seq the saved window state is as of, and when it was saved. */
  let savedThrough = 0;
  let lastSave = Date.now();

  const handOn = () => {
    let i = 0;
    try {
      for (; i < pending.length; i++) deps.sink.emit(pending[i]!);
    } finally {
      pending = i ? pending.slice(i) : pending;
    }
  };

  const restore = async (): Promise<number> => {
    if (!repo) return 0;
    if (deps.config.warmup === false) {
      repo.clear(); // what is saved from now on must not mix with older, unloaded groups
      return 0;
    }
    const t0 = Date.now();
    const meta = repo.meta();
    const cursor = deps.store?.getCursor(DETECT_CONSUMER) ?? 0;
    processedThrough = cursor;
    if (!meta) {
      log('rules: no saved window state (first start with checkpoints): windows start empty');
      // An empty state as of the cursor, so a crash before the first checkpoint replays from here.
      repo.save(engine.exportChanges(), cursor);
      engine.takeChanges();
      savedThrough = cursor;
      return 0;
    }
    // The log a row at a time, yielding between rows (/healthz and ingest run meanwhile).
    for (let at: number | undefined = 0; (at = repo.foldNext(at)) !== undefined; ) await new Promise<void>((r) => setImmediate(r));
    const loadBody = (rule: string, key: string) => repo.body(rule, key);
    const heads = repo.heads();
    let n = 0;
    // At least once: the watermark and counters are restored even without a group.
    for (let i = 0; i === 0 || i < heads.length; i += RESTORE_PAGE) {
      n += engine.restore(heads.slice(i, i + RESTORE_PAGE), meta.watermark, meta.touchCounter, loadBody, meta.entryCounter);
      await new Promise<void>((r) => setImmediate(r));
    }
    // The events consumed after the last checkpoint (at most CHECKPOINT_EVERY_EVENTS): their
    // alerts were recorded before the cursor moved, so they rebuild state without emitting.
    let replayed = 0;
    savedThrough = meta.stateSeq;
    for (let from = meta.stateSeq; deps.store && from < cursor; ) {
      const batch = deps.store.readAfter(from, Math.min(REPLAY_PAGE, cursor - from)).filter((s) => s.seq <= cursor);
      if (!batch.length) break;
      engine.warm(batch.map((s) => s.event));
      replayed += batch.length;
      from = batch[batch.length - 1]!.seq;
      await new Promise<void>((r) => setImmediate(r));
    }
    log(`rules: restored ${n} open rule groups from the checkpoint and replayed the ${replayed} events consumed after it in ${Date.now() - t0} ms`);
    return n;
  };

  const consumer: EventConsumer = {
    name: DETECT_CONSUMER,
    consume(events: readonly LogEvent[], seqs?: readonly number[], timesMs?: readonly number[]) {
      handOn(); // what a failed attempt could not record goes first (throws while the sink still fails)
      if (!seqs) engine.process(events);
      else {
        for (let i = 0; i < events.length; i++) {
          const seq = seqs[i]!;
          if (seq <= processedThrough) {
            engine.metrics.duplicates_skipped_total++;
            continue;
          }
          engine.processOne(events[i]!, timesMs?.[i]);
          processedThrough = seq;
        }
      }
      handOn();
    },
    checkpointDue(force: boolean) {
      // Every changed group's head is rewritten, so saving after every batch would cost more than
      // detection itself under a flood of groups touched once each. The cursor is still written every batch;
      // what a crash loses since the last save is rebuilt by the warm replay in restore().
      if (!repo) return false;
      const behind = processedThrough - savedThrough;
      return force || behind >= CHECKPOINT_EVERY_EVENTS || (behind > 0 && Date.now() - lastSave >= CHECKPOINT_EVERY_MS);
    },
    replaysAfter: () => savedThrough,
    checkpoint() {
      if (!repo) return;
      // Called only while the consumer is healthy: the engine then holds exactly the events up to processedThrough.
      const through = processedThrough;
      repo.save(engine.exportChanges(), through, () => engine.exportAll());
      return () => {
        engine.takeChanges();
        savedThrough = through;
        lastSave = Date.now();
      };
    },
  };

  if (deps.registry) registerDetectMetrics(deps.registry, engine);

  return {
    name: 'detect',
    router: createRulesRouter(engine, ruleSet, runtime, deps.testRule),
    consumer,
    engine,
    rules: ruleSet,
    runtime,
    metrics: engine.metrics,
    restore,
    async start() {
      await restore();
    },
    stop() {
      engine.sweep();
    },
  };
}

/** Exposes the engine counters to Prometheus, read at scrape time. */
export function registerDetectMetrics(registry: Registry, engine: DetectionEngine): void {
  const m = engine.metrics;
  const counters: Array<[keyof Omit<DetectMetrics, 'by_rule'>, string]> = [
    ['events_total', 'Events run through the detection rules'],
    ['matches_total', 'Rule matches (an event can match several rules)'],
    ['signals_total', 'Alert signals emitted by rules'],
    ['suppressed_total', 'Matches inside a quiet period after a group fired'],
    ['late_dropped_total', 'Events later than the allowed lateness behind their group'],
    ['groups_evicted_total', 'Rule groups evicted because a rule hit max_groups_per_rule'],
    ['groups_expired_total', 'Rule groups dropped once no event could affect them'],
    ['entries_truncated_total', 'Window entries dropped because a group hit max_events_per_group'],
    ['rule_errors_total', 'Exceptions thrown by rule code'],
    ['warmup_events_total', 'Events replayed without emitting at start-up (consumed after the last window checkpoint)'],
    ['duplicates_skipped_total', 'Events delivered again (a retried batch) and skipped because the engine had them'],
  ];
  for (const [key, help] of counters) {
    new Counter({
      name: `logward_detect_${key}`,
      help,
      registers: [registry],
      collect() {
        this.reset();
        this.inc(m[key]);
      },
    });
  }
  new Gauge({ name: 'logward_detect_groups', help: 'Open rule groups (window state) across all rules', registers: [registry], collect() { this.set(engine.groupCount()); } });
  new Counter({
    name: 'logward_detect_rule_signals_total',
    help: 'Alert signals per rule',
    labelNames: ['rule'],
    registers: [registry],
    collect() {
      this.reset();
      for (const [rule, c] of m.by_rule) if (c.signals) this.inc({ rule }, c.signals);
    },
  });
}
