/**
 * Candidate index for Sigma rules on Windows events: by channel and EventID, then by literal
 * field values a rule cannot match without. A Sysmon process-creation event meets ~1,200 SigmaHQ
 * rules by channel and EventID alone; nearly all of them name the program they look for
 * (`Image|endswith: '\rundll32.exe'`, `OriginalFileName: RUNDLL32.EXE`), so looking the event's
 * Image suffixes and OriginalFileName up in a table leaves a few dozen to evaluate.
 *
 * Sound by construction: an atom set is only derived when every way the condition can hold
 * requires one of its atoms (necessaryAtoms); a rule without one is evaluated on every event
 * of its bucket ("scan"). The index only ever skips rules that could not have matched.
 */
import type { LogEvent } from '../../generated/schema-types.js';
import type { CondNode } from './condition.js';
import { keywordHaystack, keywordRaw, lowerAt, memoSlot, seedLower, sigmaGetter, type SigmaGetter } from './fields.js';
import { keywordProbe, literalGate, lowersToAscii } from './literal-gate.js';
import type { Detection, DetectionItem, Selection } from './tree.js';
import { TRANSFORMS, transformValues } from './modifiers.js';
import { isPlain, lowerLiteral, requiredLiteral } from './detection.js';
import { AffixTrie } from './automaton.js';
import { LiteralScan } from './literal-scan.js';
import { hashPieces, isHashPiece } from './hash-pieces.js';
import { DEFAULT_VALUE_CACHE, ValueCache, type ValueCacheLimits, type ValueTable } from './value-cache.js';

/** The field's lower-cased value equals / ends with / starts with / contains `value` (lower-cased). */
export interface Atom {
  field: string;
  how: 'eq' | 'suffix' | 'prefix' | 'contains';
  value: string;
}

/** One logsource target of a rule, as the index needs it. */
export interface PrefilterTarget {
  /** Lower-cased channels. */
  channels: readonly string[];
  eventIds?: readonly number[];
  /** Any one of these must hold for the rule to match here; null: evaluate on every event of the bucket. */
  atoms: readonly Atom[] | null;
  /** A second necessary set (another conjunct of the condition): one of these must hold too. */
  also?: readonly Atom[];
  /** For a rule without atoms: any one of these holding rules the match out (`not filter` on a plain value list). */
  veto?: readonly Atom[];
}

export interface PrefilterSpec {
  targets: readonly PrefilterTarget[];
}

/**
 * Most atoms one rule target may index under. The lookups cost per event value, not per atom
 * (tries and one automaton per field), so SigmaHQ's long lists (100+ tool names, hashes) are
 * indexed instead of evaluated on every event; the bound only caps index build time.
 */
const MAX_ATOMS = 4096;
/** Shorter ASCII literals would be found in nearly every value: no use as a key (one non-ASCII character is rare enough: homoglyph lists). */
const MIN_CONTAINS = 3;
/** The pseudo-field of keyword atoms: found in the message or any EventData value (fields.ts keywordTexts). */
export const KEYWORDS = '\u0000keywords';

/**
 * A Sigma value read as the glob parser reads it (`\*`, `\?`, `\\` are escapes, any other
 * backslash is literal), lower-cased: its literal pieces between unescaped wildcards, and whether
 * it has a wildcard at all.
 */
export function literalPieces(v: string): { pieces: string[]; wild: boolean } {
  const pieces: string[] = [];
  let lit = '';
  let wild = false;
  for (let i = 0; i < v.length; i++) {
    const c = v[i]!;
    if (c === '\\' && (v[i + 1] === '*' || v[i + 1] === '?' || v[i + 1] === '\\')) lit += v[++i];
    else if (c === '*' || c === '?') {
      wild = true;
      pieces.push(lit);
      lit = '';
    } else lit += c;
  }
  pieces.push(lit);
  return { pieces: pieces.map((p) => p.toLowerCase()), wild };
}

/**
 * Long enough to be rare in event text: 3+ characters, a non-ASCII one, two punctuation marks
 * (`^^`, `${`, DOSfuscation and PowerShell escapes) or one of the characters command lines
 * almost never hold (` ^ ~).
 */
