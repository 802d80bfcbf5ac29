/**
 * Per-series robust baselines. Counts are compared on a log1p scale (volumes are multiplicative:
 * 2× is as notable at 50/h as at 5,000/h); each (host, source) series gets, per feature and per
 * time slot (weekday/weekend × hour of day in the configured zone, time-slot.ts, pooling the
 * neighbouring hours), the median and
 * MAD of its history. z = (t(x) - median) / (1.4826 · max(MAD, floor)).
 * The MAD floor is what lets a never-varying feature (a host that never had an auth failure)
 * still produce a finite, large z when it spikes, instead of dividing by zero or ignoring it.
 * Per-slot baselines take out day/night and weekday seasonality, so the forest sees deviations
 * that are comparable across series: one model can then serve every series.
 */
import { FEATURES, FEATURE_DIRECTION, type FeatureName, type FeatureVector } from './features.js';
import { HOUR_MS } from './hour-bucket.js';
import { SLOTS, type SlotOf } from './time-slot.js';

export { SLOTS };
const F = FEATURES.length;
/** Fewer samples than this in a slot → widen the pool (ignore weekday/weekend, then ignore hour). */
const MIN_SLOT_SAMPLES = 6;
/** A series needs this many hours of history to get a baseline (and be scored). */
export const MIN_SERIES_HOURS = 24;
const MAD_FLOOR: Record<FeatureName, number> = Object.fromEntries(FEATURES.map((f) => [f, f === 'error_rate' ? 0.02 : 0.25])) as Record<FeatureName, number>;
const MAD_TO_SIGMA = 1.4826;
/** z-scores are clipped so one absurd value cannot dominate the forest's split ranges. */
const Z_CLIP = 10;

export function transform(f: FeatureName, x: number): number {
  return f === 'error_rate' ? x : Math.log1p(Math.max(0, x));
}

export function untransform(f: FeatureName, t: number): number {
  return f === 'error_rate' ? t : Math.expm1(t);
}

export interface SeriesBaseline {
  hours: number;
  /**
   * The host's UTC offset (minutes) the slots were computed at, when the host's records carried
   * one (per-host zone); absent: the model's zone. Scoring uses the same slots as training.
   */
  offsetMin?: number;
  /** [slot * F + feature] */
  median: Float64Array;
  scale: Float64Array;
}

/**
 * Builds a baseline from one series' history: `hours[i]` and `values[i * F + f]` (raw features).
 */
export function buildBaseline(hours: ArrayLike<number>, values: ArrayLike<number>, slotOf: SlotOf): SeriesBaseline {
  const n = hours.length;
  const slotOfRow = new Uint8Array(n);
  for (let i = 0; i < n; i++) slotOfRow[i] = slotOf(hours[i]!);
  // Row lists per slot, once; reused for every feature.
  const bySlot: number[][] = Array.from({ length: SLOTS }, () => []);
  for (let i = 0; i < n; i++) bySlot[slotOfRow[i]!]!.push(i);
  const pools: number[][] = [];
  for (let s = 0; s < SLOTS; s++) {
    const day = s >= 24 ? 24 : 0;
    const h = s % 24;
    const near = (d: number) => [-1, 0, 1].flatMap((k) => bySlot[d + ((h + k + 24) % 24)]!);
    let pool = near(day);
    if (pool.length < MIN_SLOT_SAMPLES) pool = [...near(0), ...near(24)];
    if (pool.length < MIN_SLOT_SAMPLES) pool = Array.from({ length: n }, (_, i) => i);
    pools.push(pool);
  }
  // Transform once per row and feature (each row sits in three slots' pools), column-major.
  const cols = new Float64Array(n * F);
  for (let f = 0; f < F; f++) {
    const name = FEATURES[f]!;
    for (let i = 0; i < n; i++) cols[f * n + i] = transform(name, values[i * F + f]!);
  }
  const median = new Float64Array(SLOTS * F);
  const scale = new Float64Array(SLOTS * F);
  const buf = new Float64Array(n);
  for (let f = 0; f < F; f++) {
    const name = FEATURES[f]!;
    const base = f * n;
    for (let s = 0; s < SLOTS; s++) {
      const pool = pools[s]!;
      const m = pool.length;
      const vals = buf.subarray(0, m);
      for (let k = 0; k < m; k++) vals[k] = cols[base + pool[k]!]!;
      const med = medianInPlace(vals);
      for (let k = 0; k < m; k++) vals[k] = Math.abs(vals[k]! - med);
      const mad = medianInPlace(vals);
      median[s * F + f] = med;
      scale[s * F + f] = MAD_TO_SIGMA * Math.max(mad, MAD_FLOOR[name]);
    }
  }
  return { hours: n, median, scale };
}

