/**
 * /alerts/:id — what notifications link to: the alert, its evidence, the IP enrichment, the LLM
 * summary when there is one, the delivery log, and the acknowledge and silence actions. One call:
 * GET /alerts/:id carries the evidence events and the LLM summary.
 */
import { api, ApiError, type AlertDetail, type LlmSummaryRecord, type SilenceMatcher } from '../api.js';
import { append, badge, clear, clip, el, facts, field, input, select, table, time, type Child } from '../dom.js';
import { notice, showError } from '../ui.js';
import { eventsTable } from './events.js';

const OPERATOR_KEY = 'logward.operator';

const json = (v: unknown) => el('pre', { class: 'json' }, JSON.stringify(v, null, 2));

function operator(): string {
  try {
    return sessionStorage.getItem(OPERATOR_KEY) ?? '';
  } catch {
    return '';
  }
}
function rememberOperator(name: string): void {
  try {
    sessionStorage.setItem(OPERATOR_KEY, name);
  } catch {
    /* storage off: nothing to remember */
  }
}

/** `llm_summary`: absent when the LLM module is off, null when this alert has none (yet, or its severity gets none). */
function summaryView(s: LlmSummaryRecord | null | undefined): Child {
  if (s === undefined) return el('p', { class: 'muted' }, 'LLM analysis is off on this service.');
  if (!s) return el('p', { class: 'muted' }, 'No LLM summary for this alert (not written yet, or its severity does not get one).');
  if (s.status !== 'ok' || !s.summary) return el('p', { class: 'muted' }, `Summary ${s.status}${s.error ? `: ${s.error}` : ''} (model ${s.model}).`);
  return el(
    'div',
    { class: 'llm' },
    el('p', { class: 'muted' }, `Written by ${s.model}, advisory only: the model's text is data like the log lines it read.`),
    el('p', { class: 'llm-summary' }, s.summary.summary),
    facts([['model assessed severity', s.summary.assessed_severity]]),
    s.summary.next_steps.length ? el('ol', {}, ...s.summary.next_steps.map((x) => el('li', {}, x))) : null,
  );
}

function deliveryLog(a: AlertDetail): Child {
  if (!a.notifications.length) return el('p', { class: 'muted' }, 'Not notified on any channel (yet, or no channel is configured).');
  return table(
    ['#', 'channel', 'kind', 'status', 'attempts', 'sends', 'created', 'sent', 'last error'],
    a.notifications.map((n) => [n.id, n.channel, n.kind, badge(n.status, n.status), n.attempts, n.sends ?? '—', time(n.created_at), time(n.sent_at), n.last_error ? clip(n.last_error, 300) : '']),
  );
}

function enrichment(a: AlertDetail): Child {
  const rows = a.enrichment ?? [];
  if (!rows.length) return el('p', { class: 'muted' }, 'No IP address in this alert.');
  return table(
    ['ip', 'found in', 'scope', 'country', 'city', 'ASN', 'AS organisation'],
    rows.map((r) => [r.ip, r.key ?? '', r.scope_label ?? r.scope, r.country ?? '', r.city ?? '', r.asn ?? '', r.as_org ?? '']),
  );
}

/** The stored events the alert names, as the API found them (the latest it keeps, within the alert's time span). */
function evidenceEvents(a: AlertDetail): Child {
  const events = a.evidence ?? [];
  const note = `${events.length} of ${a.event_ids.length} referenced event${a.event_ids.length === 1 ? '' : 's'} shown` + (events.length < a.event_ids.length ? ' (the API returns the latest still stored; older ones may be past retention)' : '') + '.';
  return el('div', {}, el('p', { class: 'muted', id: 'evidence-note' }, note), events.length ? eventsTable(events) : null);
}

/** Silence matchers offered for this alert: its rule, host and group keys (rule and group on by default). */
function matcherChoices(a: AlertDetail): Array<{ m: SilenceMatcher; on: boolean }> {
  const out: Array<{ m: SilenceMatcher; on: boolean }> = [{ m: { name: 'rule_id', value: a.rule_id }, on: true }];
  if (a.host) out.push({ m: { name: 'host', value: a.host }, on: !Object.keys(a.group).length });
  for (const [k, v] of Object.entries(a.group)) if (k !== 'rule_id' && k !== 'host') out.push({ m: { name: k, value: v }, on: true });
  return out;
}

