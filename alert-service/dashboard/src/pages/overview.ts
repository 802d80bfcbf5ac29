/**
 * / (overview): alerts by rule over time, hourly events and errors per host with the anomalous
 * hours marked, the top source IPs of the alerts with country and ASN, and the error templates
 * of a chosen hour. Everything is computed from the API's answers: the newest 1,000 alerts, the
 * anomaly module's hourly summaries and its error templates.
 */
import { api, type AlertRecord, type DetectResult, type IpEnrichment } from '../api.js';
import { ANOMALY, chart, colour, label } from '../charts.js';
import { badge, clear, clip, el, field, input, select, table } from '../dom.js';
import { isoToLocal, localToIso, showError } from '../ui.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const MAX_BUCKETS = 72;
const TOP_RULES = 9;
const HOST_CHARTS = 6;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

// ---- alerts by rule over time ------------------------------------------------------------------

export interface RuleSeries {
  buckets: string[];
  series: Array<{ rule: string; counts: number[] }>;
  unit: 'hour' | 'day';
}

/** Alert counts per rule per hour (a span of up to 3 days) or per day, by first_seen; the last MAX_BUCKETS buckets. */
export function alertsByRule(alerts: AlertRecord[]): RuleSeries {
  const times = alerts.map((a) => Date.parse(a.first_seen)).filter(Number.isFinite);
  if (!times.length) return { buckets: [], series: [], unit: 'hour' };
  const max = Math.max(...times);
  const min = Math.min(...times);
  const unit = max - min <= 3 * DAY ? 'hour' : 'day';
  const size = unit === 'hour' ? HOUR : DAY;
  const last = Math.floor(max / size) * size;
  // At least a day of hours (a week of days), so one busy hour still reads as a point in time.
  const span = Math.min(Math.max(last - Math.floor(min / size) * size, (unit === 'hour' ? 23 : 6) * size), (MAX_BUCKETS - 1) * size);
  const first = last - span;
  const n = (last - first) / size + 1;
  const byRule = new Map<string, number[]>();
  const names = new Map<string, string>();
  const totals = new Map<string, number>();
  for (const a of alerts) {
    const t = Date.parse(a.first_seen);
    if (!Number.isFinite(t) || t < first) continue;
    const i = Math.floor((t - first) / size);
    let row = byRule.get(a.rule_id);
    if (!row) byRule.set(a.rule_id, (row = new Array<number>(n).fill(0)));
    row[i]!++;
    totals.set(a.rule_id, (totals.get(a.rule_id) ?? 0) + 1);
    // Sigma rules are named by a UUID: their title says more in a legend.
    if (UUID.test(a.rule_id) && !names.has(a.rule_id)) names.set(a.rule_id, a.title);
  }
  const ranked = [...totals].sort((x, y) => y[1] - x[1] || (x[0] < y[0] ? -1 : 1)).map(([r]) => r);
  const series = ranked.slice(0, TOP_RULES).map((rule) => ({ rule: names.get(rule) ?? rule, counts: byRule.get(rule)! }));
  if (ranked.length > TOP_RULES) {
    const other = new Array<number>(n).fill(0);
    for (const r of ranked.slice(TOP_RULES)) byRule.get(r)!.forEach((c, i) => (other[i]! += c));
    series.push({ rule: `${ranked.length - TOP_RULES} other rules`, counts: other });
  }
  const fmt = (ms: number) => {
    const d = new Date(ms);
    return unit === 'hour' ? `${d.toLocaleDateString(undefined, { month: 'short', day: 'numeric' })} ${String(d.getHours()).padStart(2, '0')}:00` : d.toLocaleDateString();
  };
  return { buckets: Array.from({ length: n }, (_, i) => fmt(first + i * size)), series, unit };
}

