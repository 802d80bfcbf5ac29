/**
 * The dashboard: the Vite build of alert-service/dashboard/ (dist/, built at install and start,
 * never committed), served on the service's own port. Its pages are client-side routes, so the
 * paths notification links point at (`/alerts/<id>`, `/alerts`) and the other pages all answer
 * with index.html; hashed assets come from /assets.
 *
 * Every page answers with a closed CSP: scripts, styles and API calls from this origin only, no
 * inline code, nothing embedded elsewhere. The dashboard renders attacker-written log text; the
 * CSP is the second wall should anything ever reach the DOM as markup.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import express, { Router, type Response } from 'express';

export const DASHBOARD_DIST = join(import.meta.dirname, '..', '..', 'dashboard', 'dist');

export const DASHBOARD_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** Client-side routes of the dashboard (src/main.ts routes the same paths). */
export const DASHBOARD_PAGES = ['/', '/overview', '/alerts', '/alerts/:id', '/events'];

export function dashboardRouter(distDir: string = DASHBOARD_DIST): Router {
  const r = Router();
  const pageHeaders = (res: Response) => {
    res.setHeader('Content-Security-Policy', DASHBOARD_CSP);
    res.setHeader('X-Frame-Options', 'DENY');
  };
  r.use(
    '/assets',
    express.static(join(distDir, 'assets'), {
      index: false,
      fallthrough: true,
      // File names carry a content hash: cache them for good.
      immutable: true,
      maxAge: '365d',
      setHeaders: pageHeaders,
    }),
  );
  // Read per request rather than once: a rebuild while the service runs is picked up, and a
  // missing build answers a clear 503 instead of stopping the service from starting.
  r.get(DASHBOARD_PAGES, (_req, res) => {
    pageHeaders(res);
    const index = join(distDir, 'index.html');
    if (!existsSync(index)) {
      res.status(503).type('text/plain').send('The dashboard is not built: run `npm run build:dashboard` (npm ci and npm start build it when vite is installed).\n');
      return;
    }
    res.setHeader('Cache-Control', 'no-cache');
    res.type('html').send(readFileSync(index));
  });
  return r;
}
