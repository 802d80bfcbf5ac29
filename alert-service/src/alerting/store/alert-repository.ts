/**
 * alert_records: one row per fingerprint, updated in place by every signal; alert_groups: the
 * notification timers of each aggregation group (rule + policy), persisted so a restart keeps
 * group_wait/group_interval/repeat_interval where they were.
 */
import type { Db } from '../../store/database.js';
import { StatementCache } from '../../store/statements.js';
import type { Statement } from 'better-sqlite3';
import type { AlertRecord, AlertSeverity, AlertSignal } from '../../generated/schema-types.js';

export type AlertState = AlertRecord['state'];
/** What receivers were last told about an alert. */
export type NotifiedState = 'none' | 'firing' | 'resolved';

export interface AlertRow {
  id: number;
  fingerprint: string;
  group_key: string;
  rule_id: string;
  title: string;
  severity: AlertSeverity;
  source: AlertSignal['source'];
  host: string;
  group: Record<string, string>;
  labels: Record<string, string>;
  tags: string[];
  fields: Record<string, unknown>;
  summary: string;
  first_seen: string;
  last_seen: string;
  count: number;
  samples: string[];
  event_ids: string[];
  state: AlertState;
  silenced_by: number[];
  created_ms: number;
  updated_ms: number;
  resolved_ms: number | null;
  acked_ms: number | null;
  acked_by: string | null;
  ack_comment: string | null;
  notified: NotifiedState;
  last_notified_ms: number | null;
}

export interface GroupRow {
  group_key: string;
  next_flush_ms: number;
  last_sent_ms: number | null;
}

export interface AlertQuery {
  state?: AlertState;
  severity?: AlertSeverity;
  rule?: string;
  host?: string;
  limit: number;
  /** Only alerts touched (created or updated) since this service time. */
  activeSinceMs?: number;
  /** Event-time overlap: alerts whose last event is at or after fromMs, and whose first is before toMs. */
  fromMs?: number;
  toMs?: number;
}

const JSON_COLUMNS = ['group', 'labels', 'tags', 'fields', 'samples', 'event_ids', 'silenced_by'] as const;

function fromDb(raw: Record<string, unknown>): AlertRow {
  const row = { ...raw } as Record<string, unknown>;
  for (const c of JSON_COLUMNS) {
    row[c] = JSON.parse(raw[`${c}_json`] as string);
    delete row[`${c}_json`];
  }
  return row as unknown as AlertRow;
}

export class AlertRepository {
  private readonly statements: StatementCache;
  private stmt(sql: string): Statement {
    return this.statements.get(sql);
  }

  constructor(private readonly db: Db) {
    this.statements = new StatementCache(db);
    db.exec(`
      CREATE TABLE IF NOT EXISTS alert_records (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        fingerprint TEXT NOT NULL UNIQUE,
        group_key TEXT NOT NULL,
        rule_id TEXT NOT NULL,
        title TEXT NOT NULL,
        severity TEXT NOT NULL,
        source TEXT NOT NULL,
        host TEXT NOT NULL,
        group_json TEXT NOT NULL,
        labels_json TEXT NOT NULL,
        tags_json TEXT NOT NULL,
        fields_json TEXT NOT NULL,
        summary TEXT NOT NULL,
        first_seen TEXT NOT NULL,
        last_seen TEXT NOT NULL,
        count INTEGER NOT NULL,
        samples_json TEXT NOT NULL,
        event_ids_json TEXT NOT NULL,
        state TEXT NOT NULL,
        silenced_by_json TEXT NOT NULL DEFAULT '[]',
        created_ms INTEGER NOT NULL,
        updated_ms INTEGER NOT NULL,
        resolved_ms INTEGER,
        acked_ms INTEGER,
        acked_by TEXT,
        ack_comment TEXT,
        notified TEXT NOT NULL DEFAULT 'none',
        last_notified_ms INTEGER
      );
      CREATE INDEX IF NOT EXISTS alert_records_state ON alert_records(state, updated_ms);
      CREATE INDEX IF NOT EXISTS alert_records_group ON alert_records(group_key);
      CREATE INDEX IF NOT EXISTS alert_records_updated ON alert_records(updated_ms);
      CREATE INDEX IF NOT EXISTS alert_records_host_active ON alert_records(host, source, state);
      CREATE TABLE IF NOT EXISTS alert_groups (
        group_key TEXT PRIMARY KEY,
        next_flush_ms INTEGER NOT NULL,
        last_sent_ms INTEGER
      );
    `);
    this.s = this.stmts(db);
  }

