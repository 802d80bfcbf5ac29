/**
 * Reading stored events: the row → LogEvent decoding and the statements of an EventQuery. Shared by the
 * store (its own connection) and the read worker (a read-only connection off the main thread).
 */
import type { LogEvent } from '../generated/schema-types.js';
import { decodeBody, type StreamParts } from './event-codec.js';
import type { DictionaryReader } from './event-dictionary.js';
import type { EventCursor, EventPage, EventQuery } from './event-store.js';
import { compileEventMatch, hasEventMatch } from './event-match.js';
import type { StatementCache } from './statements.js';

export { StatementCache } from './statements.js';

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
  /** (time_ms, seq) descending. */
  desc: boolean;
}

/** Rows read per kind and statement when a plan merges kinds: memory stays bounded whatever the limit. */
const MERGE_PAGE = 1000;
const START = Number.MIN_SAFE_INTEGER;
const END = Number.MAX_SAFE_INTEGER;

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
    // kind holds a sixth of all events, a host usually far fewer). readPage does not run this
    // statement: it tests the kind on the host range's rows under its scan budget, since for a
    // kind the host never wrote this one statement reads the host's whole range (10 s on a
    // 10 M-event store).
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
  // Newest first walks the same indexes backwards.
  const desc = q.newestFirst === true;
  const past = desc ? '<' : '>';
  const order = desc ? 'ORDER BY time_ms DESC, seq DESC' : 'ORDER BY time_ms, seq';
  if (kinds) {
    // The merge pages each kind from a cursor (the caller's `after`, else the start).
    where.push(`(time_ms, seq) ${past} (?, ?)`);
    return { sql: `SELECT ${ROW_COLUMNS} FROM events WHERE ${where.join(' AND ')} ${order} LIMIT ?`, args, kinds, limit, desc };
  }
  if (q.after !== undefined) (where.push(`(time_ms, seq) ${past} (?, ?)`), args.push(q.after.timeMs, q.after.seq));
  return { sql: `SELECT ${ROW_COLUMNS} FROM events WHERE ${where.join(' AND ')} ${order} LIMIT ?`, args: [...args, limit], limit, desc };
}

/** The first statement(s) a plan runs, with their arguments (one per kind when it merges kinds). */
export function planStatements(plan: QueryPlan, after?: EventCursor): Array<{ sql: string; args: unknown[] }> {
  if (!plan.kinds) return [{ sql: plan.sql, args: plan.args }];
  const page = Math.min(plan.limit, MERGE_PAGE);
  const start = plan.desc ? END : START;
  return plan.kinds.map((k) => ({ sql: plan.sql, args: [k, ...plan.args, after?.timeMs ?? start, after?.seq ?? start, page] }));
}

/** The rows of a plan in (time_ms, seq) order, at most its limit; per kind a page at a time, merged. */
export function planRows(plan: QueryPlan, statements: StatementCache, after?: EventCursor): EventRow[] {
  const stmt = statements.get(plan.sql);
  if (!plan.kinds) return stmt.all(...plan.args) as EventRow[];
  const page = Math.min(plan.limit, MERGE_PAGE);
  const start = plan.desc ? END : START;
  // Whether row r comes before row b in the plan's order.
  const first = plan.desc
    ? (r: EventRow, b: EventRow) => r.time_ms > b.time_ms || (r.time_ms === b.time_ms && r.seq > b.seq)
    : (r: EventRow, b: EventRow) => r.time_ms < b.time_ms || (r.time_ms === b.time_ms && r.seq < b.seq);
  const heads = plan.kinds.map((k) => {
    const rows = stmt.all(k, ...plan.args, after?.timeMs ?? start, after?.seq ?? start, page) as EventRow[];
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
      if (!b || first(r, b)) best = h;
    }
    if (!best) break;
    out.push(best.rows[best.i++]!);
  }
  return out;
}

/**
 * Rows a filtered page reads at most (body filters: severity, text, IP, user, and `skip`): a
 * search for something rare answers within a bounded time with a short page and `next` to go on.
 * Decoding and testing a row costs about 18 µs of CPU on the read worker (npm run
 * bench:event-search), so a page costs at most about a second of CPU.
 */
export const MAX_SCAN_ROWS = 50_000;
/** Rows read per step of a filtered page: from the page size, doubling up to this. */
const SCAN_STEP = 4000;

/** One page of `q`, serialized for the API; `next` is set when the page is full (or the scan budget ran out). */
export function readPage(statements: StatementCache, dict: DictionaryReader, q: EventQuery): EventPage {
  const skip = Math.max(0, Math.floor(q.skip ?? 0));
  const limit = Math.min(Math.max(Math.floor(q.limit ?? 1000), 1), MAX_QUERY_LIMIT);
  const test = hasEventMatch(q.match) ? compileEventMatch(q.match) : undefined;
  // Host and kind: the plan reads the host's range, the kind is tested here, before decoding.
  const kindId = q.host !== undefined && q.sourceKind !== undefined ? dict.findKind(q.sourceKind) : undefined;
  const events: LogEvent[] = [];
  let after = q.after;
  let scanned = 0;
  let skipped = 0;
  let more = false;
  if (!test && !skip && kindId === undefined) {
    const plan = eventQueryPlan(q, dict);
    const rows = plan ? planRows(plan, statements, q.after) : [];
    for (const r of rows) events.push(decodeRow(r, dict));
    scanned = rows.length;
    const last = rows[rows.length - 1];
    if (last) after = { timeMs: last.time_ms, seq: last.seq };
    more = rows.length === limit;
  } else {
    // Read in steps from the cursor, keeping what matches, until the page is full, the rows end
    // or the scan budget is spent; the cursor is the last row read, matched or not.
    for (let want = Math.min(SCAN_STEP, Math.max(limit + skip, 100)); events.length < limit; want = Math.min(SCAN_STEP, want * 2)) {
      const step = Math.min(want, MAX_SCAN_ROWS - scanned);
      if (step <= 0) {
        more = true;
        break;
      }
      const plan = eventQueryPlan({ ...q, ...(kindId !== undefined ? { sourceKind: undefined } : {}), limit: step, ...(after ? { after } : {}) }, dict);
      const rows = plan ? planRows(plan, statements, after) : [];
      let i = 0;
      for (; i < rows.length && events.length < limit; i++) {
        if (kindId !== undefined && rows[i]!.kind_id !== kindId) continue;
        const e = decodeRow(rows[i]!, dict);
        if (test && !test(e)) continue;
        if (skipped < skip) skipped++;
        else events.push(e);
      }
      scanned += i;
      const last = rows[i - 1];
      if (last) after = { timeMs: last.time_ms, seq: last.seq };
      if (events.length === limit) more = i < rows.length || rows.length === step;
      else if (rows.length < step) break;
    }
  }
  const text = JSON.stringify(events);
  // Its own ArrayBuffer (never a slice of Buffer's shared pool), so the worker can transfer it.
  const bytes = new Uint8Array(Buffer.byteLength(text));
  Buffer.from(bytes.buffer).write(text);
  return { eventsJson: bytes, count: events.length, scanned, ...(more && after ? { next: after } : {}) };
}
