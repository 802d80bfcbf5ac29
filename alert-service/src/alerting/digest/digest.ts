/**
 * Daily digest email: the alerts of the last 24 hours by rule, the top source IPs (with geo) and
 * the anomalous hours (alerts from the anomaly detector). Sent at its scheduled time only: when
 * the local time (digest.timezone) passes digest.hour:00 while the service runs, or on a start
 * within CATCH_UP_MS after it (a restart across 07:00 still sends it); a start later in the day
 * waits for the next day. A quiet day is sent too ("no alerts", digest.send_empty): its arrival
 * shows that detection and delivery work. alert_digest_runs records the day in the same
 * transaction as the outbox row, so a restart never sends it twice.
 */
import type { Db } from '../../store/database.js';
import type { AlertingConfig } from '../../generated/schema-types.js';
import type { AlertRepository, AlertRow } from '../store/alert-repository.js';
import type { OutboxRepository } from '../outbox/outbox-repository.js';
import type { IpEnricher } from '../enrich/enricher.js';
import { describeIpShort } from '../enrich/enricher.js';
import { template } from '../template/render.js';
import type { EmailMessage } from '../notify/notifier.js';
import { alertUrl, severityRank } from '../template/context.js';

const DAY_MS = 24 * 3600 * 1000;

export interface DigestData extends Record<string, unknown> {
  day: string;
  timezone: string;
  window_start: string;
  window_end: string;
  total_alerts: number;
  total_events: number;
  none: boolean;
  rules: { rule_id: string; title: string; severity: string; alerts: number; events: number; hosts: string }[];
  top_ips: { ip: string; text: string; events: number; alerts: number }[];
  anomalous_hours: { hour: string; until: string; hours: number; title: string; host: string; summary: string; url: string }[];
  dashboard_url: string;
}

/** A start this soon after the scheduled time still sends the day's digest. */
export const CATCH_UP_MS = 15 * 60 * 1000;

/** Local calendar date, hour and minute of `ms` in `timeZone`. */
export function localDayHour(ms: number, timeZone: string): { day: string; hour: number; minute: number } {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(new Date(ms));
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? '';
  return { day: `${get('year')}-${get('month')}-${get('day')}`, hour: Number(get('hour')), minute: Number(get('minute')) };
}

function isTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone });
    return true;
  } catch {
    return false;
  }
}

const isoHour = (iso: string) => (iso.length >= 13 ? `${iso.slice(0, 13)}:00Z` : iso);

export function buildDigest(alerts: AlertRow[], opts: { day: string; timezone: string; startMs: number; endMs: number; topIps: number; enricher: IpEnricher; publicUrl: string }): DigestData {
  const byRule = new Map<string, DigestData['rules'][number] & { hostSet: Set<string> }>();
  const ips = new Map<string, { events: number; alerts: number; text: string }>();
  const anomalous: DigestData['anomalous_hours'] = [];
  let events = 0;
  for (const a of alerts) {
    events += a.count;
    const r = byRule.get(a.rule_id) ?? { rule_id: a.rule_id, title: a.title, severity: a.severity, alerts: 0, events: 0, hosts: '', hostSet: new Set<string>() };
    r.alerts++;
    r.events += a.count;
    r.hostSet.add(a.host);
    if (severityRank(a.severity) > severityRank(r.severity)) r.severity = a.severity;
    byRule.set(a.rule_id, r);
    for (const e of opts.enricher.enrich(a)) {
      const cur = ips.get(e.ip) ?? { events: 0, alerts: 0, text: describeIpShort(e) };
      cur.events += a.count;
      cur.alerts++;
      ips.set(e.ip, cur);
    }
    // The anomaly detector's signals for one host/source share a fingerprint: one record spans its
    // anomalous hours (first_seen..last_seen, count = hours flagged).
    if (a.source === 'anomaly') {
      const from = isoHour(a.first_seen);
      const to = isoHour(a.last_seen);
      anomalous.push({ hour: from, until: to === from ? '' : to, hours: a.count, title: a.title, host: a.host, summary: a.summary.slice(0, 300), url: alertUrl(opts.publicUrl, a.id) });
    }
  }
  const rules = [...byRule.values()]
    .sort((x, y) => severityRank(y.severity) - severityRank(x.severity) || y.events - x.events)
    .map(({ hostSet, ...r }) => ({ ...r, hosts: [...hostSet].slice(0, 5).join(', ') + (hostSet.size > 5 ? ` (+${hostSet.size - 5})` : '') }));
  return {
    day: opts.day,
    timezone: opts.timezone,
    window_start: new Date(opts.startMs).toISOString(),
    window_end: new Date(opts.endMs).toISOString(),
    total_alerts: alerts.length,
    total_events: events,
    none: alerts.length === 0,
    rules,
    top_ips: [...ips.entries()]
      .sort((a, b) => b[1].events - a[1].events)
      .slice(0, opts.topIps)
      .map(([ip, v]) => ({ ip, ...v })),
    anomalous_hours: anomalous.sort((a, b) => a.hour.localeCompare(b.hour)).slice(0, 48),
    dashboard_url: `${opts.publicUrl.replace(/\/+$/, '')}/alerts`,
  };
}

