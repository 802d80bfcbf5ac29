/**
 * The one place the dashboard talks to the service: the versioned API (/api/v1, described by
 * /api/v1/openapi.json). The API answers 400 to a query parameter it does not declare, so each
 * call below sends only the parameters its OpenAPI operation lists, and never an empty one. The
 * token (if any) is kept in sessionStorage (gone with the tab, never in a URL) and sent as a
 * Bearer header.
 */
import type { AlertRecord, IpEnrichment, LlmSummaryRecord, LogEvent, OutboxItem, Silence, SilenceMatcher } from '../../src/generated/schema-types.js';
/** The anomaly API's shapes, as the service declares them (a types-only module). */
import type { DetectResult, ErrorSummary } from '../../src/anomaly/api-types.js';

export const API_BASE = '/api/v1';

export type { AlertRecord, DetectResult, ErrorSummary, IpEnrichment, LlmSummaryRecord, LogEvent, OutboxItem, Silence, SilenceMatcher };
/** GET /alerts/:id: the record plus its delivery log; `evidence` and `llm_summary` are optional members of AlertRecord (llm_summary absent with the LLM module off, null when this alert has none). */
export type AlertDetail = AlertRecord & { notifications: OutboxItem[] };
export type AlertState = AlertRecord['state'];
export type AlertSeverity = AlertRecord['severity'];
export type EventSeverity = LogEvent['severity'];

export const ALERT_STATES: readonly AlertState[] = ['firing', 'silenced', 'acknowledged', 'resolved'];
export const ALERT_SEVERITIES: readonly AlertSeverity[] = ['informational', 'low', 'medium', 'high', 'critical'];
/** Syslog order, most severe first (as schemas/severity.schema.json). */
export const EVENT_SEVERITIES: readonly EventSeverity[] = ['emergency', 'alert', 'critical', 'error', 'warning', 'notice', 'info', 'debug'];
export const SOURCE_KINDS: readonly LogEvent['source']['kind'][] = ['auth', 'syslog', 'web_access', 'web_error', 'app', 'windows'];

export interface RuleInfo {
  id: string;
  title: string;
  severity: string;
  source: string;
}
export interface EventPage {
  events: LogEvent[];
  next?: string;
}

const TOKEN_KEY = 'logward.api_token';

export const token = {
  get(): string {
    try {
      return sessionStorage.getItem(TOKEN_KEY) ?? '';
    } catch {
      return '';
    }
  },
  set(value: string): void {
    if (value) sessionStorage.setItem(TOKEN_KEY, value);
    else sessionStorage.removeItem(TOKEN_KEY);
  },
};

/** An API failure: every error body is `{error: <code>, message: <sentence>}`; the message is what the user reads. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
  /** What the user can do about it, for the auth failures. */
  get hint(): string {
    if (this.status === 401) return token.get() ? 'The API refused the token: enter the right one above.' : 'The API needs a token: enter the read token (the write token to acknowledge or silence) above.';
    if (this.status === 403) return 'This token may only read: enter the write token to acknowledge or silence.';
    return '';
  }
}

type Query = Record<string, string | number | undefined>;

function url(path: string, query: Query = {}): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== '') params.set(k, String(v));
  const qs = params.toString();
  return `${API_BASE}${path}${qs ? `?${qs}` : ''}`;
}

async function call<T>(method: 'GET' | 'POST', path: string, opts: { query?: Query; body?: unknown } = {}): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  const t = token.get();
  if (t) headers.Authorization = `Bearer ${t}`;
  const init: RequestInit = { method, headers, credentials: 'omit', cache: 'no-store', redirect: 'error' };
  if (opts.body !== undefined) {
    headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(opts.body);
  }
  const res = await fetch(url(path, opts.query), init);
  const text = await res.text();
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  if (!res.ok) {
    const b = (parsed ?? {}) as { error?: unknown; message?: unknown };
    const code = typeof b.error === 'string' ? b.error : `http_${res.status}`;
    const msg = typeof b.message === 'string' && b.message ? b.message : typeof b.error === 'string' ? b.error : `HTTP ${res.status}`;
    throw new ApiError(res.status, code, msg);
  }
  return parsed as T;
}

export interface AlertFilter {
  rule?: string;
  severity?: AlertSeverity;
  state?: AlertState;
  host?: string;
  /** Alerts whose events reach this time or later (last_seen ≥ from), ISO 8601. */
  from?: string;
  /** Alerts whose events started before this time (first_seen < to). */
  to?: string;
  limit?: number;
}

/** GET /events' filters (all applied by the server); `severity` is a comma list, `ip` an address or CIDR. */
export interface EventQuery {
  host?: string;
  source?: string;
  severity?: string;
  text?: string;
  ip?: string;
  user?: string;
  from?: string;
  to?: string;
  after?: string;
  limit?: number;
}

export const api = {
  alerts: (f: AlertFilter = {}) => call<{ alerts: AlertRecord[] }>('GET', '/alerts', { query: { ...f, limit: f.limit ?? 1000 } }).then((r) => r.alerts),
  alert: (id: number) => call<AlertDetail>('GET', `/alerts/${id}`),
  acknowledge: (id: number, by: string, comment?: string) => call<AlertRecord>('POST', `/alerts/${id}/ack`, { body: comment ? { by, comment } : { by } }),
  createSilence: (req: { matchers: SilenceMatcher[]; ends_at: string; comment: string; created_by: string }) => call<Silence>('POST', '/silences', { body: req }),
  silences: () => call<{ silences: Silence[] }>('GET', '/silences').then((r) => r.silences),
  rules: () => call<{ rules: RuleInfo[] }>('GET', '/rules').then((r) => r.rules),
  /** Newest first; a page with more to come (or a short one where the server hit its row budget) carries `next`, passed back as `after`. */
  events: (q: EventQuery) => call<EventPage>('GET', '/events', { query: { ...q } }),
  anomalyDetect: (q: { host?: string; hours: number; limit?: number }) => call<DetectResult>('GET', '/anomaly/detect', { query: q }),
  anomalyErrors: (q: { host?: string; from: string; to: string }) => call<ErrorSummary>('GET', '/anomaly/errors', { query: q }),
};
