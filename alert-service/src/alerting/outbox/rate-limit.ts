/**
 * Per-channel token bucket plus the ledger of what it held back. An alert burst beyond the bucket
 * is never dropped: it is counted per rule in outbox_held_back and the next message on that
 * channel carries "+N more alerts held back: …" (or a summary-only message once a token frees up).
 * The ledger is in SQLite so a restart does not forget it; the bucket itself starts full.
 */
import type { Db } from '../../store/database.js';
import { StatementCache } from '../../store/statements.js';
import type { Statement } from 'better-sqlite3';
import type { ChannelName } from '../notify/notifier.js';
import { SEVERITY_ORDER } from '../template/context.js';

/** SQL rank of a severity column, in SEVERITY_ORDER. */
const severityRankSql = (column: string) => `CASE ${column} ${SEVERITY_ORDER.map((s, i) => `WHEN '${s}' THEN ${i}`).join(' ')} ELSE -1 END`;

export class TokenBucket {
  private tokens: number;
  private lastMs: number;

  constructor(
    private readonly burst: number,
    private readonly perMinute: number,
    nowMs: number,
  ) {
    this.tokens = burst;
    this.lastMs = nowMs;
  }

  private refill(nowMs: number): void {
    const elapsed = Math.max(0, nowMs - this.lastMs);
    this.tokens = Math.min(this.burst, this.tokens + (elapsed * this.perMinute) / 60_000);
    this.lastMs = Math.max(this.lastMs, nowMs);
  }

  tryTake(nowMs: number): boolean {
    this.refill(nowMs);
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  available(nowMs: number): boolean {
    this.refill(nowMs);
    return this.tokens >= 1;
  }
}

export interface HeldBackEntry {
  rule_id: string;
  title: string;
  severity: string;
  alerts: number;
  first_ms: number;
  last_ms: number;
}

export class HeldBackLedger {
  private readonly statements: StatementCache;
  private stmt(sql: string): Statement {
    return this.statements.get(sql);
  }

  constructor(private readonly db: Db) {
    this.statements = new StatementCache(db);
    db.exec(`
      CREATE TABLE IF NOT EXISTS outbox_held_back (
        channel TEXT NOT NULL,
        rule_id TEXT NOT NULL,
        title TEXT NOT NULL,
        severity TEXT NOT NULL,
        alerts INTEGER NOT NULL,
        first_ms INTEGER NOT NULL,
        last_ms INTEGER NOT NULL,
        PRIMARY KEY (channel, rule_id)
      );
    `);
  }

  /** One row per (channel, rule): bounded by the number of rules, whatever the attack volume. */
  add(channel: ChannelName, entries: { rule_id: string; title: string; severity: string }[], nowMs: number): void {
    const stmt = this.stmt(`
      INSERT INTO outbox_held_back (channel, rule_id, title, severity, alerts, first_ms, last_ms) VALUES (?, ?, ?, ?, 1, ?, ?)
      ON CONFLICT (channel, rule_id) DO UPDATE SET alerts = alerts + 1, last_ms = excluded.last_ms, title = excluded.title,
        -- The summary names the worst of what was held back, not the first.
        severity = CASE WHEN ${severityRankSql('excluded.severity')} > ${severityRankSql('outbox_held_back.severity')} THEN excluded.severity ELSE outbox_held_back.severity END`);
    for (const e of entries) stmt.run(channel, e.rule_id, e.title, e.severity, nowMs, nowMs);
  }

  peek(channel: ChannelName): HeldBackEntry[] {
    return this.stmt('SELECT rule_id, title, severity, alerts, first_ms, last_ms FROM outbox_held_back WHERE channel = ? ORDER BY alerts DESC').all(channel) as HeldBackEntry[];
  }

  /** Call inside the transaction that enqueues the message carrying the summary. */
  clear(channel: ChannelName): void {
    this.stmt('DELETE FROM outbox_held_back WHERE channel = ?').run(channel);
  }

  totals(): Record<string, number> {
    const rows = this.stmt('SELECT channel, SUM(alerts) AS n FROM outbox_held_back GROUP BY channel').all() as { channel: string; n: number }[];
    return Object.fromEntries(rows.map((r) => [r.channel, r.n]));
  }
}
