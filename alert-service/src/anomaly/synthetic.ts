/**
 * Synthetic hourly history with seasonality and labelled anomalies, for the tests and the
 * benchmark (not used at runtime). Deterministic for a seed.
 * Each series has a base volume, a day/night cycle (peak mid-afternoon in the host's own
 * timezone offset), a weekend dip, Poisson noise, and per-kind features (auth failures only on
 * 'auth' series — elsewhere they are always 0, which is exactly the case the z-check exists for).
 */
import { mulberry32, type Rng } from './forest/rng.js';
import { emptyFeatures, type FeatureVector } from './features.js';
import { errorRate, HOUR_MS } from './hour-bucket.js';

export type AnomalyKind = 'error_storm' | 'silence' | 'auth_spike' | 'traffic_surge';
export const ANOMALY_KINDS: readonly AnomalyKind[] = ['error_storm', 'silence', 'auth_spike', 'traffic_surge'];

export interface SyntheticSeries {
  host: string;
  source: 'web_access' | 'auth' | 'syslog';
  base: number;
  tzOffset: number;
  weekendFactor: number;
}

export function makeSeries(count: number, seed: number): SyntheticSeries[] {
  const rng = mulberry32(seed);
  const kinds = ['web_access', 'auth', 'syslog'] as const;
  return Array.from({ length: count }, (_, i) => ({
    host: `host-${String(i).padStart(4, '0')}`,
    source: kinds[i % 3]!,
    base: Math.round(30 * Math.exp(rng.next() * 4)), // 30 … 1,600 events/hour at peak
    tzOffset: rng.int(24) - 12,
    weekendFactor: 0.3 + 0.7 * rng.next(),
  }));
}

export function poisson(rng: Rng, lambda: number): number {
  if (lambda <= 0) return 0;
  if (lambda > 40) return Math.max(0, Math.round(lambda + Math.sqrt(lambda) * gaussian(rng)));
  const l = Math.exp(-lambda);
  let k = 0;
  let p = 1;
  do {
    k++;
    p *= rng.next();
  } while (p > l);
  return k - 1;
}

function gaussian(rng: Rng): number {
  return Math.sqrt(-2 * Math.log(1 - rng.next())) * Math.cos(2 * Math.PI * rng.next());
}

/** Seasonal multiplier in (0, 1]: night ≈ 0.15 of the afternoon peak, scaled on weekends. */
export function seasonality(s: SyntheticSeries, hourMs: number): number {
  const d = new Date(hourMs + s.tzOffset * HOUR_MS);
  const h = d.getUTCHours();
  const day = 0.15 + 0.85 * Math.max(0, Math.sin(((h - 6) / 16) * Math.PI)) ** 1.5;
  const weekend = d.getUTCDay() === 0 || d.getUTCDay() === 6 ? s.weekendFactor : 1;
  return day * weekend;
}

export function normalHour(s: SyntheticSeries, hourMs: number, rng: Rng): FeatureVector {
  const season = seasonality(s, hourMs);
  const f = emptyFeatures();
  f.total = poisson(rng, s.base * season);
  f.errors = poisson(rng, f.total * 0.01);
  f.warnings = poisson(rng, f.total * 0.03);
  f.info = Math.max(0, f.total - f.errors - f.warnings);
  f.distinct_users = Math.min(f.total, poisson(rng, 2 + 3 * season));
  f.new_templates = poisson(rng, 0.02);
  if (s.source === 'web_access') {
    f.distinct_src_ips = Math.min(f.total, poisson(rng, 5 + 40 * season));
    f.http_4xx = poisson(rng, f.total * 0.02);
    f.http_5xx = poisson(rng, f.total * 0.002);
  } else if (s.source === 'auth') {
    f.auth_failures = poisson(rng, 1 + 4 * season);
    f.distinct_src_ips = Math.min(f.total, poisson(rng, 2 + 6 * season));
  } else {
    f.distinct_src_ips = Math.min(f.total, poisson(rng, 1));
  }
  f.error_rate = errorRate(f.errors, f.total);
  return f;
}

/** Turns a normal hour into an anomaly of the given kind. */
export function injectAnomaly(kind: AnomalyKind, f: FeatureVector, s: SyntheticSeries, hourMs: number, rng: Rng): FeatureVector {
  const g = { ...f };
  const expected = Math.max(20, s.base * seasonality(s, hourMs));
  switch (kind) {
    case 'error_storm':
      g.errors = Math.round(expected * (0.3 + 0.3 * rng.next()));
      g.total += g.errors;
      g.new_templates += 2 + rng.int(4);
      if (s.source === 'web_access') g.http_5xx += Math.round(g.errors * 0.8);
      break;
    case 'silence':
      return emptyFeatures();
    case 'auth_spike':
      g.auth_failures += 150 + rng.int(350);
      g.distinct_src_ips += 20 + rng.int(60);
      g.distinct_users += 15 + rng.int(40);
      g.total += g.auth_failures;
      g.warnings += g.auth_failures;
      break;
    case 'traffic_surge': {
      const k = 5 + 5 * rng.next();
      g.total = Math.round(g.total * k);
      g.info = Math.round(g.info * k);
      g.distinct_src_ips = Math.round(g.distinct_src_ips * k);
      g.http_4xx = Math.round(g.http_4xx * k);
      break;
    }
  }
  g.error_rate = errorRate(g.errors, g.total);
  return g;
}

export interface LabelledRow {
  host: string;
  source: string;
  hour: number;
  features: FeatureVector;
  anomaly?: AnomalyKind;
}

/**
 * Hourly rows for every series over [fromMs, fromMs + hours), with `anomalyRate` of rows replaced
 * by anomalies (kinds in rotation). Calls `emit` per row so millions of rows need no array.
 */
export function generateHistory(opts: { series: SyntheticSeries[]; fromMs: number; hours: number; seed: number; anomalyRate: number }, emit: (row: LabelledRow) => void): void {
  const rng = mulberry32(opts.seed);
  let k = 0;
  for (let h = 0; h < opts.hours; h++) {
    const hour = opts.fromMs + h * HOUR_MS;
    for (const s of opts.series) {
      let features = normalHour(s, hour, rng);
      let anomaly: AnomalyKind | undefined;
      if (opts.anomalyRate > 0 && rng.next() < opts.anomalyRate) {
        anomaly = ANOMALY_KINDS[k++ % ANOMALY_KINDS.length]!;
        features = injectAnomaly(anomaly, features, s, hour, rng);
      }
      emit(anomaly ? { host: s.host, source: s.source, hour, features, anomaly } : { host: s.host, source: s.source, hour, features });
    }
  }
}
