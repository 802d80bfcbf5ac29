/**
 * Loads every JSON Schema under schemas/ into one Ajv instance, compiled once at start-up.
 * Validators are looked up by schema file name relative to schemas/ (e.g. 'records/winevtlog.schema.json').
 */
import type { Ajv2020, ErrorObject, ValidateFunction } from 'ajv/dist/2020.js';
import { createRequire } from 'node:module';
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { useCheapStringLength } from './string-length.js';

export const SCHEMA_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'schemas');
export const SCHEMA_BASE = 'https://logward.dev/schemas/';

type JsonSchema = Record<string, unknown>;

function listSchemaFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) =>
    d.isDirectory() ? listSchemaFiles(join(dir, d.name)) : d.name.endsWith('.schema.json') ? [join(dir, d.name)] : [],
  );
}

let cachedSchemas: Map<string, JsonSchema> | undefined;

/** Raw schema documents keyed by path relative to schemas/. */
export function schemaDocuments(): Map<string, JsonSchema> {
  cachedSchemas ??= new Map(
    listSchemaFiles(SCHEMA_DIR).map((f) => [relative(SCHEMA_DIR, f).split('\\').join('/'), JSON.parse(readFileSync(f, 'utf8')) as JsonSchema]),
  );
  return cachedSchemas;
}

// Ajv and ajv-formats (CommonJS) are loaded on the first validator, not at import: a process
// that validates nothing (the offline tools on the default config) does not pay for loading them.
const require = createRequire(import.meta.url);
let ajvModules: { Ajv: typeof Ajv2020; addFormats: (a: Ajv2020) => Ajv2020 } | undefined;

function loadAjv(): NonNullable<typeof ajvModules> {
  if (!ajvModules) {
    const formats = require('ajv-formats') as { default?: unknown };
    // ajv-formats has a default export; under interop it may arrive wrapped
    ajvModules = { Ajv: (require('ajv/dist/2020.js') as { Ajv2020: typeof Ajv2020 }).Ajv2020, addFormats: (formats.default ?? formats) as (a: Ajv2020) => Ajv2020 };
  }
  return ajvModules;
}

export function createAjv(opts: { useDefaults?: boolean; coerceTypes?: boolean } = {}): Ajv2020 {
  const { Ajv: Ajv2020, addFormats } = loadAjv();
  const ajv = new Ajv2020({ allErrors: false, strict: false, useDefaults: opts.useDefaults ?? false, coerceTypes: opts.coerceTypes ?? false });
  useCheapStringLength(ajv);
  addFormats(ajv);
  for (const doc of schemaDocuments().values()) ajv.addSchema(doc);
  return ajv;
}

const validators = new Map<string, ValidateFunction>();
let sharedAjv: Ajv2020 | undefined;

/** A compiled validator for a schema file (compiled on first use, then cached). */
export function validatorFor<T = unknown>(file: string): ValidateFunction<T> {
  let v = validators.get(file);
  if (!v) {
    sharedAjv ??= createAjv();
    v = sharedAjv.getSchema(SCHEMA_BASE + file);
    if (!v) throw new Error(`unknown schema ${file}`);
    validators.set(file, v);
  }
  return v as ValidateFunction<T>;
}

/** One readable line per error: "/EventRecordID must be integer". */
export function describeErrors(errors: ErrorObject[] | null | undefined, prefix = ''): string {
  if (!errors?.length) return 'invalid';
  return errors
    .slice(0, 5)
    .map((e) => {
      const where = (prefix + e.instancePath).replace(/^\//, '').replace(/\//g, '.') || '(root)';
      if (e.keyword === 'additionalProperties') return `${where}: unknown key "${(e.params as { additionalProperty: string }).additionalProperty}"`;
      if (e.keyword === 'required') return `${where}: missing "${(e.params as { missingProperty: string }).missingProperty}"`;
      return `${where} ${e.message ?? 'is invalid'}`;
    })
    .join('; ');
}
