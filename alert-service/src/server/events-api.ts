/**
 * GET /api/events and /api/dead-letters: read access to what ingest stored.
 *
 * /api/events filters by host, source kind and event time, oldest first, a bounded page at a
 * time: `limit` (default 100, at most 10,000) and, when the page is full, `next`, to pass as
 * `after` for the following page. The store serves every filter from an index and reads on its
 * read worker, off the thread that commits ingest; the page arrives as JSON bytes, sent as they are.
 */
import { Router } from 'express';
import type { EventCursor, EventQuery, EventStore } from '../store/event-store.js';
import { ReadQueueFullError } from '../store/event-read-worker.js';

const badQuery = (message: string) => Object.assign(new Error(message), { status: 400, type: 'bad_query' });

function parseTime(v: unknown, name: string): number | undefined {
  if (v === undefined) return undefined;
  const ms = typeof v === 'string' ? Date.parse(v) : NaN;
  if (!Number.isFinite(ms)) throw badQuery(`${name} must be an ISO 8601 date-time`);
  return ms;
}

function parseLimit(v: unknown, max: number, dflt: number): number {
  if (v === undefined) return dflt;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > max) throw badQuery(`limit must be an integer from 1 to ${max}`);
  return n;
}

function parseString(v: unknown, name: string, maxLength: number): string | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'string' || v.length > maxLength) throw badQuery(`${name} must be one string of at most ${maxLength} characters`);
  return v;
}

/** The page cursor: "<event time ms>.<seq>", as `next` gave it. */
const formatCursor = (c: EventCursor) => `${c.timeMs}.${c.seq}`;
function parseCursor(v: unknown): EventCursor | undefined {
  if (v === undefined) return undefined;
  const m = typeof v === 'string' ? /^(-?\d{1,16})\.(\d{1,16})$/.exec(v) : null;
  if (!m) throw badQuery('after must be the `next` value of a previous page');
  return { timeMs: Number(m[1]), seq: Number(m[2]) };
}

export function eventsRouter(store: EventStore): Router {
  const r = Router();
  r.get('/events', async (req, res, next) => {
    try {
      const q = req.query;
      const query: EventQuery = { limit: parseLimit(q.limit, 10_000, 100) };
      const host = parseString(q.host, 'host', 255);
      const kind = parseString(q.source, 'source', 64);
      const fromMs = parseTime(q.from, 'from');
      const toMs = parseTime(q.to, 'to');
      const after = parseCursor(q.after);
      if (host) query.host = host;
      if (kind) query.sourceKind = kind;
      if (fromMs !== undefined) query.fromMs = fromMs;
      if (toMs !== undefined) query.toMs = toMs;
      if (after) query.after = after;
      const page = await store.queryPage(query);
      // Written as they came: no re-encoding, and no ETag (hashing megabytes on this thread).
      const head = Buffer.from('{"events":');
      const tail = Buffer.from(`${page.next ? `,"next":${JSON.stringify(formatCursor(page.next))}` : ''}}`);
      res.status(200);
      res.setHeader('Content-Type', 'application/json; charset=utf-8');
      res.setHeader('Content-Length', head.length + page.eventsJson.length + tail.length);
      res.write(head);
      res.write(page.eventsJson);
      res.end(tail);
    } catch (err) {
      if (err instanceof ReadQueueFullError) {
        res.setHeader('Retry-After', '1');
        res.status(503).json({ error: 'busy', message: err.message });
      } else next(err);
    }
  });
  r.get('/dead-letters', (req, res) => {
    res.json({ dead_letters: store.deadLetters(parseLimit(req.query.limit, 1000, 100)) });
  });
  return r;
}
