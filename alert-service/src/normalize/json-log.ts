/**
 * Structured application logs (pino, bunyan, winston, zap, logrus, python-json-logger, ECS,
 * structlog): a JSON object, either a raw tail line that is JSON or a record a Fluent Bit json
 * parser already decoded. Well-known keys become the event's message, time, severity, program,
 * pid and named fields; the rest is kept, bounded, under fields.extra.
 *
 * `hostname` (pino, bunyan: os.hostname() of the process) is kept under fields.extra.hostname and
 * never becomes the event's host: in a container it is the container or pod name, and an app's
 * own line is not trusted to name a host (the agent's hostname is the host). Inside a raw line
 * every key is the application's, so the agent's transport keys (file, offset, hostname...) are
 * only left out of fields.extra for records a Fluent Bit parser decoded, where the agent added them.
 */
import type { Draft, LineEnv } from './draft.js';
import { boundedObject, canonicalIp, LIMITS, toUint, truncate } from './fields.js';
import { fromContent, fromHttpStatus, fromLevelValue } from './severity.js';
import { parseJsonTime } from './time.js';

const NO_KEYS: ReadonlySet<string> = new Set();
const MESSAGE_KEYS = ['msg', 'message', 'event', 'log'] as const;
const TIME_KEYS = ['time', 'timestamp', '@timestamp', 'ts', 'datetime', 'asctime'] as const;
const LEVEL_KEYS = ['level', 'severity', 'levelname', 'lvl', 'loglevel', 'log.level'] as const;
const PROGRAM_KEYS = ['name', 'service', 'app', 'logger', 'logger_name'] as const;
const IP_KEYS = ['src_ip', 'client_ip', 'remote_addr', 'remote_ip', 'clientip', 'ip', 'client'] as const;
const USER_KEYS = ['user', 'username', 'user_name', 'usr'] as const;
const STATUS_KEYS = ['status', 'status_code', 'statusCode', 'http_status'] as const;
const METHOD_KEYS = ['method', 'http_method'] as const;
const PATH_KEYS = ['path', 'url', 'http_path', 'uri'] as const;

function firstString(obj: Record<string, unknown>, keys: readonly string[]): [string, string] | undefined {
  for (const k of keys) {
    const v = obj[k];
    if (typeof v === 'string' && v !== '') return [k, v];
  }
  return undefined;
}

function asRecord(v: unknown): Record<string, unknown> | undefined {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

/**
 * `raw` is the line text when the object came from a raw line: it is the message when the
 * object has no message key.
 */
export function fromJsonObject(obj: Record<string, unknown>, env: LineEnv, raw?: string): Draft {
  // Keys consumed into named fields; a short array is cheaper than a Set per record.
  const used: string[] = [];
  const d: Draft = { message: '', fields: {} };
  const f = d.fields;

  const msg = firstString(obj, MESSAGE_KEYS);
  if (msg) {
    d.message = msg[1];
    used.push(msg[0]);
  } else {
    d.message = raw ?? '';
  }

  for (const k of TIME_KEYS) {
    const ms = parseJsonTime(obj[k], env.zoneFor(undefined), d);
    if (ms !== undefined) {
      d.timeMs = ms;
      used.push(k);
      break;
    }
  }

  for (const k of LEVEL_KEYS) {
    const sev = fromLevelValue(obj[k]);
    if (sev !== undefined) {
      d.severity = sev;
      used.push(k);
      break;
    }
  }
  if (d.severity === undefined) {
    // ECS: {"log": {"level": "error"}}
    const sev = fromLevelValue(asRecord(obj.log)?.level);
    if (sev !== undefined) d.severity = sev;
  }

  const prog = firstString(obj, PROGRAM_KEYS);
  if (prog) {
    d.program = truncate(prog[1], LIMITS.program);
    used.push(prog[0]);
  }
  const pid = toUint(obj.pid);
  if (pid !== undefined) {
    d.pid = pid;
    used.push('pid');
  }

  // pino-http style nesting: req.{method,url,remoteAddress}, res.statusCode
  const req = asRecord(obj.req) ?? asRecord(obj.request);
  const res = asRecord(obj.res) ?? asRecord(obj.response);

  for (const k of IP_KEYS) {
    const ip = canonicalIp(obj[k]);
    if (ip !== undefined) {
      f.src_ip = ip;
      used.push(k);
      break;
    }
  }
  if (f.src_ip === undefined && req) {
    const ip = canonicalIp(req.remoteAddress ?? req.remote_addr ?? req.ip);
    if (ip !== undefined) f.src_ip = ip;
  }

  const user = firstString(obj, USER_KEYS);
  if (user) {
    f.user = truncate(user[1], LIMITS.user);
    used.push(user[0]);
  }

  let status: number | undefined;
  for (const k of STATUS_KEYS) {
    const s = toUint(obj[k], 599);
    if (s !== undefined && s >= 100) {
      status = s;
      used.push(k);
      break;
    }
  }
  if (status === undefined && res) {
    const s = toUint(res.statusCode ?? res.status, 599);
    if (s !== undefined && s >= 100) status = s;
  }
  if (status !== undefined) f.http_status = status;

  const method = firstString(obj, METHOD_KEYS) ?? (req && typeof req.method === 'string' ? ['', req.method] : undefined);
  if (method && /^[A-Za-z][A-Za-z_-]{0,31}$/.test(method[1])) {
    f.http_method = method[1];
    if (method[0]) used.push(method[0]);
  }
  const path = firstString(obj, PATH_KEYS) ?? (req && typeof req.url === 'string' ? ['', req.url] : undefined);
  if (path && f.http_method !== undefined) {
    f.http_path = truncate(path[1], LIMITS.http_path);
    if (path[0]) used.push(path[0]);
  }

  d.severity ??= status !== undefined ? fromHttpStatus(status) : fromContent(d.message, d.program);

  const extra = boundedObject(obj, raw === undefined ? env.transportKeys : NO_KEYS, used, env.maxExtraKeys, env.maxExtraChars);
  if (extra) f.extra = extra;
  return d;
}
