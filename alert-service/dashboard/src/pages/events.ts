/**
 * /events: search of the stored events. Host, source kind and time are filters of GET /events
 * (index ranges on the server); severity, text, IP and user are not (yet), so they are applied
 * here to the pages the server returns: a bounded scan per search, which says how far it read and
 * continues from there on request.
 */
import { api, EVENT_SEVERITIES, SOURCE_KINDS, type EventSeverity, type LogEvent } from '../api.js';
import { clear, clip, el, field, input, select, table, time } from '../dom.js';
import { formValues, isoToLocal, localToIso, queryParams, setQuery, showError } from '../ui.js';

const PAGE = 1000;
/** Events read per search (or per "continue") before the scan stops and asks. */
const SCAN_BUDGET = 20_000;
const MAX_SHOWN = 200;

export interface EventFilter {
  host: string;
  source: string;
  severity: string;
  text: string;
  ip: string;
  user: string;
  from: string;
  to: string;
}

/** The filters GET /events does not apply: severity at least, text in the message, IP, user. */
export function matches(e: LogEvent, f: EventFilter): boolean {
  if (f.severity) {
    const want = EVENT_SEVERITIES.indexOf(f.severity as EventSeverity);
    if (want >= 0 && EVENT_SEVERITIES.indexOf(e.severity) > want) return false;
  }
  if (f.text && !e.message.toLowerCase().includes(f.text.toLowerCase())) return false;
  if (f.ip && e.fields.src_ip !== f.ip) return false;
  if (f.user && e.fields.user !== f.user && e.fields.actor !== f.user) return false;
  return true;
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
    field('severity', select('severity', [['', 'any'], ...EVENT_SEVERITIES.map((s): [string, string] => [s, `${s} or worse`])], f.severity)),
    field('text', input('text', f.text, { placeholder: 'in the message' })),
    field('IP', input('ip', f.ip, { placeholder: 'source IP', maxLength: 64 })),
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
  let scannedTotal = 0;
  let after: string | undefined;

  const scan = async () => {
    more.hidden = true;
    status.textContent = 'Searching…';
    try {
      let scanned = 0;
      let done = false;
      while (scanned < SCAN_BUDGET && found.length < MAX_SHOWN) {
        const p = await api.events({ host: f.host || undefined, source: f.source || undefined, from: f.from || undefined, to: f.to || undefined, limit: PAGE, after });
        scanned += p.events.length;
        for (const e of p.events) if (found.length < MAX_SHOWN && matches(e, f)) found.push(e);
        if (!p.next) {
          done = true;
          break;
        }
        after = p.next;
      }
      scannedTotal += scanned;
      clear(results);
      results.appendChild(found.length ? eventsTable(found) : el('p', { class: 'muted' }, 'No events match.'));
      status.textContent = `${found.length} event${found.length === 1 ? '' : 's'} shown, ${scannedTotal} read${done ? ' (all that match the host, source and time filters)' : '; more may match further on'}.`;
      more.hidden = done || found.length >= MAX_SHOWN;
      if (!done && found.length >= MAX_SHOWN) status.textContent += ` Showing the first ${MAX_SHOWN}: narrow the filters.`;
    } catch (err) {
      status.textContent = '';
      showError(results, err, 'Searching events');
    }
  };
  more.addEventListener('click', () => void scan());
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const v = formValues(form);
    Object.assign(f, { ...v, from: localToIso(v.from ?? ''), to: localToIso(v.to ?? '') });
    setQuery({ ...f });
    found = [];
    scannedTotal = 0;
    after = undefined;
    void scan();
  });
  await scan();
}
