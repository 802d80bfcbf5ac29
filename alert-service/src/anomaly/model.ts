/**
 * Training and scoring. One Isolation Forest over all series, fed per-series robust z-scores
 * (baseline.ts) rather than raw counts: a raw-count forest would learn "big hosts are anomalous",
 * and per-series forests would have a few hundred rows each and cost 1,000× the model size.
 * Normalised per series and per time slot, every series' hours share one distribution of
 * "how far from its own normal", which is what the forest learns.
 *
 * An hour is anomalous when
 *  - the forest score exceeds the threshold AND at least one feature deviates by |z| ≥ explain_z
 *    (so every alert can say why), or
 *  - any single feature deviates by z ≥ z_threshold in its suspicious direction (the forest cannot
 *    isolate a spike in a feature that was constant in training; the z-check can).
 */
import type { AlertSignal, AnomalyConfig } from '../generated/schema-types.js';
import type { ModelInfo } from './api-types.js';
import { createDetector, restoreDetector, thresholdFromContamination, type AnomalyDetector, type SerializedForest } from './forest/index.js';
import { mulberry32, sampleWithoutReplacement } from './forest/rng.js';
import { isPerHostZone, offsetSlotter, resolveTimeZone, slotter, type SlotOf } from './time-slot.js';
import { HostOffsets } from './host-offsets.js';
import { buildBaseline, deviations, forestVector, forestVectorFromRaw, MIN_SERIES_HOURS, parseBaseline, serializeBaseline, suspiciousZ, type Deviation, type SeriesBaseline } from './baseline.js';
import { FEATURES, type FeatureVector } from './features.js';
import type { AnomalyRepository } from './repository.js';

const F = FEATURES.length;
/**
 * Training rows the forest and the threshold see: a seeded uniform sample of at most this many
 * history rows. scikit-learn computes the contamination percentile over all training rows; up to
 * this size we do exactly that, beyond it the percentile of a 50,000-row sample is within a few
 * hundredths of a percentile point, and scoring 2M rows would cost seconds for nothing. Each tree
 * still draws its own min(max_samples, n) sub-sample from this pool.
 */
export const TRAINING_POOL = 50_000;

export class NotEnoughHistoryError extends Error {
  override name = 'NotEnoughHistoryError';
  constructor(
    readonly hours: number,
    readonly needed: number,
  ) {
    super(`no model trained yet (${hours} hours of history, need ${needed})`);
  }
}

export interface Assessment {
  score: number | null;
  isAnomaly: boolean;
  /** Human-readable reasons, most deviating feature first. */
  explanation: string[];
  deviations: Deviation[];
  severity: AlertSignal['severity'];
  /** Set when the hour could not be scored (series unknown to the model). */
  note?: string;
}

export class TrainedModel {
  /** Slots as the model was trained: a restored model scores exactly like the one that was trained. */
  private readonly slotOf: SlotOf;

  constructor(
    readonly id: number,
    readonly info: ModelInfo,
    private readonly detector: AnomalyDetector,
    private readonly baselines: Map<string, SeriesBaseline>,
  ) {
    this.slotOf = slotter(info.time_zone ?? 'UTC');
  }

  static load(repo: AnomalyRepository): TrainedModel | undefined {
    const stored = repo.latestModel();
    if (!stored) return undefined;
    const detector = restoreDetector(JSON.parse(stored.forest) as SerializedForest);
    const baselines = new Map<string, SeriesBaseline>();
    for (const b of repo.modelBaselines(stored.id)) baselines.set(seriesKey(b.host, b.source), parseBaseline(b.baseline));
    return new TrainedModel(stored.id, JSON.parse(stored.info) as ModelInfo, detector, baselines);
  }

  assess(host: string, source: string, hourMs: number, features: FeatureVector, cfg: Pick<AnomalyConfig, 'z_threshold' | 'explain_z'>): Assessment {
    const baseline = this.baselines.get(seriesKey(host, source));
    if (!baseline) {
      return { score: null, isAnomaly: false, explanation: [], deviations: [], severity: 'informational', note: 'series not in the model (new since training, or under 24 hours of history): scored after the next training' };
    }
    const devs = deviations(baseline, hourMs, features, baseline.offsetMin === undefined ? this.slotOf : offsetSlotter(baseline.offsetMin));
    const score = this.detector.score(forestVector(devs));
    const notable = devs.filter((d) => suspiciousZ(d) >= cfg.explain_z).sort((a, b) => suspiciousZ(b) - suspiciousZ(a));
    const maxZ = notable.length ? suspiciousZ(notable[0]!) : 0;
    const forestFlag = score > this.info.threshold && notable.length > 0;
    const zFlag = maxZ >= cfg.z_threshold;
    const isAnomaly = forestFlag || zFlag;
    let severity: AlertSignal['severity'] = 'informational';
    if (isAnomaly) {
      severity = 'low';
      if (maxZ >= 1.5 * cfg.z_threshold || score >= this.info.threshold + 0.05) severity = 'medium';
      if (maxZ >= 3 * cfg.z_threshold || score >= Math.max(0.7, this.info.threshold + 0.1)) severity = 'high';
    }
    return { score, isAnomaly, explanation: notable.slice(0, 5).map(describe), deviations: devs, severity };
  }
}

export function describe(d: Deviation): string {
  const fmt = (x: number) => (d.feature === 'error_rate' ? x.toFixed(3) : Math.abs(x) >= 10 ? String(Math.round(x)) : String(Math.round(x * 10) / 10));
  return `${d.feature} ${fmt(d.value)} vs median ${fmt(d.median)} (z=${d.z.toFixed(1)})`;
}

