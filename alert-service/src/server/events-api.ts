/** GET /api/events and /api/dead-letters: read access to what ingest stored. */
import { Router } from 'express';
import type { EventStore } from '../store/event-store.js';

function parseTime(v: unknown, name: string): number | undefined {
  if (v === undefined) return undefined;
  const ms = typeof v === 'string' ? Date.parse(v) : NaN;
  if (!Number.isFinite(ms)) throw Object.assign(new Error(`${name} must be an ISO 8601 date-time`), { status: 400, type: 'bad_query' });
  return ms;
}

function parseLimit(v: unknown, max: number, dflt: number): number {
  if (v === undefined) return dflt;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > max) throw Object.assign(new Error(`limit must be an integer from 1 to ${max}`), { status: 400, type: 'bad_query' });
  return n;
}

export function eventsRouter(store: EventStore): Router {
  const r = Router();
  r.get('/events', (req, res) => {
    const q = req.query;
    const host = typeof q.host === 'string' ? q.host : undefined;
    const kind = typeof q.source === 'string' ? q.source : undefined;
    const fromMs = parseTime(q.from, 'from');
    const toMs = parseTime(q.to, 'to');
    res.json({
      events: store.query({ limit: parseLimit(q.limit, 10_000, 100), ...(host ? { host } : {}), ...(kind ? { sourceKind: kind } : {}), ...(fromMs !== undefined ? { fromMs } : {}), ...(toMs !== undefined ? { toMs } : {}) }),
    });
  });
  r.get('/dead-letters', (req, res) => {
    res.json({ dead_letters: store.deadLetters(parseLimit(req.query.limit, 1000, 100)) });
  });
  return r;
}
