/**
 * The anomaly ServiceModule: consumes stored events into hourly (host, source) buckets, mines
 * error templates, closes hours by the clock, scores closed hours, emits AlertSignals, trains on
 * demand and on a schedule.
 *
 * Redelivery (at-least-once): the pipeline saves its cursor after consume() returns, so a crash in
 * between redelivers the last batch(es). Every consume() writes its bucket states, template counts
 * AND the store seq of the last event it counted in ONE SQLite transaction; a redelivered event
 * at or below that seq is skipped. Either the transaction committed (seq saved → skipped on
 * redelivery) or it did not (nothing counted → counted on redelivery): no loss, no double count.
 * (Persisting each event id instead cost ~10 µs per event, a third of ingest.) If counting or the transaction throws,
 * in-memory state is reloaded from SQLite so memory never runs ahead of the store.
 *
 * Closing: an hour closes once the clock passes its end by grace_period_minutes. While the
 * consumer is replaying a backlog (the last batch, delivered within the last minute, is itself
 * older than that), closing also waits for the event stream to pass the hour, so a restart after
 * downtime does not close hours whose events are still queued.
 *
 * Late events and history: an event for an hour already closed marks that hour for a rebuild, and
 * the next close tick recomputes the hour's summaries from the stored events (rebuild.ts), so
 * logs shipped late or replayed with their real timestamps are counted, exactly once: a rebuilt
 * hour replaces its rows, whatever had been counted live. Only without an event store (unit
 * tests), or beyond the retention, are late events dropped (late_events_dropped).
 */
import type { AlertSink, Clock, EventConsumer, LogEvent, ServiceModule } from '../pipeline/contracts.js';
import type { Db } from '../store/database.js';
import type { EventStore } from '../store/event-store.js';
import type { AlertSignal, AnomalyConfig } from '../generated/schema-types.js';
import type { Router } from 'express';
import { AnomalyRepository, type HourRow } from './repository.js';
import { HourBucket, HOUR_MS, hourOf } from './hour-bucket.js';
import { emptyFeatures, severityClass, sourceKey, type FeatureVector } from './features.js';
import { DrainMiner, OVERFLOW_TEMPLATE_ID } from './templates/drain.js';
import { HOST_OFFSETS_STATE, NotEnoughHistoryError, saveFitted, seriesKey, trainModel, TrainedModel, type Assessment } from './model.js';
import type { DetectResult, ErrorSummary, HourSummary, ModelInfo } from './api-types.js';
import { HostOffsets } from './host-offsets.js';
import { IsoTimes } from '../util/iso-times.js';
import { fitInBackground } from './background-training.js';
import { createAnomalyRouter } from './router.js';
import { eventsBetween } from './rebuild.js';

export interface AnomalyModuleDeps {
  db: Db;
  config: AnomalyConfig;
  clock: Clock;
  sink: AlertSink;
  /** Stored events, for rebuilding closed hours from history (late events, day-one training). */
  store?: EventStore;
  log?: (msg: string) => void;
}

export interface CloseResult {
  closedHours: string[];
  /** Closed hours recomputed from stored events because late events arrived for them. */
  rebuiltHours: number;
  rows: number;
  alerts: number;
  trained: boolean;
}

export interface RebuildResult {
  from: string;
  to: string;
  hours: number;
  rows: number;
  events: number;
  ms: number;
}

export interface AnomalyStatus {
  enabled: boolean;
  trained: boolean;
  message: string;
  model: ModelInfo | null;
  detector: AnomalyConfig['detector'];
  threshold: number | null;
  history: { hours: number; rows: number; window_days: number; min_training_hours: number };
  closed_through: string | null;
  open_buckets: number;
  series_tracked: number;
  templates: number;
  template_overflow_lines: number;
  late_events_dropped: number;
  /** Events for closed hours that were counted by rebuilding their hour from the store. */
  late_events_rebuilt: number;
  /** Closed hours waiting to be rebuilt. */
  hours_to_rebuild: number;
  future_events_dropped: number;
  series_overflow_events: number;
  /** Events dropped because max_series × 4 hour buckets were already open (timestamps spread over many hours). */
  open_bucket_overflow_events: number;
  duplicate_events_skipped: number;
}

export interface AnomalyModule extends ServiceModule {
  readonly consumer: EventConsumer;
  readonly router: Router;
  closeDueHours(): CloseResult;
  train(opts?: { days?: number }): ModelInfo;
  /** train() with the reading and fitting on a worker thread (inline for an in-memory database). One at a time. */
  trainInBackground(opts?: { days?: number }): Promise<ModelInfo>;
  /** Recomputes the closed hours of the last `days` from stored events (day one: history shipped with its real timestamps). */
  rebuild(opts?: { days?: number }): RebuildResult;
  detect(opts: { host?: string; hours: number; limit?: number }): DetectResult;
  errorSummary(opts: { host?: string; fromMs: number; toMs: number }): ErrorSummary;
  status(): AnomalyStatus;
}

interface SeriesSeen {
  host: string;
  source: string;
  firstHour: number;
  lastHour: number;
}

interface ScoredRow {
  row: HourRow;
  a: Assessment;
}

interface Counters {
  late: number;
  lateRebuilt: number;
  future: number;
  seriesOverflow: number;
  duplicates: number;
  bucketOverflow: number;
}