function usable(piece: string): boolean {
  const n = piece.length;
  return n >= MIN_CONTAINS || /[^\x00-\x7f]/.test(piece) || (n === 2 && /^[^a-z0-9\s]{2}$/.test(piece)) || (n === 1 && '`^~'.includes(piece));
}

/**
 * The atom a `contains` match of this value requires: its longest literal piece. A short one
 * (`-f`, `+`) is still kept, priced as waking the rule on most events (atomCost): it never
 * beats a real alternative, but beats evaluating the rule on every event of its bucket.
 */
function containsAtom(field: string, v: string): Atom | null {
  let best = '';
  for (const p of literalPieces(v).pieces) if (p.length > best.length) best = p;
  return best ? { field, how: 'contains', value: best } : null;
}

/**
 * A wildcard value compared whole (equals, startswith, endswith): its first literal piece is a
 * prefix of the field (`7z*.exe`), its last a suffix (`*rar.exe`), its longest one is contained;
 * the cheapest of those.
 */
function anchoredAtom(field: string, v: string, how: 'eq' | 'prefix' | 'suffix'): Atom | null {
  const { pieces } = literalPieces(v);
  const options: Atom[] = [];
  const first = pieces[0]!;
  const last = pieces[pieces.length - 1]!;
  if ((how === 'eq' || how === 'prefix') && first) options.push({ field, how: 'prefix', value: first });
  if ((how === 'eq' || how === 'suffix') && last) options.push({ field, how: 'suffix', value: last });
  const c = containsAtom(field, v);
  if (c) options.push(c);
  let out: Atom | null = null;
  for (const a of options) if (!out || atomCost(a) < atomCost(out)) out = a;
  return out;
}

/** `|re`: the literal the pattern cannot match without (compared lower-cased: a superset of the regex's matches). */
function regexAtom(field: string, v: unknown): Atom | null {
  if (typeof v !== 'string') return null;
  const source = v.replace(/^\(\?[ims]+\)/, '');
  const found = requiredLiteral(source, 1);
  // 'Σ' lower-cases by context (final 'ς' or 'σ'): where a case-sensitive pattern needs it, the
  // lower-cased value may hold either, so it is no atom. Otherwise each character lowered on its
  // own, as `|re|i` lowers its literals (detection.ts lowerLiteral).
  if (found === null || found.includes('\u03a3')) return null;
  return { field, how: 'contains', value: lowerLiteral(found) };
}

function itemAtoms(i: DetectionItem): Atom[] | null {
  if (!i.values.length) return null;
  const field = i.field ?? KEYWORDS;
  const mods = new Set(i.modifiers);
  mods.delete('cased'); // the index compares lower-cased text: a superset of cased matches
  const all = mods.delete('all');
  const transforms = i.modifiers.filter((m) => TRANSFORMS.has(m));
  for (const m of transforms) mods.delete(m);
  if (mods.has('re')) {
    if (![...mods].every((m) => m === 're' || m === 'i' || m === 'm' || m === 's')) return null;
    const atoms = i.values.map((v) => regexAtom(field, v));
    if (all) return best(atoms.map((a) => (a ? [a] : null)));
    return atoms.every((x): x is Atom => x !== null) && atoms.length <= MAX_ATOMS ? atoms : null;
  }
  if (mods.size > 1) return null;
  const mod = mods.size ? [...mods][0]! : '';
  if (mod && mod !== 'contains' && mod !== 'endswith' && mod !== 'startswith') return null;
  if (!i.values.every((v) => typeof v === 'string' && v !== '')) return null;
  let groups: string[][];
  try {
    groups = transforms.length ? transformValues(i.values as string[], i.modifiers, field) : (i.values as string[]).map((v) => [v]);
  } catch {
    return null;
  }
  // Keywords match anywhere in a text: contains, whatever the modifiers.
  const how = i.field === null || mod === 'contains' ? 'contains' : mod === 'endswith' ? 'suffix' : mod === 'startswith' ? 'prefix' : 'eq';
  const groupAtoms = (variants: readonly string[]): Atom[] | null => {
    const atoms: Atom[] = [];
    for (const variant of variants) {
      const { pieces, wild } = literalPieces(variant);
      if (how === 'contains' || wild) {
        const atom = how === 'contains' ? containsAtom(field, variant) : anchoredAtom(field, variant, how);
        if (!atom) return null;
        atoms.push(atom);
      } else atoms.push({ field, how, value: pieces[0]! });
    }
    return atoms;
  };
  // With |all every value is necessary: the most selective one will do. Without, any value may match: all of them.
  return all ? best(groups.map(groupAtoms)) : union(groups.map(groupAtoms));
}

