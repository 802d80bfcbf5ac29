/**
 * Discovers rule modules under the plugin directory, imports them (tsx runs .ts directly) and
 * validates each definition. Any broken module stops start-up with an error naming the file:
 * a half-loaded rule set would silently miss detections.
 */
import { readdirSync, readFileSync, existsSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
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

/**
 * In the precompiled tree (`npm run build:cli`, bin/precompiled.js) a rule module is the .js
 * compiled from a source file: reports name the source. The tree's manifest maps each compiled
 * file to its source and says where the sources are (other files are named relative to them).
 * Read once per root.
 */
const trees = new Map<string, { compiled: Record<string, string>; sourceRoot: string } | null>();

function ruleFileName(root: string, file: string): string {
  let tree = trees.get(root);
  if (tree === undefined) {
    tree = null;
    try {
      const m = JSON.parse(readFileSync(join(root, 'manifest.json'), 'utf8')) as { compiled?: unknown; source_root?: unknown };
      if (m.compiled && typeof m.compiled === 'object' && typeof m.source_root === 'string') tree = { compiled: m.compiled as Record<string, string>, sourceRoot: resolve(root, m.source_root) };
    } catch {
      // not a precompiled tree: files are named as they are
    }
    trees.set(root, tree);
  }
  const name = relative(root, file) || file;
  if (!tree) return name;
  return Object.hasOwn(tree.compiled, name) ? tree.compiled[name]! : relative(tree.sourceRoot, file) || file;
}

/** This module runs compiled (the precompiled tree, started without tsx); from its sources, tsx runs it. */
const COMPILED = import.meta.url.endsWith('.js');
let tsxReady: Promise<void> | undefined;

/** A module import; a TypeScript file given to a compiled run registers tsx first (once). */
async function importModule(file: string): Promise<Record<string, unknown>> {
  if (COMPILED && /\.m?ts$/.test(file)) {
    tsxReady ??= import('tsx/esm/api').then(({ register }) => {
      register();
    });
    await tsxReady;
  }
  return (await import(pathToFileURL(file).href)) as Record<string, unknown>;
}

export async function importRuleFile(file: string, root = process.cwd()): Promise<LoadedDefinition> {
  const name = ruleFileName(root, file);
  let mod: Record<string, unknown>;
  try {
    mod = await importModule(file);
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
