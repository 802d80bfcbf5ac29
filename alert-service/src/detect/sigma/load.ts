/**
 * Loads Sigma rules (YAML, several documents per file allowed) into the engine's CompiledRule
 * form. Plain rules fire on single events; correlation rules (event_count, value_count,
 * temporal, temporal_ordered) become windowed rules on the same engine. Rules referenced by a
 * correlation do not alert on their own unless the correlation says `generate: true` (Sigma
 * spec). A rule using anything unsupported is returned in `skipped` with the reason; a file that
 * is not valid YAML stops start-up (it is broken, not merely unsupported).
 */
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseAllDocuments } from 'yaml';
import type { LogEvent, RuleOverride, SourceKind } from '../../generated/schema-types.js';
import { groupFns, lowerSet, resolveFire, type CompiledRule, type Evaluation, type GlobalOverride } from '../compiled.js';
import type { Extracted, FireSpec } from '../rule.js';
import { RuleLoadError } from '../loader.js';
import { compileDetection } from './detection.js';
import { mapLogsource, sigmaGetter, type LogsourceScope } from './fields.js';

export interface SkippedRule {
  file: string;
  title: string;
  reason: string;
}

export interface SigmaLoadOptions {
  defaultQuietSec: number;
  overrides?: Record<string, RuleOverride>;
  global?: GlobalOverride;
  root?: string;
}

interface SigmaDoc {
  file: string;
  doc: Record<string, unknown>;
}

interface BaseRule {
  key: string;
  names: string[];
  doc: SigmaDoc;
  scope: LogsourceScope;
  matches: (e: LogEvent) => boolean;
  fields: string[];
}

const LEVELS = new Set(['informational', 'low', 'medium', 'high', 'critical']);

export function parseTimespan(v: unknown): number {
  const m = typeof v === 'string' ? /^(\d{1,7})([smhd])$/.exec(v.trim()) : null;
  if (!m) throw new Error(`timespan ${JSON.stringify(v)} must look like 30s, 5m, 1h or 1d`);
  return Number(m[1]) * { s: 1, m: 60, h: 3600, d: 86400 }[m[2] as 's' | 'm' | 'h' | 'd'];
}

function scopeCheck(scope: LogsourceScope): (e: LogEvent) => boolean {
  const kinds = scope.kinds ? new Set<string>(scope.kinds) : undefined;
  const programs = lowerSet(scope.programs);
  const channels = lowerSet(scope.channels);
  return (e) =>
    (!kinds || kinds.has(e.source.kind)) &&
    (!programs || (e.program !== undefined && programs.has(e.program.toLowerCase()))) &&
    (!channels || (e.source.channel !== undefined && channels.has(e.source.channel.toLowerCase())));
}

function extractFields(fields: readonly string[]): (e: LogEvent, into?: Extracted) => Extracted {
  const getters = fields.slice(0, 12).map((f) => [f, sigmaGetter(f)] as const);
  return (e, into = {}) => {
    for (const [name, get] of getters) {
      const v = get(e);
      if (v !== undefined && v !== '') into[name] = v;
    }
    return into;
  };
}

function meta(d: SigmaDoc, key: string, override: RuleOverride | undefined) {
  const { doc } = d;
  const level = typeof doc.level === 'string' && LEVELS.has(doc.level) ? (doc.level as CompiledRule['severity']) : 'medium';
  return {
    id: key,
    title: typeof doc.title === 'string' ? doc.title : key,
    description: typeof doc.description === 'string' ? doc.description : '',
    severity: override?.severity ?? level,
    tags: Array.isArray(doc.tags) ? doc.tags.filter((t): t is string => typeof t === 'string') : [],
    source: 'sigma' as const,
    ...(typeof doc.name === 'string' && doc.name !== key ? { name: doc.name } : {}),
    file: d.file,
  };
}

function scopeFields(scope: LogsourceScope) {
  return {
    ...(scope.kinds ? { kinds: new Set<SourceKind>(scope.kinds) } : {}),
    ...(scope.programs ? { programs: lowerSet(scope.programs)! } : {}),
    ...(scope.channels ? { channels: lowerSet(scope.channels)! } : {}),
  };
}

function groupKeyOf(groupBy: readonly string[]): Pick<CompiledRule, 'groupKey' | 'key'> {
  return groupFns(groupBy.map((f) => {
    const get = sigmaGetter(f);
    return (e: LogEvent) => get(e);
  }));
}