/**
 * Fields with a handful of values on every host (a channel's Provider_Name, Sysmon's
 * IntegrityLevel is one of four, Company is "Microsoft Corporation" on most processes): an atom on them lets a rule through on most events.
 */
const LOW_CARDINALITY = new Set(['provider_name', 'provider', 'channel', 'eventid', 'logonprocessname', 'authenticationpackagename', 'integritylevel', 'company', 'product', 'signed', 'signaturestatus', 'initiated', 'protocol', 'eventtype', 'terminalsessionid', 'logonid', 'user', 'parentuser', 'logontype', 'status', 'state']);

/**
 * How often one atom lets its rule through, roughly (the index is sound whichever necessary set
 * it picks; this only picks the one that wakes the rule least): short literals and suffixes like
 * `.exe` hold on most values, long ones on few.
 */
function atomCost(a: Atom): number {
  const n = a.value.length;
  if (a.how === 'contains' && !usable(a.value)) return WEAK;
  let c = a.how === 'eq' ? (n >= 4 ? 1 : 3) : a.how === 'contains' ? (n >= 8 ? 2 : n >= 5 ? 4 : 8) : n >= 8 ? 1 : n >= 5 ? 3 : 10;
  if (COMMON_TEXT.some((t) => t.includes(a.value))) c = Math.max(c, 12);
  return LOW_CARDINALITY.has(a.field.toLowerCase()) ? c * 8 : c;
}

/** The cost of a literal found in nearly every value (two letters, one common character): as good as no atom. */
const WEAK = 1000;

/**
 * Text found in most Windows process, file and registry events: an atom that is part of one
 * (`c:\\windows\\`, `\\cmd.exe`, `dword (0x00000001)`) is long but wakes its rule on most events.
 */
const COMMON_TEXT = [
  'c:\\windows\\system32\\', 'c:\\windows\\syswow64\\', 'c:\\windows\\temp\\', 'c:\\windows\\explorer.exe', 'c:\\program files (x86)\\', 'c:\\program files\\',
  'c:\\programdata\\', 'c:\\users\\', '\\appdata\\local\\temp\\', '\\appdata\\roaming\\', '\\svchost.exe', '\\cmd.exe', '\\conhost.exe', '\\powershell.exe',
  '\\services.exe', '\\rundll32.exe', 'dword (0x00000000)', 'dword (0x00000001)', 'microsoft corporation', 'microsoft® windows® operating system',
  'hklm\\software\\microsoft\\windows\\currentversion\\', 'hkcu\\software\\microsoft\\windows\\currentversion\\', 'hklm\\system\\currentcontrolset\\services\\',
];

function cost(atoms: readonly Atom[]): number {
  let c = 0;
  for (const a of atoms) c += atomCost(a);
  return c;
}

/** The most selective non-null alternative. */
function best(sets: Array<Atom[] | null>): Atom[] | null {
  let out: Atom[] | null = null;
  for (const s of sets) if (s && (!out || cost(s) < cost(out))) out = s;
  return out;
}

function union(sets: Array<Atom[] | null>): Atom[] | null {
  const out: Atom[] = [];
  for (const s of sets) {
    if (!s) return null;
    out.push(...s);
  }
  return out.length <= MAX_ATOMS ? out : null;
}

function selectionAtoms(s: Selection): Atom[] | null {
  if (s.kind === 'or') return union(s.options.map(selectionAtoms));
  return best(s.items.map(itemAtoms));
}

