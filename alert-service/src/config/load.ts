/**
 * Configuration: defaults from the schema, then a YAML/JSON file, then environment variables
 * (and a .env file). Every setting is reachable from the environment as LOGWARD_<PATH>, the key
 * path upper-cased and joined with '_' (server.port → LOGWARD_SERVER_PORT); arrays take
 * comma-separated values or a JSON array. A wrong setting stops start-up with a message naming the key.
 */
import { readFileSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { config as loadDotenv } from 'dotenv';
import type { LogwardConfig } from '../generated/schema-types.js';
import { createAjv, describeErrors, schemaDocuments } from '../schema/registry.js';
import { validateNormalizeConfig } from '../normalize/index.js';
import { resolveTimeZone } from '../anomaly/time-slot.js';

export type { LogwardConfig };

export class ConfigError extends Error {
  override name = 'ConfigError';
}

type Schema = { type?: string | string[]; properties?: Record<string, Schema>; $ref?: string; items?: Schema };

/** Follow a relative $ref between schema files under schemas/ (also used by the config reference generator). */
export function deref(schema: Schema, fromFile: string): { schema: Schema; file: string } {
  if (!schema.$ref) return { schema, file: fromFile };
  const base = fromFile.includes('/') ? fromFile.slice(0, fromFile.lastIndexOf('/') + 1) : '';
  const parts = (base + schema.$ref.replace(/^\.\//, '')).split('/');
  const resolved: string[] = [];
  for (const p of parts) p === '..' ? resolved.pop() : resolved.push(p);
  const file = resolved.join('/');
  const doc = schemaDocuments().get(file);
  if (!doc) throw new Error(`schema ${fromFile} references missing ${schema.$ref}`);
  return deref(doc as Schema, file);
}

interface EnvKey { path: string[]; type: string }

/** Every leaf setting with its environment variable name, derived from the schema. */
export function environmentKeys(): Map<string, EnvKey> {
  const keys = new Map<string, EnvKey>();
  const walk = (schema: Schema, file: string, path: string[]) => {
    const { schema: s, file: f } = deref(schema, file);
    const type = Array.isArray(s.type) ? s.type[0] : s.type;
    if (type === 'object' && s.properties) {
      for (const [k, sub] of Object.entries(s.properties)) walk(sub, f, [...path, k]);
    } else if (path.length) {
      keys.set('LOGWARD_' + path.join('_').toUpperCase(), { path, type: type ?? 'string' });
    }
  };
  walk({ $ref: 'config.schema.json' }, '', []);
  return keys;
}

function coerce(raw: string, type: string, name: string): unknown {
  switch (type) {
    case 'array':
      // JSON for arrays of objects (alerting.policies), comma-separated for lists of strings.
      if (raw.trimStart().startsWith('[')) {
        try {
          return JSON.parse(raw);
        } catch {
          throw new ConfigError(`config error: ${name} starts with [ but is not a JSON array`);
        }
      }
      return raw.split(',').map((s) => s.trim()).filter(Boolean);
    case 'integer':
    case 'number': {
      const n = Number(raw);
      if (raw.trim() === '' || !Number.isFinite(n)) throw new ConfigError(`config error: ${name} must be a number, got "${raw}"`);
      return n;
    }
    case 'boolean':
      if (/^(1|true|yes|on)$/i.test(raw)) return true;
      if (/^(0|false|no|off)$/i.test(raw)) return false;
      throw new ConfigError(`config error: ${name} must be true or false, got "${raw}"`);
    case 'object':
      try {
        return JSON.parse(raw);
      } catch {
        throw new ConfigError(`config error: ${name} must be a JSON object`);
      }
    default:
      return raw;
  }
}

function setPath(target: Record<string, unknown>, path: string[], value: unknown): void {
  let node = target;
  for (const key of path.slice(0, -1)) {
    const next = node[key];
    if (typeof next !== 'object' || next === null || Array.isArray(next)) node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  node[path[path.length - 1]!] = value;
}

/** Friendly single-value names that map onto a schema key. */
const ALIASES: Record<string, string> = { LOGWARD_INGEST_TOKEN: 'LOGWARD_INGEST_TOKENS', LOGWARD_TOKEN: 'LOGWARD_INGEST_TOKENS', PORT: 'LOGWARD_SERVER_PORT' };

/** The Fluent Bit agent's variables (fluent-bit/logward.env.example): not ours, but may share an env file. */
const AGENT_VARIABLES = new Set(['LOGWARD_HOST', 'LOGWARD_PORT']);

/** The variable that set `key` or the setting holding it (ingest.tokens.0 → LOGWARD_INGEST_TOKEN). */
function variableFor(sources: ReadonlyMap<string, string>, key: string): string | undefined {
  for (const [path, name] of sources) if (key === path || key.startsWith(path + '.')) return name;
  return undefined;
}

export interface LoadOptions {
  /** Path of a YAML or JSON config file; missing → defaults only (unless `required`). */
  file?: string;
  env?: NodeJS.ProcessEnv;
  /** Load a .env file from this path into `env` first (existing variables win). */
  dotenvPath?: string;
  /** Plain object merged over the file (tests). */
  overrides?: Record<string, unknown>;
}

type DefaultsSchema = Schema & { default?: unknown; additionalProperties?: boolean | DefaultsSchema; $defs?: Record<string, DefaultsSchema> };

/** A $ref ("file.json", "../x.schema.json#/$defs/y", "#/$defs/y") from a schema in `fromFile`, followed to its target. */
function resolveRef(schema: DefaultsSchema, fromFile: string): { schema: DefaultsSchema; file: string } {
  let s = schema;
  let file = fromFile;
  for (let hops = 0; s.$ref !== undefined; hops++) {
    if (hops > 32) throw new Error(`schema ${file}: $ref chain too long`);
    const [path, pointer] = s.$ref.split('#') as [string, string | undefined];
    let doc: unknown;
    if (path) {
      const target = deref({ $ref: path }, file);
      file = target.file;
      doc = target.schema;
    } else doc = schemaDocuments().get(file);
    for (const part of (pointer ?? '').split('/').filter(Boolean)) doc = (doc as Record<string, unknown> | undefined)?.[part.replace(/~1/g, '/').replace(/~0/g, '~')];
    if (!doc || typeof doc !== 'object') throw new Error(`schema ${fromFile} references missing ${s.$ref}`);
    s = doc as DefaultsSchema;
  }
  return { schema: s, file };
}

/**
 * Fills in `value` the defaults its schema declares, as Ajv's `useDefaults` does while validating:
 * an absent property gets its `default` (a copy), then every object or array value is filled by
 * its own schema (properties, additionalProperties, items). The config schemas use no anyOf /
 * oneOf / if, where Ajv would not apply defaults.
 */
function fillDefaults(schema: DefaultsSchema, file: string, value: unknown): void {
  const { schema: s, file: f } = resolveRef(schema, file);
  if (Array.isArray(value)) {
    if (s.items && typeof s.items === 'object') for (const item of value) fillDefaults(s.items as DefaultsSchema, f, item);
    return;
  }
  if (typeof value !== 'object' || value === null) return;
  const obj = value as Record<string, unknown>;
  const props = (s.properties ?? {}) as Record<string, DefaultsSchema>;
  for (const [k, sub] of Object.entries(props)) {
    if (obj[k] === undefined && sub.default !== undefined) obj[k] = structuredClone(sub.default);
    if (obj[k] !== undefined) fillDefaults(sub, f, obj[k]);
  }
  if (s.additionalProperties && typeof s.additionalProperties === 'object') {
    for (const [k, v] of Object.entries(obj)) if (!(k in props)) fillDefaults(s.additionalProperties, f, v);
  }
}

/**
 * The configuration when nothing sets a key (no file, no variable, no overrides): every section's
 * schema defaults, without compiling the config schema (a third of the offline tools' start-up).
 * test/detect/cli.test.ts holds it equal to what validation with useDefaults makes of the same input.
 */
export function defaultConfig(): LogwardConfig {
  const merged: Record<string, unknown> = {};
  for (const section of (schemaDocuments().get('config.schema.json') as { required: string[] }).required) merged[section] = {};
  fillDefaults({ $ref: 'config.schema.json' }, '', merged);
  return merged as unknown as LogwardConfig;
}

export function loadConfig(opts: LoadOptions = {}): LogwardConfig {
  const env = opts.env ?? process.env;
  if (opts.dotenvPath && existsSync(opts.dotenvPath)) loadDotenv({ path: opts.dotenvPath, processEnv: env as Record<string, string>, quiet: true });

  let fromFile: Record<string, unknown> = {};
  const file = opts.file ?? env.LOGWARD_CONFIG;
  if (file) {
    if (!existsSync(file)) throw new ConfigError(`config error: config file ${file} does not exist`);
    try {
      // yaml is loaded only when there is a file to read (CommonJS: a synchronous require)
      const { parse: parseYaml } = createRequire(import.meta.url)('yaml') as typeof import('yaml');
      fromFile = (parseYaml(readFileSync(file, 'utf8')) as Record<string, unknown>) ?? {};
    } catch (err) {
      // Only the first line: the parser goes on to quote the offending line, which may hold a token.
      const where = (err as Error).message.split('\n', 1)[0]!.replace(/:$/, '');
      throw new ConfigError(`config error: cannot parse ${file}: ${where}`);
    }
    if (typeof fromFile !== 'object' || Array.isArray(fromFile)) throw new ConfigError(`config error: ${file} must hold a mapping of sections`);
  }
  const merged = structuredClone({ ...fromFile }) as Record<string, unknown>;
  for (const [k, v] of Object.entries(opts.overrides ?? {})) {
    merged[k] = typeof v === 'object' && v && !Array.isArray(v) ? { ...(merged[k] as object), ...v } : v;
  }

  const keys = environmentKeys();
  const sources = new Map<string, string>();
  for (const [rawName, value] of Object.entries(env)) {
    // Empty means unset: compose files pass ${VAR:-} through as ''.
    if (value === undefined || value === '') continue;
    const name = ALIASES[rawName] ?? rawName;
    const key = keys.get(name);
    if (!key) {
      if (name.startsWith('LOGWARD_') && name !== 'LOGWARD_CONFIG' && !AGENT_VARIABLES.has(name)) throw new ConfigError(`config error: unknown setting ${rawName}`);
      continue;
    }
    setPath(merged, key.path, coerce(value, key.type, rawName));
    sources.set(key.path.join('.'), rawName);
  }
  // Every section defaults to {} so its schema fills in the defaults; the list is the root schema's.
  for (const section of (schemaDocuments().get('config.schema.json') as { required: string[] }).required) merged[section] ??= {};

  const nothingSet = !file && sources.size === 0 && Object.keys(opts.overrides ?? {}).length === 0;
  const validate = nothingSet ? undefined : createAjv({ useDefaults: true }).getSchema('https://logward.dev/schemas/config.schema.json')!;
  if (!validate) Object.assign(merged, defaultConfig());
  else if (!validate(merged)) {
    const err = validate.errors?.[0];
    const key = (err?.instancePath ?? '').replace(/^\//, '').replace(/\//g, '.');
    const variable = variableFor(sources, key);
    const via = variable ? ` (from ${variable})` : file ? ` (in ${file})` : '';
    throw new ConfigError(`config error: ${describeErrors(validate.errors)}${via}`);
  }
  const config = merged as unknown as LogwardConfig;
  // Checks a JSON Schema cannot express (an IANA zone name must exist).
  const problems = validateNormalizeConfig(config.normalize);
  try {
    resolveTimeZone(config.anomaly.time_zone);
  } catch {
    problems.push(`anomaly.time_zone: unknown time zone ${JSON.stringify(config.anomaly.time_zone.slice(0, 64))}`);
  }
  if (problems.length) throw new ConfigError(`config error: ${problems.join('; ')}`);
  return config;
}