/** Median by selection (Hoare's quickselect, O(m) on average; reorders `v`). Training runs ~1M of these. */
export function medianInPlace(v: Float64Array): number {
  const m = v.length;
  if (m === 0) return 0;
  const hi = m >> 1;
  const upper = select(v, hi);
  if (m % 2) return upper;
  // Even: the lower middle is the largest value left of `hi` after selection.
  let lower = -Infinity;
  for (let i = 0; i < hi; i++) if (v[i]! > lower) lower = v[i]!;
  return (lower + upper) / 2;
}

function select(v: Float64Array, k: number): number {
  let lo = 0;
  let hi = v.length - 1;
  while (hi > lo) {
    // Median-of-three pivot keeps sorted/constant runs (very common: all-zero features) linear.
    const mid = (lo + hi) >> 1;
    const a = v[lo]!, b = v[mid]!, c = v[hi]!;
    const pivot = a < b ? (b < c ? b : a < c ? c : a) : a < c ? a : b < c ? c : b;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (v[i]! < pivot) i++;
      while (v[j]! > pivot) j--;
      if (i <= j) {
        const t = v[i]!;
        v[i] = v[j]!;
        v[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return v[k]!;
  }
  return v[k]!;
}

export interface Deviation {
  feature: FeatureName;
  value: number;
  median: number;
  z: number;
}

/** Robust z of every feature for one hour of a series. */
export function deviations(b: SeriesBaseline, hourMs: number, f: FeatureVector, slotOf: SlotOf): Deviation[] {
  const s = slotOf(hourMs);
  return FEATURES.map((name, i) => {
    const med = b.median[s * F + i]!;
    const z = (transform(name, f[name]) - med) / b.scale[s * F + i]!;
    return { feature: name, value: f[name], median: untransform(name, med), z };
  });
}

/**
 * The forest's input straight from a raw row (`values[offset + f]`), without building Deviation
 * objects: training computes this for tens of thousands of rows. Same numbers as
 * forestVector(deviations(...)).
 */
export function forestVectorFromRaw(b: SeriesBaseline, hourMs: number, values: ArrayLike<number>, offset: number, slotOf: SlotOf): Float64Array {
  const s = slotOf(hourMs) * F;
  const v = new Float64Array(F);
  for (let i = 0; i < F; i++) {
    const name = FEATURES[i]!;
    const z = (transform(name, values[offset + i]!) - b.median[s + i]!) / b.scale[s + i]!;
    v[i] = Math.min(Z_CLIP, Math.max(FEATURE_DIRECTION[name] === 'up' ? -3 : -Z_CLIP, z));
  }
  return v;
}

/** The forest's input: clipped z per feature; decreases of "up" features are squashed (good news is not an anomaly). */
export function forestVector(devs: readonly Deviation[]): Float64Array {
  const v = new Float64Array(F);
  devs.forEach((d, i) => {
    const lo = FEATURE_DIRECTION[d.feature] === 'up' ? -3 : -Z_CLIP;
    v[i] = Math.min(Z_CLIP, Math.max(lo, d.z));
  });
  return v;
}

/** Deviation in the suspicious direction (negative z counts only for 'both' features). */
export function suspiciousZ(d: Deviation): number {
  return FEATURE_DIRECTION[d.feature] === 'both' ? Math.abs(d.z) : d.z;
}

/** Full precision: a restored model must score exactly like the one that was trained. */
export function serializeBaseline(b: SeriesBaseline): string {
  const o: Record<string, unknown> = { hours: b.hours, median: Array.from(b.median), scale: Array.from(b.scale) };
  if (b.offsetMin !== undefined) o.offset_minutes = b.offsetMin;
  return JSON.stringify(o);
}

export function parseBaseline(json: string): SeriesBaseline {
  const o = JSON.parse(json) as { hours: number; median: number[]; scale: number[]; offset_minutes?: number };
  if (o.median.length !== SLOTS * F || o.scale.length !== SLOTS * F) throw new Error('baseline has the wrong shape (features changed since training?)');
  const b: SeriesBaseline = { hours: o.hours, median: Float64Array.from(o.median), scale: Float64Array.from(o.scale) };
  if (Number.isInteger(o.offset_minutes)) b.offsetMin = o.offset_minutes;
  return b;
}

export { HOUR_MS };
