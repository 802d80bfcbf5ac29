/**
 * The HTTP surface: ingest, health, metrics and the API that modules contribute routers to.
 * The API lives under /api/v1 (described by the OpenAPI document at /api/v1/openapi.json, which
 * also gates every request: 405, unknown parameters, schemas); /api/... is the same router,
 * kept as an alias for clients written before the version prefix.
 */
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import type { Registry } from 'prom-client';
import type { ServiceModule } from '../pipeline/contracts.js';
import type { EventStore } from '../store/event-store.js';
import { INGEST_PATH } from '../ingest/constants.js';
import { apiAuth, refuseSimpleBodies, securityHeaders, type ApiTokens } from './api-auth.js';
import { eventsRouter } from './events-api.js';
import { dashboardRouter } from './dashboard.js';
import { apiErrorHandler, sendError } from './http-error.js';
import { API_BASE, buildOpenApiDocument } from './openapi/document.js';
import { requestValidator } from './openapi/request-validator.js';
import { statusRouter } from './status-api.js';
import type { Db } from '../store/database.js';

export interface AppDeps {
  ingest: (req: Request, res: Response) => Promise<void>;
  registry: Registry;
  store: EventStore;
  modules: readonly ServiceModule[];
  apiTokens: ApiTokens;
  /** Readiness: undefined when ready, else the reason. */
  notReady: () => string | undefined;
  /** The service's database (GET /api/v1/status reports its SQLite version and size). */
  db?: Db;
  /** Where internal API errors are logged. */
  log?: (msg: string) => void;
}

/** POST /rules/:id/test takes up to 10,000 log lines; every other API body is small. */
const LARGE_BODY_PATH = /^\/rules\/[^/]+\/test\/?$/;

export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  // Never take a client address from X-Forwarded-For: the loopback exemption must see the real peer.
  app.set('trust proxy', false);
  app.use(securityHeaders);
  const auth = apiAuth(deps.apiTokens);

  app.post(INGEST_PATH, refuseSimpleBodies, (req, res) => void deps.ingest(req, res));
  app.get('/healthz', (_req, res) => void res.json({ status: 'ok' }));
  app.get('/readyz', (_req, res) => {
    const reason = deps.notReady();
    res.status(reason ? 503 : 200).json(reason ? { status: 'not ready', reason } : { status: 'ready' });
  });
  // Rule counters tell an attacker whether they were seen: /metrics needs the read token when one is
  // set; without API tokens it stays open, as scrapers expect.
  const metricsAuth = deps.apiTokens.read || deps.apiTokens.write ? auth : (_req: Request, _res: Response, next: NextFunction) => next();
  app.get('/metrics', metricsAuth, async (_req, res) => {
    res.setHeader('Content-Type', deps.registry.contentType);
    res.send(await deps.registry.metrics());
  });

  const openapi = buildOpenApiDocument(deps.modules.filter((m) => m.router).map((m) => m.name));
  const api = express.Router();
  const smallJson = express.json({ limit: '256kb', strict: true });
  const largeJson = express.json({ limit: '4mb', strict: true });
  api.use(auth);
  api.use(refuseSimpleBodies);
  api.use((req, res, next) => (LARGE_BODY_PATH.test(req.path) ? largeJson : smallJson)(req, res, next));
  api.use(requestValidator(openapi));
  api.get('/openapi.json', (_req, res) => void res.json(openapi));
  api.use(statusRouter({ store: deps.store, modules: deps.modules, notReady: deps.notReady, ...(deps.db ? { db: deps.db } : {}) }));
  api.use(eventsRouter(deps.store));
  for (const m of deps.modules) if (m.router) api.use(m.router);
  api.use((req, res) => sendError(res, 404, 'not_found', `no API route ${req.method} ${req.path.slice(0, 200)}`));
  api.use(apiErrorHandler(deps.log));
  app.use(API_BASE, api);
  app.use('/api', api);
  // The dashboard's pages and assets (its API calls go to /api/v1 like any client's).
  app.use(dashboardRouter());

  app.use((_req, res) => sendError(res, 404, 'not_found', 'no such route'));
  // Express error handler: a malformed API body is the client's fault, anything else is ours.
  app.use((err: Error & { status?: number; type?: string }, _req: Request, res: Response, _next: NextFunction) => {
    const status = err.status && err.status >= 400 && err.status < 500 ? err.status : 500;
    res.status(status).json({ error: status === 500 ? 'internal' : err.type ?? 'bad_request', message: status === 500 ? 'internal error' : err.message });
  });
  return app;
}