/** anomaly_state key of the hosts' offsets (HostOffsets JSON), written by the module, read by training. */
export const HOST_OFFSETS_STATE = 'host_offsets';

export function seriesKey(host: string, source: string): string {
  return `${host}\u0000${source}`;
}

/**
 * Reads [fromMs, toMs) of hourly history in series order, builds each series' baseline and the
 * sampled z-vectors, fits the configured forest and derives the threshold; persists the model.
 */
export function trainModel(repo: AnomalyRepository, cfg: AnomalyConfig, range: { fromMs: number; toMs: number }, nowMs: number): TrainedModel {
  return saveFitted(repo, fitModel(repo, cfg, range, nowMs));
}

/** A fitted model as plain data: what a training worker sends back to be saved. */
export interface FittedModel {
  info: ModelInfo;
  forest: string;
  baselines: Array<{ host: string; source: string; baseline: string }>;
}

/** Persists a fitted model and loads it back as the model in use. */
export function saveFitted(repo: AnomalyRepository, fitted: FittedModel): TrainedModel {
  repo.saveModel(fitted.info.trained_at_ms, JSON.stringify(fitted.info), fitted.forest, fitted.baselines);
  return TrainedModel.load(repo)!;
}

/** The read-and-fit part of training: reads history, writes nothing (safe on a second connection). */
export function fitModel(repo: AnomalyRepository, cfg: AnomalyConfig, range: { fromMs: number; toMs: number }, nowMs: number): FittedModel {
  const started = performance.now();
  const extent = repo.historyExtent(range.fromMs, range.toMs);
  if (extent.hours < cfg.min_training_hours) throw new NotEnoughHistoryError(extent.hours, cfg.min_training_hours);

  const rng = mulberry32(cfg.random_state ^ 0x9e3779b9);
  const picked = new Uint8Array(extent.rows);
  for (const i of sampleWithoutReplacement(extent.rows, Math.min(extent.rows, TRAINING_POOL), rng)) picked[i] = 1;

  const timeZone = resolveTimeZone(cfg.time_zone);
  const zoneSlot = slotter(timeZone);
  const perHost = isPerHostZone(cfg.time_zone);
  const offsets = perHost ? HostOffsets.parse(repo.getState(HOST_OFFSETS_STATE)) : new HostOffsets();
  let offsetSeries = 0;
  const pool: Float64Array[] = [];
  const baselines = new Map<string, SeriesBaseline>();
  const serialized: Array<{ host: string; source: string; baseline: string }> = [];
  let skipped = 0;
  let rowIndex = 0; // position in (host, source, hour) order: what `picked` refers to
  for (const [host, source] of repo.historySeries(range.fromMs, range.toMs)) {
    const rows = repo.seriesHistory(host, source, range.fromMs, range.toMs);
    const first = rowIndex;
    rowIndex += rows.length;
    if (rows.length < MIN_SERIES_HOURS) {
      skipped++;
      continue;
    }
    const hours = new Float64Array(rows.length);
    const values = new Float64Array(rows.length * F);
    rows.forEach((r, i) => {
      hours[i] = r[0]!;
      for (let j = 0; j < F; j++) values[i * F + j] = r[j + 1]!;
    });
    const off = offsets.get(host);
    const slotOf = off === undefined ? zoneSlot : offsetSlotter(off);
    const b = buildBaseline(hours, values, slotOf);
    if (off !== undefined) {
      b.offsetMin = off;
      offsetSeries++;
    }
    baselines.set(seriesKey(host, source), b);
    serialized.push({ host, source, baseline: serializeBaseline(b) });
    for (let k = 0; k < rows.length; k++) if (picked[first + k]) pool.push(forestVectorFromRaw(b, hours[k]!, values, k * F, slotOf));
  }
  // Enough hours overall, but no single series has a baseline's worth yet.
  if (pool.length < 2) throw new NotEnoughHistoryError(extent.hours, Math.max(cfg.min_training_hours, MIN_SERIES_HOURS));

  const readDone = performance.now();
  const detector = createDetector(cfg.detector, { nEstimators: cfg.n_estimators, maxSamples: cfg.max_samples, randomState: cfg.random_state });
  detector.fit(pool);
  const fitDone = performance.now();
  const explicit = cfg.score_threshold !== null && cfg.score_threshold !== undefined;
  const threshold = explicit ? cfg.score_threshold! : thresholdFromContamination(pool.map((v) => detector.score(v)), cfg.contamination);
  const info: ModelInfo = {
    trained_at: new Date(nowMs).toISOString(),
    trained_at_ms: nowMs,
    from: new Date(range.fromMs).toISOString(),
    to: new Date(range.toMs).toISOString(),
    history_hours: extent.hours,
    history_rows: extent.rows,
    series: baselines.size,
    series_skipped: skipped,
    detector: cfg.detector,
    threshold,
    threshold_source: explicit ? 'score_threshold' : 'contamination',
    contamination: cfg.contamination,
    n_estimators: cfg.n_estimators,
    max_samples: cfg.max_samples,
    random_state: cfg.random_state,
    features: [...FEATURES],
    time_zone: timeZone,
    ...(perHost ? { host_offset_series: offsetSeries } : {}),
    training_ms: 0,
    phases_ms: { read_and_baselines: Math.round(readDone - started), fit: Math.round(fitDone - readDone), threshold: Math.round(performance.now() - fitDone) },
  };
  info.training_ms = Math.round(performance.now() - started);
  return { info, forest: JSON.stringify(detector.toJSON()), baselines: serialized };
}
