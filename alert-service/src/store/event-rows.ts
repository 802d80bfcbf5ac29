/**
 * Reading stored events: the row → LogEvent decoding and the SQL of an EventQuery. Shared by the
 * store (its own connection) and the read worker (a read-only connection off the main thread).
 */
import type Database from 'better-sqlite3';
import type { LogEvent } from '../generated/schema-types.js';
import { decodeBody, type StreamParts } from './event-codec.js';
import type { DictionaryReader } from './event-dictionary.js';
import type { EventPage, EventQuery } from './event-store.js';

export interface EventRow {
  seq: number;
  key: Buffer;
  time_ms: number;
  host_id: number;
  kind_id: number;
  stream_id: number | null;
  program_id: number | null;
  body: Buffer;
}

export const ROW_COLUMNS = 'seq, key, time_ms, host_id, kind_id, stream_id, program_id, body';

/** Most events one query returns. */
export const MAX_QUERY_LIMIT = 1_000_000;

export function decodeRow(r: EventRow, dict: DictionaryReader): LogEvent {
  return decodeBody(r.body, {
    key: r.key,
    timeMs: r.time_ms,
    host: dict.host(r.host_id),
    kind: dict.string(r.kind_id),
    stream: r.stream_id === null ? undefined : dict.parsed<StreamParts>(r.stream_id),
    program: r.program_id === null ? undefined : dict.string(r.program_id),
  });
}

/**
 * The statement for `q`, or undefined when nothing can match (a host or kind never stored).
 * Every filter is served by an index, in event-time order: host → events_host_time, source kind
 * → events_kind_time, time range alone → events_time; `after` continues a page from the
 * (time_ms, seq) of its last event, a range on the same index.
 */
export function eventQuerySql(q: EventQuery, dict: DictionaryReader): { sql: string; args: unknown[]; limit: number } | undefined {
  const where: string[] = [];
  const args: unknown[] = [];
  if (q.host !== undefined) {
    const id = dict.findHost(q.host);
    if (id === undefined) return undefined;
    where.push('host_id = ?');
    args.push(id);
  }
  if (q.sourceKind !== undefined) {
    const id = dict.findString(q.sourceKind);
    if (id === undefined) return undefined;
    // With a host too, the host index serves (unary + keeps the planner off the kind index: a
    // kind holds a sixth of all events, a host usually far fewer).
    where.push(q.host !== undefined ? '+kind_id = ?' : 'kind_id = ?');
    args.push(id);
  }
  if (q.fromMs !== undefined) (where.push('time_ms >= ?'), args.push(q.fromMs));
  if (q.toMs !== undefined) (where.push('time_ms < ?'), args.push(q.toMs));
  if (q.after !== undefined) (where.push('(time_ms, seq) > (?, ?)'), args.push(q.after.timeMs, q.after.seq));
  const limit = Math.min(Math.max(Math.floor(q.limit ?? 1000), 1), MAX_QUERY_LIMIT);
  const sql = `SELECT ${ROW_COLUMNS} FROM events ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY time_ms, seq LIMIT ?`;
  args.push(limit);
  return { sql, args, limit };
}

/** Prepared statements by SQL text: an API client varies only a handful of filter shapes. */
export class StatementCache {
  private readonly cache = new Map<string, Database.Statement>();
  constructor(private readonly db: Database.Database) {}
  get(sql: string): Database.Statement {
    let s = this.cache.get(sql);
    if (!s) {
      if (this.cache.size >= 64) this.cache.clear();
      s = this.db.prepare(sql);
      this.cache.set(sql, s);
    }
    return s;
  }
}

/** One page of `q`, serialized for the API; `next` is set when the page is full. */
export function readPage(statements: StatementCache, dict: DictionaryReader, q: EventQuery): EventPage {
  const plan = eventQuerySql(q, dict);
  if (!plan) return { eventsJson: '[]', count: 0 };
  const rows = statements.get(plan.sql).all(...plan.args) as EventRow[];
  const events = rows.map((r) => decodeRow(r, dict));
  const last = rows[rows.length - 1];
  return { eventsJson: JSON.stringify(events), count: events.length, ...(last && rows.length === plan.limit ? { next: { timeMs: last.time_ms, seq: last.seq } } : {}) };
}