function ruleChart(box: HTMLElement, alerts: AlertRecord[]): void {
  const s = alertsByRule(alerts);
  if (!s.series.length) {
    box.appendChild(el('p', { class: 'muted' }, 'No alerts yet.'));
    return;
  }
  const canvas = el('canvas', { id: 'chart-alerts-by-rule', aria: { label: `Alerts by rule per ${s.unit}` } });
  box.appendChild(el('div', { class: 'chart' }, canvas));
  chart(canvas, {
    type: 'bar',
    data: { labels: s.buckets, datasets: s.series.map((x, i) => ({ label: label(x.rule), data: x.counts, backgroundColor: colour(i) })) },
    options: {
      maintainAspectRatio: false,
      scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true, ticks: { precision: 0 }, title: { display: true, text: `alerts per ${s.unit}` } } },
      plugins: { legend: { position: 'bottom' } },
    },
  });
}

// ---- hourly events and errors per host -------------------------------------------------------------

export interface HostHours {
  host: string;
  total: number;
  hours: Array<{ hour: string; events: number; errors: number; anomalous: boolean; explanation: string[] }>;
}

/** The anomaly module's (host, source, hour) rows summed per host and hour; an hour is anomalous when any of its sources is. */
export function hoursByHost(d: DetectResult): HostHours[] {
  const hosts = new Map<string, Map<string, HostHours['hours'][number]>>();
  for (const r of d.hours) {
    let m = hosts.get(r.host);
    if (!m) hosts.set(r.host, (m = new Map()));
    let h = m.get(r.hour);
    if (!h) m.set(r.hour, (h = { hour: r.hour, events: 0, errors: 0, anomalous: false, explanation: [] }));
    h.events += r.features.total;
    h.errors += r.features.errors;
    if (r.is_anomaly) {
      h.anomalous = true;
      h.explanation.push(...r.explanation.map((x) => `${r.source}: ${x}`));
    }
  }
  return [...hosts]
    .map(([host, m]) => {
      const hours = [...m.values()].sort((a, b) => (a.hour < b.hour ? -1 : 1));
      return { host, hours, total: hours.reduce((s, h) => s + h.events, 0) };
    })
    .sort((a, b) => b.total - a.total || (a.host < b.host ? -1 : 1));
}

const hourLabel = (iso: string) => {
  const d = new Date(iso);
  return `${d.toLocaleDateString(undefined, { month: 'short', day: 'numeric' })} ${String(d.getHours()).padStart(2, '0')}:00`;
};

function hostChart(box: HTMLElement, h: HostHours, onPick: (host: string, hour: string) => void): void {
  const canvas = el('canvas', { class: 'host-chart', aria: { label: `Events and errors per hour on ${clip(h.host, 80)}` } });
  const anomalies = h.hours.filter((x) => x.anomalous).length;
  box.appendChild(el('div', { class: 'chart small' }, el('h3', {}, clip(h.host, 80), anomalies ? badge('high', `${anomalies} anomalous hour${anomalies === 1 ? '' : 's'}`) : null), canvas));
  chart(canvas, {
    type: 'bar',
    data: {
      labels: h.hours.map((x) => hourLabel(x.hour)),
      datasets: [
        { type: 'bar', label: 'events', data: h.hours.map((x) => x.events), backgroundColor: h.hours.map((x) => (x.anomalous ? ANOMALY : colour(0))), order: 2 },
        { type: 'line', label: 'errors', data: h.hours.map((x) => x.errors), borderColor: colour(1), backgroundColor: colour(1), pointRadius: 2, order: 1 } as never,
      ],
    },
    options: {
      maintainAspectRatio: false,
      scales: { y: { beginAtZero: true, ticks: { precision: 0 } } },
      plugins: {
        legend: { position: 'bottom' },
        tooltip: {
          callbacks: {
            // Drawn on the canvas, never as markup; explanations are ours, built from numbers.
            afterBody: (items) => {
              const x = h.hours[items[0]?.dataIndex ?? -1];
              return x?.anomalous ? ['anomalous hour:', ...x.explanation.slice(0, 5).map((e) => label(e))] : [];
            },
          },
        },
      },
      onClick: (_ev, elements) => {
        const x = h.hours[elements[0]?.index ?? -1];
        if (x) onPick(h.host, x.hour);
      },
    },
  });
}

