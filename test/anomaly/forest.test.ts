import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createDetector, restoreDetector, thresholdFromContamination, averagePathLength, MlIsolationForestAdapter, FaithfulIsolationForest } from '../../alert-service/src/anomaly/forest/index.js';
import { mulberry32 } from '../../alert-service/src/anomaly/forest/rng.js';

function gaussianData(seed: number, n: number, dims: number, outliers: number): { rows: number[][]; outlierIdx: Set<number> } {
  const rng = mulberry32(seed);
  const gauss = () => Math.sqrt(-2 * Math.log(1 - rng.next())) * Math.cos(2 * Math.PI * rng.next());
  const rows: number[][] = [];
  for (let i = 0; i < n; i++) rows.push(Array.from({ length: dims }, gauss));
  const outlierIdx = new Set<number>();
  for (let k = 0; k < outliers; k++) {
    const row = Array.from({ length: dims }, gauss);
    // Planted outliers: 6-9 sigma away in two random features.
    const f = rng.int(dims);
    row[f] = (rng.next() < 0.5 ? -1 : 1) * (6 + 3 * rng.next());
    row[(f + 1 + rng.int(dims - 1)) % dims] = (rng.next() < 0.5 ? -1 : 1) * (6 + 3 * rng.next());
    outlierIdx.add(rows.length);
    rows.push(row);
  }
  return { rows, outlierIdx };
}

function topK(scores: number[], k: number): Set<number> {
  return new Set(scores.map((s, i) => [s, i] as const).sort((a, b) => b[0] - a[0]).slice(0, k).map(([, i]) => i));
}

const opts = { nEstimators: 100, maxSamples: 256, randomState: 7 };

test('c(n) matches the paper / scikit-learn definition', () => {
  assert.equal(averagePathLength(1), 0);
  assert.equal(averagePathLength(2), 1);
  // 2(ln 255 + γ) - 2·255/256, hand-computed
  assert.ok(Math.abs(averagePathLength(256) - 10.244770920116851) < 1e-9);
});

test('both detectors rank the planted outliers on top', () => {
  const { rows, outlierIdx } = gaussianData(1, 2000, 4, 12);
  for (const kind of ['faithful', 'ml-isolation-forest'] as const) {
    const det = createDetector(kind, opts);
    det.fit(rows);
    const scores = rows.map((r) => det.score(r));
    const top = topK(scores, outlierIdx.size);
    const hits = [...outlierIdx].filter((i) => top.has(i)).length;
    assert.ok(hits >= outlierIdx.size - 1, `${kind}: ${hits}/${outlierIdx.size} planted outliers in the top ${outlierIdx.size}`);
    const minOutlier = Math.min(...[...outlierIdx].map((i) => scores[i]!));
    const medianInlier = scores.filter((_, i) => !outlierIdx.has(i)).sort()[1000]!;
    assert.ok(minOutlier > medianInlier + 0.1, `${kind}: outliers ${minOutlier} vs inlier median ${medianInlier}`);
  }
});

test('faithful forest: same seed → identical scores, other seed → different trees', () => {
  const { rows } = gaussianData(2, 1000, 4, 5);
  const a = createDetector('faithful', opts);
  const b = createDetector('faithful', opts);
  const c = createDetector('faithful', { ...opts, randomState: 8 });
  a.fit(rows);
  b.fit(rows);
  c.fit(rows);
  const sa = rows.map((r) => a.score(r));
  assert.deepEqual(rows.map((r) => b.score(r)), sa);
  assert.notDeepEqual(rows.map((r) => c.score(r)), sa);
  assert.deepEqual(JSON.stringify(a.toJSON()), JSON.stringify(b.toJSON()));
});

test('faithful forest follows scikit-learn: min(256, n) sub-sample per tree, height limit, JSON round trip', () => {
  const { rows } = gaussianData(3, 5000, 3, 0);
  const det = new FaithfulIsolationForest({ ...opts, nEstimators: 20 });
  det.fit(rows);
  const model = det.toJSON();
  assert.equal(model.sampleSize, 256);
  for (const t of model.trees) {
    // Leaf sizes of a tree add up to its sub-sample.
    assert.equal(t.size.filter((_, i) => t.feature[i]! < 0).reduce((s, v) => s + v, 0), 256);
    // depth <= ceil(log2 256) = 8
    const depth = (node: number): number => (t.feature[node]! < 0 ? 0 : 1 + Math.max(depth(t.left[node]!), depth(t.right[node]!)));
    assert.ok(depth(0) <= 8);
  }
  const small = new FaithfulIsolationForest(opts);
  small.fit(rows.slice(0, 100));
  assert.equal(small.toJSON().sampleSize, 100, 'n < max_samples → all rows');
  const restored = restoreDetector(JSON.parse(JSON.stringify(model)));
  for (const r of rows.slice(0, 200)) assert.equal(restored.score(r), det.score(r));
});

test('contamination threshold is the (1 - c) percentile of training scores', () => {
  const { rows } = gaussianData(4, 3000, 4, 0);
  const det = createDetector('faithful', opts);
  det.fit(rows);
  const scores = rows.map((r) => det.score(r));
  const thr = thresholdFromContamination(scores, 0.02);
  const flagged = scores.filter((s) => s > thr).length;
  assert.ok(Math.abs(flagged - 60) <= 1, `flagged ${flagged} of 3000 at contamination 0.02`);
  assert.equal(thresholdFromContamination([0, 1, 2, 3, 4], 0.25), 3);
});

test('ml-isolation-forest adapter exports the package trees faithfully and retrains fresh', () => {
  const { rows } = gaussianData(5, 600, 3, 4);
  const det = new MlIsolationForestAdapter({ ...opts, nEstimators: 30 });
  det.fit(rows);
  const pkgScores = det.package!.predict(rows.slice(0, 50));
  const restored = restoreDetector(JSON.parse(JSON.stringify(det.toJSON())));
  rows.slice(0, 50).forEach((r, i) => assert.ok(Math.abs(restored.score(r) - pkgScores[i]!) < 1e-12));
  // The package itself appends trees on a second train() and keeps predicting with the old ones.
  const pkg = det.package!;
  const before = pkg.predict([rows[0]!]);
  pkg.train(rows.map((r) => r.map((v) => v + 100)));
  assert.equal(pkg.forest.length, 60);
  assert.deepEqual(pkg.predict([rows[0]!]).length, before.length);
});
