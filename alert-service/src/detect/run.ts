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
  const sorted = events
    .map((e, i) => ({ e, i, t: Date.parse(e.time) }))
    .sort((a, b) => (a.t - b.t) || (a.i - b.i))
    .map((x) => x.e);
  return runDetectionStream(sorted, rules, opts);
}

/**
 * Detection over events in the order given, one at a time (files streamed by the offline tools:
 * nothing is held beyond the engine's bounded state). Events later than the allowed lateness
 * behind their group are dropped and counted (`metrics.late_dropped_total`): callers report it.
 */
export function runDetectionStream(
  events: Iterable<LogEvent>,
  rules: readonly CompiledRule[],
  opts: { limits?: EngineLimits; clock?: Clock; onMatch?: MatchObserver } = {},
): BatchResult {
  const stream = detectionStream(rules, opts);
  for (const e of events) stream.push(e);
  return stream.finish();
}

/** What runDetectionStream runs, fed one event at a time by a caller that reads its own input (no generator between). */
export interface DetectionStream {
  push(e: LogEvent): void;
  /** Ends the stream: the signals and metrics of everything pushed. */
  finish(): BatchResult;
}

export function detectionStream(rules: readonly CompiledRule[], opts: { limits?: EngineLimits; clock?: Clock; onMatch?: MatchObserver } = {}): DetectionStream {
  const signals: AlertSignal[] = [];
  // Offline input may be stamped in the future relative to now (wrong year inference, skewed
  // hosts); a clock at +infinity lets every event move the watermark.
  const clock = opts.clock ?? { now: () => Number.MAX_SAFE_INTEGER };
  const engine = new DetectionEngine(rules, { emit: (s) => signals.push(s) }, clock, opts.limits ?? DEFAULT_LIMITS);
  engine.onMatch = opts.onMatch;
  return {
    push: (e) => engine.processOne(e),
    finish: () => {
      engine.sweep();
      return { signals, metrics: engine.metrics };
    },
  };
}

/**
 * Several time-ordered streams merged by event time (k-way, one look-ahead item per stream), so
 * files from several hosts analysed together meet the engine in time order without being loaded.
 * Items without a parsable time (unparsed lines) go out as soon as they are read.
 */
export function* mergeByTime<T>(streams: ReadonlyArray<Iterator<T>>, timeOf: (item: T) => number): Generator<T> {
  const heads: Array<{ item: T; t: number } | undefined> = streams.map(() => undefined);
  const pull = (i: number): void => {
    const r = streams[i]!.next();
    if (r.done) heads[i] = undefined;
    else {
      const t = timeOf(r.value);
      heads[i] = { item: r.value, t: Number.isNaN(t) ? -Infinity : t };
    }
  };
  for (let i = 0; i < streams.length; i++) pull(i);
  for (;;) {
    let best = -1;
    for (let i = 0; i < heads.length; i++) if (heads[i] && (best < 0 || heads[i]!.t < heads[best]!.t)) best = i;
    if (best < 0) return;
    const { item } = heads[best]!;
    pull(best);
    yield item;
  }
}
