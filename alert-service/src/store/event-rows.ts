/**
 * Reading stored events: the row → LogEvent decoding and the statements of an EventQuery. Shared by the
 * store (its own connection) and the read worker (a read-only connection off the main thread).
 */
import type Database from 'better-sqlite3';
import type { LogEvent } from '../generated/schema-types.js';
import { decodeBody, type StreamParts } from './event-codec.js';
import type { DictionaryReader } from './event-dictionary.js';
import type { EventCursor, EventPage, EventQuery } from './event-store.js';

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
  /** The statement and its arguments; for a plan per kind, without the leading kind id and the trailing cursor and page size. */
  sql: string;
  args: unknown[];
  /** Set for a query by time alone: `sql` runs once per kind, paged by (time_ms, seq), and the pages are merged. */
  kinds?: number[];
  limit: number;
}

/** Rows read per kind and statement when a plan merges kinds: memory stays bounded whatever the limit. */
const MERGE_PAGE = 1000;
const START = Number.MIN_SAFE_INTEGER;

/**
 * The statements for `q`, or undefined when nothing can match (a host or kind never stored).
 * Every filter is served by an index, in event-time order: host → events_host_time, source kind
 * → events_kind_time. There is no index on time alone (one index less to maintain on every
 * insert, 17 bytes less per event): a time range, or no filter, reads events_kind_time once per
 * kind (a handful: the source-kind enum), each range in order, a page at a time, and merges
 * them. `after` continues a page from the (time_ms, seq) of its last event.
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
    where.push('kind_id = ?');
  }
  if (q.fromMs !== undefined) (where.push('time_ms >= ?'), args.push(q.fromMs));
  if (q.toMs !== undefined) (where.push('time_ms < ?'), args.push(q.toMs));
  const limit = Math.min(Math.max(Math.floor(q.limit ?? 1000), 1), MAX_QUERY_LIMIT);
  if (kinds) {
    // The merge pages each kind from a cursor (the caller's `after`, else the start).
    where.push('(time_ms, seq) > (?, ?)');
    return { sql: `SELECT ${ROW_COLUMNS} FROM events WHERE ${where.join(' AND ')} ORDER BY time_ms, seq LIMIT ?`, args, kinds, limit };
  }
  if (q.after !== undefined) (where.push('(time_ms, seq) > (?, ?)'), args.push(q.after.timeMs, q.after.seq));
  return { sql: `SELECT ${ROW_COLUMNS} FROM events WHERE ${where.join(' AND ')} ORDER BY time_ms, seq LIMIT ?`, args: [...args, limit], limit };
}

/** The first statement(s) a plan runs, with their arguments (one per kind when it merges kinds). */
export function planStatements(plan: QueryPlan, after?: EventCursor): Array<{ sql: string; args: unknown[] }> {
  if (!plan.kinds) return [{ sql: plan.sql, args: plan.args }];
  const page = Math.min(plan.limit, MERGE_PAGE);
  return plan.kinds.map((k) => ({ sql: plan.sql, args: [k, ...plan.args, after?.timeMs ?? START, after?.seq ?? START, page] }));
}

/** The rows of a plan in (time_ms, seq) order, at most its limit; per kind a page at a time, merged. */
export function planRows(plan: QueryPlan, statements: StatementCache, after?: EventCursor): EventRow[] {
  const stmt = statements.get(plan.sql);
  if (!plan.kinds) return stmt.all(...plan.args) as EventRow[];
  const page = Math.min(plan.limit, MERGE_PAGE);
  const heads = plan.kinds.map((k) => {
    const rows = stmt.all(k, ...plan.args, after?.timeMs ?? START, after?.seq ?? START, page) as EventRow[];
    return { k, rows, i: 0 };
  });
  const out: EventRow[] = [];
  while (out.length < plan.limit) {
    let best: (typeof heads)[number] | undefined;
    for (const h of heads) {
      if (h.i === h.rows.length) {
        if (h.rows.length < page) continue; // this kind has no more
        const last = h.rows[h.rows.length - 1]!;
        h.rows = stmt.all(h.k, ...plan.args, last.time_ms, last.seq, page) as EventRow[];
        h.i = 0;
        if (!h.rows.length) continue;
      }
      const r = h.rows[h.i]!;
      const b = best?.rows[best.i];
      if (!b || r.time_ms < b.time_ms || (r.time_ms === b.time_ms && r.seq < b.seq)) best = h;
    }
    if (!best) break;
    out.push(best.rows[best.i++]!);
  }
  return out;
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
  // Not Buffer.from('[]'): a slice of Buffer's shared pool, which Node 24 refuses to transfer.
  if (!plan) return { eventsJson: new Uint8Array([0x5b, 0x5d]), count: 0 };
  const rows = planRows(plan, statements, q.after);
  const text = JSON.stringify(rows.map((r) => decodeRow(r, dict)));
  // Its own ArrayBuffer (never a slice of Buffer's shared pool), so the worker can transfer it.
  const bytes = new Uint8Array(Buffer.byteLength(text));
  Buffer.from(bytes.buffer).write(text);
  const last = rows[rows.length - 1];
  return { eventsJson: bytes, count: rows.length, ...(last && rows.length === plan.limit ? { next: { timeMs: last.time_ms, seq: last.seq } } : {}) };
}