function nodeAtoms(n: CondNode, det: Detection): Atom[] | null {
  switch (n.op) {
    case 'ref':
      return selectionAtoms(det.selections.get(n.name)!);
    case 'not':
      return null;
    case 'and':
      return best(n.args.map((a) => nodeAtoms(a, det)));
    case 'or':
      return union(n.args.map((a) => nodeAtoms(a, det)));
  }
}

/** Atoms one of which every match of the detection requires, or null when there is no such set. */
export function necessaryAtoms(det: Detection): Atom[] | null {
  return union(det.conditions.map((c) => nodeAtoms(c, det)));
}

/** The conjuncts of a condition (nested `and`s flattened). */
function conjuncts(n: CondNode): CondNode[] {
  return n.op === 'and' ? n.args.flatMap(conjuncts) : [n];
}

/** Necessary atom sets, each from its own conjunct or selection item: every one of them must hold. */
function necessarySets(n: CondNode, det: Detection): Atom[][] {
  const out: Atom[][] = [];
  for (const c of conjuncts(n)) {
    const sel = c.op === 'ref' ? det.selections.get(c.name)! : undefined;
    if (sel?.kind === 'and') {
      for (const item of sel.items) {
        const a = itemAtoms(item);
        if (a) out.push(a);
      }
    } else {
      const a = nodeAtoms(c, det);
      if (a) out.push(a);
    }
  }
  return out;
}

/**
 * Atoms whose hit alone proves the item true: a field compared with plain strings (equals,
 * contains, startswith, endswith; case-insensitive, no wildcard, escape or transform), exactly
 * what the index compares. Null when the item is anything else.
 */
function sufficientItemAtoms(i: DetectionItem): Atom[] | null {
  if (i.field === null || !i.values.length || i.modifiers.length > 1) return null;
  const mod = i.modifiers[0] ?? '';
  const how = mod === '' ? 'eq' : mod === 'contains' ? 'contains' : mod === 'endswith' ? 'suffix' : mod === 'startswith' ? 'prefix' : null;
  if (!how) return null;
  const atoms: Atom[] = [];
  for (const v of i.values) {
    if (typeof v !== 'string' || v === '' || !isPlain(v)) return null;
    atoms.push({ field: i.field, how, value: v.toLowerCase() });
  }
  return atoms;
}

/** Atoms whose hit alone proves the selection true: one-item maps only (or a list of them). */
function sufficientAtoms(s: Selection): Atom[] | null {
  if (s.kind === 'and') return s.items.length === 1 ? sufficientItemAtoms(s.items[0]!) : null;
  const out: Atom[] = [];
  for (const o of s.options) {
    const a = sufficientAtoms(o);
    if (!a) return null;
    out.push(...a);
  }
  return out;
}

/**
 * Atoms any one of which rules a match out: the rule's only condition is a conjunction with
 * `not <selection>` or `not 1 of <selections>` among its conjuncts, and those selections are
 * plain value lists (sufficientAtoms). Pure negations ("an image without a known extension")
 * then skip every event the filter names instead of being evaluated on all of them.
 */
function vetoAtoms(det: Detection): Atom[] | null {
  if (det.conditions.length !== 1) return null;
  const out: Atom[] = [];
  for (const c of conjuncts(det.conditions[0]!)) {
    if (c.op !== 'not') continue;
    const refs = c.arg.op === 'ref' ? [c.arg] : c.arg.op === 'or' && c.arg.args.every((a) => a.op === 'ref') ? c.arg.args : [];
    for (const r of refs) {
      const a = r.op === 'ref' ? sufficientAtoms(det.selections.get(r.name)!) : null;
      if (a) out.push(...a);
    }
  }
  return out.length && out.length <= MAX_ATOMS ? out : null;
}

/**
 * What the index keys a rule target on: the cheapest necessary set, a second one when the
 * condition is one conjunction offering another (the rule is then woken only when both hit:
 * `ParentImage` is Office *and* `CommandLine` has the literal), and for a rule with none, the
 * atoms that rule it out.
 */
