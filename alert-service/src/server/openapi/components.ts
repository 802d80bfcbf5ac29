/**
 * The OpenAPI document's component schemas, taken from the JSON Schemas in schemas/ (the same
 * files that validate ingest and API bodies and generate the TypeScript types), not restated:
 * each top-level schema becomes components.schemas.<its title>, with its `$ref`s to sibling
 * files rewritten to component references. Config and record schemas stay out (they describe
 * files and Fluent Bit records, not the API).
 */
import { schemaDocuments } from '../../schema/registry.js';

type Json = Record<string, unknown>;

const COMPONENT_PREFIX = '#/components/schemas/';

/** Files under schemas/ (top level) that the API uses; `config.schema.json` is the config file's. */
function apiSchemaFiles(): string[] {
  return [...schemaDocuments().keys()].filter((f) => !f.includes('/') && f !== 'config.schema.json').sort();
}

/** The component name of a schema file: its title (unique across schemas/). */
export function componentName(file: string): string {
  const doc = schemaDocuments().get(file);
  const title = doc?.title;
  if (typeof title !== 'string') throw new Error(`schemas/${file} has no title to name its OpenAPI component`);
  return title;
}

/** A reference to the component made from a schema file. */
export const schemaRef = (file: string): Json => ({ $ref: COMPONENT_PREFIX + componentName(file) });

function rewrite(node: unknown, self: string): unknown {
  if (Array.isArray(node)) return node.map((n) => rewrite(n, self));
  if (!node || typeof node !== 'object') return node;
  const out: Json = {};
  for (const [k, v] of Object.entries(node as Json)) {
    if (k === '$schema' || k === '$id') continue; // one document, one dialect (jsonSchemaDialect)
    if (k === '$ref' && typeof v === 'string') {
      const [file, pointer] = v.split('#') as [string, string | undefined];
      const target = file ? componentName(file.replace(/^\.\//, '')) : self;
      out.$ref = COMPONENT_PREFIX + target + (pointer ?? '');
      continue;
    }
    out[k] = rewrite(v, self);
  }
  return out;
}

/** components.schemas built from schemas/. */
export function schemaComponents(): Record<string, Json> {
  const docs = schemaDocuments();
  const out: Record<string, Json> = {};
  for (const f of apiSchemaFiles()) {
    const name = componentName(f);
    out[name] = rewrite(docs.get(f), name) as Json;
  }
  return out;
}
