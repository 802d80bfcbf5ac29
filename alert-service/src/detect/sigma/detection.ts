/**
 * Compiles a parsed Sigma detection (tree.ts, after the logsource's field mapping) into a
 * predicate over LogEvent.
 *
 * Selections: a map (all items must match) or a list of maps (any). Keywords (items without a
 * field) are searched in the message and in every EventData value. Values: a scalar or a list
 * (any value, or every value with `|all`); `null` means the field is absent or empty. Modifiers:
 * contains, startswith, endswith, all, re (with i/m/s), cidr, gt, gte, lt, lte, exists, cased,
 * fieldref, windash, base64, base64offset, wide/utf16le. Matching is case-insensitive unless
 * `cased` (or `re`, which is case-sensitive unless `|re|i`). Anything else throws
 * UnsupportedError so the rule is reported and skipped, never misread.
 */
import type { LogEvent } from '../../generated/schema-types.js';
import { compileGlob } from './glob.js';
import { HAYSTACK_SEPARATOR, keywordHaystack, keywordRaw, keywordTexts, lowerAt, memoSlot, sigmaGetter, type SigmaGetter } from './fields.js';
import { keywordProbe, literalGate, lowersToAscii } from './literal-gate.js';
import { compileCondition, UnsupportedError } from './condition.js';
import { TRANSFORMS, transformValues } from './modifiers.js';
import { allFields, type Detection, type DetectionItem, type Selection } from './tree.js';
import { boundedTest, compileSafeRegex } from '../safe-regex.js';
import { AhoCorasick } from './automaton.js';
import { compileCidr } from '../cidr.js';

type Pred = (e: LogEvent) => boolean;
/** Tests a field value; `lower` is its lower-cased text, computed once per event and field for all rules. */
type ValuePred = (v: string | number, lower: string) => boolean;

const KNOWN_MODIFIERS = new Set(['contains', 'startswith', 'endswith', 'all', 're', 'i', 'm', 's', 'cidr', 'gt', 'gte', 'lt', 'lte', 'exists', 'cased', 'fieldref', ...TRANSFORMS]);
/** Each says how a value is compared; valuePredicate honours only one, so two together would be misread. */
const COMPARISONS = ['contains', 'startswith', 'endswith', 're', 'cidr', 'gt', 'gte', 'lt', 'lte', 'exists'];
/** Modifiers that only make sense on strings compared as text. */
const TEXT_ONLY = ['re', 'cidr', 'gt', 'gte', 'lt', 'lte', 'exists', 'fieldref'];

/** A Sigma value without wildcards or escapes: its text is what it matches (a backslash before other characters is literal). */
export function isPlain(v: string): boolean {
  return !/[*?]|\\\\/.test(v);
}

/** Above this many `contains` values, an item is matched by one automaton pass. */
const MANY_VALUES = 8;

function numericPredicate(cmp: 'gt' | 'gte' | 'lt' | 'lte', raw: unknown, field: string): ValuePred {
  const limit = Number(raw);
  if (!Number.isFinite(limit)) throw new Error(`field ${field}: |${cmp} needs a number`);
  return (v) => {
    const n = typeof v === 'number' ? v : Number(v);
    if (!Number.isFinite(n)) return false;
    return cmp === 'gt' ? n > limit : cmp === 'gte' ? n >= limit : cmp === 'lt' ? n < limit : n <= limit;
  };
}

function regexPredicate(text: string, mods: ReadonlySet<string>, field: string): ValuePred {
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
  // The linear-time engine costs ~100 ns per character: a literal the pattern cannot match
  // without, checked with includes() first, spares it on nearly every value.
  const ci = flags.includes('i');
  // Every literal run the pattern needs, in order (never empty strings): `\s-\s*<` needs "-"
  // then "<", `\+.*\+.*\+` three "+", far rarer than the longest run alone.
  const found = requiredRuns(source);
  if (!found?.length || flags.includes('m') || flags.includes('s')) return (v) => boundedTest(re, String(v));
  const runs = found.map((r) => (ci ? lowerLiteral(r) : r));
  if (runs.length === 1) {
    const needle = runs[0]!;
    return (v, lower) => (ci ? lower : String(v)).includes(needle) && boundedTest(re, String(v));
  }
  return (v, lower) => runsInOrder(ci ? lower : String(v), runs) && boundedTest(re, String(v));
}