// ---- top source IPs -------------------------------------------------------------------------------

export interface IpRow {
  ip: string;
  alerts: number;
  events: number;
  rules: string[];
  info: IpEnrichment;
}

/** Source IPs of the alerts (their enrichment), ranked by the matching events of their alerts. */
export function topIps(alerts: AlertRecord[], n = 15): IpRow[] {
  const m = new Map<string, IpRow>();
  for (const a of alerts) {
    const seen = new Set<string>();
    for (const e of a.enrichment ?? []) {
      if (seen.has(e.ip)) continue;
      seen.add(e.ip);
      let r = m.get(e.ip);
      if (!r) m.set(e.ip, (r = { ip: e.ip, alerts: 0, events: 0, rules: [], info: e }));
      r.alerts++;
      r.events += a.count;
      if (!r.rules.includes(a.rule_id)) r.rules.push(a.rule_id);
    }
  }
  return [...m.values()].sort((a, b) => b.events - a.events || b.alerts - a.alerts || (a.ip < b.ip ? -1 : 1)).slice(0, n);
}

function ipTable(box: HTMLElement, alerts: AlertRecord[]): void {
  const rows = topIps(alerts);
  if (!rows.length) {
    box.appendChild(el('p', { class: 'muted' }, 'No source IPs in the alerts.'));
    return;
  }
  box.appendChild(
    table(
      ['ip', 'events', 'alerts', 'rules', 'scope', 'country', 'city', 'ASN', 'AS organisation'],
      rows.map((r) => [
        el('a', { href: `/events?ip=${encodeURIComponent(r.ip)}` }, r.ip),
        r.events,
        r.alerts,
        clip(r.rules.join(', '), 120),
        r.info.scope_label ?? r.info.scope,
        r.info.country ?? '',
        r.info.city ?? '',
        r.info.asn ?? '',
        clip(r.info.as_org ?? '', 80),
      ]),
      'grid top-ips',
    ),
  );
}

// ---- error templates of an hour ----------------------------------------------------------------------

function templatesSection(box: HTMLElement, hosts: string[], initial: { host: string; hour: string } | undefined): (host: string, hour: string) => void {
  const hostSel = select('host', [['', 'all hosts'], ...hosts.map((h): [string, string] => [h, clip(h, 80)])], initial?.host ?? '');
  const hourIn = input('hour', initial ? isoToLocal(initial.hour) : '', { type: 'datetime-local' });
  hourIn.setAttribute('step', '3600');
  const out = el('div', { id: 'templates' });
  const form = el('form', { class: 'filters', id: 'template-form' }, field('host', hostSel), field('hour', hourIn), el('button', { type: 'submit' }, 'Show'));
  box.append(el('p', { class: 'muted' }, 'Pick an hour here or click a bar in a host chart.'), form, out);

  const load = async () => {
    const iso = localToIso(hourIn.value);
    if (!iso) {
      out.replaceChildren(el('p', { class: 'muted' }, 'Choose an hour.'));
      return;
    }
    const from = Math.floor(Date.parse(iso) / HOUR) * HOUR;
    out.replaceChildren(el('p', { class: 'muted' }, 'Loading…'));
    try {
      const s = await api.anomalyErrors({ host: hostSel.value || undefined, from: new Date(from).toISOString(), to: new Date(from + HOUR).toISOString() });
      clear(out);
      out.appendChild(el('p', { class: 'muted' }, `${hourLabel(s.from)} to ${hourLabel(s.to)}${s.host ? ` on ${clip(s.host, 80)}` : ', all hosts'}: ${s.templates.length} error template${s.templates.length === 1 ? '' : 's'}`));
      if (s.templates.length)
        out.appendChild(
          table(
            ['count', 'hosts', 'template'],
            s.templates.map((t) => [t.total, clip(Object.keys(t.by_host).join(', '), 120) || t.hosts, el('code', {}, clip(t.template, 1000))]),
            'grid templates',
          ),
        );
    } catch (err) {
      showError(out, err, 'Loading the error templates');
    }
  };
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    void load();
  });
  if (initial) void load();
  return (host, hour) => {
    hostSel.value = hosts.includes(host) ? host : '';
    hourIn.value = isoToLocal(hour);
    void load();
    box.scrollIntoView({ block: 'nearest' });
  };
}