/** The union of several scopes (a correlation sees what any of its rules sees). */
function unionScope(scopes: LogsourceScope[]): LogsourceScope {
  const union = (pick: (s: LogsourceScope) => string[] | undefined) => (scopes.some((s) => !pick(s)) ? undefined : [...new Set(scopes.flatMap((s) => pick(s)!))]);
  const kinds = union((s) => s.kinds) as SourceKind[] | undefined;
  const programs = union((s) => s.programs);
  const channels = union((s) => s.channels);
  return { ...(kinds ? { kinds } : {}), ...(programs ? { programs } : {}), ...(channels ? { channels } : {}) };
}

function ruleKey(d: SigmaDoc, index: number): string {
  const { doc } = d;
  return typeof doc.id === 'string' ? doc.id : typeof doc.name === 'string' ? doc.name : `${d.file}#${index}`;
}

function overrideFor(opts: SigmaLoadOptions, d: SigmaDoc, key: string): RuleOverride | undefined {
  const name = typeof d.doc.name === 'string' ? d.doc.name : undefined;
  return opts.overrides?.[key] ?? (name ? opts.overrides?.[name] : undefined);
}

/** `bases[i]` is the rule `refs[i]` names; steps of temporal correlations carry those names. */
function compileCorrelation(d: SigmaDoc, key: string, bases: BaseRule[], refs: string[], opts: SigmaLoadOptions): CompiledRule {
  const c = d.doc.correlation as Record<string, unknown>;
  const type = c.type;
  const windowSec = parseTimespan(c.timespan);
  const groupBy = c['group-by'] === undefined ? [] : c['group-by'];
  if (!Array.isArray(groupBy) || !groupBy.every((g) => typeof g === 'string')) throw new Error('correlation group-by must be a list of field names');
  if (c.aliases !== undefined) throw new Error('correlation aliases are not supported');
  const cond = (c.condition ?? {}) as Record<string, unknown>;
  const condKeys = Object.keys(cond).filter((k) => k !== 'field');
  const threshold = (): number => {
    if (condKeys.length !== 1) throw new Error('correlation condition must be exactly one of gte/gt (lt, lte, eq and ranges need end-of-window evaluation, not supported)');
    const op = condKeys[0]!;
    const n = cond[op];
    if (typeof n !== 'number' || !Number.isInteger(n) || n < 0) throw new Error(`correlation condition ${op} needs an integer`);
    if (op === 'gte') return Math.max(1, n);
    if (op === 'gt') return n + 1;
    throw new Error(`correlation condition ${op} is not supported (only gte, gt)`);
  };

  let spec: FireSpec;
  let distinctGet: ((e: LogEvent) => string | number | undefined) | undefined;
  switch (type) {
    case 'event_count':
      spec = { mode: 'count', threshold: threshold(), windowSec, groupBy };
      break;
    case 'value_count': {
      if (typeof cond.field !== 'string') throw new Error('value_count needs condition.field');
      spec = { mode: 'distinct', field: cond.field, threshold: threshold(), windowSec, groupBy };
      distinctGet = sigmaGetter(cond.field);
      break;
    }
    case 'temporal':
    case 'temporal_ordered': {
      if (condKeys.length) {
        const n = threshold();
        if (n !== bases.length) throw new Error('temporal condition counting fewer than all referenced rules is not supported');
      }
      spec = { mode: 'sequence', ordered: type === 'temporal_ordered', windowSec, groupBy, steps: refs.map((name) => ({ name, min: 1 })) };
      break;
    }
    default:
      throw new Error(`correlation type ${JSON.stringify(type)} is not supported`);
  }
  const override = overrideFor(opts, d, key);
  const fire = resolveFire(spec, opts.defaultQuietSec, override, opts.global);
  const tests = bases.map((b, i) => ({ key: refs[i]!, test: b.matches, extract: extractFields(b.fields) }));
  const isSequence = fire.mode === 'sequence';
  const groupFields = extractFields(fire.groupBy);
  const evaluate = (e: LogEvent): Evaluation | null => {
    let steps: string[] | undefined;
    let values: Extracted | undefined;
    for (const t of tests) {
      if (!t.test(e)) continue;
      values ??= t.extract(e, groupFields(e));
      if (!isSequence) break;
      (steps ??= []).push(t.key);
    }
    if (!values) return null;
    if (distinctGet) {
      const v = distinctGet(e);
      if (v === undefined || v === '') return null;
      return { values, distinct: String(v) };
    }
    return steps ? { values, steps } : { values };
  };
  return {
    ...meta(d, key, override),
    ...scopeFields(unionScope(bases.map((b) => b.scope))),
    evaluate,
    fire,
    ...groupKeyOf(fire.groupBy),
  };
}

