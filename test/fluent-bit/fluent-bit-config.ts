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

export type Section = Record<string, unknown>;
export interface FluentBitConfig {
  service: Section;
  pipeline: { inputs: Section[]; filters: Section[]; outputs: Section[] };
  [top: string]: unknown;
}

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

/** Fluent Bit's boolean property values. */
export function isOn(v: unknown): boolean {
  return v === true || (typeof v === 'string' && /^(on|true|yes)$/i.test(v)) || v === 1;
}
export function isOff(v: unknown): boolean {
  return v === false || (typeof v === 'string' && /^(off|false|no)$/i.test(v)) || v === 0;
}

/** Fluent Bit time values ('30', '30s', '1m', '2h') in seconds. */
export function seconds(v: unknown): number {
  const m = /^(\d+(?:\.\d+)?)\s*([smhd]?)$/i.exec(String(v).trim());
  if (!m) throw new Error(`not a Fluent Bit time value: ${String(v)}`);
  const mult = { '': 1, s: 1, m: 60, h: 3600, d: 86400 }[m[2]!.toLowerCase()]!;
  return Number(m[1]) * mult;
}

/** Fluent Bit unit sizes ('64k', '16M', '2G', '32KB') in bytes, taking K as 1024 (the larger reading). */
export function bytes(v: unknown): number {
  const m = /^(\d+(?:\.\d+)?)\s*([kmg]?)b?$/i.exec(String(v).trim());
  if (!m) throw new Error(`not a Fluent Bit size: ${String(v)}`);
  const mult = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 }[m[2]!.toLowerCase()]!;
  return Number(m[1]) * mult;
}

/** Comma-separated list property → items. */
export function list(v: unknown): string[] {
  return String(v ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
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

/** Substitute ${VAR} the way Fluent Bit does (unset → empty). */
export function substitute(value: string, env: Record<string, string | undefined>): string {
  return value.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_, name: string) => env[name] ?? '');
}

/** Tag of a tail record: '*' in the tag replaced by the file path with '/' turned into '.' (in_tail tag_compose). */
export function expandTailTag(tag: string, path: string): string {
  if (!tag.includes('*')) return tag;
  const p = path.replace(/[/\\:]/g, '.').replace(/^\.+/, '').replace(/\.{2,}/g, '.');
  return tag.replace('*', p).replace(/\.$/, '');
}

/** Fluent Bit router match: '*' matches any run of characters, dots included. */
export function tagMatches(pattern: string, tag: string): boolean {
  const re = new RegExp('^' + pattern.split('*').map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*') + '$');
  return re.test(tag);
}

/** Shell-style glob for tail `path` (one path segment per '*'). */
export function pathGlobMatches(glob: string, path: string): boolean {
  const re = new RegExp(
    '^' +
      glob
        .split('')
        .map((c) => (c === '*' ? '[^/]*' : c === '?' ? '[^/]' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
        .join('') +
      '$',
  );
  return re.test(path);
}

/** `record:` items of record_modifier filters ("key value") → map. */
export function recordItems(filter: Section): Map<string, string> {
  const out = new Map<string, string>();
  const items = Array.isArray(filter.record) ? filter.record : filter.record === undefined ? [] : [filter.record];
  for (const item of items) {
    const m = /^(\S+)\s+(.*)$/.exec(String(item).trim());
    if (!m) throw new Error(`record_modifier item "${String(item)}" is not "key value"`);
    out.set(m[1]!, m[2]!);
  }
  return out;
}

/** Keys a record_modifier adds to records carrying `tag`, in filter order (later wins, as in Fluent Bit). */
export function keysAddedFor(cfg: FluentBitConfig, tag: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const f of cfg.pipeline.filters) {
    if (f.name !== 'record_modifier' || !tagMatches(String(f.match), tag)) continue;
    for (const [k, v] of recordItems(f)) out.set(k, v);
  }
  return out;
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
