/**
 * HTTP API, mounted by the server under /api/v1 (and its alias /api):
 *   GET  /anomaly/status                         model and history state
 *   POST /anomaly/train     body {days?}         train now (the seeds' /setup)
 *   POST /anomaly/rebuild   body {days?}         recompute closed hours of the window from stored events (day one)
 *   GET  /anomaly/detect?host=&hours=24&limit=   latest closed hours with is_anomaly, score, explanation
 *   GET  /anomaly/errors?host=&from=&to=         error templates with counts by host over a period
 * Query parameters are validated strictly: unknown, repeated or malformed ones get a 400 with
 * {error, message} naming the parameter.
 */
import express, { Router, type Request, type Response } from 'express';
import type { AnomalyModule } from './module.js';
import { NotEnoughHistoryError } from './model.js';
import { parseTimeParam } from '../server/time-param.js';
import { sendError } from '../server/http-error.js';

class BadRequest extends Error {}

type Query = Record<string, unknown>;

function single(q: Query, name: string): string | undefined {
  const v = q[name];
  if (v === undefined) return undefined;
  if (typeof v !== 'string') throw new BadRequest(`query parameter '${name}' must be given once, as a plain value`);
  return v;
}

function onlyParams(q: Query, allowed: readonly string[]): void {
  for (const k of Object.keys(q)) if (!allowed.includes(k)) throw new BadRequest(`unknown query parameter '${k}' (allowed: ${allowed.join(', ')})`);
}

function intParam(q: Query, name: string, min: number, max: number, dflt: number): number {
  const raw = single(q, name);
  if (raw === undefined) return dflt;
  if (!/^\d{1,9}$/.test(raw)) throw new BadRequest(`'${name}' must be an integer between ${min} and ${max}, got "${raw.slice(0, 40)}"`);
  const n = Number(raw);
  if (n < min || n > max) throw new BadRequest(`'${name}' must be between ${min} and ${max}, got ${n}`);
  return n;
}

function hostParam(q: Query): string | undefined {
  const raw = single(q, 'host');
  if (raw === undefined) return undefined;
  if (raw.length < 1 || raw.length > 255 || /[\u0000-\u001f\u007f]/.test(raw)) throw new BadRequest(`'host' must be 1-255 printable characters`);
  return raw;
}

/** ISO 8601 date-time (or date) or epoch milliseconds. */
function timeParam(q: Query, name: string): number | undefined {
  const raw = single(q, name);
  if (raw === undefined) return undefined;
  const ms = parseTimeParam(raw);
  if (!Number.isFinite(ms)) throw new BadRequest(`'${name}' must be an ISO 8601 time (2026-01-31T10:00:00Z) or epoch milliseconds, got "${raw.slice(0, 40)}"`);
  return ms;
}

const MAX_ERROR_SPAN_MS = 90 * 24 * 3_600_000;

/** An optional JSON body {"days": n}; empty means the configured default. */
function daysFromBody(body: unknown): number | undefined {
  if (body === undefined || body === null || (typeof body === 'object' && !Array.isArray(body) && Object.keys(body).length === 0)) return undefined;
  if (typeof body !== 'object' || Array.isArray(body)) throw new BadRequest('body must be a JSON object like {"days": 7}');
  const extra = Object.keys(body).filter((k) => k !== 'days');
  if (extra.length) throw new BadRequest(`unknown body field '${extra[0]}' (allowed: days)`);
  const d = (body as { days?: unknown }).days;
  if (d !== undefined && (typeof d !== 'number' || !Number.isInteger(d) || d < 1 || d > 365)) throw new BadRequest("'days' must be an integer between 1 and 365");
  return d as number | undefined;
}

export function createAnomalyRouter(mod: AnomalyModule, now: () => number = Date.now): Router {
  const router = Router();
  const handle = (fn: (req: Request, res: Response) => void | Promise<void>) => async (req: Request, res: Response) => {
    try {
      await fn(req, res);
    } catch (err) {
      if (err instanceof BadRequest) sendError(res, 400, 'bad_request', err.message);
      else if (err instanceof NotEnoughHistoryError) sendError(res, 409, 'not_enough_history', err.message, { hours: err.hours, needed: err.needed });
      else sendError(res, 500, 'internal', `anomaly: ${(err as Error).message}`);
    }
  };

  router.get(
    '/anomaly/status',
    handle((req, res) => {
      onlyParams(req.query as Query, []);
      res.json(mod.status());
    }),
  );

  router.post(
    '/anomaly/train',
    express.json({ limit: '1kb', strict: false }),
    handle(async (req, res) => {
      const days = daysFromBody(req.body);
      const info = await mod.trainInBackground(days === undefined ? {} : { days });
      res.json({ trained: true, model: info });
    }),
  );

  router.post(
    '/anomaly/rebuild',
    express.json({ limit: '1kb', strict: false }),
    handle((req, res) => {
      const days = daysFromBody(req.body);
      res.json(mod.rebuild(days === undefined ? {} : { days }));
    }),
  );

  router.get(
    '/anomaly/detect',
    handle((req, res) => {
      const q = req.query as Query;
      onlyParams(q, ['host', 'hours', 'limit']);
      const host = hostParam(q);
      const hours = intParam(q, 'hours', 1, 720, 24);
      const limit = intParam(q, 'limit', 1, 5000, 1000);
      res.json(mod.detect(host === undefined ? { hours, limit } : { host, hours, limit }));
    }),
  );

  router.get(
    '/anomaly/errors',
    handle((req, res) => {
      const q = req.query as Query;
      onlyParams(q, ['host', 'from', 'to']);
      const host = hostParam(q);
      const toMs = timeParam(q, 'to') ?? now();
      const fromMs = timeParam(q, 'from') ?? toMs - 24 * 3_600_000;
      if (fromMs >= toMs) throw new BadRequest("'from' must be before 'to'");
      if (toMs - fromMs > MAX_ERROR_SPAN_MS) throw new BadRequest("the 'from'..'to' span must be at most 90 days");
      res.json(mod.errorSummary(host === undefined ? { fromMs, toMs } : { host, fromMs, toMs }));
    }),
  );
  return router;
}
