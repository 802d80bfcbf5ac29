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
import { lowerAt, memoSlot, sigmaGetter, type SigmaGetter } from './fields.js';
import type { Detection, DetectionItem, Selection } from './tree.js';
import { TRANSFORMS, transformValues } from './modifiers.js';
import { requiredLiteral } from './detection.js';
import { AffixTrie, AhoCorasick } from './automaton.js';

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

/** The atom a `contains` match of this value requires: its longest literal piece. */
function containsAtom(field: string, v: string): Atom | null {
  let best = '';
  for (const p of literalPieces(v).pieces) if (p.length > best.length) best = p;
  return usable(best) ? { field, how: 'contains', value: best } : null;
}

/** `|re`: the literal the pattern cannot match without (compared lower-cased: a superset of the regex's matches). */
function regexAtom(field: string, v: unknown): Atom | null {
  if (typeof v !== 'string') return null;
  const source = v.replace(/^\(\?[ims]+\)/, '');
  const lit = requiredLiteral(source, 1)?.toLowerCase();
  return lit && usable(lit) ? { field, how: 'contains', value: lit } : null;
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
        const atom = containsAtom(field, variant);
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
  let c = a.how === 'eq' ? (n >= 4 ? 1 : 3) : a.how === 'contains' ? (n >= 8 ? 2 : n >= 5 ? 4 : 8) : n >= 8 ? 1 : n >= 5 ? 3 : 10;
  if (COMMON_TEXT.some((t) => t.includes(a.value))) c = Math.max(c, 12);
  return LOW_CARDINALITY.has(a.field.toLowerCase()) ? c * 8 : c;
}

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

/** Rules of one (channel, EventID) bucket, as slots into the index's rule list. */
interface Bucket {
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
  contains: AhoCorasick<Int32Array> | undefined;
}

const EMPTY: readonly never[] = [];

export class PrefilterIndex<R extends { prefilter?: PrefilterSpec }> {
  private readonly byChannel = new Map<string, { byId: Map<number, Bucket>; any: Bucket | undefined }>();
  private readonly rules: readonly R[];
  private readonly seen: Uint32Array;
  private stamp = 0;
  private readonly out: R[] = [];
  private readonly addFn = (list: Int32Array) => this.add(list);

  constructor(rules: readonly R[]) {
    this.rules = rules;
    this.seen = new Uint32Array(rules.length);
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
      for (const [id, list] of c.byId) byId.set(id, buildBucket([...list, ...c.any]));
      this.byChannel.set(ch, { byId, any: c.any.length ? buildBucket(c.any) : undefined });
    }
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
      this.stamp = 1;
    }
    this.add(b.scan);
    for (let k = 0; k < b.fields.length; k++) {
      const f = b.fields[k]!;
      if (f.field === KEYWORDS) {
        // The texts keywordTexts(e, true) lists, searched as if lower-cased: no copy of the event's text.
        const ac = f.contains!;
        ac.searchFolded(e.message, this.addFn);
        const data = e.fields.event_data;
        if (data) {
          for (const key in data) {
            const v = data[key];
            if (typeof v === 'string' && v) ac.searchFolded(v, this.addFn);
          }
        }
        continue;
      }
      const v = f.get(e);
      if (v === undefined) continue;
      const lower = lowerAt(e, f.slot, v);
      const eq = f.eq.get(lower);
      if (eq) this.add(eq);
      if (f.suffix) f.suffix.walk(lower, this.addFn);
      if (f.prefix) f.prefix.walk(lower, this.addFn);
      if (f.contains) f.contains.search(lower, this.addFn);
    }
    return out;
  }

  private add(list: Int32Array): void {
    const { seen, stamp, out, rules } = this;
    for (let i = 0; i < list.length; i++) {
      const s = list[i]!;
      if (seen[s] === stamp) continue;
      seen[s] = stamp;
      out.push(rules[s]!);
    }
  }
}

function buildBucket(list: Array<[number, PrefilterTarget]>): Bucket {
  const scan = new Set<number>();
  const byField = new Map<string, { eq: Map<string, Set<number>>; suffix: Map<string, Set<number>>; prefix: Map<string, Set<number>>; contains: Map<string, Set<number>> }>();
  for (const [slot, t] of list) {
    if (!t.atoms) {
      scan.add(slot);
      continue;
    }
    for (const a of t.atoms) {
      let f = byField.get(a.field);
      if (!f) byField.set(a.field, (f = { eq: new Map(), suffix: new Map(), prefix: new Map(), contains: new Map() }));
      const m = a.how === 'eq' ? f.eq : a.how === 'suffix' ? f.suffix : a.how === 'prefix' ? f.prefix : f.contains;
      const set = m.get(a.value) ?? new Set<number>();
      set.add(slot);
      m.set(a.value, set);
    }
  }
  const slots = (m: Map<string, Set<number>>) => [...m].map(([k, set]) => [k, Int32Array.from(set)] as const);
  const fields: FieldIndex[] = [...byField].map(([field, f]) => {
    let contains: AhoCorasick<Int32Array> | undefined;
    if (f.contains.size) {
      contains = new AhoCorasick<Int32Array>();
      for (const [k, list] of slots(f.contains)) contains.add(k, list);
      contains.build();
    }
    return {
      field,
      get: sigmaGetter(field),
      slot: memoSlot(field),
      eq: new Map(slots(f.eq)),
      suffix: f.suffix.size ? new AffixTrie(slots(f.suffix), 'suffix') : undefined,
      prefix: f.prefix.size ? new AffixTrie(slots(f.prefix), 'prefix') : undefined,
      contains,
    };
  });
  return { scan: Int32Array.from(scan), fields };
}

