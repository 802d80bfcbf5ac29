/**
 * Helpers for the fluent-bit/ config tests: load the YAML configs as Fluent Bit would see them and
 * answer the questions Fluent Bit itself would (tag expansion, tag matching, ${VAR} lookup, units).
 * Fluent Bit is not installed on these machines, so the tests check the configs statically.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseDocument } from 'yaml';
import { FIXTURES } from '../helpers/paths.js';

export const REPO = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const FB_DIR = join(REPO, 'fluent-bit');
export const CAPTURES = join(FIXTURES, 'fluent-bit-captures');
export const WINDOWS_SAMPLES = join(FIXTURES, 'windows-eventlog-samples');

// Fluent Bit's reading of its config is shared with `logward replay` and the ingest benchmark.
import type { FluentBitConfig, Section } from '../../alert-service/src/agent/fluent-bit-config.js';
import { expandTailTag, list, recordItems, substitute, tagMatches } from '../../alert-service/src/agent/fluent-bit-config.js';
export type { FluentBitConfig, Section };
export { bytes, expandTailTag, isOff, isOn, keysAddedFor, list, pathGlobMatches, recordItems, seconds, substitute, tagMatches } from '../../alert-service/src/agent/fluent-bit-config.js';

/** Where each config lives once installed (README "Install"): parsers_file must resolve next to it. */
export const TARGETS = {
  linux: { file: 'linux/fluent-bit.yaml', deployedDir: '/etc/fluent-bit', sep: '/' },
  windows: { file: 'windows/fluent-bit.yaml', deployedDir: 'C:\\Program Files\\fluent-bit\\conf', sep: '\\' },
} as const;
export type Target = keyof typeof TARGETS;

/** Parse YAML strictly: any syntax error, duplicate key or warning fails. */
export function parseYamlStrict(text: string, what: string): unknown {
  const doc = parseDocument(text, { uniqueKeys: true, prettyErrors: true });
  const problems = [...doc.errors, ...doc.warnings];
  if (problems.length) throw new Error(`${what}: ${problems.map((p) => p.message).join('; ')}`);
  return doc.toJS();
}

export function readText(relPath: string): string {
  return readFileSync(join(FB_DIR, relPath), 'utf8');
}

export function loadConfig(target: Target): FluentBitConfig {
  return parseYamlStrict(readText(TARGETS[target].file), TARGETS[target].file) as FluentBitConfig;
}

export function loadYamlFile(path: string): Record<string, unknown> {
  return parseYamlStrict(readFileSync(path, 'utf8'), path) as Record<string, unknown>;
}

/** Every ${VAR} in a text. */
export function envVarsIn(text: string): Set<string> {
  return new Set([...text.matchAll(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g)].map((m) => m[1]!));
}

/** KEY=value lines of logward.env.example: `set` are uncommented, `documented` includes commented ones. */
export function envExample(): { set: Map<string, string>; documented: Set<string> } {
  const set = new Map<string, string>();
  const documented = new Set<string>();
  for (const line of readText('logward.env.example').split('\n')) {
    const m = /^\s*(#\s*)?([A-Z_][A-Z0-9_]*)=(.*)$/.exec(line);
    if (!m) continue;
    documented.add(m[2]!);
    if (!m[1]) set.set(m[2]!, m[3]!);
  }
  return { set, documented };
}

/** Record_modifier filters that set `key` on `tag`. */
export function filtersSetting(cfg: FluentBitConfig, tag: string, key: string): Section[] {
  return cfg.pipeline.filters.filter((f) => f.name === 'record_modifier' && tagMatches(String(f.match), tag) && recordItems(f).has(key));
}

/** Representative tags each input produces (tail: one per path entry; others: the tag itself). */
export function sampleTags(input: Section, env: Record<string, string>): Array<{ tag: string; path?: string }> {
  if (input.name !== 'tail') return [{ tag: String(input.tag) }];
  return list(substitute(String(input.path), env)).map((glob) => {
    const path = glob.replace(/\*/g, 'example');
    return { tag: expandTailTag(String(input.tag), path), path };
  });
}

export function captureBodies(folder: string): Array<{ name: string; path: string; headers: Record<string, string>; body: Buffer }> {
  const dir = join(CAPTURES, folder);
  return readdirSync(dir)
    .filter((f) => f.endsWith('.body'))
    .sort()
    .map((f) => {
      const base = f.slice(0, -'.body'.length);
      const meta = JSON.parse(readFileSync(join(dir, `${base}.headers.json`), 'utf8')) as { path: string; headers: Record<string, string> };
      return { name: base, path: meta.path, headers: meta.headers, body: readFileSync(join(dir, f)) };
    });
}