export function indexAtoms(det: Detection): Pick<PrefilterTarget, 'atoms' | 'also' | 'veto'> {
  const atoms = necessaryAtoms(det);
  if (!atoms) {
    const veto = vetoAtoms(det);
    return veto ? { atoms: null, veto } : { atoms: null };
  }
  if (det.conditions.length !== 1) return { atoms };
  const sets = necessarySets(det.conditions[0]!, det).filter((set) => set !== atoms && cost(set) < WEAK);
  let also: Atom[] | undefined;
  for (const set of sets) if (!sameAtoms(set, atoms) && (!also || cost(set) < cost(also))) also = set;
  return also ? { atoms, also } : { atoms };
}

function sameAtoms(a: readonly Atom[], b: readonly Atom[]): boolean {
  return a.length === b.length && a.every((x, i) => x.field === b[i]!.field && x.how === b[i]!.how && x.value === b[i]!.value);
}

/**
 * Index list entries are `slot * 4 + role`. A hit on an entry of role ANY wakes its rule; a rule
 * keyed on two sets wakes when both its FIRST and its SECOND set hit; a VETO hit keeps a rule
 * of the bucket's scan list from being run.
 */
const ANY = 0;
const FIRST = 1;
const SECOND = 2;
const VETO = 3;

/** Rules of one (channel, EventID) bucket, as slots into the index's rule list. */
interface Bucket {
  /** Rules without atoms: run on every event of the bucket unless vetoed. */
  scan: Int32Array;
  fields: FieldIndex[];
}

interface FieldIndex {
  field: string;
  get: SigmaGetter;
  /** Memo slot of the field's lower-cased value (shared with the rules reading it). */
  slot: number;
  eq: Map<string, Int32Array>;
  suffix: AffixTrie<Int32Array> | undefined;
  prefix: AffixTrie<Int32Array> | undefined;
  contains: LiteralScan<Int32Array> | undefined;
  /**
   * Hash fields (hash-pieces.ts): the `contains` literals that are whole `NAME=HEX` pieces, looked
   * up per piece of a well-formed value, and `rest`, the other literals, searched on it. Values
   * that are not well-formed pieces go through `contains`, which holds every literal.
   */
  pieces: Map<string, Int32Array> | undefined;
  /**
   * Instead of `contains` when the field has only a few literals (User, Product, Company...): a
   * native `includes` each, which skips through a value several times faster than the automaton
   * steps it in JavaScript (~7 ns a character whatever the table's size).
   */
  few: ReadonlyArray<readonly [string, Int32Array]> | undefined;
  rest: LiteralScan<Int32Array> | undefined;
  /** Keywords only: false when no keyword literal of the bucket can be in the text (literal-gate.ts). */
  gate: ((text: string) => boolean) | null;
  /** Keywords only: keywordProbe(); null: search the joined haystack. */
  probe: RegExp | null;
  /** eqLengths[n] is 1 when some `eq` literal has length n. */
  eqLengths: Uint8Array;
  /** The lookups of recent values (value-cache.ts); null when the cache is off or for keywords. */
  cache: ValueTable<Int32Array> | null;
}

/**
 * The value cache's bounds for indexes built from now on (the engine builds its own index): the
 * benchmark's and tests' switch to compare with the cache off (`maxEntries: 0`).
 */
export const prefilterDefaults: { valueCache: ValueCacheLimits } = { valueCache: DEFAULT_VALUE_CACHE };

const EMPTY: readonly never[] = [];

export class PrefilterIndex<R extends { prefilter?: PrefilterSpec }> {
  private readonly byChannel = new Map<string, { byId: Map<number, Bucket>; any: Bucket | undefined }>();
  private readonly rules: readonly R[];
  /** Per slot: the event stamp it was handed out (or vetoed, or half-woken) at. */
  private readonly seen: Uint32Array;
  private readonly vetoed: Uint32Array;
  private readonly halfStamp: Uint32Array;
  /** Per slot: which of FIRST / SECOND hit this event (valid when halfStamp is the stamp). */
  private readonly half: Uint8Array;
  private stamp = 0;
  private readonly out: R[] = [];
  private readonly addFn = (list: Int32Array) => this.hit(list);
  /** Shared by every field's table: one bound for the whole index. */
  readonly valueCache: ValueCache<Int32Array>;
  /** While a value's lookup is being recorded for the cache: the lists it hands out, in order. */
  private recording = false;
  private readonly recorded: Int32Array[] = [];

