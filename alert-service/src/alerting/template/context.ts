/**
 * Turns alert rows into the values templates and Block Kit see. Everything here is still raw
 * (unescaped): escaping happens at render time, per target.
 */
import type { AlertSeverity, IpEnrichment } from '../../generated/schema-types.js';
import type { AlertRow } from '../store/alert-repository.js';
import type { HeldBackEntry } from '../outbox/rate-limit.js';
import { describeIpShort } from '../enrich/enricher.js';

export const SEVERITY_ORDER: AlertSeverity[] = ['informational', 'low', 'medium', 'high', 'critical'];
export const severityRank = (s: string) => SEVERITY_ORDER.indexOf(s as AlertSeverity);

export type NotificationStatus = 'FIRING' | 'RESOLVED' | 'REMINDER' | 'HELD BACK';

export interface AlertView {
  id: number;
  title: string;
  severity: string;
  state: string;
  host: string;
  rule_id: string;
  source: string;
  count: number;
  first_seen: string;
  last_seen: string;
  summary: string;
  url: string;
  group_text: string;
  key_fields: { key: string; value: string }[];
  ips: { text: string }[];
  enrichment: IpEnrichment[];
  samples: string[];
}

export interface NotificationContext extends Record<string, unknown> {
  status: NotificationStatus;
  title: string;
  rule_id: string;
  severity: string;
  host: string;
  more_hosts: number;
  firing_count: number;
  resolved_count: number;
  alerts: AlertView[];
  more_count: number;
  held_back_count: number;
  held_back: HeldBackEntry[];
  public_url: string;
}

const MAX_FIELD_VALUE = 300;
const MAX_SAMPLE = 500;

function short(v: unknown, max: number): string {
  // Detectors report extracted values as lists (users tried, paths): show them as a list, not JSON.
  const s =
    typeof v === 'string'
      ? v
      : Array.isArray(v) && v.every((x) => typeof x !== 'object' || x === null)
        ? v.join(', ')
        : (JSON.stringify(v) ?? '');
  return s.length > max ? s.slice(0, max - 1) + '…' : s;
}

export function alertUrl(publicUrl: string, id: number): string {
  return `${publicUrl.replace(/\/+$/, '')}/alerts/${id}`;
}

export function toAlertView(a: AlertRow, publicUrl: string, enrichment: IpEnrichment[], maxSamples = 5): AlertView {
  return {
    id: a.id,
    title: a.title,
    severity: a.severity,
    state: a.state,
    host: a.host,
    rule_id: a.rule_id,
    source: a.source,
    count: a.count,
    first_seen: a.first_seen,
    last_seen: a.last_seen,
    summary: short(a.summary, 1000),
    url: alertUrl(publicUrl, a.id),
    group_text: Object.entries(a.group)
      .map(([k, v]) => `${k}=${v}`)
      .join(' '),
    key_fields: Object.entries(a.fields)
      .slice(0, 8)
      .map(([key, value]) => ({ key: short(key, 60), value: short(value, MAX_FIELD_VALUE) })),
    ips: enrichment.map((e) => ({ text: describeIpShort(e) })),
    enrichment,
    samples: a.samples.slice(-maxSamples).map((s) => short(s, MAX_SAMPLE)),
  };
}

export function buildContext(opts: {
  status: NotificationStatus;
  alerts: AlertView[];
  firingCount: number;
  resolvedCount: number;
  maxAlerts: number;
  heldBack: HeldBackEntry[];
  publicUrl: string;
}): NotificationContext {
  const listed = opts.alerts.slice(0, opts.maxAlerts);
  const first = opts.alerts[0];
  const hosts = new Set(opts.alerts.map((a) => a.host));
  const top = opts.alerts.reduce<string | undefined>((m, a) => (m === undefined || severityRank(a.severity) > severityRank(m) ? a.severity : m), undefined);
  const heldBackCount = opts.heldBack.reduce((n, h) => n + h.alerts, 0);
  return {
    status: opts.status,
    title: first ? first.title : `${heldBackCount} alerts held back by the rate limit`,
    rule_id: first?.rule_id ?? '',
    severity: top ?? opts.heldBack[0]?.severity ?? 'informational',
    host: first?.host ?? '',
    more_hosts: Math.max(0, hosts.size - 1),
    firing_count: opts.firingCount,
    resolved_count: opts.resolvedCount,
    alerts: listed,
    more_count: opts.alerts.length - listed.length,
    held_back_count: heldBackCount,
    held_back: opts.heldBack,
    public_url: opts.publicUrl,
  };
}
