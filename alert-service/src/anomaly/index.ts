/** Public surface of the anomaly module; the composition root needs only createAnomalyModule. */
export { createAnomalyModule, type AnomalyModule, type AnomalyModuleDeps, type AnomalyStatus, type DetectResult, type ErrorSummary, type HourSummary, type CloseResult } from './module.js';
export { NotEnoughHistoryError, type ModelInfo } from './model.js';
export { FEATURES, type FeatureName, type FeatureVector } from './features.js';
