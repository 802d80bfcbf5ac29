/**
 * Periodic threat review (the "analyze new log entries every 2 hours" of the original design).
 * Each run reads the events stored since the last run, by store position, condenses each host's
 * share and asks the model for a structured verdict. A suspicious verdict becomes an alert through
 * the normal path (AlertSink, rule id `llm.review`), citing only events the model was shown.
 *
 * Positions: a run covers (S, E] where S is the persisted review position. Each host's own
 * position is saved when its review is done, so a run that stops half way (Ollama down, service
 * stopped) resumes with the hosts it had not finished and never reviews an event twice; once
 * every host of the run is done, S moves to E. A host whose review fails is retried next run.
 */
import { randomBytes } from 'node:crypto';
import type { AlertSignal, LlmConfig, LlmReview, LogEvent } from '../../generated/schema-types.js';
import type { AlertSink } from '../../pipeline/contracts.js';
import type { EventStore } from '../../store/event-store.js';
import type { Db } from '../../store/database.js';
import type { OllamaGateway } from '../ollama-gateway.js';
import { answerSchema, failureKind } from '../answer.js';
import type { LlmMetrics } from '../metrics.js';
import { condenseHost } from './condense.js';
import { buildReviewPrompt } from './review-prompt.js';
import { LlmState } from '../llm-state.js';

export interface ReviewerDeps {
  db: Db;
  store: EventStore;
  config: LlmConfig;
  gateway: OllamaGateway;
  sink: AlertSink;
  metrics: LlmMetrics;
  /** Anomaly lines for the host's recent hours (optional). */
  anomalyLines?: (host: string) => string[];
  log: (m: string) => void;
}

export interface ReviewRun {
  from_seq: number;
  to_seq: number;
  hosts: number;
  reviewed: number;
  failed: number;
  alerts: number;
}

const READ_BATCH = 5_000;
const MAX_HOSTS_PER_RUN = 1_000;
const RANK = ['informational', 'low', 'medium', 'high', 'critical'];

/** Suspicious means at least low; the model alone never pages as critical. */
function alertSeverity(s: LlmReview['severity']): AlertSignal['severity'] {
  const r = Math.min(Math.max(RANK.indexOf(s), 1), 3);
  return RANK[r] as AlertSignal['severity'];
}

export class Reviewer {
  private readonly answer = answerSchema<LlmReview>('llm-review.schema.json');
  private running: Promise<ReviewRun> | undefined;
  private current: AbortController | undefined;
  private stopped = false;
  private readonly state: LlmState;

  constructor(private readonly deps: ReviewerDeps) {
    deps.db.exec('CREATE TABLE IF NOT EXISTS llm_review_hosts (host TEXT PRIMARY KEY, seq INTEGER NOT NULL)');
    this.state = new LlmState(deps.db);
  }

  position(): number {
    return this.state.get('review_seq') ?? 0;
  }

  /** Starts where the store is now on a first start: a fresh install does not review its whole history at once. */
  initPosition(): void {
    this.state.init('review_seq', this.deps.store.lastSeq());
  }

  run(): Promise<ReviewRun> {
    this.running ??= this.runOnce().finally(() => (this.running = undefined));
    return this.running;
  }

