/**
 * Compiles a Sigma `detection` section into a predicate over LogEvent.
 *
 * Selections: a map (all fields must match), a list of maps (any map), or a list of keywords
 * (any keyword found in the message). Field values: a scalar or a list (any value, or every value
 * with `|all`); `null` means the field is absent or empty. Modifiers supported: contains,
 * startswith, endswith, all, re (with i/m/s), cidr, gt, gte, lt, lte, exists, cased. Matching is
 * case-insensitive unless `cased` (or `re`, which is case-sensitive unless `|re|i`). Anything
 * else throws UnsupportedError so the rule is reported and skipped, never misread.
 */
import type { LogEvent } from '../../generated/schema-types.js';
import { compileGlob } from './glob.js';
import { sigmaGetter, type SigmaGetter } from './fields.js';
import { compileCondition, parseCondition, UnsupportedError } from './condition.js';
import { boundedTest, compileSafeRegex } from '../safe-regex.js';
import { compileCidr } from '../cidr.js';

type Pred = (e: LogEvent) => boolean;
/** Tests a field value; `lower` is its lower-cased text, computed once per field for all values. */
type ValuePred = (v: string | number, lower: string) => boolean;

const KNOWN_MODIFIERS = new Set(['contains', 'startswith', 'endswith', 'all', 're', 'i', 'm', 's', 'cidr', 'gt', 'gte', 'lt', 'lte', 'exists', 'cased']);
/** Each says how a value is compared; valuePredicate honours only one, so two together would be misread. */
const COMPARISONS = ['contains', 'startswith', 'endswith', 're', 'cidr', 'gt', 'gte', 'lt', 'lte', 'exists'];

function valuePredicate(raw: unknown, mods: Set<string>, field: string): ValuePred {
  if (typeof raw !== 'string' && typeof raw !== 'number' && typeof raw !== 'boolean') throw new UnsupportedError(`field ${field}: value ${JSON.stringify(raw)} is not a string or number`);
  const text = String(raw);
  for (const cmp of ['gt', 'gte', 'lt', 'lte'] as const) {
    if (!mods.has(cmp)) continue;
    const limit = Number(raw);
    if (!Number.isFinite(limit)) throw new Error(`field ${field}: |${cmp} needs a number`);
    return (v) => {
      const n = typeof v === 'number' ? v : Number(v);
      if (!Number.isFinite(n)) return false;
      return cmp === 'gt' ? n > limit : cmp === 'gte' ? n >= limit : cmp === 'lt' ? n < limit : n <= limit;
    };
  }
  if (mods.has('cidr')) {
    let inNet: (ip: string) => boolean;
    try {
      inNet = compileCidr(text);
    } catch (err) {
      throw new Error(`field ${field}: ${(err as Error).message}`);
    }
    return (v) => inNet(String(v));
  }
  if (mods.has('re')) {
    let flagSet = (mods.has('i') ? 'i' : '') + (mods.has('m') ? 'm' : '') + (mods.has('s') ? 's' : '');
    // PCRE-style leading inline flags ((?i) etc.), common in SigmaHQ rules, become JS flags.
    let source = text;
    const inline = /^\(\?([ims]+)\)/.exec(source);
    if (inline) {
      flagSet += inline[1];
      source = source.slice(inline[0].length);
    }
    const flags = [...new Set(flagSet)].join('');
    let re: RegExp;
    try {
      re = compileSafeRegex(source, flags);
    } catch (err) {
      throw new UnsupportedError(`field ${field}: ${(err as Error).message}`);
    }
    return (v) => boundedTest(re, String(v));
  }
  const cased = mods.has('cased');
  // Values keep their own wildcards under contains/startswith/endswith (Sigma semantics).
  const contains = mods.has('contains');
  const wrap = { anyPrefix: contains || mods.has('endswith'), anySuffix: contains || mods.has('startswith') };
  if (typeof raw === 'number' && !wrap.anyPrefix && !wrap.anySuffix) {
    return (v) => (typeof v === 'number' ? v === raw : v.trim() === text);
  }
  if (cased) {
    const glob = compileGlob(text, true, wrap);
    return (v) => glob(String(v));
  }
  const glob = compileGlob(text, false, { ...wrap, preLowered: true });
  return (_v, lower) => glob(lower);
}

