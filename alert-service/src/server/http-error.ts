/**
 * The API's one error shape, `{ error, message }`: `error` a stable machine-readable code,
 * `message` a sentence for people. Module routers throw ApiError (or call sendError) and the
 * server's error handler writes it; anything else thrown becomes a 500 without its details.
 */
import type { NextFunction, Request, Response } from 'express';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** Extra members beside error and message (e.g. how much history a model still needs). */
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

export const badRequest = (message: string) => new ApiError(400, 'bad_request', message);
export const notFound = (message: string) => new ApiError(404, 'not_found', message);

export function sendError(res: Response, status: number, code: string, message: string, extra: Record<string, unknown> = {}): void {
  res.status(status).json({ error: code, message, ...extra });
}

/** body-parser's error types, as codes a client can act on. */
const BODY_ERRORS: Record<string, [string, string]> = {
  'entity.parse.failed': ['bad_request', 'the body is not valid JSON'],
  'entity.too.large': ['payload_too_large', 'the body is too large'],
  'encoding.unsupported': ['unsupported_media_type', 'unsupported body encoding'],
  'charset.unsupported': ['unsupported_media_type', 'unsupported body charset'],
};

/** Express error handler for the API: ApiError as it says, a client error as its status, the rest as 500 (logged, not shown). */
export function apiErrorHandler(log: (m: string) => void = () => {}) {
  return (err: unknown, _req: Request, res: Response, next: NextFunction): void => {
    if (res.headersSent) return next(err);
    if (err instanceof ApiError) return sendError(res, err.status, err.code, err.message, err.extra);
    const e = err as { status?: number; type?: string; message?: string };
    if (e.status && e.status >= 400 && e.status < 500) {
      const known = e.type ? BODY_ERRORS[e.type] : undefined;
      return sendError(res, e.status, known?.[0] ?? 'bad_request', known?.[1] ?? String(e.message ?? 'bad request').slice(0, 300));
    }
    log(`api: internal error: ${(err as Error)?.stack ?? String(err)}`);
    sendError(res, 500, 'internal', 'internal error');
  };
}