/**
 * A regex literal lower-cased as `|re|i` runs it (safe-regex.ts: the lower-cased text against
 * the pattern with each literal character lower-cased on its own): not as one string, where 'Σ'
 * ending a word would become final 'ς' and the literal then never be found.
 */
export function lowerLiteral(r: string): string {
  let out = '';
  for (const c of r) out += c.toLowerCase();
  return out;
}

/** Are the runs in the text one after another, without overlapping (leftmost placement: exact)? */
export function runsInOrder(text: string, runs: readonly string[]): boolean {
  let at = 0;
  for (let i = 0; i < runs.length; i++) {
    const r = runs[i]!;
    const found = text.indexOf(r, at);
    if (found < 0) return false;
    at = found + r.length;
  }
  return true;
}

/** A `{m}`, `{m,}` or `{m,n}` quantifier (a `{` not forming one is a literal in a non-unicode regex; read as no literal here). */
const QUANTIFIER = /\{\d+(?:,\d*)?\}/y;

function quantifierAt(source: string, i: number): boolean {
  QUANTIFIER.lastIndex = i;
  return QUANTIFIER.test(source);
}

const LITERAL_ESCAPES = new Set([...'.$^{}[]()|*+?/\\-#&~:,;=!<>@%\'"` ']);
/** Escapes that stand for one control character (`\n\n\n` needs three line feeds); `\xHH` and `\uHHHH` are read too. */
const CONTROL_ESCAPES: Record<string, string> = { n: '\n', r: '\r', t: '\t', f: '\f', v: '\v' };

/**
 * The longest run of literal characters a regex needs at its top level (outside groups and
 * classes, not made optional by `?`, `*` or `{0,`), or null. Top-level alternation: null.
 */
export function requiredLiteral(source: string, min = 3): string | null {
  const runs = requiredRuns(source);
  if (!runs) return null;
  let best = '';
  for (const r of runs) if (r.length > best.length) best = r;
  return best.length >= min ? best : null;
}

/**
 * Every run of literal characters a regex needs at its top level, in pattern order (so in the
 * order a match holds them, none overlapping the next), or null for a top-level alternation.
 */
export function requiredRuns(source: string): string[] | null {
  const runs: string[] = [];
  let run = '';
  const end = () => {
    if (run) runs.push(run);
    run = '';
  };
  for (let i = 0; i < source.length; i++) {
    const c = source[i]!;
    let ch: string | null = null;
    if (c === '\\') {
      const n = source[i + 1];
      i++;
      if (n !== undefined && LITERAL_ESCAPES.has(n)) ch = n;
      else if (n !== undefined && n in CONTROL_ESCAPES) ch = CONTROL_ESCAPES[n]!;
      else if ((n === 'x' && /^[0-9a-fA-F]{2}$/.test(source.slice(i + 1, i + 3))) || (n === 'u' && /^[0-9a-fA-F]{4}$/.test(source.slice(i + 1, i + 5)))) {
        const digits = n === 'x' ? 2 : 4;
        ch = String.fromCharCode(parseInt(source.slice(i + 1, i + 1 + digits), 16));
        i += digits;
      }
    } else if (c === '|') return null;
    else if (c === '[') {
      while (i < source.length && source[i] !== ']') i += source[i] === '\\' ? 2 : 1;
    } else if (c === '{' && quantifierAt(source, i)) {
      // A `{m}`, `{m,}` or `{m,n}` quantifier: its digits are no text the pattern needs.
      i = source.indexOf('}', i);
    } else if (c === '(') {
      let depth = 1;
      while (++i < source.length && depth > 0) {
        if (source[i] === '\\') i++;
        else if (source[i] === '(') depth++;
        else if (source[i] === ')') depth--;
      }
      i--;
    } else if (!'.^$*+?{})'.includes(c)) ch = c;
    const q = source[i + 1];
    const optional = q === '?' || q === '*' || (q === '{' && /^\{0[,}]/.test(source.slice(i + 1, i + 4)));
    if (ch === null || optional) {
      end();
      continue;
    }
    run += ch;
    if (q === '+' || q === '{') end(); // the char repeats: what follows is not adjacent
  }
  end();
  return runs;
}