function fieldPredicate(key: string, value: unknown): { pred: Pred; field: string } {
  const [field, ...modList] = key.split('|');
  if (!field) throw new UnsupportedError(`keyword selection with modifiers (${key}) is not supported`);
  const mods = new Set(modList.map((m) => m.toLowerCase()));
  for (const m of mods) if (!KNOWN_MODIFIERS.has(m)) throw new UnsupportedError(`modifier |${m} is not supported`);
  const comparisons = COMPARISONS.filter((c) => mods.has(c));
  if (comparisons.length > 1) throw new UnsupportedError(`modifiers |${comparisons.join(' and |')} cannot be combined`);
  // i, m, s are flags of |re only; elsewhere they would be silently ignored.
  for (const flag of ['i', 'm', 's']) if (mods.has(flag) && !mods.has('re')) throw new UnsupportedError(`modifier |${flag} is only valid after |re`);
  const get: SigmaGetter = sigmaGetter(field);
  if (mods.has('exists')) {
    if (typeof value !== 'boolean' && value !== 'true' && value !== 'false') throw new UnsupportedError(`field ${field}: |exists needs true or false`);
    const want = value === true || value === 'true';
    return { field, pred: (e) => (get(e) !== undefined) === want };
  }
  const values = Array.isArray(value) ? value : [value];
  const nullWanted = values.some((v) => v === null);
  const preds = values.filter((v) => v !== null).map((v) => valuePredicate(v, mods, field));
  const all = mods.has('all');
  if (all && nullWanted) throw new UnsupportedError(`field ${field}: |all with null`);
  return {
    field,
    pred: (e) => {
      const v = get(e);
      if (v === undefined) return nullWanted;
      if (v === '' && nullWanted) return true;
      const lower = typeof v === 'string' ? v.toLowerCase() : String(v);
      // Plain loops: a callback closure per call would be an allocation per event.
      if (all) {
        for (let i = 0; i < preds.length; i++) if (!preds[i]!(v, lower)) return false;
        return true;
      }
      for (let i = 0; i < preds.length; i++) if (preds[i]!(v, lower)) return true;
      return false;
    },
  };
}

function keywordPredicate(words: unknown[]): Pred {
  const preds = words.map((w) => {
    if (typeof w !== 'string' && typeof w !== 'number') throw new UnsupportedError(`keyword ${JSON.stringify(w)} is not a string`);
    return compileGlob(String(w), false, { anyPrefix: true, anySuffix: true, preLowered: true });
  });
  return (e) => {
    const lower = e.message.toLowerCase();
    for (let i = 0; i < preds.length; i++) if (preds[i]!(lower)) return true;
    return false;
  };
}

function selectionPredicate(name: string, sel: unknown, fields: Set<string>): Pred {
  if (Array.isArray(sel)) {
    if (sel.every((x) => typeof x === 'string' || typeof x === 'number')) return keywordPredicate(sel);
    if (sel.every((x) => typeof x === 'object' && x !== null && !Array.isArray(x))) {
      const maps = sel.map((m) => selectionPredicate(name, m, fields));
      return (e) => {
        for (let i = 0; i < maps.length; i++) if (maps[i]!(e)) return true;
        return false;
      };
    }
    throw new UnsupportedError(`selection ${name} mixes keywords and field maps`);
  }
  if (typeof sel === 'string' || typeof sel === 'number') return keywordPredicate([sel]);
  if (typeof sel !== 'object' || sel === null) throw new UnsupportedError(`selection ${name} is empty or not a map/list`);
  const preds = Object.entries(sel as Record<string, unknown>).map(([k, v]) => {
    const f = fieldPredicate(k, v);
    fields.add(f.field);
    return f.pred;
  });
  return (e) => {
    for (let i = 0; i < preds.length; i++) if (!preds[i]!(e)) return false;
    return true;
  };
}

export interface CompiledDetection {
  match: Pred;
  /** Field names the rule reads, shown in alerts. */
  fields: string[];
}

export function compileDetection(detection: unknown): CompiledDetection {
  if (typeof detection !== 'object' || detection === null) throw new Error('detection is missing');
  const { condition, timeframe, ...selections } = detection as Record<string, unknown>;
  if (timeframe !== undefined) throw new UnsupportedError('detection.timeframe (old aggregation syntax) is not supported; use a correlation rule');
  const names = Object.keys(selections);
  const fields = new Set<string>();
  const preds = new Map<string, Pred>();
  for (const name of names) preds.set(name, selectionPredicate(name, selections[name], fields));
  const conditions = Array.isArray(condition) ? condition : [condition];
  if (!conditions.length || conditions.some((c) => typeof c !== 'string')) throw new Error('detection.condition must be a string or a list of strings');
  const compiled = conditions.map((c) => compileCondition(parseCondition(c as string, names), preds));
  const match: Pred = compiled.length === 1 ? compiled[0]! : (e) => compiled.some((f) => f(e));
  return { match, fields: [...fields] };
}
