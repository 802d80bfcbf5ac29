/** Builds / restores the configured detector behind the one AnomalyDetector interface. */
import { FaithfulIsolationForest } from './isolation-forest.js';
import { MlIsolationForestAdapter } from './ml-adapter.js';
import type { AnomalyDetector, DetectorKind, DetectorOptions, SerializedForest } from './detector.js';

export type { AnomalyDetector, DetectorKind, DetectorOptions, SerializedForest };
export { thresholdFromContamination, averagePathLength, anomalyScore } from './path-length.js';
export { FaithfulIsolationForest, MlIsolationForestAdapter };

export function createDetector(kind: DetectorKind, options: DetectorOptions): AnomalyDetector {
  return kind === 'ml-isolation-forest' ? new MlIsolationForestAdapter(options) : new FaithfulIsolationForest(options);
}

export function restoreDetector(model: SerializedForest): AnomalyDetector {
  if (model?.version !== 1 || !Array.isArray(model.trees)) throw new Error('unsupported serialized forest');
  return model.kind === 'ml-isolation-forest' ? MlIsolationForestAdapter.fromJSON(model) : FaithfulIsolationForest.fromJSON(model);
}
