/**
 * The anomaly API's response shapes (GET /anomaly/detect, /anomaly/errors, the model's facts).
 * A file of types only, with no runtime imports, so the dashboard type-checks against the very
 * shapes the service returns instead of restating them.
 */
import type { AlertSignal, AnomalyConfig } from '../generated/schema-types.js';
import type { FeatureVector } from './features.js';

export interface ModelInfo {
  trained_at: string;
  trained_at_ms: number;
  from: string;
  to: string;
  history_hours: number;
  history_rows: number;
  series: number;
  /** Series skipped for having fewer than MIN_SERIES_HOURS hours. */
  series_skipped: number;
  detector: AnomalyConfig['detector'];
  threshold: number;
  threshold_source: 'contamination' | 'score_threshold';
  contamination: number;
  n_estimators: number;
  max_samples: number;
  random_state: number;
  features: string[];
  /**
   * IANA zone of the hour-of-day/weekday slots (for the hosts without an offset of their own when
   * host_offsets is set); models trained before zones were configurable have none (UTC).
   */
  time_zone?: string;
  /** Per-host zone ('' or 'host'): how many series' slots are at their host's own UTC offset. */
  host_offset_series?: number;
  training_ms: number;
  /** Where training time went: reading history + baselines + pool vectors, forest fit, threshold scoring. */
  phases_ms: { read_and_baselines: number; fit: number; threshold: number };
}

export interface HourSummary {
  host: string;
  source: string;
  hour: string;
  features: FeatureVector;
  is_anomaly: boolean | null;
  score: number | null;
  severity: AlertSignal['severity'] | null;
  explanation: string[];
  note?: string;
  top_templates?: Array<{ id: number; template: string; count: number }>;
}

export interface DetectResult {
  trained: boolean;
  message?: string;
  model: ModelInfo | null;
  from: string;
  to: string;
  anomalies: number;
  hours: HourSummary[];
}

export interface ErrorSummary {
  from: string;
  to: string;
  host: string | null;
  templates: Array<{ id: number; template: string; total: number; hosts: number; by_host: Record<string, number>; first_hour: string; last_hour: string }>;
}