  private async runOnce(): Promise<ReviewRun> {
    const { db, store, config } = this.deps;
    const from = this.position();
    const hostSeq = new Map((db.prepare('SELECT host, seq FROM llm_review_hosts').all() as Array<{ host: string; seq: number }>).map((r) => [r.host, r.seq]));
    // Read (from, to], grouped by host, bounded by review_max_events.
    const byHost = new Map<string, LogEvent[]>();
    let to = from;
    let read = 0;
    while (read < config.review_max_events) {
      const batch = store.readAfter(to, Math.min(READ_BATCH, config.review_max_events - read));
      if (!batch.length) break;
      for (const { seq, event } of batch) {
        if (seq <= (hostSeq.get(event.host) ?? 0)) continue; // reviewed by an interrupted earlier run
        let list = byHost.get(event.host);
        if (!list) {
          if (byHost.size >= MAX_HOSTS_PER_RUN) continue; // counted as read; see below
          byHost.set(event.host, (list = []));
        }
        list.push(event);
      }
      to = batch[batch.length - 1]!.seq;
      read += batch.length;
    }
    const result: ReviewRun = { from_seq: from, to_seq: to, hosts: byHost.size, reviewed: 0, failed: 0, alerts: 0 };
    if (to === from) return result;
    const saveHost = db.prepare('INSERT INTO llm_review_hosts (host, seq) VALUES (?, ?) ON CONFLICT(host) DO UPDATE SET seq = excluded.seq');
    for (const [host, events] of byHost) {
      if (this.stopped) return result;
      const ok = await this.reviewHost(host, events, result);
      if (ok) {
        saveHost.run(host, to);
        result.reviewed++;
      } else result.failed++;
    }
    if (!result.failed && !this.stopped && byHost.size < MAX_HOSTS_PER_RUN) {
      db.transaction(() => {
        this.state.set('review_seq', to);
        db.prepare('DELETE FROM llm_review_hosts WHERE seq <= ?').run(to);
      })();
    }
    return result;
  }

  private async reviewHost(host: string, events: LogEvent[], result: ReviewRun): Promise<boolean> {
    const { gateway, metrics, config } = this.deps;
    const condensed = condenseHost(events, this.deps.anomalyLines?.(host) ?? []);
    const prompt = buildReviewPrompt(host, events[0]!.received_at, events[events.length - 1]!.received_at, condensed, {
      contextChars: config.context_chars,
      nonce: randomBytes(8).toString('hex'),
    });
    if (prompt.droppedLines) metrics.promptLinesDropped.inc(prompt.droppedLines);
    this.current = new AbortController();
    let review: LlmReview;
    try {
      const answer = await gateway.chat(prompt.messages, { format: this.answer.format, signal: this.current.signal });
      review = this.answer.parse(answer.content);
      metrics.requests.inc({ kind: 'review', outcome: 'ok' });
    } catch (err) {
      const kind = failureKind(err);
      metrics.requests.inc({ kind: 'review', outcome: kind });
      this.deps.log(`llm: review of ${host} failed (${kind}): ${(err as Error).message.slice(0, 200)}`);
      return false;
    } finally {
      this.current = undefined;
    }
    if (!review.suspicious) return true;
    // Only references the model was shown count; they map to stored events.
    const cited = new Map<string, LogEvent>();
    for (const f of review.findings) for (const ref of f.evidence) if (prompt.shown.has(ref) && condensed.refs.has(ref)) cited.set(ref, condensed.refs.get(ref)!);
    const evidence = [...cited.values()];
    const times = evidence.map((e) => e.time).sort();
    const signal: AlertSignal = {
      rule_id: 'llm.review',
      title: 'LLM threat review',
      severity: alertSeverity(review.severity),
      source: 'llm',
      host,
      group: { host },
      first_seen: times[0] ?? events[0]!.time,
      last_seen: times[times.length - 1] ?? events[events.length - 1]!.time,
      count: evidence.length || events.length,
      summary: review.findings.map((f) => f.title).join('; ').slice(0, 500) || 'the model judged these events suspicious',
      fields: {
        findings: review.findings.map((f) => ({ title: f.title, detail: f.detail, evidence: f.evidence.filter((r) => cited.has(r)).map((r) => cited.get(r)!.id) })),
        recommendations: review.recommendations,
        model_severity: review.severity,
        events_reviewed: events.length,
      },
      event_ids: evidence.map((e) => e.id).slice(0, 100) as AlertSignal['event_ids'],
      samples: evidence.map((e) => e.message.slice(0, 4096)).slice(0, 20) as AlertSignal['samples'],
    };
    this.deps.sink.emit(signal);
    result.alerts++;
    return true;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.current?.abort();
    await this.running?.catch(() => undefined);
  }
}
