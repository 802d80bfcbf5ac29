/**
 * GET /events and /dead-letters (under /api/v1 and /api): read access to what ingest stored.
 *
 * /events is newest first, filtered by host, source kind and event time (each served by an
 * index) and by severity, message text, source IP (address or CIDR) and user (applied to rows as
 * the read worker decodes them, reading at most 50,000 per page), a bounded page at a time:
 * `limit` (default 100, at most 10,000) and, when more may follow, `next`, to pass as `after`
 * for the following page; `skip` passes over matching events first (at most 10,000). The store
 * reads on its read worker, off the thread that commits ingest; the page arrives as JSON bytes,
 * sent as they are.
 */
import { Router } from 'express';
import type { EventCursor, EventQuery, EventStore } from '../store/event-store.js';
import type { EventMatch } from '../store/event-match.js';
import { ReadQueueFullError } from '../store/event-read-worker.js';
import { compileCidr } from '../detect/cidr.js';
import { badRequest, sendError } from './http-error.js';
import { parseTimeParam } from './time-param.js';
import { EVENT_PAGE_MAX, EVENT_SKIP_MAX } from './openapi/paths-events.js';

const SEVERITIES = new Set(['emergency', 'alert', 'critical', 'error', 'warning', 'notice', 'info', 'debug']);

// An empty value (?host=) means "not given", as everywhere in the API.
function parseTime(v: unknown, name: string): number | undefined {
  if (v === undefined || v === '') return undefined;
  const ms = typeof v === 'string' ? parseTimeParam(v) : NaN;
  if (!Number.isFinite(ms)) throw badRequest(`${name} must be an ISO 8601 date-time or epoch milliseconds`);
  return ms;
}

function parseInt(v: unknown, name: string, min: number, max: number, dflt: number): number {
  if (v === undefined || v === '') return dflt;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min || n > max) throw badRequest(`${name} must be an integer from ${min} to ${max}`);
  return n;
}

function parseString(v: unknown, name: string, maxLength: number): string | undefined {
  if (v === undefined || v === '') return undefined;
  if (typeof v !== 'string' || v.length < 1 || v.length > maxLength) throw badRequest(`${name} must be one string of 1 to ${maxLength} characters`);
  return v;
}

/** The page cursor: "<event time ms>.<seq>", as `next` gave it. */
const formatCursor = (c: EventCursor) => `${c.timeMs}.${c.seq}`;
function parseCursor(v: unknown): EventCursor | undefined {
  if (v === undefined || v === '') return undefined;
  const m = typeof v === 'string' ? /^(-?\d{1,16})\.(\d{1,16})$/.exec(v) : null;
  if (!m) throw badRequest('after must be the `next` value of a previous page');
  return { timeMs: Number(m[1]), seq: Number(m[2]) };
}

function parseMatch(q: Record<string, unknown>): EventMatch {
  const match: EventMatch = {};
  const severity = parseString(q.severity, 'severity', 100);
  if (severity) {
    const list = severity.split(',');
    const bad = list.find((s) => !SEVERITIES.has(s));
    if (bad !== undefined) throw badRequest(`severity must be one or more of ${[...SEVERITIES].join(', ')}, comma-separated`);
    match.severities = list;
  }
  const text = parseString(q.text, 'text', 200);
  if (text) match.text = text;
  const ip = parseString(q.ip, 'ip', 64);
  if (ip) {
    try {
      compileCidr(ip); // refused here rather than on the read worker
    } catch {
      throw badRequest('ip must be an IPv4 or IPv6 address or a CIDR network (10.0.0.0/8)');
    }
    match.ip = ip;
  }
  const user = parseString(q.user, 'user', 256);
  if (user) match.user = user;
  return match;
}

export function eventsRouter(store: EventStore): Router {
  const r = Router();
  r.get('/events', async (req, res) => {
    const q = req.query as Record<string, unknown>;
    const query: EventQuery = { limit: parseInt(q.limit, 'limit', 1, EVENT_PAGE_MAX, 100), newestFirst: true };
    const host = parseString(q.host, 'host', 255);
    const kind = parseString(q.source, 'source', 64);
    const fromMs = parseTime(q.from, 'from');
    const toMs = parseTime(q.to, 'to');
    const after = parseCursor(q.after);
    const skip = parseInt(q.skip, 'skip', 0, EVENT_SKIP_MAX, 0);
    if (host) query.host = host;
    if (kind) query.sourceKind = kind;
    if (fromMs !== undefined) query.fromMs = fromMs;
    if (toMs !== undefined) query.toMs = toMs;
    if (after) query.after = after;
    if (skip) query.skip = skip;
    const match = parseMatch(q);
    if (Object.keys(match).length) query.match = match;
    let page;
    try {
      page = await store.queryPage(query);
    } catch (err) {
      if (!(err instanceof ReadQueueFullError)) throw err;
      res.setHeader('Retry-After', '1');
      return sendError(res, 503, 'busy', err.message);
    }
    // Written as they came: no re-encoding, and no ETag (hashing megabytes on this thread).
    const head = Buffer.from('{"events":');
    const tail = Buffer.from(`${page.next ? `,"next":${JSON.stringify(formatCursor(page.next))}` : ''}}`);
    res.status(200);
    res.setHeader('Content-Type', 'application/json; charset=utf-8');
    res.setHeader('Content-Length', head.length + page.eventsJson.length + tail.length);
    res.write(head);
    res.write(page.eventsJson);
    res.end(tail);
  });
  r.get('/dead-letters', (req, res) => {
    res.json({ dead_letters: store.deadLetters(parseInt(req.query.limit, 'limit', 1, 1000, 100)) });
  });
  return r;
}