  private readonly stmts = (db: Db) => ({
    byFingerprint: db.prepare('SELECT * FROM alert_records WHERE fingerprint = ?'),
    byId: db.prepare('SELECT * FROM alert_records WHERE id = ?'),
    // IN, not !=: counted on the (state, updated_ms) index instead of a scan of every record.
    countActive: db.prepare("SELECT COUNT(*) AS n FROM alert_records WHERE state IN ('firing', 'silenced', 'acknowledged')"),
    insert: db.prepare(`
    INSERT INTO alert_records (fingerprint, group_key, rule_id, title, severity, source, host, group_json, labels_json, tags_json, fields_json,
      summary, first_seen, last_seen, count, samples_json, event_ids_json, state, silenced_by_json, created_ms, updated_ms)
    VALUES (@fingerprint, @group_key, @rule_id, @title, @severity, @source, @host, @group_json, @labels_json, @tags_json, @fields_json,
      @summary, @first_seen, @last_seen, @count, @samples_json, @event_ids_json, @state, @silenced_by_json, @created_ms, @updated_ms)`),
    update: db.prepare(`
    UPDATE alert_records SET group_key=@group_key, title=@title, severity=@severity, host=@host, labels_json=@labels_json, tags_json=@tags_json,
      fields_json=@fields_json, summary=@summary, first_seen=@first_seen, last_seen=@last_seen, count=@count, samples_json=@samples_json,
      event_ids_json=@event_ids_json, state=@state, silenced_by_json=@silenced_by_json, updated_ms=@updated_ms, resolved_ms=@resolved_ms,
      acked_ms=@acked_ms, acked_by=@acked_by, ack_comment=@ack_comment, notified=@notified
    WHERE id=@id`),
  });
  private readonly s: ReturnType<AlertRepository['stmts']>;

  findByFingerprint(fp: string): AlertRow | undefined {
    const raw = this.s.byFingerprint.get(fp) as Record<string, unknown> | undefined;
    return raw && fromDb(raw);
  }

  get(id: number): AlertRow | undefined {
    const raw = this.s.byId.get(id) as Record<string, unknown> | undefined;
    return raw && fromDb(raw);
  }

  activeCount(): number {
    return (this.s.countActive.get() as { n: number }).n;
  }

  insert(row: Omit<AlertRow, 'id' | 'resolved_ms' | 'acked_ms' | 'acked_by' | 'ack_comment' | 'notified' | 'last_notified_ms'>): number {
    const info = this.s.insert.run(this.toParams(row));
    return Number(info.lastInsertRowid);
  }

  update(row: AlertRow): void {
    this.s.update.run(this.toParams(row));
  }

  private toParams(row: Partial<AlertRow>): Record<string, unknown> {
    const p: Record<string, unknown> = { ...row };
    for (const c of JSON_COLUMNS) {
      p[`${c}_json`] = JSON.stringify(row[c] ?? (c === 'group' || c === 'labels' || c === 'fields' ? {} : []));
      delete p[c];
    }
    return p;
  }

  setState(id: number, state: AlertState, silencedBy: number[]): void {
    this.stmt('UPDATE alert_records SET state = ?, silenced_by_json = ? WHERE id = ?').run(state, JSON.stringify(silencedBy), id);
  }

  resolve(id: number, nowMs: number): void {
    this.stmt("UPDATE alert_records SET state = 'resolved', resolved_ms = ?, silenced_by_json = '[]' WHERE id = ?").run(nowMs, id);
  }

  acknowledge(id: number, by: string, comment: string | null, nowMs: number): void {
    this.db
      .prepare("UPDATE alert_records SET state = 'acknowledged', acked_ms = ?, acked_by = ?, ack_comment = ? WHERE id = ?")
      .run(nowMs, by, comment, id);
  }

  markNotified(ids: number[], notified: NotifiedState, nowMs: number): void {
    const stmt = this.stmt('UPDATE alert_records SET notified = ?, last_notified_ms = ? WHERE id = ?');
    for (const id of ids) stmt.run(notified, nowMs, id);
  }

  /** Alerts that are not resolved: firing, silenced, acknowledged. */
  listUnresolved(): AlertRow[] {
    return (this.stmt("SELECT * FROM alert_records WHERE state != 'resolved'").all() as Record<string, unknown>[]).map(fromDb);
  }

  listUnresolvedQuietSince(cutoffMs: number): AlertRow[] {
    return (
      this.stmt("SELECT * FROM alert_records WHERE state != 'resolved' AND updated_ms <= ?").all(cutoffMs) as Record<string, unknown>[]
    ).map(fromDb);
  }

