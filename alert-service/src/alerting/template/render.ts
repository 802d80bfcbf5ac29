/**
 * A tiny logic-less template language, compiled to a tree once and rendered without eval:
 *   {{path.to.value}}                  value, escaped for the target
 *   {{#each list}} … {{this.x}} {{@index}} … {{/each}}
 *   {{#if path}} … {{else}} … {{/if}}  truthy: non-empty string/array, non-zero number, true
 * Unknown paths render as empty strings. Templates come from operators (config or files), the
 * values from logs; only values are escaped, template text is trusted.
 */
import { escapeFor, type EscapeTarget } from './escape.js';

type Node =
  | { t: 'text'; v: string }
  | { t: 'var'; path: string[] }
  | { t: 'each'; path: string[]; body: Node[] }
  | { t: 'if'; path: string[]; then: Node[]; else: Node[] };

export class TemplateError extends Error {
  override name = 'TemplateError';
}

const TAG = /\{\{\s*([#/]?)([^{}]*?)\s*\}\}/g;
const MAX_OUTPUT = 200_000;

function splitPath(expr: string): string[] {
  const p = expr.trim();
  if (!/^(@index|this|[A-Za-z_][\w]*)(\.[A-Za-z_][\w]*)*$/.test(p)) throw new TemplateError(`invalid expression "{{${expr}}}"`);
  return p.split('.');
}

export function compileTemplate(source: string): Node[] {
  const root: Node[] = [];
  const stack: { nodes: Node[]; node?: Extract<Node, { t: 'each' | 'if' }>; inElse?: boolean }[] = [{ nodes: root }];
  let last = 0;
  for (const m of source.matchAll(TAG)) {
    const top = stack[stack.length - 1]!;
    if (m.index > last) top.nodes.push({ t: 'text', v: source.slice(last, m.index) });
    last = m.index + m[0].length;
    const [, sigil, body = ''] = m;
    if (sigil === '#') {
      const [kw, ...rest] = body.trim().split(/\s+/);
      if (kw !== 'each' && kw !== 'if') throw new TemplateError(`unknown block "{{#${body}}}"`);
      const path = splitPath(rest.join(' '));
      const node: Extract<Node, { t: 'each' | 'if' }> = kw === 'each' ? { t: 'each', path, body: [] } : { t: 'if', path, then: [], else: [] };
      top.nodes.push(node);
      stack.push({ nodes: node.t === 'each' ? node.body : node.then, node });
    } else if (sigil === '/') {
      const kw = body.trim();
      if (stack.length === 1 || stack[stack.length - 1]!.node!.t !== kw) throw new TemplateError(`unexpected "{{/${kw}}}"`);
      stack.pop();
    } else if (body.trim() === 'else') {
      const node = top.node;
      if (!node || node.t !== 'if' || top.inElse) throw new TemplateError('"{{else}}" outside {{#if}}');
      top.nodes = node.else;
      top.inElse = true;
    } else {
      top.nodes.push({ t: 'var', path: splitPath(body) });
    }
  }
  if (stack.length > 1) throw new TemplateError(`unclosed "{{#${stack[stack.length - 1]!.node!.t}}}"`);
  if (last < source.length) root.push({ t: 'text', v: source.slice(last) });
  return root;
}

interface Scope {
  ctx: unknown;
  item?: unknown;
  index?: number;
  parent?: Scope;
}

function lookup(scope: Scope, path: string[]): unknown {
  if (path[0] === '@index') return scope.index;
  let value: unknown;
  let rest = path;
  if (path[0] === 'this') {
    value = scope.item;
    rest = path.slice(1);
  } else {
    // Inside {{#each}}, names resolve on the item first, then outwards.
    for (let s: Scope | undefined = scope; s; s = s.parent) {
      const base = s.item !== undefined ? s.item : s.ctx;
      if (base && typeof base === 'object' && Object.hasOwn(base, path[0]!)) {
        value = base;
        break;
      }
    }
  }
  for (const key of rest) {
    if (!value || typeof value !== 'object' || !Object.hasOwn(value, key)) return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

function truthy(v: unknown): boolean {
  if (Array.isArray(v)) return v.length > 0;
  return Boolean(v);
}

function stringify(v: unknown): string {
  if (v === undefined || v === null) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return JSON.stringify(v);
}

/**
 * Variables named `url` or `*_url` are our own links (alert URL, dashboard URL, public_url): the
 * contexts built in context.ts and digest.ts define those names, log-derived values never get them,
 * so they are escaped but not defanged.
 */
function isOwnLink(path: string[]): boolean {
  const last = path[path.length - 1] ?? '';
  return last === 'url' || last.endsWith('_url');
}

function renderNodes(nodes: Node[], scope: Scope, target: EscapeTarget, out: string[]): void {
  for (const n of nodes) {
    if (n.t === 'text') out.push(n.v);
    else if (n.t === 'var') out.push(escapeFor(target, stringify(lookup(scope, n.path)), isOwnLink(n.path)));
    else if (n.t === 'if') renderNodes(truthy(lookup(scope, n.path)) ? n.then : n.else, scope, target, out);
    else {
      const list = lookup(scope, n.path);
      if (!Array.isArray(list)) continue;
      list.forEach((item, index) => renderNodes(n.body, { ctx: scope.ctx, item, index, parent: scope }, target, out));
    }
  }
}

/**
 * Bounds a rendered message. HTML is never cut inside an entity (`&l` shows as garbage) or a tag
 * (an unterminated `<td` swallows what follows); open elements are closed by the mail client.
 */
function bounded(s: string, target: EscapeTarget): string {
  if (s.length <= MAX_OUTPUT) return s;
  let out = s.slice(0, MAX_OUTPUT - 1);
  if (target === 'html') {
    const amp = out.lastIndexOf('&');
    if (amp > out.lastIndexOf(';')) out = out.slice(0, amp);
    const lt = out.lastIndexOf('<');
    if (lt > out.lastIndexOf('>')) out = out.slice(0, lt);
  }
  return out + '…';
}

export interface Template {
  render(context: Record<string, unknown>): string;
}

/** Compile once (errors surface at start-up), render many times. */
export function template(source: string, target: EscapeTarget): Template {
  const nodes = compileTemplate(source);
  return {
    render(context) {
      const out: string[] = [];
      renderNodes(nodes, { ctx: context }, target, out);
      return bounded(out.join(''), target);
    },
  };
}
