/**
 * Guards /api and /metrics. Two Bearer tokens: a read token (GET/HEAD) and a write token (every
 * method); server.api_token is the write token under its older name. With no API token at all, a
 * default install still answers local tools, but only a request that is really local:
 *
 * - it arrives from a loopback address *and* carries no proxy headers (a reverse proxy on the
 *   same host forwards remote requests from 127.0.0.1; `trust proxy` stays off, so Express never
 *   takes an address from those headers either);
 * - its Host header names loopback (localhost, 127.0.0.1, [::1]): a DNS-rebinding page, whose
 *   requests come from the victim's own browser on loopback, carries the attacker's host name;
 * - it is not marked cross-site by the browser (Sec-Fetch-Site), and a state-changing one is
 *   JSON (checked by refuseSimpleBodies), which a cross-site page cannot send without a CORS
 *   preflight this service never grants.
 */
import type { NextFunction, Request, Response } from 'express';
import { createTokenCheck } from '../ingest/auth.js';

const LOOPBACK_ADDRESSES = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);
const LOOPBACK_HOST = /^(?:localhost|127\.0\.0\.1|\[::1\])(?::\d{1,5})?$/i;
const PROXY_HEADERS = ['forwarded', 'x-forwarded-for', 'x-forwarded-host', 'x-forwarded-proto', 'x-real-ip', 'via'];
const READ_METHODS = new Set(['GET', 'HEAD']);

export interface ApiTokens {
  read?: string | undefined;
  write?: string | undefined;
}

/** Why a tokenless request may not use the loopback exemption, or undefined when it may. */
export function notLocal(req: Request): string | undefined {
  if (!LOOPBACK_ADDRESSES.has(req.socket.remoteAddress ?? '')) return 'the API answers loopback clients only unless an API token is set (server.api_read_token, server.api_write_token)';
  if (PROXY_HEADERS.some((h) => req.headers[h] !== undefined)) return 'a request forwarded by a proxy needs an API token (server.api_read_token, server.api_write_token)';
  if (!LOOPBACK_HOST.test(req.headers.host ?? '')) return 'without an API token only a loopback Host (localhost, 127.0.0.1, [::1]) is answered';
  if (req.headers['sec-fetch-site'] === 'cross-site') return 'cross-site browser requests are refused';
  return undefined;
}

export function apiAuth(tokens: ApiTokens) {
  const write = tokens.write ? createTokenCheck([tokens.write]) : undefined;
  const read = tokens.read || tokens.write ? createTokenCheck([tokens.read, tokens.write].filter((t): t is string => !!t)) : undefined;
  return (req: Request, res: Response, next: NextFunction) => {
    if (!read) {
      const why = notLocal(req);
      if (!why) return next();
      res.status(401).json({ error: 'unauthorized', message: why });
      return;
    }
    const reading = READ_METHODS.has(req.method);
    if (reading ? read(req.headers.authorization) : write?.(req.headers.authorization)) return next();
    // The read token on a write: authenticated, not allowed.
    if (!reading && read(req.headers.authorization)) {
      res.status(403).json({ error: 'forbidden', message: 'the read token cannot change anything; use the write token (server.api_write_token)' });
      return;
    }
    res.status(401).json({ error: 'unauthorized', message: write || reading ? 'missing or wrong Bearer token' : 'no write token is configured (server.api_write_token): the API is read-only' });
  };
}

/** Content types a cross-site page can send without a preflight (and a body-less request, which has none). */
const JSON_TYPE = /^application\/(?:json|x-ndjson)\s*(?:;|$)/i;

/**
 * State-changing requests must be JSON: text/plain, form and multipart bodies (and none at all)
 * are what an HTML form or a no-cors fetch on another site can send to a local service.
 */
export function refuseSimpleBodies(req: Request, res: Response, next: NextFunction): void {
  if (READ_METHODS.has(req.method) || req.method === 'OPTIONS') return next();
  if (JSON_TYPE.test(req.headers['content-type'] ?? '')) return next();
  req.resume();
  res.setHeader('Connection', 'close');
  res.status(415).json({ error: 'unsupported_media_type', message: 'send Content-Type: application/json (an empty body is {})' });
}

/** Headers for every response: no MIME sniffing; API answers never cached; nothing may frame or script them. */
export function securityHeaders(req: Request, res: Response, next: NextFunction): void {
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Referrer-Policy', 'no-referrer');
  if (req.path.startsWith('/api') || req.path === '/metrics') {
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('Content-Security-Policy', "default-src 'none'; frame-ancestors 'none'");
  }
  next();
}