  constructor(rules: readonly R[], opts: { valueCache?: ValueCacheLimits } = {}) {
    this.rules = rules;
    this.valueCache = new ValueCache(opts.valueCache ?? prefilterDefaults.valueCache);
    this.seen = new Uint32Array(rules.length);
    this.vetoed = new Uint32Array(rules.length);
    this.halfStamp = new Uint32Array(rules.length);
    this.half = new Uint8Array(rules.length);
    const raw = new Map<string, { byId: Map<number, Array<[number, PrefilterTarget]>>; any: Array<[number, PrefilterTarget]> }>();
    rules.forEach((r, slot) => {
      for (const t of r.prefilter!.targets) {
        for (const ch of t.channels) {
          const c = raw.get(ch) ?? { byId: new Map<number, Array<[number, PrefilterTarget]>>(), any: [] as Array<[number, PrefilterTarget]> };
          raw.set(ch, c);
          if (!t.eventIds) c.any.push([slot, t]);
          else
            for (const id of t.eventIds) {
              const list: Array<[number, PrefilterTarget]> = c.byId.get(id) ?? [];
              list.push([slot, t]);
              c.byId.set(id, list);
            }
        }
      }
    });
    for (const [ch, c] of raw) {
      const byId = new Map<number, Bucket>();
      // Channel-wide rules (no EventID) join every EventID bucket of the channel.
      for (const [id, list] of c.byId) byId.set(id, buildBucket([...list, ...c.any], this.valueCache));
      this.byChannel.set(ch, { byId, any: c.any.length ? buildBucket(c.any, this.valueCache) : undefined });
    }
  }

  /** Size of the index: buckets, indexed fields, and the bytes of its string-search tables. */
  stats(): { buckets: number; fields: number; containsBytes: number; affixBytes: number} {
    const out = { buckets: 0, fields: 0, containsBytes: 0, affixBytes: 0 };
    const seen = new Set<Bucket>();
    for (const c of this.byChannel.values()) {
      for (const b of [...c.byId.values(), ...(c.any ? [c.any] : [])]) {
        if (seen.has(b)) continue;
        seen.add(b);
        out.buckets++;
        for (const f of b.fields) {
          out.fields++;
          out.containsBytes += (f.contains?.bytes ?? 0) + (f.rest?.bytes ?? 0);
          out.affixBytes += (f.suffix?.bytes ?? 0) + (f.prefix?.bytes ?? 0);
        }
      }
    }
    return out;
  }

  /** `channel` lower-cased. The list is reused by the next call: iterate it before calling again. */
  candidates(e: LogEvent, channel: string | undefined): readonly R[] {
    if (channel === undefined) return EMPTY;
    const c = this.byChannel.get(channel);
    if (!c) return EMPTY;
    const id = e.fields.event_id;
    const b = (id !== undefined ? c.byId.get(id) : undefined) ?? c.any;
    if (!b) return EMPTY;
    const out = this.out;
    out.length = 0;
    if (++this.stamp === 0xffffffff) {
      this.seen.fill(0);
      this.vetoed.fill(0);
      this.halfStamp.fill(0);
      this.stamp = 1;
    }
    for (let k = 0; k < b.fields.length; k++) {
      const f = b.fields[k]!;
      if (f.field === KEYWORDS) {
        if (f.probe) this.keywords(e, f, f.probe);
        else {
          // The event's texts joined and lower-cased once (shared with the keyword rules): a hit
          // spanning two texts only wakes a rule that then tests each text itself.
          const hay = keywordHaystack(e);
          if (!f.gate || f.gate(hay)) f.contains!.search(hay, this.addFn);
        }
        continue;
      }
      const v = f.get(e);
      if (v === undefined) continue;
      const cache = f.cache;
      if (cache !== null && typeof v === 'string') {
        if (v.length <= this.valueCache.limits.maxChars) {
          const known = cache.get(v);
          if (known !== undefined) {
            // The rules evaluated next read the same lower-cased value from the event's memo.
            seedLower(e, f.slot, known.lower);
            const lists = known.lists;
            for (let i = 0; i < lists.length; i++) this.add(lists[i]!);
            continue;
          }
          cache.misses++;
          const lower = lowerAt(e, f.slot, v);
          this.recording = true;
          this.recorded.length = 0;
          this.lookup(f, lower);
          this.recording = false;
          cache.set(v, lower, this.recorded);
          continue;
        }
        cache.bypassed++;
      }
      this.lookup(f, lowerAt(e, f.slot, v));
    }
    const { vetoed, stamp, rules } = this;
    const scan = b.scan;
    for (let i = 0; i < scan.length; i++) {
      const s = scan[i]!;
      if (vetoed[s] !== stamp) out.push(rules[s]!);
    }
    return out;
  }

