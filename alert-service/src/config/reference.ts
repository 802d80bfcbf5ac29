/**
 * The configuration reference (alert-service/docs/configuration.md), rendered from the config
 * schemas so it cannot drift from what loadConfig accepts: every setting with its environment
 * variable, type, default and description, section by section in the root schema's order.
 */
import { deref } from './load.js';
import { schemaDocuments } from '../schema/registry.js';

/**
 * deref() plus local references (#/$defs/x) inside one schema file; keys beside the $ref (a
 * default, a description of this use) win over the referenced schema's, as in JSON Schema 2020-12.
 */
function resolve(n: Node, file: string): { schema: Node; file: string } {
  if (!n.$ref) return { schema: n, file };
  const { $ref, ...beside } = n;
  let r: { schema: Node; file: string };
  if ($ref.startsWith('#/')) {
    let target: unknown = schemaDocuments().get(file);
    for (const part of $ref.slice(2).split('/')) target = (target as Record<string, unknown> | undefined)?.[part];
    if (!target) throw new Error(`${file}: unresolved ${$ref}`);
    r = resolve(target as Node, file);
  } else {
    r = deref(n as never, file) as { schema: Node; file: string };
  }
  return { schema: { ...r.schema, ...beside }, file: r.file };
}

interface Node {
  type?: string | string[];
  properties?: Record<string, Node>;
  additionalProperties?: boolean | Node;
  items?: Node;
  enum?: unknown[];
  default?: unknown;
  description?: string;
  title?: string;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  pattern?: string;
  $ref?: string;
}

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n+/g, ' ');
const code = (s: string) => '`' + s.replace(/`/g, "'") + '`';

function typeOf(n: Node, file: string): string {
  const t = Array.isArray(n.type) ? n.type.join(' or ') : (n.type ?? 'any');
  if (n.enum) return `one of ${n.enum.map((v) => code(JSON.stringify(v))).join(', ')}`;
  if (t === 'array' && n.items) {
    const items = resolve(n.items, file).schema;
    return `list of ${items.enum ? `(${typeOf(items, file)})` : typeOf(items, file)}`;
  }
  if (t === 'object' && n.additionalProperties && typeof n.additionalProperties === 'object') return `map of ${typeOf(resolve(n.additionalProperties, file).schema, file)}`;
  return t;
}

function bounds(n: Node): string {
  const b: string[] = [];
  if (n.minimum !== undefined) b.push(`≥ ${n.minimum}`);
  if (n.exclusiveMinimum !== undefined) b.push(`> ${n.exclusiveMinimum}`);
  if (n.maximum !== undefined) b.push(`≤ ${n.maximum}`);
  if (n.minLength !== undefined) b.push(`${n.minLength}+ characters`);
  if (n.minItems !== undefined) b.push(`${n.minItems}+ items`);
  if (n.maxItems !== undefined) b.push(`at most ${n.maxItems} items`);
  if (n.pattern !== undefined) b.push(`matches ${code(n.pattern)}`);
  return b.join(', ');
}

function defaultOf(n: Node): string {
  if (n.default === undefined) return 'unset';
  const json = JSON.stringify(n.default);
  return code(json.length > 80 ? json.slice(0, 77) + '...' : json);
}

export function renderConfigReference(): string {
  const rootFile = 'config.schema.json';
  const root = resolve({ $ref: rootFile }, '').schema;
  const out: string[] = [
    '<!-- Generated from schemas/config/ by `npm run gen:config-docs` (alert-service/src/config/reference.ts). Do not edit by hand: change the schema and run it. -->',
    '# Configuration reference',
    '',
    'Every setting has a default, so an empty file is a valid configuration. Settings come from, in',
    'rising order: the defaults below, a YAML or JSON file (`--config <file>` or `LOGWARD_CONFIG`),',
    'a `.env` file in the working directory, and the environment. Each setting\'s environment variable',
    'is `LOGWARD_` and its path upper-cased, joined with `_`; a list takes comma-separated values or',
    'a JSON array, a map or list of objects a JSON value. `LOGWARD_INGEST_TOKEN` sets one ingest token.',
    'An unknown `LOGWARD_` variable or a wrong value stops start-up with a message naming it;',
    '`logward config` prints the effective configuration with secrets masked.',
    '',
  ];
  for (const [section, ref] of Object.entries(root.properties ?? {})) {
    const { schema: s, file } = resolve(ref, rootFile);
    out.push(`## \`${section}\``, '');
    if (s.description) out.push(s.description, '');
    out.push('| setting | environment | type | default | description |', '| --- | --- | --- | --- | --- |');
    const walk = (n: Node, f: string, path: string[]) => {
      for (const [key, sub] of Object.entries(n.properties ?? {})) {
        const r = resolve(sub, f);
        const node = r.schema;
        const p = [...path, key];
        const t = Array.isArray(node.type) ? node.type[0] : node.type;
        if (t === 'object' && node.properties) {
          walk(node, r.file, p);
          continue;
        }
        const b = bounds(node);
        const desc = [node.description ?? '', b ? `(${b})` : ''].filter(Boolean).join(' ');
        out.push(`| ${code(p.join('.'))} | ${code('LOGWARD_' + p.join('_').toUpperCase())} | ${cell(typeOf(node, r.file))} | ${cell(defaultOf(node))} | ${cell(desc)} |`);
      }
    };
    walk(s, file, [section]);
    out.push('');
  }
  return out.join('\n');
}
