/**
 * The form every rule takes inside the engine, whether it came from a TypeScript module or a Sigma
 * YAML file: match constraints as lookup sets, one evaluate() call, and the firing settings with
 * config overrides already applied and times in milliseconds.
 */
import type { AlertSeverity, LogEvent, RuleOverride } from '../generated/schema-types.js';
import { resolveSettings, type AlertContext, type Extracted, type RuleDefinition, type RuleSettings, type SourceKind } from './rule.js';
import { valueGetter } from './fields.js';
import type { PrefilterSpec } from './sigma/prefilter.js';

/** What evaluate() returns for a match. Valid until the rule's next evaluate() call: copy, do not keep. */
export interface Evaluation {
  values: Extracted;
  /** Sequence rules: the step(s) this event stands for. */
  steps?: readonly string[];
  /** Distinct rules: the value counted. */
  distinct?: string;
  /**
   * The group's lookup key, when the rule computed it with the match (what key(event, values)
   * returns); `values` may then be computed on first read (Sigma plain rules).
   */
  key?: string;
}

export interface ResolvedFire {
  mode: 'single' | 'count' | 'distinct' | 'sequence';
  /** Events / distinct values needed (count, distinct); unused for single and sequence. */
  threshold: number;
  windowMs: number;
  quietMs: number;
  groupBy: string[];
  distinctField?: string;
  steps: Array<{ name: string; min: number }>;
  ordered: boolean;
}

export interface CompiledRule {
  id: string;
  title: string;
  description: string;
  severity: AlertSeverity;
  tags: string[];
  source: 'rule' | 'sigma';
  /** A Sigma rule's `name` when it also has an `id`: config (disabled, overrides) may use either. */
  name?: string;
  /** Where it was loaded from, for messages. */
  file: string;
  kinds?: ReadonlySet<SourceKind>;
  /** Lower-cased. */
  programs?: ReadonlySet<string>;
  /** Lower-cased. */
  channels?: ReadonlySet<string>;
  eventIds?: ReadonlySet<number>;
  /**
   * Sigma rules on Windows channels: indexed by channel, EventID and the literal field values they
   * require (sigma/prefilter.ts) instead of the generic RuleIndex. kinds/channels/eventIds still hold.
   */
  prefilter?: PrefilterSpec;
  /** The rest of the test (predicate, extraction); kinds/programs/channels/eventIds are checked before it. */
  evaluate(event: LogEvent): Evaluation | null;
  fire: ResolvedFire;
  /** The group's values, one per groupBy name (computed when a group is created). */
  groupKey(event: LogEvent, values: Extracted): string[];
  /** The group's lookup key: the groupKey values joined, built without an intermediate array. */
  key(event: LogEvent, values: Extracted): string;
  summary?: (ctx: AlertContext) => string;
  /** The rule's effective settings (defaults with overrides), when it declares any. */
  settings?: RuleSettings;
  /** `reads: 'message'`: the rule never reads `fields` or `severity` (offline tools may skip deriving them). */
  readsMessageOnly?: boolean;
}

/** Settings applied to every windowed rule by the CLI (`analyze --window --threshold`). */
export interface GlobalOverride {
  window_s?: number;
  threshold?: number;
}

export function lowerSet(values: readonly string[] | undefined): ReadonlySet<string> | undefined {
  return values && values.length ? new Set(values.map((v) => v.toLowerCase())) : undefined;
}

/**
 * Applies overrides (per-rule from config, then the global CLI one) to a rule's firing settings.
 * A sequence's threshold is the `min` of every step but the last (the failures before a success).
 */
export function resolveFire(
  spec: RuleDefinition['fire'],
  defaultQuietSec: number,
  override: RuleOverride | undefined,
  global: GlobalOverride | undefined,
): ResolvedFire {
  const windowSec = global?.window_s ?? override?.window_s ?? ('windowSec' in spec ? spec.windowSec : 0);
  const threshold = global?.threshold ?? override?.threshold;
  const steps = spec.mode === 'sequence' ? spec.steps.map((s, i) => ({ name: s.name, min: threshold !== undefined && i < spec.steps.length - 1 ? threshold : s.min })) : [];
  return {
    mode: spec.mode,
    threshold: spec.mode === 'count' || spec.mode === 'distinct' ? threshold ?? spec.threshold : 1,
    windowMs: windowSec * 1000,
    quietMs: (override?.quiet_s ?? spec.quietSec ?? defaultQuietSec) * 1000,
    groupBy: [...(override?.group_by ?? spec.groupBy ?? (spec.mode === 'single' ? ['host'] : []))],
    ...(spec.mode === 'distinct' ? { distinctField: spec.field } : {}),
    steps,
    ordered: spec.mode === 'sequence' ? spec.ordered : false,
  };
}