const NO_COUNTS: Readonly<Counters> = { late: 0, lateRebuilt: 0, future: 0, seriesOverflow: 0, duplicates: 0, bucketOverflow: 0 };
const OTHER_HOST = '(other)';
/** (host, template) pairs remembered for the "new template" feature. */
const MAX_HOST_TEMPLATES = 500_000;
/** Template key texts kept per (host, source) before they start afresh. */
const MAX_TEMPLATE_KEYS_PER_SERIES = 4096;
/** (host, source) key texts kept by keysOf before it starts afresh. */
const MAX_KEY_MEMO = 50_000;
/** A batch this recent and this old means the consumer is replaying a backlog. */
const REPLAY_RECENCY_MS = 60_000;
/** Zero-filled (silent) hours closed at most per call, so a long-stopped clock cannot explode work. */
const MAX_HOURS_PER_CLOSE = 24 * 7;
const TICK_MS = 60_000;
/** Closed hours waiting for a rebuild, at most (forged timestamps must not queue unbounded work). */
const MAX_DIRTY_HOURS = 24 * 90;
/** Time a close tick spends rebuilding hours (at least one hour a tick), so a tick stays short on the main thread. */
const REBUILD_BUDGET_MS = 200;
/** A rebuilt hour this recent that turns out anomalous is alerted on; older ones are history. */
const RECENT_REBUILD_ALERT_MS = 6 * HOUR_MS;

/** Host names come from log content: a plain {} would swallow a host called "__proto__". */
function hostCounts(): Record<string, number> {
  return Object.create(null) as Record<string, number>;
}

