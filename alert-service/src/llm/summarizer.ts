/**
 * Incident summaries. Follows the alert store by id (like a consumer with a persisted cursor), so
 * alerting never calls or waits for the model: an alert is recorded and notified on its own
 * schedule, and its summary arrives when the model answers, or never (Ollama down, slow,
 * garbage), which is recorded as the summary's status. Nothing here writes to the alert records.
 *
 * One request at a time: a local model is CPU/GPU bound, and parallel requests only queue inside
 * Ollama where our timeout would count their waiting time.
 */
import { randomBytes } from 'node:crypto';
import type { LlmConfig, LlmSummary } from '../generated/schema-types.js';
import type { AlertRepository, AlertRow } from '../alerting/store/alert-repository.js';
import type { IpEnricher } from '../alerting/enrich/enricher.js';
import { answerSchema, failureKind } from './answer.js';
import type { OllamaGateway } from './ollama-gateway.js';
import { buildSummaryPrompt, type SummaryInput } from './prompt.js';
import type { SummaryRepository } from './summary-repository.js';
import { WorkQueue } from './work-queue.js';
import type { LlmMetrics } from './metrics.js';

/** What the host looked like around the alert, from the anomaly module (optional). */
export type HostContext = (host: string, atMs: number) => Pick<SummaryInput, 'errorTemplates' | 'anomalyExplanation'>;

/** Hands a finished summary to alerting as a follow-up message (alerting.followUp). */
export type FollowUpSink = (alertId: number, summary: LlmSummary, model: string) => 'sent' | 'not_sent_yet' | 'unknown';

/** A summary done before its alert went out waits this long for it, then stays in the API only. */
const FOLLOW_UP_WAIT_MS = 15 * 60_000;
const MAX_WAITING_FOLLOW_UPS = 1_000;

export interface SummarizerDeps {
  config: LlmConfig;
  gateway: OllamaGateway;
  alerts: AlertRepository;
  summaries: SummaryRepository;
  enricher: IpEnricher;
  metrics: LlmMetrics;
  hostContext?: HostContext;
  followUp?: FollowUpSink;
  now: () => number;
  log: (m: string) => void;
}

const SCAN_BATCH = 200;

export class Summarizer {
  private readonly queue: WorkQueue;
  private readonly answer = answerSchema<LlmSummary>('llm-summary.schema.json');
  private readonly severities: Set<string>;
  private running: Promise<void> | undefined;
  private current: AbortController | undefined;
  private stopped = false;
  /** Summaries whose alert had not been notified yet when they were done. */
  private readonly waitingFollowUps = new Map<number, { summary: LlmSummary; since: number }>();

  constructor(private readonly deps: SummarizerDeps) {
    this.queue = new WorkQueue(deps.config.queue_max);
    this.severities = new Set(deps.config.summary_severities);
    // What was queued when the service stopped is queued again (oldest first).
    for (const item of deps.summaries.queued(deps.config.queue_max)) this.queue.push(item);
  }

  get queueSize(): number {
    return this.queue.size;
  }

  /** Looks for alerts created since the last scan and queues those whose severity gets a summary. */
  scan(): number {
    const { alerts, summaries, config, gateway, metrics } = this.deps;
    let cursor = summaries.scanCursor();
    let taken = 0;
    for (;;) {
      const batch = alerts.listCreatedAfter(cursor, SCAN_BATCH);
      if (!batch.length) break;
      const wanted = batch.filter((a) => this.severities.has(a.severity)).map((a) => ({ alertId: a.id, severity: a.severity }));
      cursor = batch[batch.length - 1]!.id;
      summaries.enqueue(wanted, cursor, gateway.model, this.deps.now());
      for (const item of wanted) {
        const dropped = this.queue.push(item);
        if (dropped) {
          metrics.dropped.inc();
          summaries.finish(dropped.alertId, { status: 'dropped', model: gateway.model, error: `summary queue full (${config.queue_max}); lower severity dropped first` }, this.deps.now());
        }
      }
      taken += wanted.length;
      if (batch.length < SCAN_BATCH) break;
    }
    metrics.queueDepth.set(this.queue.size);
    return taken;
  }