/** A text comparison (plain, contains, startswith, endswith) of one value variant. */
function textPredicate(text: string, mods: ReadonlySet<string>, numeric: number | undefined): ValuePred {
  // Values keep their own wildcards under contains/startswith/endswith (Sigma semantics).
  const contains = mods.has('contains');
  const wrap = { anyPrefix: contains || mods.has('endswith'), anySuffix: contains || mods.has('startswith') };
  if (numeric !== undefined && !wrap.anyPrefix && !wrap.anySuffix) {
    return (v) => (typeof v === 'number' ? v === numeric : v.trim() === text);
  }
  if (mods.has('cased')) {
    const glob = compileGlob(text, true, wrap);
    return (v) => glob(String(v));
  }
  if (isPlain(text)) {
    // One literal: a String method on the lower-cased value, no glob closure in between.
    const t = text.toLowerCase();
    if (wrap.anyPrefix && wrap.anySuffix) return (_v, lower) => lower.includes(t);
    if (wrap.anyPrefix) return (_v, lower) => lower.endsWith(t);
    if (wrap.anySuffix) return (_v, lower) => lower.startsWith(t);
    return (_v, lower) => lower === t;
  }
  const glob = compileGlob(text, false, { ...wrap, preLowered: true });
  return (_v, lower) => glob(lower);
}

/** One predicate per original value: any of its variants (windash, base64offset) matching. */
function valuePredicates(values: readonly (string | number | boolean)[], mods: ReadonlySet<string>, order: readonly string[], field: string): ValuePred[] {
  for (const cmp of ['gt', 'gte', 'lt', 'lte'] as const) if (mods.has(cmp)) return values.map((v) => numericPredicate(cmp, v, field));
  if (mods.has('cidr')) {
    return values.map((v) => {
      try {
        const inNet = compileCidr(String(v));
        return (x: string | number) => inNet(String(x));
      } catch (err) {
        throw new Error(`field ${field}: ${(err as Error).message}`);
      }
    });
  }
  if (mods.has('re')) return values.map((v) => regexPredicate(String(v), mods, field));
  const transforms = order.filter((m) => TRANSFORMS.has(m));
  const groups = transforms.length ? transformValues(values.map(String), transforms, field) : values.map((v) => [String(v)]);
  // Many plain `contains` values (SigmaHQ lists hundreds of cmdlets, emoji, homoglyphs): one
  // Aho-Corasick pass over the value for the plain ones instead of one search per value.
  if (mods.has('contains') && !mods.has('all') && !mods.has('cased') && groups.reduce((n, g) => n + g.length, 0) > MANY_VALUES) {
    const plainValues = groups.flat().filter(isPlain);
    const rest = groups.flat().filter((v) => !isPlain(v)).map((t) => textPredicate(t, mods, undefined));
    if (plainValues.includes('')) return [() => true];
    const ac = new AhoCorasick<true>();
    for (const v of plainValues) ac.add(v.toLowerCase(), true);
    ac.build();
    return [
      (v: string | number, lower: string) => {
        if (ac.containsAny(lower)) return true;
        for (let k = 0; k < rest.length; k++) if (rest[k]!(v, lower)) return true;
        return false;
      },
    ];
  }
  // Many plain endswith/startswith/equals values (process-name lists): a set lookup per length.
  const how = mods.has('endswith') ? 'suffix' : mods.has('startswith') ? 'prefix' : mods.has('contains') ? '' : 'eq';
  const flat = groups.flat();
  if (how && !mods.has('all') && !mods.has('cased') && flat.length > MANY_VALUES && values.every((v) => typeof v === 'string') && flat.every(isPlain)) {
    const set = new Set(flat.map((v) => v.toLowerCase()));
    const lengths = [...new Set([...set].map((v) => v.length))];
    if (how === 'eq') return [(_v: string | number, lower: string) => set.has(lower)];
    return [
      (_v: string | number, lower: string) => {
        for (const L of lengths) if (L <= lower.length && set.has(how === 'suffix' ? lower.slice(lower.length - L) : lower.slice(0, L))) return true;
        return false;
      },
    ];
  }
  return groups.map((variants, i) => {
    const raw = values[i];
    const numeric = !transforms.length && typeof raw === 'number' ? raw : undefined;
    const preds = variants.map((t) => textPredicate(t, mods, numeric));
    if (preds.length === 1) return preds[0]!;
    return (v: string | number, lower: string) => {
      for (let k = 0; k < preds.length; k++) if (preds[k]!(v, lower)) return true;
      return false;
    };
  });
}

