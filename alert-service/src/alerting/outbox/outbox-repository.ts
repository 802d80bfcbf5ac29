/**
 * outbox_messages: rendered notifications waiting for, or done with, delivery. The row is the
 * notification log too: sent rows keep sent_ms, failed rows keep the last error. A message is
 * written in the same transaction that marks its alerts notified, so a restart neither re-sends
 * (the alert is already marked) nor forgets (the row is pending).
 */
import type { Db } from '../../store/database.js';
import { StatementCache } from '../../store/statements.js';
import type { Statement } from 'better-sqlite3';
import type { OutboxItem } from '../../generated/schema-types.js';
import type { ChannelMessage, ChannelName } from '../notify/notifier.js';

export type OutboxKind = OutboxItem['kind'];
export type OutboxStatus = OutboxItem['status'];

export interface OutboxRow {
  id: number;
  channel: ChannelName;
  kind: OutboxKind;
  payload: ChannelMessage;
  alert_ids: number[];
  status: OutboxStatus;
  /** Attempts made while the channel was up (probes of a channel that is down are not counted). */
  attempts: number;
  /** Sends that may have reached the receiver: counted before each send, taken back when it certainly did not. */
  sends: number;
  next_attempt_ms: number;
  last_error: string | null;
  created_ms: number;
  sent_ms: number | null;
}

interface RawRow extends Omit<OutboxRow, 'payload' | 'alert_ids'> {
  payload_json: string;
  alert_ids_json: string;
}

const fromDb = (r: RawRow): OutboxRow => {
  const { payload_json, alert_ids_json, ...rest } = r;
  return { ...rest, payload: JSON.parse(payload_json) as ChannelMessage, alert_ids: JSON.parse(alert_ids_json) as number[] };
};

const iso = (ms: number) => new Date(ms).toISOString();

export function toOutboxItem(r: OutboxRow): OutboxItem {
  return {
    id: r.id,
    channel: r.channel,
    kind: r.kind,
    status: r.status,
    attempts: r.attempts,
    sends: r.sends,
    next_attempt_at: iso(r.next_attempt_ms),
    last_error: r.last_error,
    created_at: iso(r.created_ms),
    sent_at: r.sent_ms === null ? null : iso(r.sent_ms),
    alert_ids: r.alert_ids,
  };
}

export class OutboxRepository {
  private readonly statements: StatementCache;
  private stmt(sql: string): Statement {
    return this.statements.get(sql);
  }

  constructor(private readonly db: Db) {
    this.statements = new StatementCache(db);
    db.exec(`
      CREATE TABLE IF NOT EXISTS outbox_messages (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        channel TEXT NOT NULL,
        kind TEXT NOT NULL,
        payload_json TEXT NOT NULL,
        alert_ids_json TEXT NOT NULL,
        status TEXT NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        next_attempt_ms INTEGER NOT NULL,
        last_error TEXT,
        created_ms INTEGER NOT NULL,
        sent_ms INTEGER,
        dedup_key TEXT UNIQUE
      );
      CREATE INDEX IF NOT EXISTS outbox_messages_due ON outbox_messages(channel, status, next_attempt_ms);
      -- nextDue: the oldest pending row of a channel, without sorting the whole backlog on every send.
      CREATE INDEX IF NOT EXISTS outbox_messages_queue ON outbox_messages(channel, status, id);
    `);
    // Databases from before the copy bound: add the counter (0: the old rows' sends are unknown).
    const cols = db.prepare("SELECT name FROM pragma_table_info('outbox_messages')").all() as { name: string }[];
    if (!cols.some((c) => c.name === 'sends')) db.exec('ALTER TABLE outbox_messages ADD COLUMN sends INTEGER NOT NULL DEFAULT 0');
  }

  /** Returns the new id, or undefined when dedupKey was already used (e.g. the day's digest). */
  enqueue(channel: ChannelName, kind: OutboxKind, payload: ChannelMessage, alertIds: number[], nowMs: number, dedupKey?: string): number | undefined {
    const info = this.db
      .prepare(
        `INSERT OR IGNORE INTO outbox_messages (channel, kind, payload_json, alert_ids_json, status, attempts, next_attempt_ms, created_ms, dedup_key)
         VALUES (?, ?, ?, ?, 'pending', 0, ?, ?, ?)`,
      )
      .run(channel, kind, JSON.stringify(payload), JSON.stringify(alertIds), nowMs, nowMs, dedupKey ?? null);
    return info.changes ? Number(info.lastInsertRowid) : undefined;
  }

