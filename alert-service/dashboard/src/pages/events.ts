/**
 * /events: search of the stored events. Every filter is GET /events' own (host, source kind,
 * severity list, text, IP or CIDR, user, time); the server returns them newest first, a page at a
 * time. It reads a bounded number of rows per page, so a rare match can come back as a short (even
 * empty) page with `next`: "Continue" asks for the next page from there.
 */
import { api, EVENT_SEVERITIES, SOURCE_KINDS, type EventQuery, type LogEvent } from '../api.js';
import { clear, clip, el, field, input, select, table, time } from '../dom.js';
import { formValues, isoToLocal, localToIso, queryParams, setQuery, showError } from '../ui.js';

const PAGE = 200;
/** Rows kept on the page; past this the search asks to narrow the filters instead of continuing. */
const MAX_SHOWN = 5000;

export interface EventFilter {
  host: string;
  source: string;
  /** Comma list of severities, as GET /events takes it. */
  severity: string;
  text: string;
  ip: string;
  user: string;
  from: string;
  to: string;
}

/** The severity choices: each one "that or worse" (the comma list of it and every more severe one). */
export function severityChoices(current: string): Array<[string, string]> {
  const out: Array<[string, string]> = [['', 'any']];
  EVENT_SEVERITIES.forEach((s, i) => out.push([EVENT_SEVERITIES.slice(0, i + 1).join(','), i === 0 ? s : `${s} or worse`]));
  // A linked list that is not one of these (say ?severity=error) is offered as it is.
  if (current && !out.some(([v]) => v === current)) out.push([current, current.split(',').join(', ')]);
  return out;
}

/** The query for GET /events: only its declared parameters, and none empty (url() drops those). */
export function eventQuery(f: EventFilter, after: string | undefined): EventQuery {
  return { host: f.host, source: f.source, severity: f.severity, text: f.text, ip: f.ip, user: f.user, from: f.from, to: f.to, after, limit: PAGE };
}

export function eventsTable(events: LogEvent[]): HTMLTableElement {
  return table(
    ['time', 'host', 'source', 'severity', 'program', 'message', 'src ip', 'user'],
    events.map((e) => [time(e.time), clip(e.host, 80), e.source.kind, e.severity, clip(e.program ?? '', 60), el('span', { class: 'msg' }, clip(e.message, 2000)), e.fields.src_ip ?? '', clip(e.fields.user ?? '', 80)]),
    'grid events',
  );
}

export async function renderEvents(page: HTMLElement): Promise<void> {
  const q = queryParams();
  const f: EventFilter = {
    host: q.get('host') ?? '',
    source: q.get('source') ?? '',
    severity: q.get('severity') ?? '',
    text: q.get('text') ?? '',
    ip: q.get('ip') ?? '',
    user: q.get('user') ?? '',
    from: q.get('from') ?? '',
    to: q.get('to') ?? '',
  };
  const form = el(
    'form',
    { class: 'filters', id: 'event-filters' },
    field('host', input('host', f.host, { placeholder: 'any host', maxLength: 255 })),
    field('source', select('source', [['', 'any'], ...SOURCE_KINDS.map((s): [string, string] => [s, s])], f.source)),
    field('severity', select('severity', severityChoices(f.severity), f.severity)),
    field('text', input('text', f.text, { placeholder: 'in the message', maxLength: 200 })),
    field('IP', input('ip', f.ip, { placeholder: 'address or CIDR', maxLength: 64 })),
    field('user', input('user', f.user, { placeholder: 'user', maxLength: 256 })),
    field('from', input('from', f.from ? isoToLocal(f.from) : '', { type: 'datetime-local' })),
    field('to', input('to', f.to ? isoToLocal(f.to) : '', { type: 'datetime-local' })),
    el('button', { type: 'submit' }, 'Search'),
    el('a', { href: '/events', class: 'button secondary' }, 'Clear'),
  );
  const status = el('p', { class: 'muted', id: 'event-count' });
  const results = el('div', { id: 'event-results' });
  const more = el('button', { type: 'button', class: 'secondary', hidden: true, id: 'event-more' }, 'Continue');
  page.append(el('h1', {}, 'Events'), form, status, results, more);

  let found: LogEvent[] = [];
  let after: string | undefined;
  let pages = 0;

  /** One page from the server, appended to what is shown. */
  const fetchPage = async () => {
    more.hidden = true;
    status.textContent = 'Searching…';
    try {
      const p = await api.events(eventQuery(f, after));
      pages++;
      found = found.concat(p.events);
      after = p.next;
      clear(results);
      results.appendChild(found.length ? eventsTable(found) : el('p', { class: 'muted' }, 'No events match.'));
      const n = `${found.length} event${found.length === 1 ? '' : 's'} found, newest first`;
      if (!p.next) status.textContent = `${n}: all that match.`;
      else if (found.length >= MAX_SHOWN) status.textContent = `${n}; more match: narrow the filters to see them.`;
      else if (p.events.length < PAGE) status.textContent = `${n}; the server stopped at its per-page read budget (page ${pages}): more may match further back.`;
      else status.textContent = `${n}; more match further back.`;
      more.hidden = !p.next || found.length >= MAX_SHOWN;
    } catch (err) {
      status.textContent = '';
      showError(results, err, 'Searching events');
    }
  };
  more.addEventListener('click', () => void fetchPage());
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const v = formValues(form);
    Object.assign(f, { ...v, from: localToIso(v.from ?? ''), to: localToIso(v.to ?? '') });
    setQuery({ ...f });
    found = [];
    after = undefined;
    pages = 0;
    void fetchPage();
  });
  await fetchPage();
}