function actions(a: AlertDetail, reload: () => void): HTMLElement {
  const status = el('p', { class: 'muted', id: 'action-status' });
  const fail = (err: unknown, what: string) => {
    status.textContent = `${what} failed: ${err instanceof Error ? err.message : String(err)}`;
    status.className = 'error';
    if (err instanceof ApiError && err.hint) notice(err.hint, 'error');
  };

  const ackBy = input('by', operator(), { placeholder: 'your name', maxLength: 200 });
  ackBy.required = true;
  const ackComment = input('comment', '', { placeholder: 'optional comment', maxLength: 2000 });
  const ack = el(
    'form',
    { class: 'action', id: 'ack-form' },
    el('h3', {}, 'Acknowledge'),
    field('by', ackBy),
    field('comment', ackComment),
    el('button', { type: 'submit', disabled: a.state === 'resolved' || a.state === 'acknowledged' }, a.state === 'acknowledged' ? 'Acknowledged' : 'Acknowledge'),
  );
  ack.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const by = ackBy.value.trim();
    if (!by) return;
    rememberOperator(by);
    api.acknowledge(a.id, by, ackComment.value.trim() || undefined).then(reload, (err: unknown) => fail(err, 'Acknowledge'));
  });

  const choices = matcherChoices(a);
  const boxes = choices.map(({ m, on }) => {
    const box = el('input', { type: 'checkbox', checked: on });
    return { m, box, row: el('label', { class: 'check' }, box, el('code', {}, m.name), ' = ', el('code', {}, clip(m.value, 200))) };
  });
  const duration = select(
    'duration',
    [
      ['1', '1 hour'],
      ['4', '4 hours'],
      ['24', '24 hours'],
      ['168', '7 days'],
    ],
    '4',
  );
  const silBy = input('created_by', operator(), { placeholder: 'your name', maxLength: 200 });
  silBy.required = true;
  const silComment = input('comment', '', { placeholder: 'why (required)', maxLength: 2000 });
  silComment.required = true;
  const silence = el(
    'form',
    { class: 'action', id: 'silence-form' },
    el('h3', {}, 'Silence'),
    el('p', { class: 'muted' }, 'Alerts matching every checked attribute are stored but not notified until the silence ends.'),
    ...boxes.map((b) => b.row),
    field('for', duration),
    field('by', silBy),
    field('comment', silComment),
    el('button', { type: 'submit', disabled: a.state === 'resolved' }, 'Silence'),
  );
  silence.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const matchers = boxes.filter((b) => b.box.checked).map((b) => b.m);
    if (!matchers.length) return fail(new Error('check at least one attribute'), 'Silence');
    const by = silBy.value.trim();
    const comment = silComment.value.trim();
    if (!by || !comment) return;
    rememberOperator(by);
    const ends_at = new Date(Date.now() + Number(duration.value) * 3_600_000).toISOString();
    api.createSilence({ matchers, ends_at, comment, created_by: by }).then(reload, (err: unknown) => fail(err, 'Silence'));
  });
  return el('section', { class: 'actions' }, el('h2', {}, 'Actions'), el('div', { class: 'row' }, ack, silence), status);
}

export async function renderAlertDetail(page: HTMLElement, id: number): Promise<void> {
  const body = el('div', { id: 'alert-detail' }, 'Loading…');
  page.append(el('p', {}, el('a', { href: '/alerts' }, '← all alerts')), body);
  let a: AlertDetail;
  try {
    a = await api.alert(id);
  } catch (err) {
    if (err instanceof ApiError && err.status === 404) {
      clear(body);
      body.appendChild(el('p', { class: 'error' }, `There is no alert ${id} (it may have resolved and been pruned).`));
      return;
    }
    return showError(body, err, 'Loading the alert');
  }
  clear(body);
  document.title = `Alert ${a.id} · Logward`;
  const reload = () => {
    clear(page);
    void renderAlertDetail(page, id);
  };
  append(
    body,
    el('h1', {}, badge(a.severity, a.severity), ' ', clip(a.title, 300)),
    facts([
      ['alert', `#${a.id}`],
      ['state', badge(a.state, a.state)],
      ['rule', a.rule_id],
      ['detector', a.source],
      ['host', a.host],
      ['matching events', a.count],
      ['first seen', time(a.first_seen)],
      ['last seen', time(a.last_seen)],
      ['updated', time(a.updated_at)],
      ...(a.acknowledged_at ? ([['acknowledged', el('span', {}, time(a.acknowledged_at), ` by ${a.acknowledged_by ?? '?'}${a.ack_comment ? `: ${a.ack_comment}` : ''}`)]] as Array<[string, Child]>) : []),
      ...(a.silenced_by?.length ? ([['silenced by', a.silenced_by.map((s) => `#${s}`).join(', ')]] as Array<[string, Child]>) : []),
      ...(a.resolved_at ? ([['resolved', time(a.resolved_at)]] as Array<[string, Child]>) : []),
    ]),
    el('p', { class: 'summary' }, a.summary),
    actions(a, reload),
    el('section', {}, el('h2', {}, 'Group and labels'), facts([...Object.entries(a.group), ...Object.entries(a.labels)].map(([k, v]): [string, Child] => [k, v])), a.tags.length ? el('p', { class: 'muted' }, `tags: ${a.tags.join(', ')}`) : null),
    el('section', {}, el('h2', {}, 'Source IPs'), enrichment(a)),
  );
  const evidence = el('section', { id: 'evidence' }, el('h2', {}, 'Evidence'), el('h3', {}, 'Most recent lines'), a.samples.length ? el('pre', { class: 'samples' }, a.samples.join('\n')) : el('p', { class: 'muted' }, 'No sample lines.'));
  append(evidence, el('h3', {}, `Evidence events (${a.event_ids.length} referenced)`), evidenceEvents(a));
  append(
    body,
    el('section', { id: 'llm' }, el('h2', {}, 'LLM summary'), summaryView(a.llm_summary)),
    evidence,
    el('section', { id: 'deliveries' }, el('h2', {}, 'Delivery log'), deliveryLog(a)),
    el('section', {}, el('h2', {}, 'Fields'), json(a.fields)),
  );
}
