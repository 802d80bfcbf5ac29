/**
 * The one place the dashboard talks to the service. Every route is built from API_BASE, so moving
 * to the versioned API is a change of this constant. The token (if any) is kept in sessionStorage
 * (gone with the tab, never in a URL) and sent as a Bearer header.
 */
import type { AlertRecord, IpEnrichment, LlmSummaryRecord, LogEvent, OutboxItem, Silence, SilenceMatcher } from '../../src/generated/schema-types.js';

export const API_BASE = '/api';

export type { AlertRecord, IpEnrichment, LlmSummaryRecord, LogEvent, OutboxItem, Silence, SilenceMatcher };
export type AlertDetail = AlertRecord & { notifications: OutboxItem[] };
export type AlertState = AlertRecord['state'];
export type AlertSeverity = AlertRecord['severity'];
export type EventSeverity = LogEvent['severity'];

export const ALERT_STATES: readonly AlertState[] = ['firing', 'silenced', 'acknowledged', 'resolved'];
export const ALERT_SEVERITIES: readonly AlertSeverity[] = ['informational', 'low', 'medium', 'high', 'critical'];
/** Syslog order, most severe first (as schemas/severity.schema.json). */
export const EVENT_SEVERITIES: readonly EventSeverity[] = ['emergency', 'alert', 'critical', 'error', 'warning', 'notice', 'info', 'debug'];
export const SOURCE_KINDS: readonly LogEvent['source']['kind'][] = ['auth', 'syslog', 'web_access', 'web_error', 'app', 'windows'];

/** What GET /anomaly/detect returns per (host, source, hour); only what the dashboard reads. */
export interface HourSummary {
  host: string;
  source: string;
  hour: string;
  features: { total: number; errors: number; [k: string]: number };
  is_anomaly: boolean | null;
  score: number | null;
  severity: AlertSeverity | null;
  explanation: string[];
  note?: string;
}
export interface DetectResult {
  trained: boolean;
  message?: string;
  from: string;
  to: string;
  anomalies: number;
  hours: HourSummary[];
}
export interface ErrorSummary {
  from: string;
  to: string;
  host: string | null;
  templates: Array<{ id: number; template: string; total: number; hosts: number; by_host: Record<string, number>; first_hour: string; last_hour: string }>;
}
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

export class ApiError extends Error {
  constructor(
    readonly status: number,
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
    const msg = [b.error, b.message].filter((x) => typeof x === 'string').join(': ') || `HTTP ${res.status}`;
    throw new ApiError(res.status, msg);
  }
  return parsed as T;
}

export interface AlertFilter {
  rule?: string;
  severity?: AlertSeverity;
  state?: AlertState;
  host?: string;
  limit?: number;
}

export const api = {
  alerts: (f: AlertFilter = {}) => call<{ alerts: AlertRecord[] }>('GET', '/alerts', { query: { ...f, limit: f.limit ?? 1000 } }).then((r) => r.alerts),
  alert: (id: number) => call<AlertDetail>('GET', `/alerts/${id}`),
  acknowledge: (id: number, by: string, comment?: string) => call<AlertRecord>('POST', `/alerts/${id}/ack`, { body: comment ? { by, comment } : { by } }),
  createSilence: (req: { matchers: SilenceMatcher[]; ends_at: string; comment: string; created_by: string }) => call<Silence>('POST', '/silences', { body: req }),
  silences: () => call<{ silences: Silence[] }>('GET', '/silences').then((r) => r.silences),
  /** 404 (no summary for this alert) is an answer, not an error. */
  summary: (alertId: number) =>
    call<LlmSummaryRecord>('GET', `/llm/summaries/${alertId}`).catch((err: unknown) => {
      if (err instanceof ApiError && err.status === 404) return undefined;
      throw err;
    }),
  rules: () => call<{ rules: RuleInfo[] }>('GET', '/rules').then((r) => r.rules),
  /** Server-side filters only: host, source kind, event time; the page cursor is `next`. */
  events: (q: { host?: string; source?: string; from?: string; to?: string; limit?: number; after?: string }) => call<EventPage>('GET', '/events', { query: q }),
  anomalyDetect: (q: { host?: string; hours: number; limit?: number }) => call<DetectResult>('GET', '/anomaly/detect', { query: q }),
  anomalyErrors: (q: { host?: string; from: string; to: string }) => call<ErrorSummary>('GET', '/anomaly/errors', { query: q }),
};
