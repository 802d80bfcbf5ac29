/**
 * The detection stage as a service module: loads the rules at start-up (refusing to start on a
 * broken rule module), consumes stored events from the pump, emits AlertSignals.
 *
 * Restart: rather than persisting window state, start() rebuilds it. It replays the stored events
 * of the last max(window, quiet) + lateness (by event time) that the consumer had ALREADY
 * processed before the restart (events up to its persisted cursor) in warm mode: windows fill
 * up, bursts that fired before re-enter their quiet period, nothing is emitted. Events after the
 * cursor are then delivered by the pump as usual and fire normally, so a burst split across a
 * restart alerts exactly once.
 */
import type { Registry } from 'prom-client';
import { Counter, Gauge } from 'prom-client';
import type { LogEvent, RulesConfig } from '../generated/schema-types.js';
import type { AlertSink, Clock, EventConsumer, ServiceModule } from '../pipeline/contracts.js';
import type { EventStore } from '../store/event-store.js';
import { DetectionEngine, type DetectMetrics } from './engine.js';
import { limitsFrom, loadRuleSet, type RuleSet } from './ruleset.js';
import { createRulesRouter } from './router.js';
import { skippedLine } from './sigma/load.js';

export const DETECT_CONSUMER = 'detect';

export interface DetectionDeps {
  config: RulesConfig;
  sink: AlertSink;
  clock: Clock;
  store?: EventStore;
  log?: (m: string) => void;
  /** When given, the detect counters are exported as logward_detect_* metrics. */
  registry?: Registry;
}

export interface DetectionModule extends ServiceModule {
  engine: DetectionEngine;
  rules: RuleSet;
  metrics: DetectMetrics;
  consumer: EventConsumer;
  /** The warm-up replay (start() runs it); exposed for tests. */
  warmUp(): number;
}

/** Most not-yet-consumed events whose ids are read to keep them out of the warm-up. */
const PENDING_ID_CAP = 200_000;

export async function createDetectionModule(deps: DetectionDeps): Promise<DetectionModule> {
  const log = deps.log ?? (() => {});
  // rules.enabled: false → a module that consumes and ignores events (no rule files are read).
  const ruleSet: RuleSet = deps.config.enabled === false ? { rules: [], disabled: [], skipped: [], warnings: [] } : await loadRuleSet(deps.config);
  for (const w of ruleSet.warnings) log(`rules: warning: ${w}`);
  // One line, not one per rule: a SigmaHQ checkout skips hundreds (`logward rules` and GET /api/rules list them).
  log(`rules: ${ruleSet.rules.length} rules active (${ruleSet.rules.filter((r) => r.source === 'sigma').length} Sigma), ${ruleSet.disabled.length} disabled, ${skippedLine(ruleSet.skipped)}`);

  const engine = new DetectionEngine(ruleSet.rules, deps.sink, deps.clock, limitsFrom(deps.config), log);
  // Only set when warm-up had to include possibly-unconsumed events (pending cap exceeded).
  let warmedIds: Set<string> | undefined;

  const warmUp = (): number => {
    const store = deps.store;
    if (!store || deps.config.warmup === false) return 0;
    const from = deps.clock.now() - engine.maxLookbackMs();
    const cursor = store.getCursor(DETECT_CONSUMER);
    const pending = store.readAfter(cursor, PENDING_ID_CAP);
    const pendingIds = new Set(pending.map((p) => p.event.id));
    const max = deps.config.warmup_max_events ?? 500_000;
    const stored = store.query({ fromMs: from, limit: max });
    if (stored.length >= max) log(`rules: warm-up stopped at rules.warmup_max_events (${max}); windows after ${stored[stored.length - 1]?.time} start empty`);
    const replay = stored.filter((e) => !pendingIds.has(e.id));
    if (pending.length >= PENDING_ID_CAP) {
      warmedIds = new Set(replay.map((e) => e.id));
      log(`rules: more than ${PENDING_ID_CAP} events await detection; warm-up may include some of them (their alerts, if any, are not emitted)`);
    }
    engine.warm(replay);
    log(`rules: warm-up replayed ${replay.length} stored events since ${new Date(from).toISOString()}`);
    return replay.length;
  };

  let quietBatches = 0;
  const consumer: EventConsumer = {
    name: DETECT_CONSUMER,
    consume(events: readonly LogEvent[]) {
      if (!warmedIds) return engine.process(events);
      let dup = 0;
      for (const e of events) {
        if (warmedIds.has(e.id)) {
          dup++;
          engine.metrics.duplicates_skipped_total++;
        } else engine.processOne(e);
      }
      // Pending events come first in store order: once batches stop containing warmed ids, drop the set.
      if (dup === 0 && ++quietBatches >= 10) warmedIds = undefined;
    },
  };

  if (deps.registry) registerDetectMetrics(deps.registry, engine);

  return {
    name: 'detect',
    router: createRulesRouter(engine, ruleSet),
    consumer,
    engine,
    rules: ruleSet,
    metrics: engine.metrics,
    warmUp,
    start() {
      warmUp();
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
    ['warmup_events_total', 'Stored events replayed at start-up'],
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
