/**
 * Summary state per alert, in the shared SQLite file: queued → ok | failed | dropped. A queued row
 * is written when an alert is taken into the work queue, so a restart re-queues what was waiting;
 * the scan cursor (highest alert id looked at) makes sure no alert is looked at twice.
 */
import type { Db } from '../store/database.js';
import type { LlmSummary, LlmSummaryRecord } from '../generated/schema-types.js';
import { LlmState } from './llm-state.js';

export type SummaryStatus = LlmSummaryRecord['status'];

interface Row {
  alert_id: number;
  status: SummaryStatus;
  severity: string;
  model: string;
  summary_json: string | null;
  error: string | null;
  duration_ms: number | null;
  dropped_lines: number | null;
  updated_ms: number;
}

export class SummaryRepository {
  private readonly state: LlmState;

  constructor(private readonly db: Db) {
    this.state = new LlmState(db);
    db.exec(`
      CREATE TABLE IF NOT EXISTS llm_summaries (
        alert_id INTEGER PRIMARY KEY,
        status TEXT NOT NULL,
        severity TEXT NOT NULL,
        model TEXT NOT NULL,
        summary_json TEXT,
        error TEXT,
        duration_ms INTEGER,
        dropped_lines INTEGER,
        updated_ms INTEGER NOT NULL
      );
      CREATE INDEX IF NOT EXISTS llm_summaries_status ON llm_summaries(status) WHERE status = 'queued';
    `);
  }

  scanCursor(): number {
    return this.state.get('scan_cursor') ?? 0;
  }

  /** Marks alerts queued and moves the scan cursor past them in one transaction. */
  enqueue(items: ReadonlyArray<{ alertId: number; severity: string }>, cursor: number, model: string, nowMs: number): void {
    const ins = this.db.prepare(
      "INSERT INTO llm_summaries (alert_id, status, severity, model, updated_ms) VALUES (?, 'queued', ?, ?, ?) ON CONFLICT(alert_id) DO NOTHING",
    );
    this.db.transaction(() => {
      for (const i of items) ins.run(i.alertId, i.severity, model, nowMs);
      this.state.set('scan_cursor', cursor);
    })();
  }

  queued(limit: number): Array<{ alertId: number; severity: string }> {
    return (this.db.prepare("SELECT alert_id, severity FROM llm_summaries WHERE status = 'queued' ORDER BY alert_id LIMIT ?").all(limit) as Row[]).map((r) => ({
      alertId: r.alert_id,
      severity: r.severity,
    }));
  }

  finish(alertId: number, outcome: { status: Exclude<SummaryStatus, 'queued'>; model: string; summary?: LlmSummary; error?: string; durationMs?: number; droppedLines?: number }, nowMs: number): void {
    this.db
      .prepare('UPDATE llm_summaries SET status = ?, model = ?, summary_json = ?, error = ?, duration_ms = ?, dropped_lines = ?, updated_ms = ? WHERE alert_id = ?')
      .run(
        outcome.status,
        outcome.model,
        outcome.summary ? JSON.stringify(outcome.summary) : null,
        outcome.error?.slice(0, 1000) ?? null,
        outcome.durationMs ?? null,
        outcome.droppedLines ?? null,
        nowMs,
        alertId,
      );
  }

  get(alertId: number): LlmSummaryRecord | undefined {
    const r = this.db.prepare('SELECT * FROM llm_summaries WHERE alert_id = ?').get(alertId) as Row | undefined;
    if (!r) return undefined;
    return {
      alert_id: r.alert_id,
      status: r.status,
      model: r.model,
      ...(r.summary_json ? { summary: JSON.parse(r.summary_json) as LlmSummary } : {}),
      ...(r.error ? { error: r.error } : {}),
      ...(r.duration_ms !== null ? { duration_ms: r.duration_ms } : {}),
      ...(r.dropped_lines !== null ? { prompt_dropped_lines: r.dropped_lines } : {}),
      updated_at: new Date(r.updated_ms).toISOString(),
    };
  }

  countByStatus(): Record<string, number> {
    const rows = this.db.prepare('SELECT status, COUNT(*) AS n FROM llm_summaries GROUP BY status').all() as Array<{ status: string; n: number }>;
    return Object.fromEntries(rows.map((r) => [r.status, r.n]));
  }
}
