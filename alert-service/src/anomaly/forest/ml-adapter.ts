/**
 * Adapter over the `ml-isolation-forest` npm package (v0.1.0), kept selectable for comparison.
 * What the package does differently from the paper / scikit-learn (read from its source):
 * - no seed: splits use Math.random, so two trainings never give the same model;
 * - no sub-sampling: every tree is grown on the whole training set (height limit ceil(log2 n),
 *   and off by one: it splits while depth <= limit), and c(n) is taken over the whole set;
 * - `train()` on an existing instance appends trees while `predict()` keeps using the first
 *   nEstimators, so retraining an instance silently keeps the old model;
 * - c(n) is 2·ln(n-1) + 0.57721 - 2(n-1)/n: Euler's γ added once instead of twice, so c(n) is
 *   ≈0.577 too small and every score is pushed down (E(h)/c(n) grows);
 * - rows with x < split go left (scikit-learn: <=);
 * - leaves keep references to their training rows and there is no save/load.
 * Because whole-set trees cost O(n log n) per tree in time and memory, the adapter fits on a
 * seeded sub-sample of at most MAX_ROWS rows, trains a fresh instance every time, and exports the
 * trees into the shared SerializedForest format (with the package's own comparison and c(n)
 * formula), so a saved model scores exactly as the package's predict() did.
 */
import { IsolationForest, type MlTreeNode } from 'ml-isolation-forest';
import { FittedForest } from './flat-forest.js';
import { mulberry32, sampleWithoutReplacement } from './rng.js';
import type { AnomalyDetector, DetectorOptions, SerializedForest } from './detector.js';

const MAX_ROWS = 8192;

export class MlIsolationForestAdapter extends FittedForest implements AnomalyDetector {
  readonly kind = 'ml-isolation-forest' as const;
  /** The package instance of the last fit (absent after fromJSON); tests compare against it. */
  package?: IsolationForest;

  constructor(private readonly options: DetectorOptions) {
    super();
  }

  static fromJSON(model: SerializedForest): MlIsolationForestAdapter {
    const a = new MlIsolationForestAdapter(model.options);
    a.setModel(model);
    return a;
  }

  fit(rows: ReadonlyArray<ArrayLike<number>>): void {
    if (rows.length < 2) throw new Error(`cannot fit an isolation forest on ${rows.length} rows`);
    const picked = sampleWithoutReplacement(rows.length, Math.min(rows.length, MAX_ROWS), mulberry32(this.options.randomState)).sort((a, b) => a - b);
    const data = picked.map((i) => Array.from(rows[i]!));
    const forest = new IsolationForest({ nEstimators: this.options.nEstimators });
    forest.train(data);
    this.package = forest;
    this.setModel({
      kind: 'ml-isolation-forest',
      version: 1,
      nFeatures: data[0]!.length,
      sampleSize: data.length,
      pathLength: 'ml-isolation-forest',
      leftGoes: 'lt',
      options: { ...this.options },
      trees: forest.forest.slice(0, forest.nEstimators).map(exportTree),
    });
  }
}

function exportTree(root: MlTreeNode): SerializedForest['trees'][number] {
  const tree: SerializedForest['trees'][number] = { feature: [], threshold: [], left: [], right: [], size: [] };
  const stack: Array<[MlTreeNode, number]> = [];
  const add = (n: MlTreeNode): number => {
    const leaf = n.left === undefined || n.right === undefined;
    tree.feature.push(leaf ? -1 : n.splitColumn!);
    tree.threshold.push(leaf ? 0 : n.splitValue!);
    tree.left.push(-1);
    tree.right.push(-1);
    tree.size.push(leaf ? (n.trainingSet?.length ?? 0) : 0);
    const id = tree.feature.length - 1;
    if (!leaf) stack.push([n, id]);
    return id;
  };
  add(root);
  while (stack.length) {
    const [n, id] = stack.pop()!;
    tree.left[id] = add(n.left!);
    tree.right[id] = add(n.right!);
  }
  return tree;
}
