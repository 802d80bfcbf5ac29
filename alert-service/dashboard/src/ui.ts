/** Page-level helpers shared by the pages: the notice line, errors, query-string state. */
import { ApiError } from './api.js';
import { el } from './dom.js';

export function notice(text: string, kind: 'info' | 'error' = 'info'): void {
  const n = document.getElementById('notice');
  if (!n) return;
  n.textContent = text;
  n.className = `notice n-${kind}`;
  n.hidden = !text;
}

/** An error as a line of text in place of `where`'s content, its heading kept (and the auth hint in the notice line). */
export function showError(where: HTMLElement, err: unknown, what: string): void {
  const msg = err instanceof Error ? err.message : String(err);
  for (const c of [...where.childNodes]) if (!(c instanceof HTMLHeadingElement)) where.removeChild(c);
  where.appendChild(el('p', { class: 'error' }, `${what} failed: ${msg}`));
  if (err instanceof ApiError && err.hint) notice(err.hint, 'error');
}

/** The page's filters live in the query string, so a filtered view can be linked and reloaded. */
export function queryParams(): URLSearchParams {
  return new URLSearchParams(location.search);
}

export function setQuery(values: Record<string, string>): void {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(values)) if (v) p.set(k, v);
  const qs = p.toString();
  history.replaceState(null, '', `${location.pathname}${qs ? `?${qs}` : ''}`);
}

/** `<input type="datetime-local">` holds local time without a zone; the API wants an instant. */
export function localToIso(v: string): string {
  if (!v) return '';
  const d = new Date(v);
  return Number.isNaN(d.getTime()) ? '' : d.toISOString();
}

export function isoToLocal(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

export function formValues(form: HTMLFormElement): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of new FormData(form)) if (typeof v === 'string') out[k] = v.trim();
  return out;
}
