/**
 * REST API (mounted by the server under /api/v1 and /api, behind its auth):
 *   GET  /alerts?state=&severity=&rule=&host=&from=&to=&limit=    GET /alerts/:id    POST /alerts/:id/ack
 *   GET  /alerts/export?format=json|csv&(the same filters)
 *   GET  /silences?all=1    POST /silences    DELETE /silences/:id
 *   GET  /outbox?status=&channel=&limit=    POST /outbox/:id/retry
 * Bodies are validated with the JSON Schemas in schemas/; errors are {error, message} (server/http-error.ts).
 */
import express, { type Request, type Router } from 'express';
import type { AlertAckRequest, AlertRecord, SilenceRequest } from '../../generated/schema-types.js';
import { describeErrors, validatorFor } from '../../schema/registry.js';
import { apiErrorHandler, badRequest, notFound } from '../../server/http-error.js';
import { parseTimeParam } from '../../server/time-param.js';
import { SEVERITY_ORDER } from '../template/context.js';
import { CHANNELS, type ChannelName } from '../notify/notifier.js';
import { toOutboxItem, type OutboxStatus } from '../outbox/outbox-repository.js';
import type { AlertQuery, AlertState } from '../store/alert-repository.js';
import { alertsCsv } from './csv.js';

/** Members another part of the service adds to an alert's detail (its LLM summary, its evidence events). */
export type AlertDetailPart = (alert: AlertRecord) => Record<string, unknown> | Promise<Record<string, unknown>>;

export interface AlertingApi {
  listAlerts(q: AlertQuery): AlertRecord[];
  /** One alert with its delivery log and every detail part. */
  getAlert(id: number): Promise<(AlertRecord & { notifications: ReturnType<typeof toOutboxItem>[] }) | undefined>;
  acknowledge(id: number, req: AlertAckRequest): AlertRecord | undefined;
  listSilences(includeExpired: boolean): unknown[];
  createSilence(req: SilenceRequest): unknown;
  expireSilence(id: number): unknown | undefined;
  listOutbox(q: { status?: OutboxStatus; channel?: ChannelName; limit: number }): ReturnType<typeof toOutboxItem>[];
  retryOutbox(id: number): boolean;
}

const STATES: AlertState[] = ['firing', 'silenced', 'acknowledged', 'resolved'];
const OUTBOX_STATUSES: OutboxStatus[] = ['pending', 'sending', 'sent', 'failed'];

function oneOf<T extends string>(value: unknown, allowed: readonly T[], name: string): T | undefined {
  if (value === undefined || value === '') return undefined;
  if (typeof value !== 'string' || !allowed.includes(value as T)) throw badRequest(`${name} must be one of ${allowed.join(', ')}`);
  return value as T;
}

function limitOf(value: unknown, def: number, max: number): number {
  if (value === undefined || value === '') return def;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > max) throw badRequest(`limit must be an integer between 1 and ${max}`);
  return n;
}

function idOf(req: Request): number {
  const n = Number(req.params.id);
  if (!Number.isSafeInteger(n) || n < 1) throw badRequest('id must be a positive integer');
  return n;
}

function timeOf(value: unknown, name: string): number | undefined {
  if (value === undefined || value === '') return undefined;
  const ms = typeof value === 'string' ? parseTimeParam(value) : NaN;
  if (!Number.isFinite(ms)) throw badRequest(`${name} must be an ISO 8601 time (2026-01-31T10:00:00Z) or epoch milliseconds`);
  return ms;
}

function validate<T>(schemaFile: string, body: unknown): T {
  const v = validatorFor<T>(schemaFile);
  if (!v(body)) throw badRequest(`invalid body: ${describeErrors(v.errors)}`);
  return body;
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/** The filters /alerts and /alerts/export share. */
function alertQuery(q: Request['query'], limit: number): AlertQuery {
  const fromMs = timeOf(q.from, 'from');
  const toMs = timeOf(q.to, 'to');
  if (fromMs !== undefined && toMs !== undefined && fromMs >= toMs) throw badRequest("'from' must be before 'to'");
  const out: AlertQuery = { limit };
  const state = oneOf(q.state, STATES, 'state');
  const severity = oneOf(q.severity, SEVERITY_ORDER, 'severity');
  const rule = str(q.rule);
  const host = str(q.host);
  if (state) out.state = state;
  if (severity) out.severity = severity;
  if (rule) out.rule = rule;
  if (host) out.host = host;
  if (fromMs !== undefined) out.fromMs = fromMs;
  if (toMs !== undefined) out.toMs = toMs;
  return out;
}

export function createAlertingRouter(api: AlertingApi): Router {
  const r = express.Router();
  r.use(express.json({ limit: '64kb' }));

  r.get('/alerts', (req, res) => {
    res.json({ alerts: api.listAlerts(alertQuery(req.query, limitOf(req.query.limit, 100, 1000))) });
  });

  // Before /alerts/:id, which would take "export" for an id.
  r.get('/alerts/export', (req, res) => {
    const format = oneOf(req.query.format, ['json', 'csv'] as const, 'format') ?? 'json';
    const alerts = api.listAlerts(alertQuery(req.query, limitOf(req.query.limit, 1000, 10_000)));
    res.setHeader('Content-Disposition', `attachment; filename="alerts.${format}"`);
    if (format === 'json') return void res.json({ alerts });
    res.setHeader('Content-Type', 'text/csv; charset=utf-8');
    res.send(alertsCsv(alerts));
  });

  r.get('/alerts/:id', async (req, res) => {
    const id = idOf(req);
    const alert = await api.getAlert(id);
    if (!alert) throw notFound(`no alert ${id}`);
    res.json(alert);
  });

  r.post('/alerts/:id/ack', (req, res) => {
    const id = idOf(req);
    const body = validate<AlertAckRequest>('alert-ack-request.schema.json', req.body ?? {});
    const alert = api.acknowledge(id, body);
    if (!alert) throw notFound(`no alert ${id}`);
    res.json(alert);
  });

  r.get('/silences', (req, res) => {
    res.json({ silences: api.listSilences(req.query.all === '1' || req.query.all === 'true') });
  });

  r.post('/silences', (req, res) => {
    const body = validate<SilenceRequest>('silence-request.schema.json', req.body ?? {});
    try {
      res.status(201).json(api.createSilence(body));
    } catch (err) {
      if (err instanceof SyntaxError || err instanceof RangeError) throw badRequest(`invalid silence: ${err.message}`);
      throw err;
    }
  });

  r.delete('/silences/:id', (req, res) => {
    const id = idOf(req);
    const s = api.expireSilence(id);
    if (!s) throw notFound(`no silence ${id}`);
    res.json(s);
  });

  r.get('/outbox', (req, res) => {
    res.json({
      items: api.listOutbox({
        status: oneOf(req.query.status, OUTBOX_STATUSES, 'status'),
        channel: oneOf(req.query.channel, CHANNELS, 'channel'),
        limit: limitOf(req.query.limit, 100, 1000),
      }),
    });
  });

  r.post('/outbox/:id/retry', (req, res) => {
    if (!api.retryOutbox(idOf(req))) throw notFound('no failed outbox item with this id');
    res.json({ retried: true });
  });
  // Errors of this router answer as {error, message} (malformed JSON bodies included), mounted alone too.
  r.use(apiErrorHandler());
  return r;
}
