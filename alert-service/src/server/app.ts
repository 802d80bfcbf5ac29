/**
 * The HTTP surface: ingest, health, metrics and the API that modules contribute routers to.
 */
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import type { Registry } from 'prom-client';
import type { ServiceModule } from '../pipeline/contracts.js';
import type { EventStore } from '../store/event-store.js';
import { INGEST_PATH } from '../ingest/constants.js';
import { apiAuth, refuseSimpleBodies, securityHeaders, type ApiTokens } from './api-auth.js';
import { eventsRouter } from './events-api.js';
import { dashboardRouter } from './dashboard.js';

export interface AppDeps {
  ingest: (req: Request, res: Response) => Promise<void>;
  registry: Registry;
  store: EventStore;
  modules: readonly ServiceModule[];
  apiTokens: ApiTokens;
  /** Readiness: undefined when ready, else the reason. */
  notReady: () => string | undefined;
}

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

  const api = express.Router();
  api.use(auth);
  api.use(refuseSimpleBodies);
  api.use(express.json({ limit: '256kb', strict: true }));
  api.use(eventsRouter(deps.store));
  for (const m of deps.modules) if (m.router) api.use(m.router);
  app.use('/api', api);
  // The dashboard's pages and assets (its API calls go to /api like any client's).
  app.use(dashboardRouter());

  app.use((_req, res) => void res.status(404).json({ error: 'not_found' }));
  // Express error handler: a malformed API body is the client's fault, anything else is ours.
  app.use((err: Error & { status?: number; type?: string }, _req: Request, res: Response, _next: NextFunction) => {
    const status = err.status && err.status >= 400 && err.status < 500 ? err.status : 500;
    res.status(status).json({ error: status === 500 ? 'internal' : err.type ?? 'bad_request', message: status === 500 ? 'internal error' : err.message });
  });
  return app;
}
