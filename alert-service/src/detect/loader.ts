/**
 * Discovers rule modules under the plugin directory, imports them (tsx runs .ts directly) and
 * validates each definition. Any broken module stops start-up with an error naming the file:
 * a half-loaded rule set would silently miss detections.
 */
import { readdirSync, existsSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { validateRuleDefinition, type RuleDefinition } from './rule.js';

export class RuleLoadError extends Error {
  override name = 'RuleLoadError';
}

export interface LoadedDefinition {
  file: string;
  def: RuleDefinition;
}

const MODULE_RE = /\.(ts|mts|js|mjs)$/;
const SKIP_RE = /\.(d|test|spec)\.(ts|mts|js|mjs)$/;

export function listRuleFiles(dir: string): string[] {
  if (!existsSync(dir)) throw new RuleLoadError(`rules: plugin directory ${dir} does not exist`);
  if (!statSync(dir).isDirectory()) throw new RuleLoadError(`rules: ${dir} is not a directory`);
  return readdirSync(dir)
    .filter((f) => MODULE_RE.test(f) && !SKIP_RE.test(f) && !f.startsWith('_'))
    .sort()
    .map((f) => join(dir, f));
}

/** The rule a module exports: its default export, or its only exported object. */
function pickExport(mod: Record<string, unknown>): unknown {
  if (mod.default !== undefined) return mod.default;
  const objects = Object.values(mod).filter((v) => typeof v === 'object' && v !== null);
  return objects.length === 1 ? objects[0] : undefined;
}

export async function importRuleFile(file: string, root = process.cwd()): Promise<LoadedDefinition> {
  const name = relative(root, file) || file;
  let mod: Record<string, unknown>;
  try {
    mod = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  } catch (err) {
    throw new RuleLoadError(`rules: cannot load ${name}: ${(err as Error).message}`);
  }
  const def = pickExport(mod);
  if (def === undefined) throw new RuleLoadError(`rules: ${name} exports no rule (export default defineRule({...}))`);
  const problems = validateRuleDefinition(def);
  if (problems.length) throw new RuleLoadError(`rules: invalid rule in ${name}: ${problems.join('; ')}`);
  return { file: name, def: def as RuleDefinition };
}

/** Loads every rule module of a directory; refuses duplicates ids across files. */
export async function loadRuleModules(dir: string, root = process.cwd()): Promise<LoadedDefinition[]> {
  const out: LoadedDefinition[] = [];
  const byId = new Map<string, string>();
  for (const file of listRuleFiles(dir)) {
    const loaded = await importRuleFile(file, root);
    const other = byId.get(loaded.def.id);
    if (other) throw new RuleLoadError(`rules: duplicate rule id "${loaded.def.id}" in ${loaded.file} and ${other}`);
    byId.set(loaded.def.id, loaded.file);
    out.push(loaded);
  }
  return out;
}