  /**
   * Firing or acknowledged alerts of one host, raised by one kind of detector, whose evidence
   * includes `eventId` (the inhibition check). Runs once per Sigma alert per group flush, so it
   * is indexed (host, source, state), filters on the event id inside SQLite (a substring test of
   * the JSON array, confirmed by the caller) and reads only the two columns the check needs: it
   * used to parse every open alert of the host in full, ~0.8 s per Sigma alert with 5,000 open.
   */
  listActiveOnHostWithEvent(host: string, source: string, eventId: string): Pick<AlertRow, 'severity' | 'event_ids'>[] {
    const rows = this.stmt(
      "SELECT severity, event_ids_json FROM alert_records WHERE host = ? AND source = ? AND state IN ('firing', 'acknowledged') AND instr(event_ids_json, ?) > 0",
    ).all(host, source, JSON.stringify(eventId)) as { severity: AlertRow['severity']; event_ids_json: string }[];
    return rows.map((r) => ({ severity: r.severity, event_ids: JSON.parse(r.event_ids_json) as string[] }));
  }

  /** Alerts a group flush looks at: everything not resolved, plus resolutions receivers have not heard of. */
  listForGroup(groupKey: string): AlertRow[] {
    return (
      this.db
        .prepare("SELECT * FROM alert_records WHERE group_key = ? AND (state != 'resolved' OR notified = 'firing') ORDER BY id")
        .all(groupKey) as Record<string, unknown>[]
    ).map(fromDb);
  }

  /** Alerts created after `id`, oldest first: how the LLM summarizer follows new alerts. */
  listCreatedAfter(id: number, limit: number): AlertRow[] {
    return (this.db.prepare('SELECT * FROM alert_records WHERE id > ? ORDER BY id LIMIT ?').all(id, limit) as Record<string, unknown>[]).map(fromDb);
  }

  query(q: AlertQuery): AlertRow[] {
    const where: string[] = [];
    const params: unknown[] = [];
    if (q.state) where.push('state = ?'), params.push(q.state);
    if (q.severity) where.push('severity = ?'), params.push(q.severity);
    if (q.rule) where.push('rule_id = ?'), params.push(q.rule);
    if (q.host) where.push('host = ?'), params.push(q.host);
    if (q.activeSinceMs !== undefined) where.push('updated_ms >= ?'), params.push(q.activeSinceMs);
    // first_seen/last_seen are ISO text as events gave them: compared as times, not as strings.
    if (q.fromMs !== undefined) where.push('julianday(last_seen) >= julianday(?)'), params.push(new Date(q.fromMs).toISOString());
    if (q.toMs !== undefined) where.push('julianday(first_seen) < julianday(?)'), params.push(new Date(q.toMs).toISOString());
    const sql = `SELECT * FROM alert_records ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY updated_ms DESC, id DESC LIMIT ?`;
    return (this.stmt(sql).all(...params, q.limit) as Record<string, unknown>[]).map(fromDb);
  }

  countByState(): Record<string, number> {
    const rows = this.stmt('SELECT state, COUNT(*) AS n FROM alert_records GROUP BY state').all() as { state: string; n: number }[];
    return Object.fromEntries(rows.map((r) => [r.state, r.n]));
  }

  pruneResolvedBefore(cutoffMs: number): number {
    return this.stmt("DELETE FROM alert_records WHERE state = 'resolved' AND resolved_ms < ?").run(cutoffMs).changes;
  }

  // ---- aggregation group timers ----

  getGroup(key: string): GroupRow | undefined {
    return this.stmt('SELECT * FROM alert_groups WHERE group_key = ?').get(key) as GroupRow | undefined;
  }

  /** Creates the group timer if absent (first alert: group_wait); an existing timer is left as it is. */
  ensureGroup(key: string, nextFlushMs: number): GroupRow {
    this.stmt('INSERT OR IGNORE INTO alert_groups (group_key, next_flush_ms, last_sent_ms) VALUES (?, ?, NULL)').run(key, nextFlushMs);
    return this.getGroup(key)!;
  }

  dueGroups(nowMs: number): GroupRow[] {
    return this.stmt('SELECT * FROM alert_groups WHERE next_flush_ms <= ? ORDER BY next_flush_ms').all(nowMs) as GroupRow[];
  }

  updateGroup(key: string, nextFlushMs: number, lastSentMs: number | null): void {
    this.stmt('UPDATE alert_groups SET next_flush_ms = ?, last_sent_ms = ? WHERE group_key = ?').run(nextFlushMs, lastSentMs, key);
  }

  deleteGroup(key: string): void {
    this.stmt('DELETE FROM alert_groups WHERE group_key = ?').run(key);
  }
}
