/**
 * One interface over the Isolation Forest implementations, so the model code never knows which
 * one it runs. Scores are always s(x,n) in (0,1]: higher = more anomalous.
 */
import type { PathLengthVariant } from './path-length.js';

export type DetectorKind = 'faithful' | 'ml-isolation-forest';

export interface DetectorOptions {
  nEstimators: number;
  /** Rows per tree; the effective value is min(maxSamples, n). */
  maxSamples: number;
  randomState: number;
}

/**
 * A trained forest as plain JSON: trees as flat parallel arrays. Internal node i has
 * feature[i] >= 0 and threshold[i]; leaves have feature[i] = -1 and size[i] = training rows that
 * reached them. `leftGoes` is the comparison that sends a row left.
 */
export interface SerializedForest {
  kind: DetectorKind;
  version: 1;
  nFeatures: number;
  /** n in c(n) for the score normalisation (effective max_samples). */
  sampleSize: number;
  /** Which c(n) formula the implementation used (see path-length.ts). */
  pathLength: PathLengthVariant;
  leftGoes: 'le' | 'lt';
  options: DetectorOptions;
  trees: Array<{ feature: number[]; threshold: number[]; left: number[]; right: number[]; size: number[] }>;
}

export interface AnomalyDetector {
  readonly kind: DetectorKind;
  fit(rows: ReadonlyArray<ArrayLike<number>>): void;
  /** s(x,n) for one row; throws when not fitted. */
  score(row: ArrayLike<number>): number;
  toJSON(): SerializedForest;
}
