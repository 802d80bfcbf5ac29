/**
 * Prometheus metrics. One Registry per service instance (not prom-client's global one), so
 * tests can run several services in one process without name clashes. A name ending in _total
 * is a counter (test/deploy/metrics.test.ts checks every one a running service exposes).
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { packageVersion } from '../util/package-version.js';

/** What ingest flow control holds at a moment (route.ts); read when /metrics is scraped. */
export interface IngestFlowState { bodyBytes: number; inFlightBytes: number; inFlightRecords: number; waiting: number }

export function createIngestMetrics(registry: Registry) {
  let flow: () => IngestFlowState = () => ({ bodyBytes: 0, inFlightBytes: 0, inFlightRecords: 0, waiting: 0 });
  const flowGauge = (name: string, help: string, pick: (s: IngestFlowState) => number) =>
    new Gauge({ name, help, registers: [registry], collect() { this.set(pick(flow())); } });
  flowGauge('logward_ingest_queued_chunks', 'Received chunks waiting for admission (ingest.max_queued_requests)', (s) => s.waiting);
  flowGauge('logward_ingest_inflight_decoded_bytes', 'Decoded bytes of admitted chunks (ingest.max_inflight_decoded_bytes)', (s) => s.inFlightBytes);
  flowGauge('logward_ingest_inflight_records', 'Records of admitted chunks (ingest.max_inflight_records)', (s) => s.inFlightRecords);
  flowGauge('logward_ingest_held_body_bytes', 'Request bodies held in memory, received or arriving (ingest.max_queued_body_bytes)', (s) => s.bodyBytes);
  return {
    /** Route calls this once with its state reader. */
    observeFlow: (read: () => IngestFlowState) => void (flow = read),
    requests: new Counter({ name: 'logward_ingest_requests_total', help: 'Ingest requests by HTTP status', labelNames: ['status'] as const, registers: [registry] }),
    records: new Counter({
      name: 'logward_ingest_records_total',
      help: 'Records received, by outcome: stored (new), duplicate (replayed, skipped), dead_letter (invalid, kept aside), blank (whitespace-only line, skipped)',
      labelNames: ['outcome'] as const,
      registers: [registry],
    }),
    rejected: new Counter({ name: 'logward_ingest_rejected_total', help: 'Requests refused as a whole, by reason', labelNames: ['reason'] as const, registers: [registry] }),
    bytes: new Counter({ name: 'logward_ingest_bytes_total', help: 'Request body bytes as received (compressed)', registers: [registry] }),
    latency: new Histogram({
      name: 'logward_ingest_latency_seconds',
      help: 'Time from request start to durable storage of its records',
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    }),
  };
}
export type IngestMetrics = ReturnType<typeof createIngestMetrics>;

export function createPipelineMetrics(registry: Registry) {
  return {
    backlog: new Gauge({ name: 'logward_pipeline_backlog_events', help: 'Stored events not yet processed, per consumer', labelNames: ['consumer'] as const, registers: [registry] }),
    consumerErrors: new Counter({ name: 'logward_pipeline_consumer_errors_total', help: 'Batches a consumer threw on (each is retried; the cursor stays)', labelNames: ['consumer'] as const, registers: [registry] }),
    consumerFailing: new Gauge({ name: 'logward_pipeline_consumer_failing', help: '1 while a consumer is failing and being retried', labelNames: ['consumer'] as const, registers: [registry] }),
    storeWriteErrors: new Counter({ name: 'logward_store_write_errors_total', help: 'Failed writes to the database, by write (ingest_commit, cursor_commit)', labelNames: ['write'] as const, registers: [registry] }),
    pruned: new Counter({ name: 'logward_store_pruned_rows_total', help: 'Rows removed by retention', registers: [registry] }),
  };
}
export type PipelineMetrics = ReturnType<typeof createPipelineMetrics>;

/** The package version, read once (the build_info gauge and `logward --version` agree). */
export { packageVersion };

/**
 * Node's standard process metrics (process_cpu_seconds_total, process_resident_memory_bytes,
 * nodejs_eventloop_lag_seconds, ...) under their usual unprefixed names, so stock dashboards and
 * alerts for Node processes work; and logward_build_info, 1 with what is running as labels.
 */
export function createRegistry(withDefaults = true): Registry {
  const registry = new Registry();
  if (withDefaults) collectDefaultMetrics({ register: registry });
  new Gauge({ name: 'logward_build_info', help: 'Always 1; the labels say which Logward and which Node run', labelNames: ['version', 'node'] as const, registers: [registry] }).set(
    { version: packageVersion(), node: process.version },
    1,
  );
  return registry;
}
