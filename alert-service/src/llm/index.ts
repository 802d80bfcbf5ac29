/**
 * The LLM ServiceModule, advisory only: incident summaries of new alerts, and a periodic threat
 * review of new events whose suspicious verdicts enter alerting like any detector's signal.
 * It reads the alert and event stores and writes only its own tables, so alerting runs the same
 * with the module on, off, or pointed at a dead Ollama.
 * API: GET /api/llm/status, GET /api/llm/summaries/:alertId, POST /api/llm/review (run one now),
 * POST /api/alerts/:id/investigate (tool-calling investigation, synchronous, bounded in steps and time).
 */
import { Router } from 'express';
import type { Registry } from 'prom-client';
import type { LlmConfig, LlmSummaryRecord } from '../generated/schema-types.js';
import type { AlertSink, Clock, ServiceModule } from '../pipeline/contracts.js';
import type { EventStore } from '../store/event-store.js';
import type { Db } from '../store/database.js';
import { AlertRepository } from '../alerting/store/alert-repository.js';
import { IpEnricher } from '../alerting/enrich/enricher.js';
import type { GeoLookup } from '../alerting/enrich/geoip.js';
import { LlmError, OllamaGateway, type LlmHealth } from './ollama-gateway.js';
import { failureKind, InvalidAnswerError } from './answer.js';
import { Investigator } from './investigate/investigator.js';
import { SummaryRepository } from './summary-repository.js';
import { Summarizer, type FollowUpSink, type HostContext } from './summarizer.js';
import { createLlmMetrics } from './metrics.js';
import { Reviewer, type ReviewRun } from './review/reviewer.js';

export interface LlmModuleDeps {
  db: Db;
  store: EventStore;
  /** Where review verdicts go (alerting). */
  sink: AlertSink;
  config: LlmConfig;
  clock: Clock;
  registry: Registry;
  geo?: GeoLookup;
  hostContext?: HostContext;
  /** Where finished summaries go out as follow-up messages (alerting). */
  followUp?: FollowUpSink;
  /** Anomaly lines for a host's recent hours, for the review. */
  anomalyLines?: (host: string) => string[];
  log?: (m: string) => void;
}

export interface LlmStatus {
  enabled: boolean;
  health: LlmHealth;
  queue: number;
  summaries: Record<string, number>;
  review: { interval_s: number; position: number; last_run: ReviewRun | null };
}

export interface LlmModule extends ServiceModule {
  readonly router: Router;
  /** Scan for new alerts and summarize everything queued (what the timer does); resolves when the queue is empty. */
  runOnce(): Promise<void>;
  checkHealth(): Promise<LlmHealth>;
  /** One periodic review now (what the review timer does). */
  review(): Promise<ReviewRun>;
  status(): LlmStatus;
  /** The summary record of one alert (GET /alerts/:id shows it). */
  summaryOf(alertId: number): LlmSummaryRecord | undefined;
}

