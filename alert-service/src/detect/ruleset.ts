/**
 * Assembles the rules the engine runs from configuration: plugin modules + Sigma files, config
 * overrides applied, disabled rules removed. The service, `test-rule` and `analyze` all build
 * their rules here, so they run the same definitions.
 */
import { isAbsolute, join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RulesConfig } from '../generated/schema-types.js';
import { compileDefinition, type CompiledRule, type GlobalOverride } from './compiled.js';
import { DEFAULT_LIMITS, type EngineLimits } from './engine.js';
import { importRuleFile, listRuleFiles, RuleLoadError, type LoadedDefinition } from './loader.js';
import type { SigmaFilter, SkippedRule } from './sigma/load.js';

/**
 * The Sigma loader (and the YAML parser under it: some 80 modules, a fifth of a second through
 * tsx), imported when there are Sigma files to read: `test-rule ssh-brute-force` reads none.
 */
const sigmaLoader = () => import('./sigma/load.js');

/** The repository root (plugin/ and schemas/ live there). */
export const PROJECT_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

export function resolveFromRoot(p: string): string {
  return isAbsolute(p) ? p : join(PROJECT_ROOT, p);
}

export interface RuleSet {
  /** Rules to run. */
  rules: CompiledRule[];
  /** Loaded but disabled by configuration. */
  disabled: string[];
  /** Sigma rules not run because they use something unsupported. */
  skipped: SkippedRule[];
  /** Configuration mistakes that do not stop start-up (an override for an unknown rule). */
  warnings: string[];
}

export interface RuleSetOptions {
  /** CLI-wide window/threshold. */
  global?: GlobalOverride;
  /** Explicit rule module files (.ts/.js) and Sigma files (.yml) instead of the configured dirs. */
  files?: string[];
}

export function limitsFrom(cfg: RulesConfig): EngineLimits {
  return {
    maxGroupsPerRule: cfg.max_groups_per_rule ?? DEFAULT_LIMITS.maxGroupsPerRule,
    maxEventsPerGroup: cfg.max_events_per_group ?? DEFAULT_LIMITS.maxEventsPerGroup,
    allowedLatenessMs: (cfg.allowed_lateness_s ?? DEFAULT_LIMITS.allowedLatenessMs / 1000) * 1000,
    samplesPerAlert: cfg.samples_per_alert ?? DEFAULT_LIMITS.samplesPerAlert,
  };
}

export async function loadRuleSet(cfg: RulesConfig, opts: RuleSetOptions = {}): Promise<RuleSet> {
  const overrides = cfg.overrides ?? {};
  const quiet = cfg.default_quiet_s ?? 900;
  let moduleFiles: string[];
  let sigmaFiles: string[];
  /** rules.sigma_dirs: community rule sets, filtered by status and level. */
  let communityDirs: string[] = [];
  if (opts.files?.length) {
    moduleFiles = opts.files.filter((f) => /\.(ts|mts|js|mjs)$/.test(f));
    sigmaFiles = opts.files.filter((f) => /\.ya?ml$/i.test(f));
    const other = opts.files.filter((f) => !moduleFiles.includes(f) && !sigmaFiles.includes(f));
    if (other.length) throw new RuleLoadError(`rules: ${other.join(', ')}: not a rule module (.ts/.js) or Sigma file (.yml)`);
  } else {
    moduleFiles = listRuleFiles(resolveFromRoot(cfg.dir ?? 'plugin/rules'));
    sigmaFiles = cfg.sigma_dir ? (await sigmaLoader()).listSigmaFiles(resolveFromRoot(cfg.sigma_dir)) : [];
    communityDirs = (cfg.sigma_dirs ?? []).map(resolveFromRoot);
  }

  // Imported concurrently (tsx transforms each module through its loader thread: one at a time
  // is mostly waiting), reported in file order: the first broken file by name stops the load.
  const settled = await Promise.allSettled(moduleFiles.map((f) => importRuleFile(resolveFromRoot(f), PROJECT_ROOT)));
  const failed = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
  const defs: LoadedDefinition[] = settled.map((r) => (r as PromiseFulfilledResult<LoadedDefinition>).value);
  // State the rules of this load share (one sshd session table for the three SSH rules).
  const shared = new Map<string, unknown>();
  const all: CompiledRule[] = defs.map(({ def, file }) => {
    try {
      return compileDefinition(def, file, { defaultQuietSec: quiet, override: overrides[def.id], shared, ...(opts.global ? { global: opts.global } : {}) });
    } catch (err) {
      throw new RuleLoadError(`rules: ${(err as Error).message}`);
    }
  });
  const filter: SigmaFilter = { statuses: cfg.sigma_status ?? ['stable', 'test'], minLevel: cfg.sigma_min_level ?? 'medium' };
  let sigma: { rules: CompiledRule[]; skipped: SkippedRule[] } = { rules: [], skipped: [] };
  if (sigmaFiles.length || communityDirs.length) {
    const { compileSigmaDocuments, listSigmaTree, readSigmaFiles } = await sigmaLoader();
    // One compile over all Sigma documents: a correlation may reference a rule from another file.
    const docs = [
      ...readSigmaFiles(sigmaFiles.map(resolveFromRoot), PROJECT_ROOT),
      ...communityDirs.flatMap((dir) => readSigmaFiles(listSigmaTree(dir), PROJECT_ROOT, filter)),
    ];
    sigma = compileSigmaDocuments(docs, { defaultQuietSec: quiet, overrides, ...(opts.global ? { global: opts.global } : {}), root: PROJECT_ROOT });
  }
  all.push(...sigma.rules);

  const seen = new Map<string, string>();
  for (const r of all) {
    const other = seen.get(r.id);
    if (other) throw new RuleLoadError(`rules: duplicate rule id "${r.id}" in ${r.file} and ${other}`);
    seen.set(r.id, r.file);
  }

  // Sigma rules may be named by their `name` as well as their id in the configuration.
  const known = new Set([...seen.keys(), ...all.flatMap((r) => (r.name ? [r.name] : []))]);
  const warnings: string[] = [];
  for (const id of Object.keys(overrides)) if (!known.has(id)) warnings.push(`rules.overrides.${id}: no rule with that id is loaded`);
  for (const id of cfg.disabled ?? []) if (!known.has(id)) warnings.push(`rules.disabled: no rule with id "${id}" is loaded`);
  const off = new Set([...(cfg.disabled ?? []), ...Object.entries(overrides).filter(([, o]) => o.enabled === false).map(([id]) => id)]);
  const isOff = (r: CompiledRule) => off.has(r.id) || (r.name !== undefined && off.has(r.name));
  const limits = limitsFrom(cfg);
  const rules = all.filter((r) => !isOff(r));
  for (const r of rules) {
    // A sequence holds every step's events at once (5 failures + the success: 6 entries).
    const needed = r.fire.mode === 'sequence' ? r.fire.steps.reduce((n, s) => n + s.min, 0) : r.fire.threshold;
    if (needed > limits.maxEventsPerGroup) warnings.push(`rule ${r.id}: threshold ${needed} exceeds rules.max_events_per_group (${limits.maxEventsPerGroup}); it can never fire`);
  }
  return { rules, disabled: all.filter(isOff).map((r) => r.id), skipped: sigma.skipped, warnings };
}
