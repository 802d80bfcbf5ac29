/** Public surface of the anomaly module; the composition root needs only createAnomalyModule. */
export { createAnomalyModule, type AnomalyModule, type AnomalyModuleDeps, type AnomalyStatus, type CloseResult } from './module.js';
export type { DetectResult, ErrorSummary, HourSummary, ModelInfo } from './api-types.js';
export { NotEnoughHistoryError } from './model.js';
export { FEATURES, type FeatureName, type FeatureVector } from './features.js';
