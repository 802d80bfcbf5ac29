/**
 * c(n): the average path length of an unsuccessful search in a binary search tree of n points
 * (Liu, Ting & Zhou 2008, eq. 1), used both to normalise the expected path length into a score
 * and to credit the unbuilt subtree below a depth-limited leaf that still holds n points.
 * Same definition as scikit-learn's _average_path_length: c(0)=c(1)=0, c(2)=1,
 * c(n) = 2 (ln(n-1) + γ) - 2 (n-1)/n.
 */
export const EULER_GAMMA = 0.5772156649015329;

/**
 * 'standard' is the definition above. 'ml-isolation-forest' reproduces the npm package v0.1.0,
 * which computes 2·ln(n-1) + 0.57721 - 2(n-1)/n: γ added once instead of twice (H(i) ≈ ln i + γ
 * doubled), so its c(n) is ≈0.577 too small and E(h)/c(n) too large: its scores are pushed down.
 */
export type PathLengthVariant = 'standard' | 'ml-isolation-forest';

export function averagePathLength(n: number, variant: PathLengthVariant = 'standard'): number {
  if (n <= 1) return 0;
  if (n === 2) return 1;
  if (variant === 'ml-isolation-forest') return 2 * Math.log(n - 1) + 0.57721 - (2 * (n - 1)) / n;
  return 2 * (Math.log(n - 1) + EULER_GAMMA) - (2 * (n - 1)) / n;
}

/** s(x, n) = 2^(-E(h(x)) / c(n)); near 1 = isolated quickly (anomalous), well below 0.5 = normal. */
export function anomalyScore(meanPathLength: number, sampleSize: number, variant: PathLengthVariant = 'standard'): number {
  const c = averagePathLength(sampleSize, variant);
  return c > 0 ? Math.pow(2, -meanPathLength / c) : 0.5;
}

/**
 * The score above which an hour is anomalous, from contamination: scikit-learn sets
 * offset_ = percentile(score_samples(X), 100·contamination) on -s, i.e. the (1 - contamination)
 * percentile of s with numpy's default linear interpolation; predict() flags s > threshold.
 */
export function thresholdFromContamination(scores: ArrayLike<number>, contamination: number): number {
  const sorted = Float64Array.from(scores).sort();
  if (sorted.length === 0) return 0.5;
  const q = (1 - contamination) * (sorted.length - 1);
  const lo = Math.floor(q);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (q - lo);
}
