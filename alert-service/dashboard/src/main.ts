/**
 * Entry point: the header (navigation, API token) and the page for the current path. Pages are
 * whole-page loads between paths (each one a link the notifications can point at); filters live
 * in the query string.
 */
import './styles.css';
import { token } from './api.js';
import { append, clear, el } from './dom.js';
import { notice } from './ui.js';
import { renderOverview } from './pages/overview.js';
import { renderAlerts } from './pages/alerts.js';
import { renderAlertDetail } from './pages/alert-detail.js';
import { renderEvents } from './pages/events.js';

const NAV: Array<[string, string]> = [
  ['/', 'Overview'],
  ['/alerts', 'Alerts'],
  ['/events', 'Events'],
];

function renderNav(path: string): void {
  const nav = document.getElementById('nav')!;
  clear(nav);
  for (const [href, text] of NAV) {
    const current = href === '/' ? path === '/' || path === '/overview' : path.startsWith(href);
    nav.appendChild(el('a', { href, class: current ? 'current' : '' }, text));
  }
}

/** The token field: kept for this tab only (sessionStorage), sent as a Bearer header, never in a URL. */
function renderTokenForm(): void {
  const form = document.getElementById('token-form') as HTMLFormElement;
  clear(form);
  const has = !!token.get();
  const field = el('input', { type: 'password', name: 'token', placeholder: has ? 'token set for this tab' : 'API token (if the service needs one)', maxLength: 4096, aria: { label: 'API token' } });
  append(
    form,
    field,
    el('button', { type: 'submit' }, 'Use token'),
    has ? el('button', { type: 'button', class: 'secondary', onClick: () => (token.set(''), location.reload()) }, 'Forget') : null,
  );
  form.onsubmit = (ev) => {
    ev.preventDefault();
    const v = field.value.trim();
    if (!v) return;
    token.set(v);
    location.reload();
  };
}

function route(): void {
  const path = location.pathname.replace(/\/+$/, '') || '/';
  renderNav(path);
  renderTokenForm();
  const page = document.getElementById('page')!;
  clear(page);
  notice('');
  const detail = /^\/alerts\/(\d{1,15})$/.exec(path);
  if (path === '/' || path === '/overview') void renderOverview(page);
  else if (path === '/alerts') void renderAlerts(page);
  else if (detail) void renderAlertDetail(page, Number(detail[1]));
  else if (path === '/events') void renderEvents(page);
  else page.appendChild(el('p', { class: 'error' }, 'No such page.'));
}

route();