  /** The channels an alert was sent on (kind 'alerts'), with the latest payload per channel: where its follow-ups go. */
  sentChannelsOf(alertId: number): Array<{ channel: ChannelName; payload: ChannelMessage }> {
    const rows = this.stmt(
      `SELECT o.channel AS channel, o.payload_json AS payload FROM outbox_messages o, json_each(o.alert_ids_json) j
       WHERE o.kind = 'alerts' AND j.value = ? ORDER BY o.id DESC`,
    ).all(alertId) as Array<{ channel: ChannelName; payload: string }>;
    const seen = new Map<ChannelName, ChannelMessage>();
    for (const r of rows) if (!seen.has(r.channel)) seen.set(r.channel, JSON.parse(r.payload) as ChannelMessage);
    return [...seen].map(([channel, payload]) => ({ channel, payload }));
  }

  pendingCount(channel: ChannelName): number {
    return (this.stmt("SELECT COUNT(*) AS n FROM outbox_messages WHERE channel = ? AND status IN ('pending','sending')").get(channel) as { n: number }).n;
  }

  /** The oldest due message: a channel delivers in the order messages were written (walks the queue index in id order). */
  nextDue(channel: ChannelName, nowMs: number): OutboxRow | undefined {
    const r = this.db
      .prepare("SELECT * FROM outbox_messages INDEXED BY outbox_messages_queue WHERE channel = ? AND status = 'pending' AND next_attempt_ms <= ? ORDER BY id LIMIT 1")
      .get(channel, nowMs) as RawRow | undefined;
    return r && fromDb(r);
  }

  /**
   * Marks the row in flight before its send starts, counting the send as one that may reach the
   * receiver: a process killed during the send comes back with the copy already counted.
   */
  markSending(id: number, countAttempt: boolean): void {
    this.stmt("UPDATE outbox_messages SET status = 'sending', sends = sends + 1, attempts = attempts + ? WHERE id = ?").run(countAttempt ? 1 : 0, id);
  }

  markSent(id: number, nowMs: number): void {
    this.stmt("UPDATE outbox_messages SET status = 'sent', sent_ms = ?, last_error = NULL WHERE id = ?").run(nowMs, id);
  }

  /** Back to pending, keeping its place in the queue; `delivered: 'no'` takes back the send counted by markSending. */
  markRetry(id: number, error: string, delivered: 'no' | 'maybe'): void {
    this.db
      .prepare("UPDATE outbox_messages SET status = 'pending', last_error = ?, sends = MAX(0, sends - ?) WHERE id = ?")
      .run(error, delivered === 'no' ? 1 : 0, id);
  }


  /** Failed for good; `delivered: 'no'` takes back the send counted by markSending (none was made, or it was refused). */
  markFailed(id: number, error: string, delivered: 'no' | 'maybe' = 'maybe'): void {
    this.stmt("UPDATE outbox_messages SET status = 'failed', last_error = ?, sends = MAX(0, sends - ?) WHERE id = ?").run(error, delivered === 'no' ? 1 : 0, id);
  }

  /** Manual retry from the API: a failed row goes back to pending with a fresh attempt budget. */
  retry(id: number, nowMs: number): boolean {
    return this.stmt("UPDATE outbox_messages SET status = 'pending', attempts = 0, sends = 0, next_attempt_ms = ? WHERE id = ? AND status = 'failed'").run(nowMs, id).changes > 0;
  }

  /** A process that died mid-send left rows in 'sending': send them again (at-least-once; the interrupted send stays counted in `sends`). */
  recoverInterrupted(): number {
    return this.stmt("UPDATE outbox_messages SET status = 'pending' WHERE status = 'sending'").run().changes;
  }

  list(filter: { status?: OutboxStatus; channel?: ChannelName; limit: number }): OutboxRow[] {
    const where: string[] = [];
    const params: unknown[] = [];
    if (filter.status) where.push('status = ?'), params.push(filter.status);
    if (filter.channel) where.push('channel = ?'), params.push(filter.channel);
    const sql = `SELECT * FROM outbox_messages ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY id DESC LIMIT ?`;
    return (this.stmt(sql).all(...params, filter.limit) as RawRow[]).map(fromDb);
  }

  /** Delivery log of one alert. */
  forAlert(alertId: number): OutboxRow[] {
    return (
      this.stmt("SELECT o.* FROM outbox_messages o, json_each(o.alert_ids_json) j WHERE j.value = ? ORDER BY o.id").all(alertId) as RawRow[]
    ).map(fromDb);
  }

  countsByChannelStatus(): { channel: ChannelName; status: OutboxStatus; n: number }[] {
    return this.stmt('SELECT channel, status, COUNT(*) AS n FROM outbox_messages GROUP BY channel, status').all() as {
      channel: ChannelName;
      status: OutboxStatus;
      n: number;
    }[];
  }

  pruneFinishedBefore(cutoffMs: number): void {
    this.stmt("DELETE FROM outbox_messages WHERE status IN ('sent','failed') AND created_ms < ?").run(cutoffMs);
  }
}