export function createAnomalyModule(deps: AnomalyModuleDeps): AnomalyModule {
  const { config: cfg, clock, sink } = deps;
  const log = deps.log ?? (() => {});
  const repo = new AnomalyRepository(deps.db);
  const runningSinceHour = Math.ceil(clock.now() / HOUR_MS) * HOUR_MS;

  let buckets = new Map<string, HourBucket>();
  let series = new Map<string, SeriesSeen>();
  /** Highest store seq whose event is counted in the persisted buckets (saved in the same transaction). */
  let consumedThrough = 0;
  let hostTemplates = new Set<string>();
  /**
   * host \0 template pairs counted as new in a still-open bucket, and that bucket: an event of an
   * earlier open hour (the previous hour during grace) with the same template moves the "new" there,
   * so the counts do not depend on the order events arrive in (a rebuild reads them in time order).
   */
  let newInOpen = new Map<string, HourBucket>();
  /** Each host's UTC offset as its records last carried it: the slots of its series (per-host zone). */
  let hostOffsets = new HostOffsets();
  let miner = newMiner();
  let closedThrough: number | undefined;
  let counters: Counters = { ...NO_COUNTS };
  /** Closed hours that late events arrived for: rebuilt from the store at the next close. */
  let dirtyHours = new Set<number>();
  /** Open hours per series in normal operation: the current one, the previous during grace, a little replay slack. */
  const maxOpenBuckets = cfg.max_series * 4;
  let model: TrainedModel | undefined;
  let lastBatch: { at: number; maxEventTime: number } | undefined;
  let timer: NodeJS.Timeout | undefined;

  function newMiner(): DrainMiner {
    return new DrainMiner({ similarity: cfg.template_similarity, depth: cfg.template_depth, maxTemplates: cfg.max_templates, maxMessageLength: cfg.max_message_length });
  }

  const bucketKey = (host: string, source: string, hour: number) => `${host}\u0000${source}\u0000${hour}`;

  /**
   * The series and bucket key texts of a (host, source), built once and handed out again: every
   * event looked its keys up by strings concatenated for it (a rope flattened and hashed per
   * lookup, then garbage); the same string object keeps its hash. The bucket key is kept for the
   * series' last hour (events of a series mostly share their hour). Bounded: hosts come from logs.
   */
  interface SeriesKeys { series: string; hour: number; bucket: string; hostTemplates: Map<number, string> }
  let keyMemo = new Map<string, Map<string, SeriesKeys>>();
  let keyMemoCount = 0;
  function keysOf(host: string, source: string): SeriesKeys {
    let bySource = keyMemo.get(host);
    let k = bySource?.get(source);
    if (k) return k;
    if (++keyMemoCount > MAX_KEY_MEMO) {
      keyMemo = new Map();
      keyMemoCount = 1;
      bySource = undefined;
    }
    if (!bySource) keyMemo.set(host, (bySource = new Map()));
    bySource.set(source, (k = { series: seriesKey(host, source), hour: Number.NaN, bucket: '', hostTemplates: new Map() }));
    return k;
  }
  /** The `host \0 template id` key text of a (host, source)'s template, built once (hostTemplates, newInOpen). */
  function hostTemplateKey(k: SeriesKeys, host: string, id: number): string {
    let key = k.hostTemplates.get(id);
    if (key === undefined) {
      if (k.hostTemplates.size >= MAX_TEMPLATE_KEYS_PER_SERIES) k.hostTemplates.clear();
      k.hostTemplates.set(id, (key = `${host}\u0000${id}`));
    }
    return key;
  }
  function bucketKeyOf(k: SeriesKeys, host: string, source: string, hour: number): string {
    if (k.hour !== hour) {
      k.hour = hour;
      k.bucket = bucketKey(host, source, hour);
    }
    return k.bucket;
  }
  /** The event time in ms (Date.parse, canonical texts read from their digits). */
  const eventTimes = new IsoTimes();

  /** (Re)load all in-memory state from SQLite: at construction, and after a failed transaction. */
  function loadState(): void {
    buckets = new Map();
    for (const b of repo.loadOpenBuckets()) buckets.set(bucketKey(b.host, b.source, b.hour), HourBucket.fromState(b.host, b.source, b.hour, b.state));
    miner = newMiner();
    miner.load(repo.loadTemplates());
    const ct = repo.getState('closed_through');
    closedThrough = ct === undefined ? undefined : Number(ct);
    counters = { ...NO_COUNTS, ...(JSON.parse(repo.getState('counters') ?? '{}') as Partial<Counters>) };
    dirtyHours = new Set(JSON.parse(repo.getState('dirty_hours') ?? '[]') as number[]);
    consumedThrough = Number(repo.getState('consumed_through_seq') ?? 0);
    hostOffsets = HostOffsets.parse(repo.getState(HOST_OFFSETS_STATE));
    const now = clock.now();
    const since = hourOf(now) - seriesMemoryMs();
    series = new Map();
    for (const s of repo.seriesLastSeen(since)) series.set(seriesKey(s.host, s.source), { host: s.host, source: s.source, firstHour: s.hour - HOUR_MS, lastHour: s.hour });
    for (const b of buckets.values()) touchSeries(b.host, b.source, b.hour);
    newInOpen = new Map();
    for (const b of buckets.values()) {
      for (const id of b.newTemplates) {
        const key = `${b.host}\u0000${id}`;
        const had = newInOpen.get(key);
        if (!had || b.hour < had.hour) newInOpen.set(key, b);
      }
    }
    hostTemplates = new Set();
    for (const r of repo.hostTemplates(now - cfg.retention_days * 24 * HOUR_MS)) {
      if (hostTemplates.size >= MAX_HOST_TEMPLATES) break;
      hostTemplates.add(`${r.host}\u0000${r.template_id}`);
    }
  }

  function seriesMemoryMs(): number {
    return Math.max(cfg.silence_window_hours, 168) * HOUR_MS;
  }

  function touchSeries(host: string, source: string, hour: number, key = seriesKey(host, source)): void {
    const s = series.get(key);
    if (s) {
      s.firstHour = Math.min(s.firstHour, hour);
      s.lastHour = Math.max(s.lastHour, hour);
    } else series.set(key, { host, source, firstHour: hour, lastHour: hour });
  }

  /** Inside the transaction that counted the events: only when a host's offset changed (not per event). */
  function saveHostOffsets(): void {
    if (hostOffsets.takeChanged()) repo.setState(HOST_OFFSETS_STATE, JSON.stringify(hostOffsets));
  }

  loadState();
  try {
    model = TrainedModel.load(repo);
  } catch (err) {
    log(`anomaly: stored model unusable, retrain needed: ${(err as Error).message}`);
  }

  // ---------------------------------------------------------------- counting
  interface TemplateDelta { host: string; source: string; hour: number; id: number; count: number }
  /**
   * Template counts per (bucket, template) of a batch, in the order first counted; looked up by
   * the bucket's key text (one string object per bucket, its hash kept) and the id, instead of a
   * key text concatenated, flattened and hashed for every non-info event.
   */
  class TemplateDeltas {
    private readonly list: TemplateDelta[] = [];
    private readonly byBucket = new Map<string, Map<number, TemplateDelta>>();
    count(bucketKey: string, host: string, source: string, hour: number, id: number): void {
      let ids = this.byBucket.get(bucketKey);
      if (!ids) this.byBucket.set(bucketKey, (ids = new Map()));
      const d = ids.get(id);
      if (d) d.count++;
      else {
        const added = { host, source, hour, id, count: 1 };
        ids.set(id, added);
        this.list.push(added);
      }
    }
    values(): readonly TemplateDelta[] {
      return this.list;
    }
  }

  /** Where countEvent puts an event: the live open buckets, or a rebuild's own. */
  interface CountTarget {
    /** The bucket of (host, source, hour) (its bucketKey: `key`), created if allowed; undefined when it may not be opened. */
    bucketFor(host: string, source: string, hour: number, key: string): HourBucket | undefined;
    /** host \0 template id pairs already seen: a template not in it is new for the host. */
    known: Set<string>;
    live: boolean;
  }

  const liveTarget: CountTarget = {
    bucketFor(host, source, hour, key) {
      let bucket = buckets.get(key);
      if (!bucket) {
        // Forged timestamps spread over many hours must not open unbounded buckets.
        if (buckets.size >= maxOpenBuckets) {
          counters.bucketOverflow++;
          return undefined;
        }
        bucket = new HourBucket(host, source, hour);
        buckets.set(key, bucket);
      }
      return bucket;
    },
    get known() {
      return hostTemplates;
    },
    live: true,
  };

  /**
   * Counts one event into its hour bucket and mines its template: the one path that live
   * consumption and rebuilds share, so both give the same summaries for the same events.
   */
  function countEvent(e: LogEvent, t: number, hour: number, target: CountTarget, templateDeltas: TemplateDeltas, touched?: Set<HourBucket>): HourBucket | undefined {
    let host = e.host.toLowerCase();
    let source = sourceKey(e);
    let keys = keysOf(host, source);
    if (!series.has(keys.series) && series.size >= cfg.max_series) {
      if (target.live) counters.seriesOverflow++;
      // The source kind only: Windows channel names come from the log and would open new series.
      host = OTHER_HOST;
      source = e.source.kind;
      keys = keysOf(host, source);
    }
    const bkey = bucketKeyOf(keys, host, source, hour);
    const bucket = target.bucketFor(host, source, hour, bkey);
    if (!bucket) return undefined;
    touchSeries(host, source, hour, keys.series);
    if (host !== OTHER_HOST) hostOffsets.note(host, e, t);
    bucket.add(e);
    if (severityClass(e) !== 'info') {
      const m = miner.add(e.message, t);
      templateDeltas.count(bkey, host, source, hour, m.id);
      const ht = hostTemplateKey(keys, host, m.id);
      if (m.id !== OVERFLOW_TEMPLATE_ID && !target.known.has(ht)) {
        bucket.addNewTemplate(m.id);
        if (target.known.size < MAX_HOST_TEMPLATES) target.known.add(ht);
        if (target.live) newInOpen.set(ht, bucket);
      } else if (target.live) {
        // Counted as new in a later open hour: it is new in this earlier one instead.
        const later = newInOpen.get(ht);
        if (later && later.hour > hour && later.dropNewTemplate(m.id)) {
          touched?.add(later);
          bucket.addNewTemplate(m.id);
          newInOpen.set(ht, bucket);
        }
      }
    }
    return bucket;
  }

  // ---------------------------------------------------------------- consume
  /** `timesMs[i]`: Date.parse(events[i].time) when the pump has it (the stored row's time), so the text is not read again. */
  function consume(events: readonly LogEvent[], seqs: readonly number[] = [], timesMs?: readonly number[]): void {
    if (!cfg.enabled || events.length === 0) return;
    const now = clock.now();
    const touched = new Set<HourBucket>();
    const templateDeltas = new TemplateDeltas();
    let maxEventTime = -Infinity;
    let lastSeq = consumedThrough;
    // Any failure, while counting or while saving, reloads memory from the store: a batch is
    // either counted in both or in neither.
    try {
      for (let i = 0; i < events.length; i++) {
        const e = events[i]!;
        const seq = seqs[i];
        if (seq !== undefined) {
          if (seq <= consumedThrough) {
            counters.duplicates++; // redelivered after a crash: already in the persisted buckets
            continue;
          }
          lastSeq = seq;
        }
        const t = timesMs ? timesMs[i]! : eventTimes.parse(e.time);
        if (!Number.isFinite(t)) continue;
        if (t > now + cfg.max_clock_skew_minutes * 60_000) {
          counters.future++;
          continue;
        }
        maxEventTime = Math.max(maxEventTime, t);
        const hour = hourOf(t);
        // Older than anything kept: a summary for it could never be used.
        if (hour < now - cfg.retention_days * 24 * HOUR_MS) {
          counters.late++;
          continue;
        }
        // Closed already: the hour is recomputed from the store (which holds this event) at the next close.
        if (closedThrough !== undefined && hour < closedThrough) {
          if (deps.store && (dirtyHours.has(hour) || dirtyHours.size < MAX_DIRTY_HOURS)) {
            dirtyHours.add(hour);
            counters.lateRebuilt++;
          } else counters.late++;
          continue;
        }
        const bucket = countEvent(e, t, hour, liveTarget, templateDeltas, touched);
        if (bucket) touched.add(bucket);
      }
      repo.transaction(() => {
        for (const b of touched) repo.saveOpenBucket(b.host, b.source, b.hour, b.toState());
        for (const d of templateDeltas.values()) repo.addTemplateHour(d.host, d.source, d.hour, d.id, d.count);
        for (const c of miner.takeDirty()) repo.saveTemplate(c);
        if (lastSeq !== consumedThrough) repo.setState('consumed_through_seq', String(lastSeq));
        repo.setState('counters', JSON.stringify(counters));
        repo.setState('dirty_hours', JSON.stringify([...dirtyHours]));
        saveHostOffsets();
      });
      consumedThrough = lastSeq;
      if (maxEventTime > -Infinity) lastBatch = { at: now, maxEventTime };
    } catch (err) {
      loadState();
      throw err;
    }
  }

  // ---------------------------------------------------------------- close
  function closeBoundary(now: number): number {
    const grace = cfg.grace_period_minutes * 60_000;
    let boundary = hourOf(now - grace);
    if (lastBatch && now - lastBatch.at < REPLAY_RECENCY_MS && lastBatch.maxEventTime < now - grace) {
      boundary = Math.min(boundary, hourOf(lastBatch.maxEventTime - grace));
    }
    return closedThrough === undefined ? boundary : Math.max(boundary, closedThrough);
  }

  function closeDueHours(): CloseResult {
    const result: CloseResult = { closedHours: [], rebuiltHours: 0, rows: 0, alerts: 0, trained: false };
    if (!cfg.enabled) return result;
    const now = clock.now();
    const boundary = closeBoundary(now);
    const hours = new Set<number>();
    for (const b of buckets.values()) if (b.hour < boundary) hours.add(b.hour);
    // Hours without any bucket still close (silence), but only those the service was running for.
    const fillFrom = Math.max(closedThrough ?? runningSinceHour, runningSinceHour, boundary - MAX_HOURS_PER_CLOSE * HOUR_MS);
    for (let h = fillFrom; h < boundary; h += HOUR_MS) hours.add(h);
    for (const hour of [...hours].sort((a, b) => a - b)) {
      const closed = closeHour(hour, hour >= runningSinceHour);
      result.closedHours.push(new Date(hour).toISOString());
      result.rows += closed.rows;
      result.alerts += emitAlerts(closed.anomalies);
    }
    if (closedThrough === undefined || boundary > closedThrough) {
      closedThrough = boundary;
      repo.setState('closed_through', String(boundary));
    }
    if (dirtyHours.size) {
      const rebuilt = rebuildHours([...dirtyHours], { deadline: performance.now() + REBUILD_BUDGET_MS, score: true });
      result.rebuiltHours = rebuilt.hours;
      result.rows += rebuilt.rows;
      // A late burst can make a recent hour anomalous; history is scored but not alerted on.
      result.alerts += emitAlerts(rebuilt.anomalies.filter(({ row }) => row.hour >= now - RECENT_REBUILD_ALERT_MS));
    }
    if (result.closedHours.length || result.rebuiltHours) {
      for (const [k, s] of series) if (s.lastHour < boundary - seriesMemoryMs()) series.delete(k);
      repo.prune(now - cfg.retention_days * 24 * HOUR_MS);
      result.trained = maybeTrain(now);
    }
    return result;
  }

  /**
   * Writes the hour's summaries and, with a model, their scores in one transaction: a crash cannot
   * leave an hour closed but never scored (it would never be scored, nor alerted on, afterwards).
   */
  function closeHour(hour: number, fillSilence: boolean): { rows: number; anomalies: ScoredRow[] } {
    let rows = 0;
    let anomalies: ScoredRow[] = [];
    const closing: string[] = [];
    repo.transaction(() => {
      const present = new Set<string>();
      for (const [key, b] of buckets) {
        if (b.hour !== hour) continue;
        repo.insertHour(b.host, b.source, hour, b.features());
        repo.deleteOpenBucket(b.host, b.source, hour);
        closing.push(key);
        present.add(seriesKey(b.host, b.source));
        rows++;
      }
      if (fillSilence) {
        const window = cfg.silence_window_hours * HOUR_MS;
        for (const [key, s] of series) {
          if (present.has(key) || s.firstHour >= hour || s.lastHour < hour - window) continue;
          repo.insertHour(s.host, s.source, hour, emptyFeatures());
          rows++;
        }
      }
      if (model) anomalies = scoreHour(hour);
      repo.setState('closed_through', String(hour + HOUR_MS));
    });
    // Only once committed: a failed transaction must leave the buckets open in memory, as in the store.
    for (const key of closing) buckets.delete(key);
    for (const [key, b] of newInOpen) if (b.hour === hour) newInOpen.delete(key);
    closedThrough = Math.max(closedThrough ?? hour + HOUR_MS, hour + HOUR_MS);
    return { rows, anomalies };
  }

  /** Scores and saves every summary of the hour (inside closeHour's transaction); returns the anomalous ones. */
  function scoreHour(hour: number): ScoredRow[] {
    let scored: ScoredRow[];
    try {
      scored = repo.hoursAt(hour).map((row) => ({ row, a: model!.assess(row.host, row.source, hour, row.features, cfg) }));
    } catch (err) {
      // A model that cannot score must not keep the hour (and every later one) from closing.
      log(`anomaly: scoring ${new Date(hour).toISOString()} failed, hour closed unscored: ${(err as Error).message}`);
      return [];
    }
    for (const { row, a } of scored) repo.saveScore(row.host, row.source, hour, a.score, a.isAnomaly, JSON.stringify(a.explanation));
    return scored.filter(({ a }) => a.isAnomaly);
  }

  function emitAlerts(anomalies: readonly ScoredRow[]): number {
    let alerts = 0;
    for (const { row, a } of anomalies) {
      try {
        sink.emit(toSignal(row, a));
        alerts++;
      } catch (err) {
        log(`anomaly: alert sink failed for ${row.host}/${row.source}: ${(err as Error).message}`);
      }
    }
    return alerts;
  }

  function topTemplates(host: string, source: string, hour: number) {
    return repo.topTemplates(host, source, hour, 3).map((t) => ({ id: t.template_id, template: miner.template(t.template_id).slice(0, 300), count: t.count }));
  }

  function toSignal(row: HourRow, a: Assessment): AlertSignal {
    const templates = topTemplates(row.host, row.source, row.hour);
    const start = new Date(row.hour).toISOString();
    const parts = [
      `Hour ${start} on ${row.host} (${row.source}) is unusual: forest score ${a.score?.toFixed(3)} vs threshold ${model!.info.threshold.toFixed(3)}.`,
      a.explanation.length ? `Deviations: ${a.explanation.join('; ')}.` : '',
      templates.length ? `Top error templates: ${templates.map((t) => `"${t.template}" ×${t.count}`).join(', ')}.` : '',
    ];
    return {
      rule_id: 'anomaly.hourly',
      title: `Anomalous hour on ${row.host} (${row.source})`.slice(0, 500),
      severity: a.severity,
      source: 'anomaly',
      host: row.host.slice(0, 255),
      group: { host: row.host.slice(0, 1024), source: row.source },
      first_seen: start,
      last_seen: new Date(row.hour + HOUR_MS - 1).toISOString(),
      count: 1,
      summary: parts.filter(Boolean).join(' ').slice(0, 4000),
      fields: {
        hour: start,
        score: a.score,
        threshold: model!.info.threshold,
        features: row.features,
        deviations: a.deviations.filter((d) => a.explanation.some((e) => e.startsWith(d.feature + ' '))).map((d) => ({ feature: d.feature, value: d.value, median: d.median, z: Math.round(d.z * 100) / 100 })),
        template_ids: templates.map((t) => t.id),
      },
      samples: templates.map((t) => t.template) as AlertSignal['samples'],
    };
  }

  // ---------------------------------------------------------------- rebuild
  /**
   * Recomputes closed hours from the stored events, in ascending order. Each hour's rows (and
   * template counts) of every series with events are replaced, not added to, so a rebuild never
   * counts an event twice; series without events keep their rows (the zero rows of silence).
   * "New template" means not seen for the host in an earlier hour, as it does live. A template
   * a rebuilt hour finds new may already have been counted as new by a later hour (a late event
   * carrying a template first seen after it): that later closed hour is rebuilt too, in this pass
   * (or, past the deadline, at the next), and an open bucket that counted it drops it, so the
   * counts are those of the events read in time order.
   * Silence: an hour without events of a series that had events within silence_window_hours
   * before it (in this pass) gets the all-zero row live closing would have written, unless it has
   * a row already. Without them a history replayed on day one would hold only its busy hours, and
   * a sparse host's baseline would call every quiet hour after it a silence.
   * `score`: score the rebuilt hours with the current model (late events: a recent hour may turn
   * anomalous). A day-one rebuild does not: its model is about to be retrained on these very
   * hours, and `detect` scores closed hours with the model of the moment anyway.
   */
  function rebuildHours(hours: readonly number[], opts: { deadline?: number; score: boolean }): { hours: number; rows: number; events: number; anomalies: ScoredRow[] } {
    const deadline = opts.deadline ?? Infinity;
    const store = deps.store;
    const out = { hours: 0, rows: 0, events: 0, anomalies: [] as ScoredRow[] };
    if (!store || !hours.length) return out;
    const todo = [...new Set(hours)].sort((a, b) => a - b);
    const pending = new Set(todo);
    const cutoff = clock.now() - cfg.retention_days * 24 * HOUR_MS;
    const known = new Set<string>();
    const learn = (from: number, to: number) => {
      for (const r of repo.hostTemplatesBetween(from, to)) if (known.size < MAX_HOST_TEMPLATES) known.add(`${r.host}\u0000${r.template_id}`);
    };
    let seenThrough = cutoff;
    const paging = { skipped: 0 };
    /** Series with events in this pass, and the last hour they had some: who is silent in a later hour. */
    const lastActive = new Map<string, { host: string; source: string; hour: number }>();
    const silenceWindow = cfg.silence_window_hours * HOUR_MS;
    for (let i = 0; i < todo.length; i++) {
      const hour = todo[i]!;
      pending.delete(hour);
      if (out.hours && performance.now() > deadline) break; // the rest at the next tick, still in order
      if (hour < cutoff || (closedThrough !== undefined && hour >= closedThrough)) {
        dirtyHours.delete(hour);
        continue;
      }
      learn(seenThrough, hour);
      const local = new Map<string, HourBucket>();
      const deltas = new TemplateDeltas();
      const target: CountTarget = {
        bucketFor(host, source, h, key) {
          let b = local.get(key);
          if (!b) local.set(key, (b = new HourBucket(host, source, h)));
          return b;
        },
        known,
        live: false,
      };
      for (const e of eventsBetween(store, hour, hour + HOUR_MS, paging)) {
        const t = eventTimes.parse(e.time);
        if (!Number.isFinite(t) || hourOf(t) !== hour) continue;
        countEvent(e, t, hour, target, deltas);
        out.events++;
      }
      const stale = staleAfter(hour, local.values(), todo, i, pending);
      let anomalies: ScoredRow[] = [];
      let silent = 0;
      repo.transaction(() => {
        for (const b of stale.openBuckets) repo.saveOpenBucket(b.host, b.source, b.hour, b.toState());
        for (const b of local.values()) {
          repo.insertHour(b.host, b.source, hour, b.features());
          repo.deleteTemplateHours(b.host, b.source, hour);
        }
        for (const d of deltas.values()) repo.addTemplateHour(d.host, d.source, d.hour, d.id, d.count);
        for (const c of miner.takeDirty()) repo.saveTemplate(c);
        for (const [key, a] of lastActive) {
          if (hour - a.hour > silenceWindow) lastActive.delete(key);
          else if (!local.has(bucketKey(a.host, a.source, hour)) && repo.insertSilentHour(a.host, a.source, hour)) silent++;
        }
        if (opts.score && model && (local.size || silent)) anomalies = scoreHour(hour);
        dirtyHours.delete(hour);
        repo.setState('dirty_hours', JSON.stringify([...dirtyHours]));
        saveHostOffsets();
      });
      // What live consumption will treat as seen: the pairs this hour added (earlier ones are already in).
      for (const d of deltas.values()) if (d.id !== OVERFLOW_TEMPLATE_ID && hostTemplates.size < MAX_HOST_TEMPLATES) hostTemplates.add(`${d.host}\u0000${d.id}`);
      for (const b of local.values()) lastActive.set(seriesKey(b.host, b.source), { host: b.host, source: b.source, hour });
      out.hours++;
      out.rows += local.size + silent;
      out.anomalies.push(...anomalies);
      seenThrough = hour + HOUR_MS;
    }
    if (paging.skipped) log(`anomaly: rebuild skipped events in ${paging.skipped} millisecond(s) holding more than a page of events`);
    return out;
  }

  /**
   * What the templates a rebuilt hour found new make stale: the later closed hour that first had
   * each of them (it counted it as new) is queued for a rebuild, in time order, and marked dirty in
   * case the deadline stops this pass; an open bucket that counted one as new drops it (returned,
   * to be saved with the hour). Nothing is looked up when every later closed hour is queued anyway
   * (a day-one rebuild of the whole window).
   */
  function staleAfter(hour: number, rebuilt: Iterable<HourBucket>, todo: number[], at: number, pending: Set<number>): { openBuckets: HourBucket[] } {
    const openBuckets: HourBucket[] = [];
    const end = closedThrough ?? hour + HOUR_MS;
    let queuedLater = 0;
    for (let k = at + 1; k < todo.length && todo[k]! < end; k++) queuedLater++;
    const allQueued = queuedLater >= (end - hour) / HOUR_MS - 1;
    for (const b of rebuilt) {
      for (const id of b.newTemplates) {
        const ht = `${b.host}\u0000${id}`;
        const open = newInOpen.get(ht);
        if (open && open.hour > hour && open.dropNewTemplate(id)) {
          newInOpen.delete(ht);
          openBuckets.push(open);
        }
        if (allQueued) continue;
        const later = repo.firstTemplateHourAfter(b.host, id, hour);
        if (later === undefined || later >= end || pending.has(later)) continue;
        if (!dirtyHours.has(later) && dirtyHours.size >= MAX_DIRTY_HOURS) continue;
        dirtyHours.add(later);
        pending.add(later);
        let k = at + 1;
        while (k < todo.length && todo[k]! < later) k++;
        todo.splice(k, 0, later);
      }
    }
    return { openBuckets };
  }

  function rebuild(opts: { days?: number } = {}): RebuildResult {
    const started = performance.now();
    const days = opts.days ?? cfg.training_days;
    // Closing first: hours the clock has passed but that are still open would be skipped otherwise.
    if (closedThrough === undefined) closeDueHours();
    const to = closedThrough ?? hourOf(clock.now() - cfg.grace_period_minutes * 60_000);
    const from = Math.max(to - days * 24 * HOUR_MS, hourOf(clock.now() - cfg.retention_days * 24 * HOUR_MS));
    const hours: number[] = [];
    for (let h = hourOf(from); h < to; h += HOUR_MS) hours.push(h);
    const r = rebuildHours(hours, { score: false });
    return { from: new Date(hourOf(from)).toISOString(), to: new Date(to).toISOString(), hours: hours.length, rows: r.rows, events: r.events, ms: Math.round(performance.now() - started) };
  }

  // ---------------------------------------------------------------- training
  /** Scheduled training: on a worker for a database file (the hour close must not stall ingest), inline in memory. */
  function maybeTrain(now: number): boolean {
    const due = !model || (cfg.retrain_interval_hours > 0 && now - model.info.trained_at_ms >= cfg.retrain_interval_hours * HOUR_MS);
    if (!due || training) return false;
    const failed = (err: unknown) => {
      if (!(err instanceof NotEnoughHistoryError)) log(`anomaly: scheduled training failed: ${(err as Error).message}`);
    };
    if (!deps.db.memory) {
      trainInBackground().catch(failed);
      return true;
    }
    try {
      train();
      return true;
    } catch (err) {
      failed(err);
      return false;
    }
  }

  let training: Promise<ModelInfo> | undefined;
  function trainInBackground(opts: { days?: number } = {}): Promise<ModelInfo> {
    const run = () =>
      fitInBackground(deps.db, repo, cfg, trainingRange(opts.days ?? cfg.training_days), clock.now()).then((fitted) => {
        model = saveFitted(repo, fitted);
        logTrained(model.info);
        return model.info;
      });
    // A request while a training runs (which may have read history before a rebuild) trains again after it.
    const p: Promise<ModelInfo> = training ? training.catch(() => undefined).then(run) : run();
    training = p;
    void p.finally(() => {
      if (training === p) training = undefined;
    }).catch(() => undefined);
    return p;
  }

  function logTrained(info: ModelInfo): void {
    log(`anomaly: trained ${info.detector} on ${info.history_rows} hourly rows (${info.history_hours} hours, ${info.series} series) in ${info.training_ms} ms; threshold ${info.threshold.toFixed(4)}`);
  }

  function trainingRange(days: number): { fromMs: number; toMs: number } {
    const toMs = closedThrough ?? hourOf(clock.now());
    return { fromMs: toMs - days * 24 * HOUR_MS, toMs };
  }

  function train(opts: { days?: number } = {}): ModelInfo {
    const days = opts.days ?? cfg.training_days;
    const m = trainModel(repo, cfg, trainingRange(days), clock.now());
    model = m;
    logTrained(m.info);
    return m.info;
  }

  /** Closed history in the default training window. */
  function historyExtent(): { rows: number; hours: number } {
    const range = trainingRange(cfg.training_days);
    return repo.historyExtent(range.fromMs, range.toMs);
  }

  function notTrainedMessage(historyHours: number): string {
    return new NotEnoughHistoryError(historyHours, cfg.min_training_hours).message;
  }

  // ---------------------------------------------------------------- queries
  function detect(opts: { host?: string; hours: number; limit?: number }): DetectResult {
    const to = closedThrough ?? hourOf(clock.now() - cfg.grace_period_minutes * 60_000);
    const from = to - opts.hours * HOUR_MS;
    const host = opts.host?.toLowerCase();
    const rows = repo.hoursBetween(from, to, host, opts.limit ?? 1000);
    const hours: HourSummary[] = rows.map((row) => {
      const base: HourSummary = { host: row.host, source: row.source, hour: new Date(row.hour).toISOString(), features: row.features, is_anomaly: null, score: null, severity: null, explanation: [] };
      if (!model) return base;
      const a = model.assess(row.host, row.source, row.hour, row.features, cfg);
      const out: HourSummary = { ...base, is_anomaly: a.isAnomaly, score: a.score, severity: a.isAnomaly ? a.severity : null, explanation: a.explanation };
      if (a.note) out.note = a.note;
      if (a.isAnomaly || host) out.top_templates = topTemplates(row.host, row.source, row.hour);
      return out;
    });
    const result: DetectResult = {
      trained: !!model,
      model: model?.info ?? null,
      from: new Date(from).toISOString(),
      to: new Date(to).toISOString(),
      anomalies: hours.filter((h) => h.is_anomaly).length,
      hours,
    };
    if (!model) result.message = notTrainedMessage(historyExtent().hours);
    return result;
  }

  function errorSummary(opts: { host?: string; fromMs: number; toMs: number }): ErrorSummary {
    const host = opts.host?.toLowerCase();
    const byTemplate = new Map<number, ErrorSummary['templates'][number]>();
    for (const r of repo.templateCounts(opts.fromMs, opts.toMs, host)) {
      let t = byTemplate.get(r.template_id);
      if (!t) {
        t = { id: r.template_id, template: miner.template(r.template_id), total: 0, hosts: 0, by_host: hostCounts(), first_hour: new Date(r.first_hour).toISOString(), last_hour: new Date(r.last_hour).toISOString() };
        byTemplate.set(r.template_id, t);
      }
      t.total += r.count;
      t.hosts++;
      // Rows arrive largest count first: the 50 busiest hosts per template are listed by name.
      if (t.hosts <= 50) t.by_host[r.host] = r.count;
      if (new Date(r.first_hour).toISOString() < t.first_hour) t.first_hour = new Date(r.first_hour).toISOString();
      if (new Date(r.last_hour).toISOString() > t.last_hour) t.last_hour = new Date(r.last_hour).toISOString();
    }
    return {
      from: new Date(opts.fromMs).toISOString(),
      to: new Date(opts.toMs).toISOString(),
      host: host ?? null,
      templates: [...byTemplate.values()].sort((a, b) => b.total - a.total || a.id - b.id).slice(0, 100),
    };
  }

  function status(): AnomalyStatus {
    const extent = historyExtent();
    return {
      enabled: cfg.enabled,
      trained: !!model,
      message: model
        ? `model trained ${model.info.trained_at} on ${model.info.history_hours} hours (${model.info.history_rows} rows, ${model.info.series} series)`
        : notTrainedMessage(extent.hours),
      model: model?.info ?? null,
      detector: cfg.detector,
      threshold: model?.info.threshold ?? null,
      history: { hours: extent.hours, rows: extent.rows, window_days: cfg.training_days, min_training_hours: cfg.min_training_hours },
      closed_through: closedThrough === undefined ? null : new Date(closedThrough).toISOString(),
      open_buckets: buckets.size,
      series_tracked: series.size,
      templates: miner.size,
      template_overflow_lines: miner.overflowCount,
      late_events_dropped: counters.late,
      late_events_rebuilt: counters.lateRebuilt,
      hours_to_rebuild: dirtyHours.size,
      future_events_dropped: counters.future,
      series_overflow_events: counters.seriesOverflow,
      open_bucket_overflow_events: counters.bucketOverflow,
      duplicate_events_skipped: counters.duplicates,
    };
  }

  const mod: AnomalyModule = {
    name: 'anomaly',
    consumer: { name: 'anomaly', consume },
    router: undefined as unknown as Router,
    closeDueHours,
    train,
    trainInBackground,
    rebuild,
    detect,
    errorSummary,
    status,
    start() {
      if (!cfg.enabled || timer) return;
      timer = setInterval(() => {
        try {
          closeDueHours();
        } catch (err) {
          log(`anomaly: closing hours failed: ${(err as Error).message}`);
        }
      }, TICK_MS);
      timer.unref();
    },
    stop() {
      if (timer) clearInterval(timer);
      timer = undefined;
    },
  };
  (mod as { router: Router }).router = createAnomalyRouter(mod, () => clock.now());
  return mod;
}
