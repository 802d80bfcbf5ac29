/**
 * Isolation Forest as in Liu, Ting & Zhou (2008) and scikit-learn's IsolationForest:
 * - each tree is grown on its own sub-sample of min(max_samples, n) rows drawn without replacement;
 * - height limit ceil(log2(sub-sample size)); a leaf that still holds n rows is credited c(n);
 * - a split picks features in random order, skips those constant in the node (a constant node
 *   becomes a leaf), and draws the threshold uniformly in [min, max) — rows with x <= threshold go
 *   left, as in scikit-learn's random splitter;
 * - s(x, n) = 2^(-E(h(x)) / c(sub-sample size)).
 * Every random draw comes from one seeded PRNG, so the same data + random_state give the same
 * trees and scores; the model is plain JSON.
 */
import { FittedForest } from './flat-forest.js';
import { mulberry32, sampleWithoutReplacement, type Rng } from './rng.js';
import type { AnomalyDetector, DetectorOptions, SerializedForest } from './detector.js';

type Tree = SerializedForest['trees'][number];

export class FaithfulIsolationForest extends FittedForest implements AnomalyDetector {
  readonly kind = 'faithful' as const;

  constructor(private readonly options: DetectorOptions) {
    super();
  }

  static fromJSON(model: SerializedForest): FaithfulIsolationForest {
    const f = new FaithfulIsolationForest(model.options);
    f.setModel(model);
    return f;
  }

  fit(rows: ReadonlyArray<ArrayLike<number>>): void {
    const n = rows.length;
    if (n < 2) throw new Error(`cannot fit an isolation forest on ${n} rows`);
    const nFeatures = rows[0]!.length;
    const rng = mulberry32(this.options.randomState);
    const sampleSize = Math.min(this.options.maxSamples, n);
    const maxDepth = Math.ceil(Math.log2(Math.max(sampleSize, 2)));
    const trees: Tree[] = [];
    for (let t = 0; t < this.options.nEstimators; t++) {
      const idx = Int32Array.from(sampleWithoutReplacement(n, sampleSize, rng));
      trees.push(growTree(rows, idx, nFeatures, maxDepth, rng));
    }
    // Fresh object every fit: retraining replaces the model instead of appending trees.
    this.setModel({ kind: 'faithful', version: 1, nFeatures, sampleSize, pathLength: 'standard', leftGoes: 'le', options: { ...this.options }, trees });
  }
}

function growTree(rows: ReadonlyArray<ArrayLike<number>>, idx: Int32Array, nFeatures: number, maxDepth: number, rng: Rng): Tree {
  const tree: Tree = { feature: [], threshold: [], left: [], right: [], size: [] };
  const order = Array.from({ length: nFeatures }, (_, i) => i);
  const newNode = (): number => {
    tree.feature.push(-1);
    tree.threshold.push(0);
    tree.left.push(-1);
    tree.right.push(-1);
    tree.size.push(0);
    return tree.feature.length - 1;
  };
  // Explicit stack (start, end, depth, node) instead of recursion: depth is small, but this keeps
  // node numbering in a fixed pre-order that does not depend on the JS engine.
  const stack: Array<[number, number, number, number]> = [[0, idx.length, 0, newNode()]];
  while (stack.length) {
    const [start, end, depth, node] = stack.pop()!;
    const size = end - start;
    tree.size[node] = size;
    if (depth >= maxDepth || size <= 1) continue;
    // Random feature order (Fisher-Yates); the first feature not constant in this node splits.
    let split = -1;
    let lo = 0;
    let hi = 0;
    for (let k = nFeatures - 1; k >= 0 && split < 0; k--) {
      const j = rng.int(k + 1);
      const f = order[j]!;
      order[j] = order[k]!;
      order[k] = f;
      let mn = Infinity;
      let mx = -Infinity;
      for (let i = start; i < end; i++) {
        const v = rows[idx[i]!]![f]!;
        if (v < mn) mn = v;
        if (v > mx) mx = v;
      }
      if (mx > mn) {
        split = f;
        lo = mn;
        hi = mx;
      }
    }
    if (split < 0) continue; // every feature constant: nothing left to isolate
    let threshold = lo + rng.next() * (hi - lo);
    if (threshold >= hi) threshold = lo; // float rounding guard, as scikit-learn does
    // Partition idx[start, end) into <= threshold | > threshold.
    let p = start;
    let q = end;
    while (p < q) {
      if (rows[idx[p]!]![split]! <= threshold) p++;
      else {
        q--;
        const tmp = idx[p]!;
        idx[p] = idx[q]!;
        idx[q] = tmp;
      }
    }
    tree.feature[node] = split;
    tree.threshold[node] = threshold;
    const left = newNode();
    const right = newNode();
    tree.left[node] = left;
    tree.right[node] = right;
    stack.push([p, end, depth + 1, right], [start, p, depth + 1, left]);
  }
  return tree;
}
