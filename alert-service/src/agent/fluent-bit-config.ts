/**
 * The repo's Fluent Bit agent config (fluent-bit/linux/fluent-bit.yaml) read the way Fluent Bit
 * reads it: property units, tail tag expansion, router matching, record_modifier items. Shared by
 * `logward replay`, the ingest benchmark and the config tests, so all three model the same agent.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';

export type Section = Record<string, unknown>;
export interface FluentBitConfig {
  service: Section;
  pipeline: { inputs: Section[]; filters: Section[]; outputs: Section[] };
  [top: string]: unknown;
}

export const REPO_ROOT = join(import.meta.dirname, '..', '..', '..');
export const LINUX_AGENT_CONFIG = join(REPO_ROOT, 'fluent-bit', 'linux', 'fluent-bit.yaml');

export function readAgentConfig(path = LINUX_AGENT_CONFIG): FluentBitConfig {
  return parseYaml(readFileSync(path, 'utf8')) as FluentBitConfig;
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

/** The `http` output block (the one that posts to the service). */
export function httpOutput(cfg: FluentBitConfig): Section {
  const out = cfg.pipeline.outputs.find((o) => o.name === 'http');
  if (!out) throw new Error('the agent config has no http output');
  return out;
}
