/**
 * /alerts: the alert list with filters, all of them GET /alerts' own: rule, severity, state, host
 * and time (alerts whose matching events, first_seen..last_seen, overlap from..to).
 */
import { ALERT_SEVERITIES, ALERT_STATES, api, type AlertRecord, type AlertSeverity, type AlertState } from '../api.js';
import { badge, clear, clip, el, field, input, select, table, time } from '../dom.js';
import { formValues, isoToLocal, localToIso, queryParams, setQuery, showError } from '../ui.js';

/** The API's largest page of alerts. */
const LIMIT = 1000;

export function alertsTable(alerts: AlertRecord[]): HTMLTableElement {
  return table(
    ['#', 'severity', 'state', 'rule', 'title', 'host', 'events', 'first seen', 'last seen'],
    alerts.map((a) => [
      el('a', { href: `/alerts/${a.id}` }, String(a.id)),
      badge(a.severity, a.severity),
      badge(a.state, a.state),
      clip(a.rule_id, 80),
      el('a', { href: `/alerts/${a.id}` }, clip(a.title, 160)),
      clip(a.host, 80),
      a.count,
      time(a.first_seen),
      time(a.last_seen),
    ]),
    'grid alerts',
  );
}

export async function renderAlerts(page: HTMLElement): Promise<void> {
  const q = queryParams();
  const current = {
    rule: q.get('rule') ?? '',
    severity: q.get('severity') ?? '',
    state: q.get('state') ?? '',
    host: q.get('host') ?? '',
    from: q.get('from') ?? '',
    to: q.get('to') ?? '',
  };
  const rules = el('datalist', { id: 'rule-ids' });
  const ruleInput = input('rule', current.rule, { placeholder: 'any rule' });
  ruleInput.setAttribute('list', 'rule-ids');
  const form = el(
    'form',
    { class: 'filters', id: 'alert-filters' },
    field('rule', ruleInput),
    field('severity', select('severity', [['', 'any'], ...ALERT_SEVERITIES.map((s): [string, string] => [s, s])], current.severity)),
    field('state', select('state', [['', 'any'], ...ALERT_STATES.map((s): [string, string] => [s, s])], current.state)),
    field('host', input('host', current.host, { placeholder: 'any host', maxLength: 255 })),
    field('from', input('from', current.from ? isoToLocal(current.from) : '', { type: 'datetime-local' })),
    field('to', input('to', current.to ? isoToLocal(current.to) : '', { type: 'datetime-local' })),
    el('button', { type: 'submit' }, 'Filter'),
    el('a', { href: '/alerts', class: 'button secondary' }, 'Clear'),
    rules,
  );
  const summary = el('p', { class: 'muted', id: 'alert-count' });
  const results = el('div', { id: 'alert-results' });
  page.append(el('h1', {}, 'Alerts'), form, summary, results);

  api
    .rules()
    .then((list) => rules.append(...list.map((r) => el('option', { value: r.id }, clip(r.title, 100)))))
    .catch(() => undefined); // detection off: the field still takes any rule id

  const load = async () => {
    results.textContent = 'Loading…';
    try {
      const alerts = await api.alerts({
        rule: current.rule || undefined,
        severity: (current.severity || undefined) as AlertSeverity | undefined,
        state: (current.state || undefined) as AlertState | undefined,
        host: current.host || undefined,
        from: current.from || undefined,
        to: current.to || undefined,
        limit: LIMIT,
      });
      clear(results);
      summary.textContent = `${alerts.length} alert${alerts.length === 1 ? '' : 's'}` + (alerts.length === LIMIT ? ` (the ${LIMIT} most recently updated that match: narrow the filters for the others)` : '');
      results.appendChild(alerts.length ? alertsTable(alerts) : el('p', { class: 'muted' }, 'No alerts match.'));
    } catch (err) {
      summary.textContent = '';
      showError(results, err, 'Loading alerts');
    }
  };

  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const v = formValues(form);
    current.rule = v.rule ?? '';
    current.severity = v.severity ?? '';
    current.state = v.state ?? '';
    current.host = v.host ?? '';
    current.from = localToIso(v.from ?? '');
    current.to = localToIso(v.to ?? '');
    setQuery(current);
    void load();
  });
  await load();
}
