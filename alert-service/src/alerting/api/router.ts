/**
 * REST API (mounted by the server under /api, behind its auth):
 *   GET  /alerts?state=&severity=&rule=&host=&limit=    GET /alerts/:id    POST /alerts/:id/ack
 *   GET  /silences?all=1    POST /silences    DELETE /silences/:id
 *   GET  /outbox?status=&channel=&limit=    POST /outbox/:id/retry
 * Bodies are validated with the JSON Schemas in schemas/ (400 with a readable message).
 */
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import type { AlertAckRequest, AlertRecord, SilenceRequest } from '../../generated/schema-types.js';
import { describeErrors, validatorFor } from '../../schema/registry.js';
import { SEVERITY_ORDER } from '../template/context.js';
import { CHANNELS, type ChannelName } from '../notify/notifier.js';
import { toOutboxItem, type OutboxStatus } from '../outbox/outbox-repository.js';
import type { AlertState } from '../store/alert-repository.js';

export interface AlertingApi {
  listAlerts(q: { state?: AlertState; severity?: AlertRecord['severity']; rule?: string; host?: string; limit: number }): AlertRecord[];
  getAlert(id: number): (AlertRecord & { notifications: ReturnType<typeof toOutboxItem>[] }) | undefined;
  acknowledge(id: number, req: AlertAckRequest): AlertRecord | undefined;
  listSilences(includeExpired: boolean): unknown[];
  createSilence(req: SilenceRequest): unknown;
  expireSilence(id: number): unknown | undefined;
  listOutbox(q: { status?: OutboxStatus; channel?: ChannelName; limit: number }): ReturnType<typeof toOutboxItem>[];
  retryOutbox(id: number): boolean;
}

const STATES: AlertState[] = ['firing', 'silenced', 'acknowledged', 'resolved'];
const OUTBOX_STATUSES: OutboxStatus[] = ['pending', 'sending', 'sent', 'failed'];

class BadRequest extends Error {}

function oneOf<T extends string>(value: unknown, allowed: readonly T[], name: string): T | undefined {
  if (value === undefined || value === '') return undefined;
  if (typeof value !== 'string' || !allowed.includes(value as T)) throw new BadRequest(`${name} must be one of ${allowed.join(', ')}`);
  return value as T;
}

function limitOf(value: unknown, def: number, max: number): number {
  if (value === undefined || value === '') return def;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > max) throw new BadRequest(`limit must be an integer between 1 and ${max}`);
  return n;
}

function idOf(req: Request): number {
  const n = Number(req.params.id);
  if (!Number.isSafeInteger(n) || n < 1) throw new BadRequest('id must be a positive integer');
  return n;
}

function validate<T>(schemaFile: string, body: unknown): T {
  const v = validatorFor<T>(schemaFile);
  if (!v(body)) throw new BadRequest(`invalid body: ${describeErrors(v.errors)}`);
  return body;
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

export function createAlertingRouter(api: AlertingApi): Router {
  const r = express.Router();
  r.use(express.json({ limit: '64kb' }));

  r.get('/alerts', (req, res) => {
    const q = req.query;
    res.json({
      alerts: api.listAlerts({
        state: oneOf(q.state, STATES, 'state'),
        severity: oneOf(q.severity, SEVERITY_ORDER, 'severity'),
        rule: str(q.rule),
        host: str(q.host),
        limit: limitOf(q.limit, 100, 1000),
      }),
    });
  });

  r.get('/alerts/:id', (req, res) => {
    const alert = api.getAlert(idOf(req));
    if (!alert) return void res.status(404).json({ error: 'alert not found' });
    res.json(alert);
  });

  r.post('/alerts/:id/ack', (req, res) => {
    const id = idOf(req);
    const body = validate<AlertAckRequest>('alert-ack-request.schema.json', req.body ?? {});
    const alert = api.acknowledge(id, body);
    if (!alert) return void res.status(404).json({ error: 'alert not found' });
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
      if (err instanceof SyntaxError || err instanceof RangeError) throw new BadRequest(`invalid silence: ${err.message}`);
      throw err;
    }
  });

  r.delete('/silences/:id', (req, res) => {
    const s = api.expireSilence(idOf(req));
    if (!s) return void res.status(404).json({ error: 'silence not found' });
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
    if (!api.retryOutbox(idOf(req))) return void res.status(404).json({ error: 'no failed outbox item with this id' });
    res.json({ retried: true });
  });

  // Errors of this router answer as JSON (malformed JSON bodies included).
  r.use((err: unknown, _req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) return next(err);
    if (err instanceof BadRequest) return void res.status(400).json({ error: err.message });
    const e = err as { status?: number; type?: string; message?: string };
    if (e.type === 'entity.parse.failed') return void res.status(400).json({ error: 'body is not valid JSON' });
    if (e.status && e.status >= 400 && e.status < 500) return void res.status(e.status).json({ error: e.message ?? 'bad request' });
    next(err);
  });
  return r;
}