type Getter = (event: LogEvent, values: Extracted) => string | number | undefined;

/** groupKey and key functions over getters (shared by plugin and Sigma rules). */
export function groupFns(getters: readonly Getter[]): Pick<CompiledRule, 'groupKey' | 'key'> {
  const str = (v: string | number | undefined) => (v === undefined ? '' : typeof v === 'string' ? v : String(v));
  const groupKey: CompiledRule['groupKey'] = (event, values) => getters.map((g) => str(g(event, values)));
  if (getters.length === 1) {
    const g = getters[0]!;
    return { groupKey, key: (event, values) => str(g(event, values)) };
  }
  return {
    groupKey,
    key: (event, values) => {
      let k = '';
      for (let i = 0; i < getters.length; i++) k += (i ? '\u001f' : '') + str(getters[i]!(event, values));
      return k;
    },
  };
}

export function groupKeyFn(groupBy: readonly string[], eventFields = true): Pick<CompiledRule, 'groupKey' | 'key'> {
  return groupFns(groupBy.map((name) => valueGetter(name, eventFields)));
}

/** Step names a sequence rule keeps a shared one-step list for (a rule has a few). */
const MAX_STEP_LISTS = 64;

/** Turns a validated plugin RuleDefinition into the engine's form. */
export function compileDefinition(
  def: RuleDefinition,
  file: string,
  opts: { defaultQuietSec: number; override?: RuleOverride; global?: GlobalOverride; shared?: Map<string, unknown> },
): CompiledRule {
  const fire = resolveFire(def.fire, opts.defaultQuietSec, opts.override, opts.global);
  const where = def.match.where;
  const { settings, errors } = resolveSettings(def, opts.override?.settings);
  if (errors.length) throw new Error(`rule ${def.id} (${file}): ${errors.join('; ')}`);
  const extract = def.setup ? def.setup(settings, opts.shared ?? new Map()) : def.extract;
  const messageOnly = def.reads === 'message';
  const distinctGet = fire.distinctField ? valueGetter(fire.distinctField, !messageOnly) : undefined;
  const isSequence = fire.mode === 'sequence';
  const noValues: Extracted = {};
  // One result object per rule, overwritten on each call: the engine reads it before evaluating
  // the next event and keeps only its fields, so matches allocate nothing beyond extract's output.
  const scratch: Evaluation = { values: noValues };
  // The one-step list of each step name, made once: window entries keep it (a sequence rule's
  // entry held an array of its own per event). Bounded, as a step name is what extract returns.
  const stepLists = new Map<string, readonly string[]>();
  const stepList = (step: string): readonly string[] => {
    let list = stepLists.get(step);
    if (!list) {
      list = [step]; // not frozen: includes() on frozen elements leaves its fast path (sequence spans call it per entry)
      if (stepLists.size < MAX_STEP_LISTS) stepLists.set(step, list);
    }
    return list;
  };
  const evaluate = (event: LogEvent): Evaluation | null => {
    if (where && !where(event)) return null;
    const values = extract ? extract(event) : noValues;
    if (!values) return null;
    scratch.values = values;
    if (distinctGet) {
      const d = distinctGet(event, values);
      if (d === undefined || d === '') return null;
      scratch.distinct = typeof d === 'string' ? d : String(d);
    } else if (isSequence) {
      const step = values.step;
      if (typeof step !== 'string') return null;
      scratch.steps = stepList(step);
    }
    return scratch;
  };
  return {
    id: def.id,
    title: def.title,
    description: def.description,
    severity: opts.override?.severity ?? def.severity,
    tags: [...(def.tags ?? [])],
    source: 'rule',
    file,
    ...(def.match.kinds?.length ? { kinds: new Set(def.match.kinds) } : {}),
    ...(def.match.programs?.length ? { programs: lowerSet(def.match.programs)! } : {}),
    ...(def.match.channels?.length ? { channels: lowerSet(def.match.channels)! } : {}),
    ...(def.match.eventIds?.length ? { eventIds: new Set(def.match.eventIds) } : {}),
    evaluate,
    fire,
    ...groupKeyFn(fire.groupBy, !messageOnly),
    ...(def.summary ? { summary: def.summary } : {}),
    ...(def.settings ? { settings } : {}),
    ...(messageOnly ? { readsMessageOnly: true } : {}),
  };
}
