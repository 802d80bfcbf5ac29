/**
 * Loads Sigma rules (YAML, several documents per file allowed) into the engine's CompiledRule
 * form. Plain rules fire on single events; correlation rules (event_count, value_count,
 * temporal, temporal_ordered) become windowed rules on the same engine. Rules referenced by a
 * correlation do not alert on their own unless the correlation says `generate: true` (Sigma
 * spec). A rule using anything unsupported is returned in `skipped` with the reason; a file that
 * is not valid YAML stops start-up (it is broken, not merely unsupported).
 */
import { readdirSync, readFileSync, existsSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseAllDocuments } from 'yaml';
import type { LogEvent, RuleOverride, SourceKind } from '../../generated/schema-types.js';
import { groupFns, lowerSet, resolveFire, type CompiledRule, type Evaluation, type GlobalOverride } from '../compiled.js';
import type { Extracted, FireSpec } from '../rule.js';
import { RuleLoadError } from '../loader.js';
import { compileDetection } from './detection.js';
import { sigmaGetter, type SigmaGetter } from './fields.js';
import { indexAtoms, type PrefilterSpec, type PrefilterTarget } from './prefilter.js';
import { sysmonLinuxEventId, sysmonLinuxGetter } from './sysmon-linux.js';
import { auditdGetter } from './auditd.js';
import { distinguishingFields, resolveLogsource, type LogsourceTarget } from './logsources.js';
import { allFields, LEVELS, mapFields, parseSigmaRule, positiveFields, requiredEventIds, type SigmaLevel, type SigmaRuleTree, type SigmaStatus } from './tree.js';

export interface SkippedRule {
  file: string;
  title: string;
  reason: string;
  /** `unsupported`: uses something Logward cannot run; `filtered`: left out by rules.sigma_status / sigma_min_level. */
  kind: 'unsupported' | 'filtered';
}

/** Which community rules to load (rules.sigma_dirs); files given explicitly are not filtered. */
export interface SigmaFilter {
  statuses: readonly SigmaStatus[];
  minLevel: SigmaLevel;
}

export interface SigmaLoadOptions {
  defaultQuietSec: number;
  overrides?: Record<string, RuleOverride>;
  global?: GlobalOverride;
  root?: string;
}

export interface SigmaDoc {
  file: string;
  doc: Record<string, unknown>;
  filter?: SigmaFilter;
}

interface Scope {
  kinds?: SourceKind[];
  programs?: string[];
  channels?: string[];
  eventIds?: number[];
}

interface BaseRule {
  key: string;
  names: string[];
  doc: SigmaDoc;
  scope: Scope;
  /** Scope and detection both checked (correlations call it without the engine's index). */
  matches: (e: LogEvent) => boolean;
  /** Detection only: the engine's index has already checked kind, channel and EventID. */
  detect: (e: LogEvent) => Evaluation | null;
  fields: string[];
  /** Values of the rule's fields (Sigma names) read through the matching target's field mapping. */
  extract: (e: LogEvent, into?: Extracted) => Extracted;
  groupBy: string[];
  /** Windows rules: channel/EventID/field-value index entries (see prefilter.ts). */
  prefilter?: PrefilterSpec;
  /** The target whose detection an event meets (by channel and EventID), as `detect` picks it. */
  pick: (e: LogEvent) => CompiledTarget | undefined;
}

export function parseTimespan(v: unknown): number {
  const m = typeof v === 'string' ? /^(\d{1,7})([smhd])$/.exec(v.trim()) : null;
  if (!m) throw new Error(`timespan ${JSON.stringify(v)} must look like 30s, 5m, 1h or 1d`);
  return Number(m[1]) * { s: 1, m: 60, h: 3600, d: 86400 }[m[2] as 's' | 'm' | 'h' | 'd'];
}

function scopeCheck(scope: Scope): (e: LogEvent) => boolean {
  const kinds = scope.kinds ? new Set<string>(scope.kinds) : undefined;
  const programs = lowerSet(scope.programs);
  const channels = lowerSet(scope.channels);
  const ids = scope.eventIds ? new Set(scope.eventIds) : undefined;
  return (e) =>
    (!kinds || kinds.has(e.source.kind)) &&
    (!programs || (e.program !== undefined && programs.has(e.program.toLowerCase()))) &&
    (!channels || (e.source.channel !== undefined && channels.has(e.source.channel.toLowerCase()))) &&
    (!ids || (e.fields.event_id !== undefined && ids.has(e.fields.event_id)));
}

