/**
 * The service's own log: pino JSON lines on stderr (one object a line: level, time, msg, fields),
 * or, on a terminal with server.log_format auto, the same entries as short text lines.
 *
 * The modules log through `log: (m: string) => void` ("alerting: tick failed: ..."); lineLog()
 * turns such a line into an entry: its "module:" prefix becomes the `module` field and a line that
 * reports a failure is a warning, the rest info. The request log (pino-http) records method, path,
 * status and time, never headers: no Authorization, cookie or token reaches the log, and query
 * parameters that may carry a secret are masked.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Writable } from 'node:stream';
import { pino, type DestinationStream, type Logger, type LevelWithSilent } from 'pino';
import { pinoHttp, type HttpLogger } from 'pino-http';
import { INGEST_PATH } from '../ingest/constants.js';

export type { Logger };
export type LogFormat = 'auto' | 'json' | 'text';

/** A line reporting something that went wrong (the modules' log lines carry no level of their own). */
const FAILURE = /\b(fail(ed|s|ing|ure)?|errors?|cannot|could not|unavailable|refused|rejected|invalid|timed? ?out|lost|dropp(ed|ing))\b/i;
/** "0 disabled", "0 errors": counts of nothing are no failure. */
const ZERO_COUNT = /\b0 [a-z]+( [a-z]+)?/gi;
const PREFIX = /^([a-z][a-z0-9_-]{1,30}): /;

/** Control characters (ANSI escapes in a log line an attacker wrote) shown escaped on a terminal. */
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;
const inert = (s: string) => s.replace(CONTROL, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);

const LEVEL_NAMES: Record<number, string> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' };

/** pino's JSON lines as "12:00:01 WARN  msg key=value": for a person at a terminal. */
export function textStream(out: NodeJS.WritableStream): DestinationStream {
  return new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (!line) continue;
        try {
          const { level, time, msg, pid: _pid, hostname: _h, ...rest } = JSON.parse(line) as Record<string, unknown>;
          const fields = Object.entries(rest).map(([k, v]) => `${k}=${typeof v === 'string' ? JSON.stringify(v) : JSON.stringify(v)}`);
          const t = new Date(Number(time)).toISOString().slice(11, 19);
          out.write(`${t} ${(LEVEL_NAMES[Number(level)] ?? String(level)).padEnd(5)} ${inert(String(msg ?? ''))}${fields.length ? '  ' + inert(fields.join(' ')) : ''}\n`);
        } catch {
          out.write(inert(line) + '\n');
        }
      }
      done();
    },
  });
}

export interface LoggerOptions {
  level?: LevelWithSilent;
  format?: LogFormat;
  /** Where the lines go (tests); default stderr. */
  destination?: DestinationStream;
}

export function createLogger(opts: LoggerOptions = {}): Logger {
  const format = opts.format ?? 'auto';
  const text = format === 'text' || (format === 'auto' && !opts.destination && process.stderr.isTTY);
  const dest = opts.destination ?? (text ? textStream(process.stderr) : pino.destination({ dest: 2, sync: true }));
  return pino(
    {
      level: opts.level ?? 'info',
      base: { pid: process.pid },
      // Defence in depth: nothing here logs headers, but a field named like a secret never gets out.
      redact: { paths: ['authorization', 'token', 'password', 'req.headers', '*.authorization', '*.token', '*.password', '*.api_token', '*.tokens'], censor: '[redacted]' },
    },
    dest,
  );
}

/** The modules' `log(m)` onto a logger: "alerting: tick failed: x" → warn {module: 'alerting'}. */
export function lineLog(logger: Logger): (m: string) => void {
  return (m: string) => {
    const prefix = PREFIX.exec(m);
    const fields = prefix ? { module: prefix[1] } : {};
    if (FAILURE.test(m.replace(ZERO_COUNT, ''))) logger.warn(fields, m);
    else logger.info(fields, m);
  };
}

const SECRET_PARAM = /token|key|secret|pass|auth|sig/i;

/** The request path with secret-looking query values masked (no token ever belongs in a URL here, but a client may put one there). */
export function safeUrl(url: string | undefined): string {
  const u = url ?? '';
  const q = u.indexOf('?');
  if (q < 0) return u.slice(0, 2048);
  const params = new URLSearchParams(u.slice(q + 1));
  for (const k of [...params.keys()]) if (SECRET_PARAM.test(k)) params.set(k, '[redacted]');
  return (u.slice(0, q) + '?' + params.toString()).slice(0, 2048);
}

/** Quiet paths: Fluent Bit posts a chunk every second per host, probes and scrapers poll. */
const ROUTINE = new Set([INGEST_PATH, '/healthz', '/readyz', '/metrics']);

const pathOf = (req: IncomingMessage & { originalUrl?: string }) => (req.originalUrl ?? req.url ?? '').split('?', 1)[0]!.slice(0, 512);

export function requestLogger(logger: Logger): HttpLogger<IncomingMessage, ServerResponse> {
  return pinoHttp({
    logger,
    // Only what identifies the request: no headers at all (Authorization, cookies, X-Fluent-Tag).
    serializers: {
      // originalUrl: Express rewrites req.url inside a mounted router (/api/alerts → /alerts).
      req: (req: IncomingMessage & { id?: unknown; originalUrl?: string }) => ({ id: req.id, method: req.method, url: safeUrl(req.originalUrl ?? req.url), remoteAddress: req.socket?.remoteAddress }),
      res: (res: ServerResponse) => ({ statusCode: res.statusCode }),
    },
    wrapSerializers: false,
    customLogLevel: (req, res, err) => {
      if (err || res.statusCode >= 500) return 'error';
      if (res.statusCode >= 400) return 'warn';
      const path = pathOf(req);
      return ROUTINE.has(path) ? 'debug' : 'info';
    },
    customSuccessMessage: (req, res) => `${req.method} ${pathOf(req)} ${res.statusCode}`,
    customErrorMessage: (req, res) => `${req.method} ${pathOf(req)} ${res.statusCode}`,
    quietReqLogger: true,
  });
}