export function createLlmModule(deps: LlmModuleDeps): LlmModule {
  const { config, db } = deps;
  const log = deps.log ?? ((m: string) => console.error(m));
  const metrics = createLlmMetrics(deps.registry);
  const gateway = new OllamaGateway({
    host: config.host,
    model: config.model,
    timeoutMs: config.request_timeout_s * 1000,
    maxOutputChars: config.max_output_chars,
    temperature: config.temperature,
  });
  const summaries = new SummaryRepository(db);
  const alerts = new AlertRepository(db);
  const investigator = new Investigator(config, gateway, { store: deps.store, alerts });
  const summarizer = new Summarizer({
    config,
    gateway,
    alerts,
    summaries,
    enricher: new IpEnricher(deps.geo),
    metrics,
    ...(deps.hostContext ? { hostContext: deps.hostContext } : {}),
    ...(deps.followUp ? { followUp: deps.followUp } : {}),
    now: () => deps.clock.now(),
    log,
  });
  const reviewer = new Reviewer({
    db,
    store: deps.store,
    config,
    gateway,
    sink: deps.sink,
    metrics,
    ...(deps.anomalyLines ? { anomalyLines: deps.anomalyLines } : {}),
    log,
  });
  let lastReview: ReviewRun | null = null;
  const review = async () => (lastReview = await reviewer.run());
  let pollTimer: NodeJS.Timeout | undefined;
  let reviewTimer: NodeJS.Timeout | undefined;
  let healthTimer: NodeJS.Timeout | undefined;

  const runOnce = async () => {
    try {
      summarizer.scan();
    } catch (err) {
      log(`llm: alert scan failed: ${(err as Error).message}`);
    }
    await summarizer.drain();
  };
  const checkHealth = async () => {
    const h = await gateway.checkHealth();
    metrics.reachable.set(h.reachable ? 1 : 0);
    return h;
  };
  const status = (): LlmStatus => ({
    enabled: config.enabled,
    health: gateway.status(),
    queue: summarizer.queueSize,
    summaries: summaries.countByStatus(),
    review: { interval_s: config.review_interval_s, position: reviewer.position(), last_run: lastReview },
  });

  const router = Router();
  router.get('/llm/status', (_req, res) => {
    res.json(status());
  });
  router.get('/llm/summaries/:alertId', (req, res) => {
    const id = Number(req.params.alertId);
    if (!Number.isSafeInteger(id) || id < 1) {
      res.status(400).json({ error: 'bad_request', message: 'alert id must be a positive integer' });
      return;
    }
    const rec = summaries.get(id);
    if (!rec) {
      res.status(404).json({ error: 'not_found', message: `no summary for alert ${id} (its severity may not get one: llm.summary_severities)` });
      return;
    }
    res.json(rec);
  });
  router.post('/llm/review', async (_req, res) => {
    res.json(await review());
  });
  router.post('/alerts/:id/investigate', async (req, res) => {
    const id = Number(req.params.id);
    const alert = Number.isSafeInteger(id) && id > 0 ? alerts.get(id) : undefined;
    if (!alert) {
      res.status(404).json({ error: 'not_found', message: `no alert ${String(req.params.id).slice(0, 40)}` });
      return;
    }
    // The client going away cancels the model request.
    const gone = new AbortController();
    res.on('close', () => gone.abort());
    try {
      const out = await investigator.investigate(alert, gone.signal);
      metrics.requests.inc({ kind: 'investigate', outcome: 'ok' });
      res.json(out);
    } catch (err) {
      const kind = failureKind(err);
      metrics.requests.inc({ kind: 'investigate', outcome: kind });
      if (!(err instanceof LlmError || err instanceof InvalidAnswerError)) throw err;
      const status = kind === 'invalid_answer' || kind === 'bad_response' ? 502 : kind === 'aborted' || kind === 'timeout' ? 504 : 503;
      res.status(status).json({ error: kind === 'invalid_answer' ? 'llm_invalid_answer' : 'llm_unavailable', message: err.message });
    }
  });

  return {
    name: 'llm',
    router,
    runOnce,
    checkHealth,
    review,
    status,
    summaryOf: (alertId) => summaries.get(alertId),
    start() {
      if (!config.enabled) return;
      reviewer.initPosition();
      if (config.review_interval_s > 0) {
        reviewTimer = setInterval(() => void review().catch((err: Error) => log(`llm: review failed: ${err.message}`)), config.review_interval_s * 1000).unref();
      }
      void checkHealth();
      healthTimer = setInterval(() => void checkHealth(), config.health_interval_s * 1000).unref();
      pollTimer = setInterval(() => void runOnce(), config.poll_interval_s * 1000).unref();
    },
    async stop() {
      if (pollTimer) clearInterval(pollTimer);
      if (healthTimer) clearInterval(healthTimer);
      if (reviewTimer) clearInterval(reviewTimer);
      await Promise.all([summarizer.stop(), reviewer.stop()]);
    },
  };
}