/** Getters for Sigma field names, through a target's field mapping and event source. */
function mappedGetter(map: Readonly<Record<string, string>> | undefined, source?: LogsourceTarget['eventSource']): (f: string) => SigmaGetter {
  const base = source === 'sysmon-linux' ? sysmonLinuxGetter : source === 'auditd' ? auditdGetter : sigmaGetter;
  return (f) => base(map?.[f] ?? f);
}

const eventIdField = (e: LogEvent) => e.fields.event_id;

function extractFields(fields: readonly string[], getterFor: (f: string) => SigmaGetter = sigmaGetter): (e: LogEvent, into?: Extracted) => Extracted {
  const getters = fields.map((f) => [f, getterFor(f)] as const);
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
  // Sigma levels are Logward's severities, name for name.
  const level = typeof doc.level === 'string' && (LEVELS as readonly string[]).includes(doc.level) ? (doc.level as CompiledRule['severity']) : 'medium';
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

function scopeFields(scope: Scope) {
  return {
    ...(scope.kinds ? { kinds: new Set<SourceKind>(scope.kinds) } : {}),
    ...(scope.programs ? { programs: lowerSet(scope.programs)! } : {}),
    ...(scope.channels ? { channels: lowerSet(scope.channels)! } : {}),
    ...(scope.eventIds ? { eventIds: new Set(scope.eventIds) } : {}),
  };
}

function groupKeyOf(groupBy: readonly string[]): Pick<CompiledRule, 'groupKey' | 'key'> {
  return groupFns(groupBy.map((f) => {
    const get = sigmaGetter(f);
    return (e: LogEvent) => get(e);
  }));
}

/** Group values of plain rules: what the matching target extracted (field-mapped), the host from the event. */
function extractedGroupKey(groupBy: readonly string[]): Pick<CompiledRule, 'groupKey' | 'key'> {
  return groupFns(groupBy.map((f) => {
    if (f === 'host') return (e: LogEvent) => e.host;
    const get = sigmaGetter(f);
    return (e: LogEvent, values: Extracted) => values[f] ?? get(e);
  }));
}

/** The union of several scopes (a correlation sees what any of its rules sees). */
function unionScope(scopes: Scope[]): Scope {
  const union = <T>(pick: (s: Scope) => T[] | undefined) => (scopes.some((s) => !pick(s)) ? undefined : [...new Set(scopes.flatMap((s) => pick(s)!))]);
  const kinds = union((s) => s.kinds);
  const programs = union((s) => s.programs);
  const channels = union((s) => s.channels);
  const eventIds = union((s) => s.eventIds);
  return { ...(kinds ? { kinds } : {}), ...(programs ? { programs } : {}), ...(channels ? { channels } : {}), ...(eventIds ? { eventIds } : {}) };
}

function ruleKey(d: SigmaDoc, index: number): string {
  const { doc } = d;
  return typeof doc.id === 'string' ? doc.id : typeof doc.name === 'string' ? doc.name : `${d.file}#${index}`;
}

function overrideFor(opts: SigmaLoadOptions, d: SigmaDoc, key: string): RuleOverride | undefined {
  const name = typeof d.doc.name === 'string' ? d.doc.name : undefined;
  return opts.overrides?.[key] ?? (name ? opts.overrides?.[name] : undefined);
}

/**
 * Never grouped by: names that say which events a rule reads rather than which detection it made,
 * and free text (a group per log line would make the quiet period meaningless).
 */
const NOT_GROUPED = new Set(['eventid', 'channel', 'provider_name', 'provider', 'computer', 'computername', 'hostname', 'host', 'keywords', 'level', 'task', 'opcode', 'version', 'message', 'msg', 'program', 'processname', 'process.name', 'deviceprocessname']);
/** Most selection fields a plain rule groups by (beyond host and the channel's distinguishing fields). */
const MAX_GROUP_FIELDS = 8;

interface CompiledTarget {
  target: LogsourceTarget;
  eventIds?: ReadonlySet<number>;
  /** Where the EventID is read (the message for Sysmon for Linux). */
  eventIdOf: (e: LogEvent) => number | undefined;
  match: (e: LogEvent) => boolean;
  extract: (e: LogEvent, into?: Extracted) => Extracted;
  /** Getters of the Sigma field names through this target's mapping (what `extract` reads). */
  getterFor: (f: string) => SigmaGetter;
}

/**
 * A plain rule compiled once per logsource target: the detection with the target's field
 * mapping applied (processing step), its EventIDs narrowed to those the detection requires.
 */
function compileBase(d: SigmaDoc, key: string): BaseRule {
  const tree: SigmaRuleTree = parseSigmaRule(d.doc);
  const required = requiredEventIds(tree.detection);
  const selected = positiveFields(tree.detection).filter((f) => !NOT_GROUPED.has(f.toLowerCase())).slice(0, MAX_GROUP_FIELDS);
  const targets: CompiledTarget[] = [];
  const prefilterTargets: PrefilterTarget[] = [];
  const groupExtra = new Set<string>();
  for (const target of resolveLogsource(tree.logsource)) {
    let ids = target.eventIds ? new Set(target.eventIds) : required;
    if (target.eventIds && required) ids = new Set(target.eventIds.filter((id) => required.has(id)));
    if (ids && ids.size === 0) continue; // the rule's own EventID excludes this target (e.g. EventID 1 on Security 4688)
    const mapped = mapFields(tree.detection, target.fieldMap);
    const det = compileDetection(mapped, mappedGetter(undefined, target.eventSource), target.eventSource ? `\u0001${target.eventSource}:` : '');
    if (target.channels) prefilterTargets.push({ channels: target.channels.map((c) => c.toLowerCase()), ...(ids ? { eventIds: [...ids] } : {}), ...indexAtoms(mapped) });
    for (const f of distinguishingFields(target)) groupExtra.add(f);
    const eventIdOf = target.eventSource === 'sysmon-linux' ? sysmonLinuxEventId : eventIdField;
    const getterFor = mappedGetter(target.fieldMap, target.eventSource);
    targets.push({ target, ...(ids ? { eventIds: ids } : {}), eventIdOf, match: det.match, extract: extractFields([], getterFor), getterFor });
  }
  if (!targets.length) throw new Error(`the rule's EventIDs (${[...(required ?? [])].join(', ')}) are outside its logsource`);
  const fields = [...new Set([...allFields(tree.detection).slice(0, 24), ...groupExtra])];
  const groupBy = ['host', ...new Set([...selected, ...groupExtra])];
  for (const t of targets) t.extract = extractFields(fields, t.getterFor);
  // EventIDs read from the message are checked by the target, not indexed (the event has no fields.event_id).
  const scope = unionScope(targets.map((t) => ({ kinds: t.target.kinds, ...(t.target.channels ? { channels: t.target.channels } : {}), ...(t.target.programs ? { programs: t.target.programs } : {}), ...(t.eventIds && !t.target.eventSource ? { eventIds: [...t.eventIds] } : {}) })));
  const pick = targetPicker(targets);
  const inScope = scopeCheck(scope);
  const detect = (e: LogEvent): Evaluation | null => {
    const t = pick(e);
    return t && t.match(e) ? { values: t.extract(e) } : null;
  };
  const base: BaseRule = {
    key,
    names: [key],
    doc: d,
    scope,
    matches: (e) => inScope(e) && detect(e) !== null,
    detect,
    fields,
    extract: (e, into) => (pick(e)?.extract ?? targets[0]!.extract)(e, into),
    groupBy,
    pick,
    ...(prefilterTargets.length === targets.length ? { prefilter: { targets: prefilterTargets } } : {}),
  };
  if (tree.name) base.names.push(tree.name);
  if (tree.id) base.names.push(tree.id);
  return base;
}

/** The target an event belongs to: by channel, then EventID (one channel can carry several targets). */
function targetPicker(targets: CompiledTarget[]): (e: LogEvent) => CompiledTarget | undefined {
  if (targets.length === 1) {
    const t = targets[0]!;
    const ids = t.eventIds;
    return ids ? (e) => {
      const id = t.eventIdOf(e);
      return id !== undefined && ids.has(id) ? t : undefined;
    } : () => t;
  }
  const channels = targets.map((t) => lowerSet(t.target.channels));
  // When every target reads fields.event_id (not Sysmon for Linux, whose EventID is in the
  // message), the choice depends on the channel and the EventID only: it is remembered for the
  // last pair (an event meets several multi-target rules in a row, consecutive events share both).
  const byField = targets.every((t) => t.eventIdOf === eventIdField);
  let lastCh: string | undefined;
  let lastId: number | undefined;
  let lastPick: CompiledTarget | undefined;
  let memo = false;
  const choose = (e: LogEvent): CompiledTarget | undefined => {
    const ch = lowerChannel(e.source.channel);
    for (let i = 0; i < targets.length; i++) {
      const t = targets[i]!;
      const set = channels[i];
      if (set && (ch === undefined || !set.has(ch))) continue;
      if (t.eventIds) {
        const id = t.eventIdOf(e);
        if (id === undefined || !t.eventIds.has(id)) continue;
      }
      return t;
    }
    return undefined;
  };
  if (!byField) return choose;
  return (e) => {
    const ch = e.source.channel;
    const id = e.fields.event_id;
    if (memo && ch === lastCh && id === lastId) return lastPick;
    lastPick = choose(e);
    lastCh = ch;
    lastId = id;
    memo = true;
    return lastPick;
  };
}

/** Lower-cased channel with a one-slot memo: an event meets many multi-target rules in a row. */
let lastChannel: string | undefined;
let lastLower: string | undefined;
function lowerChannel(c: string | undefined): string | undefined {
  if (c !== lastChannel) {
    lastChannel = c;
    lastLower = c?.toLowerCase();
  }
  return lastLower;
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
  const tests = bases.map((b, i) => ({ key: refs[i]!, test: b.matches, extract: b.extract }));
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

/**
 * A plain rule's match: the group key computed with it, the values (every field the rule
 * reads, for the alert) only when read. Nearly every match of a plain rule falls in its group's
 * quiet period, and there only the key is needed: extracting ~25 fields was most of a match's cost.
 * One per rule, overwritten by each match (Evaluation: valid until the rule's next evaluate()).
 */
class LazyEvaluation implements Evaluation {
  key = '';
  private event: LogEvent | undefined;
  private target: CompiledTarget | undefined;
  private extracted: Extracted | undefined;

  set(e: LogEvent, t: CompiledTarget, key: string): this {
    this.event = e;
    this.target = t;
    this.key = key;
    this.extracted = undefined;
    return this;
  }

  get values(): Extracted {
    return (this.extracted ??= this.target!.extract(this.event!));
  }
}

/**
 * The group key of a plain rule's match on target `t`, read from the event as
 * extractedGroupKey() reads it from the target's extracted values: a name the target extracts
 * takes its mapped value unless absent or empty (extract leaves those out), then the unmapped one.
 */
function targetGroupKey(groupBy: readonly string[], extracted: ReadonlySet<string>, t: CompiledTarget): (e: LogEvent) => string {
  const fns = groupFns(groupBy.map((f) => {
    if (f === 'host') return (e: LogEvent) => e.host;
    const get = sigmaGetter(f);
    if (!extracted.has(f)) return (e: LogEvent) => get(e);
    const mapped = t.getterFor(f);
    return (e: LogEvent) => {
      const v = mapped(e);
      return v !== undefined && v !== '' ? v : get(e);
    };
  }));
  const none: Extracted = {};
  return (e) => fns.key(e, none);
}

function compileBaseAsRule(b: BaseRule, opts: SigmaLoadOptions): CompiledRule {
  const override = overrideFor(opts, b.doc, b.key);
  // Host plus the values the selections tested: five different threats on one host are five alerts.
  const fire = resolveFire({ mode: 'single', groupBy: b.groupBy }, opts.defaultQuietSec, override, undefined);
  const keys = override?.group_by ? groupKeyOf(fire.groupBy) : extractedGroupKey(fire.groupBy);
  let evaluate = b.detect;
  // Names Object.prototype holds (`constructor`) would read differently off a values object: those keep the eager path.
  if (!override?.group_by && !fire.groupBy.some((f) => f in Object.prototype)) {
    const extracted = new Set(b.fields);
    const keyOf = new Map<CompiledTarget, (e: LogEvent) => string>();
    const scratch = new LazyEvaluation();
    evaluate = (e) => {
      const t = b.pick(e);
      if (!t || !t.match(e)) return null;
      let k = keyOf.get(t);
      if (!k) keyOf.set(t, (k = targetGroupKey(fire.groupBy, extracted, t)));
      return scratch.set(e, t, k(e));
    };
  }
  return {
    ...meta(b.doc, b.key, override),
    ...scopeFields(b.scope),
    evaluate,
    ...(b.prefilter ? { prefilter: b.prefilter } : {}),
    fire,
    ...keys,
  };
}

const LEVEL_RANK = new Map(LEVELS.map((l, i) => [l, i]));

/** Why a community rule is left out by the status / level filter, or null when it is kept. */
function filteredOut(doc: Record<string, unknown>, filter: SigmaFilter | undefined): string | null {
  if (!filter) return null;
  const status = typeof doc.status === 'string' ? doc.status.toLowerCase() : '(none)';
  if (!(filter.statuses as readonly string[]).includes(status)) return `status ${status} not in rules.sigma_status`;
  const level = typeof doc.level === 'string' ? doc.level.toLowerCase() : '(none)';
  const rank = LEVEL_RANK.get(level as SigmaLevel);
  if (rank === undefined || rank < LEVEL_RANK.get(filter.minLevel)!) return `level ${level} below rules.sigma_min_level`;
  return null;
}

/** Compiles parsed Sigma documents (exported for tests and test-rule). */
export function compileSigmaDocuments(docs: SigmaDoc[], opts: SigmaLoadOptions): { rules: CompiledRule[]; skipped: SkippedRule[] } {
  const skipped: SkippedRule[] = [];
  const bases = new Map<string, BaseRule>();
  const correlations: Array<{ d: SigmaDoc; key: string }> = [];
  const skip = (d: SigmaDoc, reason: string, kind: SkippedRule['kind'] = 'unsupported') =>
    skipped.push({ file: d.file, title: String(d.doc.title ?? '(untitled)'), reason, kind });

  docs.forEach((d, i) => {
    const key = ruleKey(d, i);
    const filtered = filteredOut(d.doc, d.filter);
    if (filtered) return skip(d, filtered, 'filtered');
    try {
      if (d.doc.correlation !== undefined) {
        correlations.push({ d, key });
        return;
      }
      const base = compileBase(d, key);
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

/** The Sigma files of one directory (rules.sigma_dir: not recursive). */
export function listSigmaFiles(dir: string): string[] {
  if (!dir || !existsSync(dir)) return [];
  return readdirSync(dir).filter((f) => /\.ya?ml$/i.test(f)).sort().map((f) => join(dir, f));
}

/** Most files one rules.sigma_dirs tree may hold: a checkout is ~3,000; this bounds a wrong path like /. */
const MAX_TREE_FILES = 50_000;

/**
 * Every Sigma file under a directory, recursively (a SigmaHQ checkout: rules/, rules-emerging-threats/, ...).
 * Hidden directories (.git, .github) are skipped; symlinks are not followed.
 */
export function listSigmaTree(dir: string): string[] {
  if (!existsSync(dir)) throw new RuleLoadError(`rules: sigma_dirs entry ${dir} does not exist`);
  if (!statSync(dir).isDirectory()) throw new RuleLoadError(`rules: sigma_dirs entry ${dir} is not a directory`);
  const out: string[] = [];
  const walk = (d: string) => {
    for (const ent of readdirSync(d, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      if (ent.name.startsWith('.')) continue;
      const p = join(d, ent.name);
      if (ent.isDirectory()) walk(p);
      else if (ent.isFile() && /\.ya?ml$/i.test(ent.name)) {
        if (out.length >= MAX_TREE_FILES) throw new RuleLoadError(`rules: sigma_dirs entry ${dir} holds more than ${MAX_TREE_FILES} YAML files`);
        out.push(p);
      }
    }
  };
  walk(dir);
  return out;
}

/** Reads Sigma files into documents (several per file allowed); a file that is not valid YAML stops start-up. */
export function readSigmaFiles(files: readonly string[], root: string | undefined, filter?: SigmaFilter): SigmaDoc[] {
  const docs: SigmaDoc[] = [];
  for (const path of files) {
    const file = relative(root ?? process.cwd(), path) || path;
    for (const yamlDoc of parseAllDocuments(readFileSync(path, 'utf8'))) {
      if (yamlDoc.errors.length) throw new RuleLoadError(`rules: ${file} is not valid YAML: ${yamlDoc.errors[0]!.message}`);
      let doc: unknown;
      try {
        doc = yamlDoc.toJS();
      } catch (err) {
        // toJS() throws for an alias bomb ("Excessive alias count"): name the file like any other broken YAML.
        throw new RuleLoadError(`rules: ${file} is not valid YAML: ${(err as Error).message}`);
      }
      if (doc === null || doc === undefined) continue;
      if (typeof doc !== 'object' || Array.isArray(doc)) throw new RuleLoadError(`rules: ${file} holds a YAML document that is not a Sigma rule map`);
      docs.push({ file, doc: doc as Record<string, unknown>, ...(filter ? { filter } : {}) });
    }
  }
  return docs;
}

/** Reads and compiles Sigma files. */
export function loadSigmaFiles(files: readonly string[], opts: SigmaLoadOptions, filter?: SigmaFilter): { rules: CompiledRule[]; skipped: SkippedRule[] } {
  return compileSigmaDocuments(readSigmaFiles(files, opts.root, filter), opts);
}

/**
 * Skip reasons folded into classes for counting: the rule-specific parts (field names, patterns,
 * values) dropped, so 40 rules refused for the same modifier count as one reason.
 */
export function reasonClass(reason: string): string {
  return reason
    .replace(/^field [^:]+: /, '')
    .replace(/regex \/.*\/ rejected: /s, 'regex rejected: ')
    .replace(/^regex rejected: \/.*\/l?: /s, 'regex rejected: ')
    .replace(/nested quantifier at offset \d+/, 'nested quantifier')
    .replace(/^selection \S+/, 'selection')
    .replace(/referenced rule \S+/, 'referenced rule')
    .replace(/\(\d+(, \d+)*\)/g, '(…)')
    .replace(/"[^"]*"/g, '"…"')
    .slice(0, 200);
}

/** Reason class → how many rules, most frequent first. */
export function skipSummary(skipped: readonly SkippedRule[]): Array<{ reason: string; kind: SkippedRule['kind']; count: number }> {
  const counts = new Map<string, { reason: string; kind: SkippedRule['kind']; count: number }>();
  for (const s of skipped) {
    const reason = reasonClass(s.reason);
    const k = `${s.kind}\u0000${reason}`;
    const c = counts.get(k);
    if (c) c.count++;
    else counts.set(k, { reason, kind: s.kind, count: 1 });
  }
  return [...counts.values()].sort((a, b) => b.count - a.count || a.reason.localeCompare(b.reason));
}

/** The start-up summary: "N Sigma rules skipped (12× reason; 7× reason; ...), M filtered out by status/level". */
export function skippedLine(skipped: readonly SkippedRule[], top = 6): string {
  const unsupported = skipped.filter((s) => s.kind === 'unsupported');
  const filtered = skipped.length - unsupported.length;
  const reasons = skipSummary(unsupported);
  const shown = reasons.slice(0, top).map((r) => `${r.count}× ${r.reason}`);
  if (reasons.length > top) shown.push(`${reasons.length - top} more reasons`);
  const head = `${unsupported.length} Sigma rules skipped${shown.length ? ` (${shown.join('; ')})` : ''}`;
  return filtered ? `${head}, ${filtered} filtered out by rules.sigma_status / sigma_min_level` : head;
}