  /** Works the queue until it is empty; one pass at a time. */
  drain(): Promise<void> {
    this.running ??= (async () => {
      // Yield first: with nothing queued the body would otherwise finish synchronously, its
      // `finally` clearing `running` before `??=` stores the promise, and no drain would ever run again.
      await null;
      try {
        this.retryFollowUps();
        for (let item = this.queue.shift(); item && !this.stopped; item = this.queue.shift()) {
          this.deps.metrics.queueDepth.set(this.queue.size);
          const alert = this.deps.alerts.get(item.alertId);
          if (!alert) {
            this.deps.summaries.finish(item.alertId, { status: 'failed', model: this.deps.gateway.model, error: 'alert no longer exists' }, this.deps.now());
            continue;
          }
          await this.summarize(alert);
        }
      } finally {
        this.running = undefined;
      }
    })();
    return this.running;
  }

  /** Asks the model about one alert and records the outcome; never throws. */
  async summarize(alert: AlertRow): Promise<void> {
    const { gateway, summaries, metrics, config } = this.deps;
    const ctx = this.deps.hostContext?.(alert.host, Date.parse(alert.last_seen) || this.deps.now()) ?? { errorTemplates: [], anomalyExplanation: [] };
    const prompt = buildSummaryPrompt(
      { alert, enrichment: this.deps.enricher.enrich(alert), ...ctx },
      { contextChars: config.context_chars, nonce: randomBytes(8).toString('hex'), ...(config.system_prompt ? { systemPrompt: config.system_prompt } : {}) },
    );
    if (prompt.droppedLines) metrics.promptLinesDropped.inc(prompt.droppedLines);
    this.current = new AbortController();
    try {
      const answer = await gateway.chat(prompt.messages, { format: this.answer.format, signal: this.current.signal });
      const summary = this.answer.parse(answer.content);
      summaries.finish(alert.id, { status: 'ok', model: gateway.model, summary, durationMs: answer.durationMs, droppedLines: prompt.droppedLines }, this.deps.now());
      metrics.requests.inc({ kind: 'summary', outcome: 'ok' });
      this.sendFollowUp(alert.id, summary, this.deps.now());
    } catch (err) {
      const kind = failureKind(err);
      // Cancelled by stop(): the row stays queued, so the next start asks again.
      if (kind === 'aborted' && this.stopped) return;
      metrics.requests.inc({ kind: 'summary', outcome: kind });
      summaries.finish(alert.id, { status: 'failed', model: gateway.model, error: (err as Error).message, droppedLines: prompt.droppedLines }, this.deps.now());
      this.deps.log(`llm: no summary for alert ${alert.id} (${kind}): ${(err as Error).message.slice(0, 200)}`);
    } finally {
      this.current = undefined;
    }
  }

  private sendFollowUp(alertId: number, summary: LlmSummary, since: number): void {
    const outcome = this.deps.followUp?.(alertId, summary, this.deps.gateway.model) ?? 'unknown';
    if (outcome === 'not_sent_yet' && this.waitingFollowUps.size < MAX_WAITING_FOLLOW_UPS) this.waitingFollowUps.set(alertId, { summary, since });
    else this.waitingFollowUps.delete(alertId);
  }

  private retryFollowUps(): void {
    const now = this.deps.now();
    for (const [id, w] of [...this.waitingFollowUps]) {
      if (now - w.since > FOLLOW_UP_WAIT_MS) this.waitingFollowUps.delete(id);
      else this.sendFollowUp(id, w.summary, w.since);
    }
  }

  /** Cancels the request in flight and waits for the worker to stop. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.current?.abort();
    await this.running;
  }
}