  /** Hands out the lists one field's lower-cased value wakes (what the value cache records). */
  private lookup(f: FieldIndex, lower: string): void {
    // No eq literal has this length: skip hashing the value (a Sysmon Hashes or CommandLine value is hundreds of characters).
    if (lower.length < f.eqLengths.length && f.eqLengths[lower.length]) {
      const eq = f.eq.get(lower);
      if (eq) this.hit(eq);
    }
    if (f.suffix) f.suffix.walk(lower, this.addFn);
    if (f.prefix) f.prefix.walk(lower, this.addFn);
    if (f.few) {
      const few = f.few;
      for (let i = 0; i < few.length; i++) if (lower.includes(few[i]![0])) this.hit(few[i]![1]);
    } else if (f.contains) {
      const pieces = f.pieces ? hashPieces(lower) : null;
      if (pieces) {
        for (let i = 0; i < pieces.length; i++) {
          const list = f.pieces!.get(pieces[i]!);
          if (list) this.hit(list);
        }
        if (f.rest) f.rest.search(lower, this.addFn);
      } else f.contains.search(lower, this.addFn);
    }
  }

  private hit(list: Int32Array): void {
    if (this.recording) this.recorded.push(list);
    this.add(list);
  }

  /**
   * Keyword literals, searched text by text in place: each text (the message, every EventData
   * string) is tested with the native case-insensitive probe, and only a text it hits is
   * lower-cased and searched. A keyword match lies inside one text, so this wakes every rule the
   * joined haystack did, without joining and lower-casing ~900 characters per event.
   */
  private keywords(e: LogEvent, f: FieldIndex, probe: RegExp): void {
    // The probe over the joined texts first (fields.ts keywordRaw): on most events it finds
    // nothing, and no text alone then can.
    const raw = keywordRaw(e);
    if (!probe.test(raw) && !lowersToAscii(raw)) return;
    const m = e.message;
    if (m && (probe.test(m) || lowersToAscii(m))) f.contains!.search(m.toLowerCase(), this.addFn);
    const data = e.fields.event_data;
    if (!data) return;
    for (const k in data) {
      const v = data[k];
      if (typeof v === 'string' && v && (probe.test(v) || lowersToAscii(v))) f.contains!.search(v.toLowerCase(), this.addFn);
    }
  }

  private add(list: Int32Array): void {
    const { seen, stamp, out, rules } = this;
    for (let i = 0; i < list.length; i++) {
      const code = list[i]!;
      const s = code >> 2;
      const role = code & 3;
      if (role === VETO) {
        this.vetoed[s] = stamp;
        continue;
      }
      if (seen[s] === stamp) continue;
      if (role !== ANY) {
        const bit = role === FIRST ? 1 : 2;
        const had = this.halfStamp[s] === stamp ? this.half[s]! : 0;
        this.halfStamp[s] = stamp;
        if ((this.half[s] = had | bit) !== 3) continue;
      }
      seen[s] = stamp;
      out.push(rules[s]!);
    }
  }
}