const SUBJECT = template('[Logward] Daily digest {{day}}: {{#if none}}no alerts{{else}}{{total_alerts}} alerts{{/if}}', 'header');
const TEXT = template(
  `Logward daily digest for {{day}} ({{timezone}})
Window: {{window_start}} — {{window_end}}

{{#if none}}No alerts in the last 24 hours. All quiet.
{{else}}{{total_alerts}} alerts, {{total_events}} matching events.

Alerts by rule:
{{#each rules}}  [{{severity}}] {{title}} ({{rule_id}}): {{alerts}} alerts, {{events}} events; hosts: {{hosts}}
{{/each}}
Top source IPs:
{{#each top_ips}}  {{text}}: {{events}} events in {{alerts}} alerts
{{/each}}{{#if top_ips}}{{else}}  none
{{/if}}
Anomalous hours:
{{#each anomalous_hours}}  {{hour}}{{#if until}} … {{until}}{{/if}} {{host}} ({{hours}} h flagged): {{title}} — {{summary}}
{{/each}}{{#if anomalous_hours}}{{else}}  none
{{/if}}{{/if}}
{{dashboard_url}}
`,
  'text',
);
const HTML = template(
  `<!doctype html><html><body style="font-family:sans-serif">
<h2>Logward daily digest for {{day}}</h2>
<p>{{window_start}} — {{window_end}} ({{timezone}})</p>
{{#if none}}<p><b>No alerts in the last 24 hours.</b> All quiet.</p>{{else}}
<p>{{total_alerts}} alerts, {{total_events}} matching events.</p>
<h3>Alerts by rule</h3>
<table border="1" cellpadding="4" style="border-collapse:collapse"><tr><th>Severity</th><th>Rule</th><th>Alerts</th><th>Events</th><th>Hosts</th></tr>
{{#each rules}}<tr><td>{{severity}}</td><td>{{title}}<br><small>{{rule_id}}</small></td><td>{{alerts}}</td><td>{{events}}</td><td>{{hosts}}</td></tr>
{{/each}}</table>
<h3>Top source IPs</h3>
{{#if top_ips}}<ol>{{#each top_ips}}<li>{{text}}: {{events}} events in {{alerts}} alerts</li>{{/each}}</ol>{{else}}<p>none</p>{{/if}}
<h3>Anomalous hours</h3>
{{#if anomalous_hours}}<ul>{{#each anomalous_hours}}<li><a href="{{url}}">{{hour}}{{#if until}} … {{until}}{{/if}}</a> {{host}} ({{hours}} h flagged): {{title}} — {{summary}}</li>{{/each}}</ul>{{else}}<p>none</p>{{/if}}
{{/if}}
<p><a href="{{dashboard_url}}">Open the alerts</a></p>
</body></html>`,
  'html',
);

