/**
 * Guards /api: a Bearer token when server.api_token is set, otherwise loopback clients only,
 * so a default install never exposes alerts and silences to the network.
 */
import type { NextFunction, Request, Response } from 'express';
import { createTokenCheck } from '../ingest/auth.js';

const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

export function apiAuth(apiToken: string | undefined) {
  const check = apiToken ? createTokenCheck([apiToken]) : undefined;
  return (req: Request, res: Response, next: NextFunction) => {
    if (check ? check(req.headers.authorization) : LOOPBACK.has(req.socket.remoteAddress ?? '')) return next();
    res.status(401).json({ error: 'unauthorized', message: check ? 'missing or wrong Bearer token' : 'the API answers loopback clients only unless server.api_token is set' });
  };
}
