/**
 * Scores rows against a SerializedForest held in typed arrays. Both detectors score through this,
 * so a model restored from SQLite scores exactly as the one that was trained.
 */
import { anomalyScore, averagePathLength } from './path-length.js';
import type { SerializedForest } from './detector.js';

interface FlatTree {
  feature: Int32Array;
  threshold: Float64Array;
  left: Int32Array;
  right: Int32Array;
  /** c(size) precomputed per leaf. */
  leafCredit: Float64Array;
}

export class FlatForest {
  private readonly trees: FlatTree[];
  private readonly lessOrEqual: boolean;

  constructor(private readonly model: SerializedForest) {
    this.lessOrEqual = model.leftGoes === 'le';
    this.trees = model.trees.map((t) => ({
      feature: Int32Array.from(t.feature),
      threshold: Float64Array.from(t.threshold),
      left: Int32Array.from(t.left),
      right: Int32Array.from(t.right),
      leafCredit: Float64Array.from(t.size, (n, i) => (t.feature[i]! < 0 ? averagePathLength(n, model.pathLength) : 0)),
    }));
  }

  get nFeatures(): number {
    return this.model.nFeatures;
  }

  /** E(h(x)): path length averaged over trees, leaves credited with c(leaf size). */
  meanPathLength(row: ArrayLike<number>): number {
    let total = 0;
    for (const t of this.trees) {
      let node = 0;
      let depth = 0;
      let f = t.feature[0]!;
      while (f >= 0) {
        const v = row[f]!;
        const goLeft = this.lessOrEqual ? v <= t.threshold[node]! : v < t.threshold[node]!;
        node = goLeft ? t.left[node]! : t.right[node]!;
        depth++;
        f = t.feature[node]!;
      }
      total += depth + t.leafCredit[node]!;
    }
    return total / this.trees.length;
  }

  score(row: ArrayLike<number>): number {
    if (row.length !== this.model.nFeatures) throw new Error(`row has ${row.length} features, model expects ${this.model.nFeatures}`);
    return anomalyScore(this.meanPathLength(row), this.model.sampleSize, this.model.pathLength);
  }
}

/**
 * What both detectors share once fitted: the JSON model and its flattened scorer. Subclasses
 * only decide how trees are grown (fit) and call setModel.
 */
export abstract class FittedForest {
  private model?: SerializedForest;
  private flat?: FlatForest;

  protected setModel(model: SerializedForest): void {
    this.model = model;
    this.flat = new FlatForest(model);
  }

  score(row: ArrayLike<number>): number {
    if (!this.flat) throw new Error('isolation forest is not fitted');
    return this.flat.score(row);
  }

  toJSON(): SerializedForest {
    if (!this.model) throw new Error('isolation forest is not fitted');
    return this.model;
  }
}
