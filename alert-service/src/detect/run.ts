/**
 * One-shot detection over a finite set of events: what `test-rule` and `analyze` call. Same
 * engine and rules as the service; events are sorted by event time first (a batch has no
 * arrival order worth keeping), so lateness never drops anything here.
 */
import type { AlertSignal, LogEvent } from '../generated/schema-types.js';
import type { Clock } from '../pipeline/contracts.js';
import type { CompiledRule } from './compiled.js';
import { DetectionEngine, DEFAULT_LIMITS, type DetectMetrics, type EngineLimits, type MatchObserver } from './engine.js';

export interface BatchResult {
  signals: AlertSignal[];
  metrics: DetectMetrics;
}

export function runDetection(
  events: readonly LogEvent[],
  rules: readonly CompiledRule[],
  opts: { limits?: EngineLimits; clock?: Clock; onMatch?: MatchObserver } = {},
): BatchResult {
  const signals: AlertSignal[] = [];
  // Offline input may be stamped in the future relative to now (wrong year inference, skewed
  // hosts); a clock at +infinity lets every event move the watermark.
  const clock = opts.clock ?? { now: () => Number.MAX_SAFE_INTEGER };
  const engine = new DetectionEngine(rules, { emit: (s) => signals.push(s) }, clock, opts.limits ?? DEFAULT_LIMITS);
  engine.onMatch = opts.onMatch;
  const sorted = events
    .map((e, i) => ({ e, i, t: Date.parse(e.time) }))
    .sort((a, b) => (a.t - b.t) || (a.i - b.i))
    .map((x) => x.e);
  engine.process(sorted);
  return { signals, metrics: engine.metrics };
}
