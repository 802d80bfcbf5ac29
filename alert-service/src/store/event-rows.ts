/**
 * Reading stored events: the row → LogEvent decoding and the statements of an EventQuery. Shared by the
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
    kind: dict.kind(r.kind_id),
    stream: r.stream_id === null ? undefined : dict.parsed<StreamParts>(r.stream_id),
    program: r.program_id === null ? undefined : dict.string(r.program_id),
  });
}

export interface QueryPlan {
  /** Statements whose results, merged in (time_ms, seq) order, are the answer (more than one: one per kind). */
  statements: Array<{ sql: string; args: unknown[] }>;
  limit: number;
}

/**
 * The statements for `q`, or undefined when nothing can match (a host or kind never stored).
 * Every filter is served by an index, in event-time order: host → events_host_time, source kind
 * → events_kind_time. There is no index on time alone (one index less to maintain on every
 * insert, 17 bytes less per event): a time range, or no filter, reads events_kind_time once per
 * kind (a handful: the source-kind enum), each range in order and bounded by the limit, and
 * merges them. `after` continues a page from the (time_ms, seq) of its last event.
 */
export function eventQueryPlan(q: EventQuery, dict: DictionaryReader): QueryPlan | undefined {
  const where: string[] = [];
  const args: unknown[] = [];
  let kinds: number[] | undefined;
  if (q.host !== undefined) {
    const id = dict.findHost(q.host);
    if (id === undefined) return undefined;
    where.push('host_id = ?');
    args.push(id);
  }
  if (q.sourceKind !== undefined) {
    const id = dict.findKind(q.sourceKind);
    if (id === undefined) return undefined;
    // With a host too, the host index serves (unary + keeps the planner off the kind index: a
    // kind holds a sixth of all events, a host usually far fewer).
    where.push(q.host !== undefined ? '+kind_id = ?' : 'kind_id = ?');
    args.push(id);
  } else if (q.host === undefined) {
    kinds = dict.kindIds();
    if (!kinds.length) return undefined;
  }
  if (q.fromMs !== undefined) (where.push('time_ms >= ?'), args.push(q.fromMs));
  if (q.toMs !== undefined) (where.push('time_ms < ?'), args.push(q.toMs));
  if (q.after !== undefined) (where.push('(time_ms, seq) > (?, ?)'), args.push(q.after.timeMs, q.after.seq));
  const limit = Math.min(Math.max(Math.floor(q.limit ?? 1000), 1), MAX_QUERY_LIMIT);
  const statement = (pre: string[], preArgs: unknown[]) => {
    const all = [...pre, ...where];
    return { sql: `SELECT ${ROW_COLUMNS} FROM events ${all.length ? 'WHERE ' + all.join(' AND ') : ''} ORDER BY time_ms, seq LIMIT ?`, args: [...preArgs, ...args, limit] };
  };
  if (!kinds) return { statements: [statement([], [])], limit };
  return { statements: kinds.map((k) => statement(['kind_id = ?'], [k])), limit };
}

/** The rows of a plan, merged in (time_ms, seq) order, at most its limit. */
export function planRows(plan: QueryPlan, statements: StatementCache): EventRow[] {
  const parts = plan.statements.map((st) => statements.get(st.sql).all(...st.args) as EventRow[]).filter((r) => r.length);
  if (parts.length <= 1) return parts[0] ?? [];
  const merged = parts.flat();
  merged.sort((a, b) => a.time_ms - b.time_ms || a.seq - b.seq);
  if (merged.length > plan.limit) merged.length = plan.limit;
  return merged;
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
  const plan = eventQueryPlan(q, dict);
  if (!plan) return { eventsJson: Buffer.from('[]'), count: 0 };
  const rows = planRows(plan, statements);
  const text = JSON.stringify(rows.map((r) => decodeRow(r, dict)));
  // Its own ArrayBuffer (never a slice of Buffer's shared pool), so the worker can transfer it.
  const bytes = new Uint8Array(Buffer.byteLength(text));
  Buffer.from(bytes.buffer).write(text);
  const last = rows[rows.length - 1];
  return { eventsJson: bytes, count: rows.length, ...(last && rows.length === plan.limit ? { next: { timeMs: last.time_ms, seq: last.seq } } : {}) };
}