export function renderDigest(data: DigestData, to: string[]): EmailMessage {
  return { channel: 'email', subject: SUBJECT.render(data), text: TEXT.render(data), html: HTML.render(data), ...(to.length ? { to } : {}) };
}

export class DigestScheduler {
  constructor(
    private readonly db: Db,
    private readonly deps: { config: AlertingConfig; alerts: AlertRepository; outbox: OutboxRepository; enricher: IpEnricher; publicUrl: string },
  ) {
    db.exec(`CREATE TABLE IF NOT EXISTS alert_digest_runs (day TEXT PRIMARY KEY, created_ms INTEGER NOT NULL, outbox_id INTEGER)`);
    // A misspelt zone would otherwise throw on every tick: no digest ever, and the tick's pruning skipped with it.
    const { enabled, timezone } = deps.config.digest;
    if (enabled && !isTimeZone(timezone)) throw new RangeError(`alerting.digest.timezone: unknown time zone ${JSON.stringify(timezone)}`);
  }

  /** The local day whose digest time has passed at this instant (undefined before digest.hour). */
  private dueDay(ms: number): string | undefined {
    const { day, hour } = localDayHour(ms, this.deps.config.digest.timezone);
    return hour >= this.deps.config.digest.hour ? day : undefined;
  }

  /** When the scheduler last looked (in memory: a start has not seen the scheduled time pass). */
  private lastCheckMs: number | undefined;

  /**
   * Enqueues today's digest when its scheduled time has just passed: since the last check, or, on
   * the first check after a start, at most CATCH_UP_MS ago. Returns the outbox id when it did.
   */
  maybeEnqueue(nowMs: number): number | undefined {
    const cfg = this.deps.config.digest;
    if (!cfg.enabled) return undefined;
    const last = this.lastCheckMs;
    this.lastCheckMs = nowMs;
    const day = this.dueDay(nowMs);
    if (!day) return undefined;
    if (last !== undefined ? this.dueDay(last) === day : !this.justPassed(nowMs)) return undefined;
    if (this.db.prepare('SELECT 1 FROM alert_digest_runs WHERE day = ?').get(day)) return undefined;
    const alerts = this.deps.alerts.query({ activeSinceMs: nowMs - DAY_MS, limit: 100_000 });
    if (!alerts.length && !cfg.send_empty) {
      this.db.prepare('INSERT OR IGNORE INTO alert_digest_runs (day, created_ms, outbox_id) VALUES (?, ?, NULL)').run(day, nowMs);
      return undefined;
    }
    const data = buildDigest(alerts, { day, timezone: cfg.timezone, startMs: nowMs - DAY_MS, endMs: nowMs, topIps: cfg.top_ips, enricher: this.deps.enricher, publicUrl: this.deps.publicUrl });
    const msg = renderDigest(data, cfg.recipients);
    return this.db.transaction(() => {
      const id = this.deps.outbox.enqueue('email', 'digest', msg, [], nowMs, `digest:${day}`);
      this.db.prepare('INSERT OR IGNORE INTO alert_digest_runs (day, created_ms, outbox_id) VALUES (?, ?, ?)').run(day, nowMs, id ?? null);
      return id;
    })();
  }

  /** The scheduled time (digest.hour:00 local) of the current local day passed at most CATCH_UP_MS ago. */
  private justPassed(nowMs: number): boolean {
    const { hour, minute } = localDayHour(nowMs, this.deps.config.digest.timezone);
    return hour === this.deps.config.digest.hour && minute * 60_000 < CATCH_UP_MS;
  }

  pruneBefore(cutoffMs: number): void {
    this.db.prepare('DELETE FROM alert_digest_runs WHERE created_ms < ?').run(cutoffMs);
  }
}