function compileBaseAsRule(b: BaseRule, opts: SigmaLoadOptions): CompiledRule {
  const override = overrideFor(opts, b.doc, b.key);
  const fire = resolveFire({ mode: 'single', groupBy: ['host'] }, opts.defaultQuietSec, override, undefined);
  const extract = extractFields(b.fields);
  const matches = b.matches;
  return {
    ...meta(b.doc, b.key, override),
    ...scopeFields(b.scope),
    evaluate: (e) => (matches(e) ? { values: extract(e) } : null),
    fire,
    ...groupKeyOf(fire.groupBy),
  };
}

/** Compiles parsed Sigma documents (exported for tests and test-rule). */
export function compileSigmaDocuments(docs: SigmaDoc[], opts: SigmaLoadOptions): { rules: CompiledRule[]; skipped: SkippedRule[] } {
  const skipped: SkippedRule[] = [];
  const bases = new Map<string, BaseRule>();
  const correlations: Array<{ d: SigmaDoc; key: string }> = [];
  const skip = (d: SigmaDoc, reason: string) => skipped.push({ file: d.file, title: String(d.doc.title ?? '(untitled)'), reason });

  docs.forEach((d, i) => {
    const key = ruleKey(d, i);
    try {
      if (d.doc.correlation !== undefined) {
        correlations.push({ d, key });
        return;
      }
      if (typeof d.doc.title !== 'string') throw new Error('title is missing');
      const scope = mapLogsource(d.doc.logsource);
      const det = compileDetection(d.doc.detection);
      const inScope = scopeCheck(scope);
      const base: BaseRule = { key, names: [key], doc: d, scope, fields: det.fields, matches: (e) => inScope(e) && det.match(e) };
      if (typeof d.doc.name === 'string') base.names.push(d.doc.name);
      if (typeof d.doc.id === 'string') base.names.push(d.doc.id);
      for (const n of base.names) bases.set(n, base);
    } catch (err) {
      skip(d, (err as Error).message);
    }
  });

  const referenced = new Set<BaseRule>();
  const rules: CompiledRule[] = [];
  for (const { d, key } of correlations) {
    try {
      const c = d.doc.correlation as Record<string, unknown>;
      if (typeof c !== 'object' || c === null) throw new Error('correlation must be a map');
      const refs = Array.isArray(c.rules) ? c.rules : typeof c.rules === 'string' ? [c.rules] : [];
      if (!refs.length) throw new Error('correlation.rules is empty');
      const refBases = refs.map((r) => {
        const b = bases.get(String(r));
        if (b) return b;
        if (correlations.some((x) => x.key === String(r) || x.d.doc.name === r)) throw new Error(`chaining correlations (${String(r)}) is not supported`);
        throw new Error(`referenced rule ${String(r)} is not loaded (missing or skipped)`);
      });
      rules.push(compileCorrelation(d, key, refBases, refs.map(String), opts));
      if (c.generate !== true) for (const b of refBases) referenced.add(b);
    } catch (err) {
      skip(d, (err as Error).message);
    }
  }
  for (const b of new Set(bases.values())) if (!referenced.has(b)) rules.unshift(compileBaseAsRule(b, opts));
  return { rules, skipped };
}

export function listSigmaFiles(dir: string): string[] {
  if (!dir || !existsSync(dir)) return [];
  return readdirSync(dir).filter((f) => /\.ya?ml$/i.test(f)).sort().map((f) => join(dir, f));
}

/** Reads and compiles every Sigma file of a directory. */
export function loadSigmaFiles(files: readonly string[], opts: SigmaLoadOptions): { rules: CompiledRule[]; skipped: SkippedRule[] } {
  const docs: SigmaDoc[] = [];
  for (const path of files) {
    const file = relative(opts.root ?? process.cwd(), path) || path;
    for (const yamlDoc of parseAllDocuments(readFileSync(path, 'utf8'))) {
      if (yamlDoc.errors.length) throw new RuleLoadError(`rules: ${file} is not valid YAML: ${yamlDoc.errors[0]!.message}`);
      const doc = yamlDoc.toJS() as unknown;
      if (doc === null || doc === undefined) continue;
      if (typeof doc !== 'object' || Array.isArray(doc)) throw new RuleLoadError(`rules: ${file} holds a YAML document that is not a Sigma rule map`);
      docs.push({ file, doc: doc as Record<string, unknown> });
    }
  }
  return compileSigmaDocuments(docs, opts);
}
