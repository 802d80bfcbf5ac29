/**
 * Detection quality on generated history: 30 series (web, auth, syslog) with day/night and
 * weekday/weekend seasonality and Poisson noise; 3 weeks of training history carrying 0.3% of
 * anomalous hours (real history is never clean), then a test week with 1% of hours replaced by
 * error storms, silences, auth-failure spikes and traffic surges (≈50 anomalies in 5,040 hours).
 *
 * Thresholds, and why: precision ≥ 0.8 means at most one false alarm per four true ones — about
 * 0.25% of normal hours, i.e. within the 0.5% contamination the threshold is set for; recall ≥ 0.85
 * overall, ≥ 0.9 for the three kinds that move a feature far from its baseline (error storm,
 * silence, auth spike: these are what the service must never miss), ≥ 0.6 for traffic surges (a 5-10×
 * surge on a busy, noisy series is within 4σ of its own variation; the forest catches most).
 * Measured with the defaults here: faithful 0.904 precision (47 of 52) / 0.940 recall (47 of 50),
 * asserted at issue 13's target of 0.9 each.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openDatabase } from '../../alert-service/src/store/database.js';
import { AnomalyRepository } from '../../alert-service/src/anomaly/repository.js';
import { trainModel, TrainedModel } from '../../alert-service/src/anomaly/model.js';
import { ANOMALY_KINDS, generateHistory, makeSeries, type LabelledRow } from '../../alert-service/src/anomaly/synthetic.js';
import { anomalyConfig, HOUR } from './helpers.js';

const START = Date.UTC(2026, 0, 5); // Monday
const TRAIN_HOURS = 21 * 24;
const series = makeSeries(30, 1);

function history() {
  const db = openDatabase({ path: ':memory:' });
  const repo = new AnomalyRepository(db);
  repo.transaction(() => generateHistory({ series, fromMs: START, hours: TRAIN_HOURS, seed: 2, anomalyRate: 0.003 }, (r) => repo.insertHour(r.host, r.source, r.hour, r.features)));
  const testWeek: LabelledRow[] = [];
  generateHistory({ series, fromMs: START + TRAIN_HOURS * HOUR, hours: 7 * 24, seed: 3, anomalyRate: 0.01 }, (r) => testWeek.push(r));
  return { repo, testWeek };
}

const { repo, testWeek } = history();
const range = { fromMs: START, toMs: START + TRAIN_HOURS * HOUR };

function evaluate(model: TrainedModel, cfg = anomalyConfig()) {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  const byKind = new Map<string, { hit: number; total: number }>();
  const scores: number[] = [];
  for (const r of testWeek) {
    const a = model.assess(r.host, r.source, r.hour, r.features, cfg);
    scores.push(a.score!);
    if (r.anomaly) {
      const k = byKind.get(r.anomaly) ?? { hit: 0, total: 0 };
      k.total++;
      if (a.isAnomaly) k.hit++;
      byKind.set(r.anomaly, k);
      a.isAnomaly ? tp++ : fn++;
    } else if (a.isAnomaly) fp++;
  }
  return { precision: tp / (tp + fp), recall: tp / (tp + fn), byKind, scores, tp, fp, fn };
}

test('faithful forest + robust z: precision and recall on injected anomalies', () => {
  const model = trainModel(repo, anomalyConfig(), range, range.toMs);
  assert.equal(model.info.series, 30);
  assert.equal(model.info.threshold_source, 'contamination');
  const r = evaluate(model);
  const detail = JSON.stringify({ tp: r.tp, fp: r.fp, fn: r.fn, byKind: Object.fromEntries(r.byKind) });
  assert.ok(r.tp + r.fn >= 40, `enough anomalies in the test week: ${detail}`);
  // Issue 13's target for these held-out weeks (deterministic: same seed, same scores; other
  // seeds in npm run eval:anomaly range 0.885-0.979 / 0.885-0.940).
  assert.ok(r.precision >= 0.9, `precision ${r.precision.toFixed(3)} ${detail}`);
  assert.ok(r.recall >= 0.9, `recall ${r.recall.toFixed(3)} ${detail}`);
  for (const kind of ANOMALY_KINDS) {
    const k = r.byKind.get(kind)!;
    const min = kind === 'traffic_surge' ? 0.6 : 0.9;
    assert.ok(k.hit / k.total >= min, `${kind}: ${k.hit}/${k.total} ${detail}`);
  }
});

test('ml-isolation-forest adapter meets the same bar behind the same interface', () => {
  const model = trainModel(repo, anomalyConfig({ detector: 'ml-isolation-forest' }), range, range.toMs);
  assert.equal(model.info.detector, 'ml-isolation-forest');
  const r = evaluate(model);
  assert.ok(r.precision >= 0.75, `precision ${r.precision}`);
  assert.ok(r.recall >= 0.85, `recall ${r.recall}`);
});

test('same data + random_state → identical model and scores; another seed → different scores, same quality', () => {
  const a = trainModel(repo, anomalyConfig(), range, range.toMs);
  const b = trainModel(repo, anomalyConfig(), range, range.toMs);
  const c = trainModel(repo, anomalyConfig({ random_state: 1234 }), range, range.toMs);
  const ra = evaluate(a);
  assert.deepEqual(evaluate(b).scores, ra.scores);
  assert.equal(b.info.threshold, a.info.threshold);
  const rc = evaluate(c);
  assert.notDeepEqual(rc.scores, ra.scores);
  assert.ok(Math.abs(rc.recall - ra.recall) <= 0.1);
  // And the model restored from SQLite scores exactly like the trained one.
  const restored = TrainedModel.load(repo)!;
  assert.deepEqual(evaluate(restored).scores, rc.scores);
});

test('explicit score_threshold replaces contamination; explanations name the deviating feature', () => {
  const model = trainModel(repo, anomalyConfig({ score_threshold: 0.62 }), range, range.toMs);
  assert.equal(model.info.threshold, 0.62);
  assert.equal(model.info.threshold_source, 'score_threshold');
  const cfg = anomalyConfig();
  const spike = testWeek.find((r) => r.anomaly === 'auth_spike' && r.source !== 'auth')!;
  const a = model.assess(spike.host, spike.source, spike.hour, spike.features, cfg);
  assert.equal(a.isAnomaly, true);
  // This series never had an auth failure: the forest cannot split on a constant feature, the
  // floored MAD still gives a finite, large z.
  assert.match(a.explanation.join('; '), new RegExp(`auth_failures ${spike.features.auth_failures} vs median 0 \\(z=\\d+\\.\\d\\)`));
  const silence = testWeek.find((r) => r.anomaly === 'silence' && r.source === 'web_access' && model.assess(r.host, r.source, r.hour, r.features, cfg).isAnomaly)!;
  assert.match(model.assess(silence.host, silence.source, silence.hour, silence.features, cfg).explanation[0]!, /^total 0 vs median \d+ \(z=-\d+\.\d\)$/);
});

test('not enough history: training refuses and says how much there is', () => {
  assert.throws(() => trainModel(repo, anomalyConfig({ min_training_hours: 1000 }), range, range.toMs), /no model trained yet \(504 hours of history, need 1000\)/);
});
