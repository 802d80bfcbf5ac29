/**
 * DOM building for text that attackers wrote: elements are created one by one and every string
 * becomes a Text node (or textContent). Nothing here parses markup: there is no innerHTML,
 * insertAdjacentHTML or outerHTML anywhere in the dashboard.
 */

export type Child = Node | string | number | null | undefined | false;

interface Props {
  class?: string;
  id?: string;
  title?: string;
  /** Internal links only (see link()). */
  href?: string;
  type?: string;
  name?: string;
  value?: string;
  placeholder?: string;
  for?: string;
  required?: boolean;
  checked?: boolean;
  selected?: boolean;
  disabled?: boolean;
  hidden?: boolean;
  maxLength?: number;
  data?: Record<string, string>;
  aria?: Record<string, string>;
  onClick?: (ev: MouseEvent) => void;
  onChange?: (ev: Event) => void;
  onSubmit?: (ev: SubmitEvent) => void;
}

/** Cuts a string for display (a 64 KiB log line is still shown in a detail view, not a table cell). */
export function clip(s: string, max: number): string {
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

export function el<K extends keyof HTMLElementTagNameMap>(tag: K, props: Props = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (props.class) e.className = props.class;
  if (props.id) e.id = props.id;
  if (props.title !== undefined) e.title = props.title;
  if (props.href !== undefined) e.setAttribute('href', internalHref(props.href));
  if (props.type !== undefined) e.setAttribute('type', props.type);
  if (props.name !== undefined) e.setAttribute('name', props.name);
  if (props.placeholder !== undefined) e.setAttribute('placeholder', props.placeholder);
  if (props.for !== undefined) e.setAttribute('for', props.for);
  if (props.maxLength !== undefined) e.setAttribute('maxlength', String(props.maxLength));
  if (props.value !== undefined) (e as HTMLInputElement).value = props.value;
  if (props.required) e.setAttribute('required', '');
  if (props.checked) (e as HTMLInputElement).checked = true;
  if (props.selected) (e as HTMLOptionElement).selected = true;
  if (props.disabled) e.setAttribute('disabled', '');
  if (props.hidden) e.hidden = true;
  for (const [k, v] of Object.entries(props.data ?? {})) e.dataset[k] = v;
  for (const [k, v] of Object.entries(props.aria ?? {})) e.setAttribute(`aria-${k}`, v);
  if (props.onClick) e.addEventListener('click', props.onClick as EventListener);
  if (props.onChange) e.addEventListener('change', props.onChange);
  if (props.onSubmit) e.addEventListener('submit', props.onSubmit as EventListener);
  append(e, ...children);
  return e;
}

export function append(parent: Node, ...children: Child[]): void {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    parent.appendChild(typeof c === 'string' || typeof c === 'number' ? document.createTextNode(String(c)) : c);
  }
}

/** Links go to this dashboard only: a path starting with one slash (never a scheme, never //host). */
function internalHref(href: string): string {
  if (!/^\/(?!\/)/.test(href)) throw new Error(`not an internal link: ${href.slice(0, 40)}`);
  return href;
}

export function clear(node: Node): void {
  while (node.firstChild) node.removeChild(node.firstChild);
}

/** A table from rows of cells; `head` names the columns. */
export function table(head: string[], rows: Child[][], cls = 'grid'): HTMLTableElement {
  return el(
    'table',
    { class: cls },
    el('thead', {}, el('tr', {}, ...head.map((h) => el('th', {}, h)))),
    el('tbody', {}, ...rows.map((r) => el('tr', {}, ...r.map((c) => el('td', {}, c))))),
  );
}

/** Key/value pairs as a definition list. */
export function facts(pairs: Array<[string, Child]>): HTMLDListElement {
  const dl = el('dl', { class: 'facts' });
  for (const [k, v] of pairs) append(dl, el('dt', {}, k), el('dd', {}, v));
  return dl;
}

export function badge(kind: string, text: string): HTMLSpanElement {
  // The class comes from a fixed set (severity/state names the API validates); anything else is plain.
  return el('span', { class: /^[a-z_-]{1,20}$/.test(kind) ? `badge b-${kind}` : 'badge' }, text);
}

/** A labelled form control. */
export function field(label: string, control: HTMLElement): HTMLLabelElement {
  return el('label', { class: 'field' }, el('span', {}, label), control);
}

export function select(name: string, options: Array<[string, string]>, selected: string): HTMLSelectElement {
  return el('select', { name }, ...options.map(([v, t]) => el('option', { value: v, selected: v === selected }, t)));
}

export function input(name: string, value: string, opts: { type?: string; placeholder?: string; maxLength?: number } = {}): HTMLInputElement {
  return el('input', { name, value, type: opts.type ?? 'text', placeholder: opts.placeholder ?? '', maxLength: opts.maxLength ?? 256 });
}

/** Local time as the browser shows it, plus the UTC instant on hover. */
export function time(iso: string | null | undefined): Child {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return el('time', { title: d.toISOString() }, d.toLocaleString());
}