function lengthsOf(keys: readonly string[]): Uint8Array {
  const out = new Uint8Array(keys.reduce((n, k) => Math.max(n, k.length + 1), 0));
  for (const k of keys) out[k.length] = 1;
  return out;
}

/** At most this many `contains` literals on a field and they are looked for one by one with `includes`. */
const FEW_LITERALS = 8;

/** Fewer whole-piece literals than this and the field is searched as before (the split would not pay). */
const MIN_HASH_PIECES = 8;

function automaton(entries: ReadonlyArray<readonly [string, Int32Array]>): LiteralScan<Int32Array> | undefined {
  return entries.length ? new LiteralScan(entries, { common: COMMON_TEXT }) : undefined;
}

function buildBucket(list: Array<[number, PrefilterTarget]>, valueCache: ValueCache<Int32Array>): Bucket {
  const scan = new Set<number>();
  const byField = new Map<string, { eq: Map<string, Set<number>>; suffix: Map<string, Set<number>>; prefix: Map<string, Set<number>>; contains: Map<string, Set<number>> }>();
  const put = (a: Atom, code: number) => {
    let f = byField.get(a.field);
    if (!f) byField.set(a.field, (f = { eq: new Map(), suffix: new Map(), prefix: new Map(), contains: new Map() }));
    const m = a.how === 'eq' ? f.eq : a.how === 'suffix' ? f.suffix : a.how === 'prefix' ? f.prefix : f.contains;
    const set = m.get(a.value) ?? new Set<number>();
    set.add(code);
    m.set(a.value, set);
  };
  // A rule with two targets in one bucket matches if either does: its sets are then only a union
  // (any hit wakes it), never two sets both required, and a veto of one target is not the other's.
  const targetsOf = new Map<number, PrefilterTarget[]>();
  for (const [slot, t] of list) targetsOf.set(slot, [...(targetsOf.get(slot) ?? []), t]);
  for (const [slot, ts] of targetsOf) {
    if (ts.some((t) => !t.atoms)) {
      scan.add(slot);
      if (ts.length === 1 && ts[0]!.veto) for (const a of ts[0]!.veto) put(a, slot * 4 + VETO);
      continue;
    }
    if (ts.length === 1 && ts[0]!.also) {
      for (const a of ts[0]!.atoms!) put(a, slot * 4 + FIRST);
      for (const a of ts[0]!.also) put(a, slot * 4 + SECOND);
      continue;
    }
    for (const t of ts) for (const a of t.atoms!) put(a, slot * 4 + ANY);
  }
  const slots = (m: Map<string, Set<number>>) => [...m].map(([k, set]) => [k, Int32Array.from(set)] as const);
  const fields: FieldIndex[] = [...byField].map(([field, f]) => {
    const containsSlots = slots(f.contains);
    const few = field !== KEYWORDS && containsSlots.length && containsSlots.length <= FEW_LITERALS ? containsSlots : undefined;
    const contains = few ? undefined : automaton(containsSlots);
    const whole = containsSlots.filter(([k]) => isHashPiece(k));
    const split = !few && field !== KEYWORDS && whole.length >= MIN_HASH_PIECES;
    return {
      field,
      get: sigmaGetter(field),
      slot: memoSlot(field),
      eq: new Map(slots(f.eq)),
      suffix: f.suffix.size ? new AffixTrie(slots(f.suffix), 'suffix') : undefined,
      prefix: f.prefix.size ? new AffixTrie(slots(f.prefix), 'prefix') : undefined,
      contains,
      few,
      pieces: split ? new Map(whole) : undefined,
      rest: split ? automaton(containsSlots.filter(([k]) => !isHashPiece(k))) : undefined,
      gate: field === KEYWORDS ? literalGate([...f.contains.keys()]) : null,
      probe: field === KEYWORDS ? keywordProbe([...f.contains.keys()]) : null,
      eqLengths: lengthsOf([...f.eq.keys()]),
      cache: field !== KEYWORDS && valueCache.enabled ? valueCache.table(field) : null,
    };
  });
  return { scan: Int32Array.from(scan), fields };
}