function checkModifiers(mods: ReadonlySet<string>, field: string): void {
  for (const m of mods) if (!KNOWN_MODIFIERS.has(m)) throw new UnsupportedError(`modifier |${m} is not supported`);
  const comparisons = COMPARISONS.filter((c) => mods.has(c));
  if (comparisons.length > 1) throw new UnsupportedError(`modifiers |${comparisons.join(' and |')} cannot be combined`);
  // i, m, s are flags of |re only; elsewhere they would be silently ignored.
  for (const flag of ['i', 'm', 's']) if (mods.has(flag) && !mods.has('re')) throw new UnsupportedError(`modifier |${flag} is only valid after |re`);
  const transforms = [...mods].filter((m) => TRANSFORMS.has(m));
  const textOnly = TEXT_ONLY.filter((m) => mods.has(m));
  if (transforms.length && textOnly.length) throw new UnsupportedError(`field ${field}: |${transforms[0]} cannot be combined with |${textOnly[0]}`);
}

/** `field|fieldref: Other`: the field equals (or contains, starts, ends with) another field of the same event. */
function fieldrefPredicate(get: SigmaGetter, item: DetectionItem, mods: ReadonlySet<string>, field: string, fieldGetter: (f: string) => SigmaGetter, keyPrefix: string): Pred {
  const refs = item.values.map((v) => {
    if (typeof v !== 'string' || !v) throw new UnsupportedError(`field ${field}: |fieldref needs field names`);
    return { slot: memoSlot(keyPrefix + v), get: fieldGetter(v) };
  });
  const cased = mods.has('cased');
  const how = mods.has('contains') ? 'contains' : mods.has('startswith') ? 'startswith' : mods.has('endswith') ? 'endswith' : 'equals';
  const test = (a: string, b: string) => (how === 'equals' ? a === b : how === 'contains' ? a.includes(b) : how === 'startswith' ? a.startsWith(b) : a.endsWith(b));
  const all = mods.has('all');
  const slot = memoSlot(field);
  return (e) => {
    const v = get(e);
    if (v === undefined) return false;
    const a = cased ? String(v) : lowerAt(e, slot, v);
    for (const r of refs) {
      const w = r.get(e);
      const ok = w !== undefined && test(a, cased ? String(w) : lowerAt(e, r.slot, w));
      if (ok && !all) return true;
      if (!ok && all) return false;
    }
    return all;
  };
}

function itemPredicate(item: DetectionItem, fieldGetter: (f: string) => SigmaGetter, keyPrefix: string): Pred {
  const field = item.field ?? '';
  const mods = new Set(item.modifiers);
  checkModifiers(mods, field || 'keywords');
  if (item.field === null) {
    for (const m of mods) if (!['all', 'cased', 'contains', ...TRANSFORMS].includes(m)) throw new UnsupportedError(`keyword search with |${m} is not supported`);
    return keywordPredicate(item, mods);
  }
  const get: SigmaGetter = fieldGetter(item.field);
  if (mods.has('exists')) {
    const value = item.values[0];
    if (item.values.length !== 1 || (typeof value !== 'boolean' && value !== 'true' && value !== 'false')) throw new UnsupportedError(`field ${field}: |exists needs true or false`);
    const want = value === true || value === 'true';
    return (e) => (get(e) !== undefined) === want;
  }
  if (mods.has('fieldref')) return fieldrefPredicate(get, item, mods, keyPrefix + field, fieldGetter, keyPrefix);
  const nullWanted = item.values.some((v) => v === null);
  const present = item.values.filter((v): v is string | number | boolean => v !== null);
  const preds = valuePredicates(present, mods, item.modifiers, field);
  const all = mods.has('all');
  if (all && nullWanted) throw new UnsupportedError(`field ${field}: |all with null`);
  const slot = memoSlot(keyPrefix + item.field);
  return (e) => {
    const v = get(e);
    if (v === undefined) return nullWanted;
    if (v === '' && nullWanted) return true;
    const lower = lowerAt(e, slot, v);
    // Plain loops: a callback closure per call would be an allocation per event.
    if (all) {
      for (let i = 0; i < preds.length; i++) if (!preds[i]!(v, lower)) return false;
      return true;
    }
    for (let i = 0; i < preds.length; i++) if (preds[i]!(v, lower)) return true;
    return false;
  };
}