// ---- the page ---------------------------------------------------------------------------------------

export async function renderOverview(page: HTMLElement): Promise<void> {
  const rules = el('section', { id: 'alerts-by-rule' }, el('h2', {}, 'Alerts by rule over time'));
  const span = select(
    'hours',
    [
      ['24', 'last 24 hours'],
      ['48', 'last 48 hours'],
      ['168', 'last 7 days'],
    ],
    new URLSearchParams(location.search).get('hours') ?? '48',
  );
  const hostsHead = el('div', { class: 'section-head' }, el('h2', {}, 'Events and errors per host, hourly'), field('span', span));
  const hosts = el('section', { id: 'hosts' }, hostsHead);
  const hostCharts = el('div', { class: 'charts' });
  const hostNote = el('p', { class: 'muted' });
  hosts.append(hostNote, hostCharts);
  const ips = el('section', { id: 'top-ips' }, el('h2', {}, 'Top source IPs'), el('p', { class: 'muted' }, 'The addresses in the alerts, with the local GeoLite2 country/city and ASN data.'));
  const templates = el('section', { id: 'error-templates' }, el('h2', {}, 'Error templates of an hour'));
  page.append(el('h1', {}, 'Overview'), rules, el('div', { class: 'row' }, ips), hosts, templates);

  const alertsLoad = api.alerts({ limit: 1000 }).then(
    (alerts) => {
      ruleChart(rules, alerts);
      ipTable(ips, alerts);
    },
    (err: unknown) => {
      showError(rules, err, 'Loading alerts');
      showError(ips, err, 'Loading alerts');
    },
  );

  let pick: ((host: string, hour: string) => void) | undefined;
  const loadHosts = async () => {
    clear(hostCharts);
    hostNote.textContent = 'Loading…';
    try {
      const d = await api.anomalyDetect({ hours: Number(span.value), limit: 5000 });
      const byHost = hoursByHost(d);
      hostNote.textContent =
        `${hourLabel(d.from)} to ${hourLabel(d.to)}: ${byHost.length} host${byHost.length === 1 ? '' : 's'}, ${d.anomalies} anomalous host-hour${d.anomalies === 1 ? '' : 's'} (red bars)` +
        (d.trained ? '.' : `. ${d.message ?? 'No model yet'}: no hour is marked until one is trained.`) +
        (byHost.length > HOST_CHARTS ? ` The ${HOST_CHARTS} busiest hosts are shown.` : '');
      const latest = byHost.flatMap((h) => h.hours.filter((x) => x.anomalous).map((x) => ({ host: h.host, hour: x.hour }))).sort((a, b) => (a.hour < b.hour ? 1 : -1))[0];
      if (!pick) {
        const withErrors = byHost.flatMap((h) => h.hours.filter((x) => x.errors > 0).map((x) => ({ host: h.host, hour: x.hour }))).sort((a, b) => (a.hour < b.hour ? 1 : -1))[0];
        pick = templatesSection(templates, byHost.map((h) => h.host), latest ?? withErrors);
      }
      for (const h of byHost.slice(0, HOST_CHARTS)) hostChart(hostCharts, h, (host, hour) => pick?.(host, hour));
      if (!byHost.length) hostCharts.appendChild(el('p', { class: 'muted' }, 'No hourly summaries in this span (anomaly detection off, or no closed hour yet).'));
    } catch (err) {
      hostNote.textContent = '';
      showError(hostCharts, err, 'Loading the hourly summaries');
      if (!pick) pick = templatesSection(templates, [], undefined);
    }
  };
  span.addEventListener('change', () => {
    history.replaceState(null, '', `/?hours=${encodeURIComponent(span.value)}`);
    void loadHosts();
  });
  await Promise.all([alertsLoad, loadHosts()]);
}