/** Keywords: found anywhere in the message or an EventData value (any keyword, or every one with `|all`). */
function keywordPredicate(item: DetectionItem, mods: ReadonlySet<string>): Pred {
  const values = item.values.map((w) => {
    if (typeof w !== 'string' && typeof w !== 'number') throw new UnsupportedError(`keyword ${JSON.stringify(w)} is not a string`);
    return String(w);
  });
  const cased = mods.has('cased');
  const groups = transformValues(values, item.modifiers, 'keywords');
  const all = mods.has('all');
  // Any of many plain keywords (SigmaHQ's mimikatz keyword list) over every EventData value: one
  // automaton pass instead of one search per keyword and text.
  // Wildcard keywords (few) are globbed; a keyword rule meets every event of its channel, so even two plain ones go through the automaton.
  if (!all && !cased && groups.flat().every((v) => v !== '')) {
    const flat = groups.flat();
    const ac = new AhoCorasick<true>();
    for (const v of flat.filter(isPlain)) ac.add(v.toLowerCase(), true);
    ac.build();
    const globs = flat.filter((v) => !isPlain(v)).map((v) => compileGlob(v, false, { anyPrefix: true, anySuffix: true, preLowered: true }));
    if (!globs.length) {
      // Plain keywords only (mimikatz's list, on every Windows event): one search of the event's
      // joined lower-cased text, shared with every keyword rule and the index, after a native
      // substring gate; a keyword is in the joined text iff some text holds it, unless it spans
      // the separator.
      const lits = flat.map((v) => v.toLowerCase());
      // The candidate index tests raw texts with this same probe and builds no haystack: where it
      // lets no text through, neither is the haystack built here (the rule meets every Windows event).
      const probe = keywordProbe(lits);
      if (probe) {
        return (e) => {
          // One probe over the event's joined texts (shared with the index and other keyword
          // rules), not one per text: the channel-less mimikatz rule meets every Windows event.
          const raw = keywordRaw(e);
          if (!probe.test(raw) && !lowersToAscii(raw)) return false;
          const texts = keywordTexts(e, true);
          for (let i = 0; i < texts.length; i++) if (ac.containsAny(texts[i]!)) return true;
          return false;
        };
      }
      const gate = literalGate(lits);
      const exact = lits.some((l) => l.includes(HAYSTACK_SEPARATOR));
      return (e) => {
        const hay = keywordHaystack(e);
        if (gate ? !gate(hay) : false) return false;
        if (!ac.containsAny(hay)) return false;
        if (!exact) return true;
        const texts = keywordTexts(e, true);
        for (let i = 0; i < texts.length; i++) if (ac.containsAny(texts[i]!)) return true;
        return false;
      };
    }
    return (e) => {
      const texts = keywordTexts(e, true);
      for (let i = 0; i < texts.length; i++) {
        const t = texts[i]!;
        if (ac.containsAny(t)) return true;
        for (let k = 0; k < globs.length; k++) if (globs[k]!(t)) return true;
      }
      return false;
    };
  }
  const preds = groups.map((variants) => {
    const globs = variants.map((v) => compileGlob(v, cased, { anyPrefix: true, anySuffix: true, preLowered: !cased }));
    return (texts: readonly string[]) => {
      for (const t of texts) for (const g of globs) if (g(t)) return true;
      return false;
    };
  });
  return (e) => {
    const texts = keywordTexts(e, !cased);
    if (all) {
      for (const p of preds) if (!p(texts)) return false;
      return true;
    }
    for (const p of preds) if (p(texts)) return true;
    return false;
  };
}

function selectionPredicate(sel: Selection, fieldGetter: (f: string) => SigmaGetter, keyPrefix: string): Pred {
  if (sel.kind === 'or') {
    const maps = sel.options.map((o) => selectionPredicate(o, fieldGetter, keyPrefix));
    return (e) => {
      for (let i = 0; i < maps.length; i++) if (maps[i]!(e)) return true;
      return false;
    };
  }
  const preds = sel.items.map((i) => itemPredicate(i, fieldGetter, keyPrefix));
  if (preds.length === 1) return preds[0]!;
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

/**
 * `keyPrefix` keeps the per-event lower-case memo apart for getters that read a field name from
 * somewhere else than EventData (Sysmon for Linux's XML in the message).
 */
export function compileDetection(det: Detection, fieldGetter: (f: string) => SigmaGetter = sigmaGetter, keyPrefix = ''): CompiledDetection {
  const preds = new Map<string, Pred>();
  for (const [name, sel] of det.selections) preds.set(name, selectionPredicate(sel, fieldGetter, keyPrefix));
  const compiled = det.conditions.map((c) => compileCondition(c, preds));
  const match: Pred = compiled.length === 1 ? compiled[0]! : (e) => compiled.some((f) => f(e));
  return { match, fields: allFields(det) };
}
