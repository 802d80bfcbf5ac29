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
import { lowerOf, sigmaGetter, type SigmaGetter } from './fields.js';
import type { Detection, DetectionItem, Selection } from './tree.js';
import { windash } from './modifiers.js';

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

const MAX_ATOMS = 64;
/** Shorter literals would be found in nearly every value: no use as a key. */
const MIN_CONTAINS = 3;

/** A value's plain text, or null when it holds escapes (\\*, \\?, \\\\) whose reading needs the glob parser. */
function plain(v: unknown): string | null {
  if (typeof v !== 'string') return null;
  return /\\[*?\\]/.test(v) ? null : v.toLowerCase();
}

/** The longest wildcard-free piece of a value: any match contains it. */
function longestPiece(v: string): string {
  let out = '';
  for (const piece of v.split(/[*?]/)) if (piece.length > out.length) out = piece;
  return out;
}

function itemAtoms(i: DetectionItem): Atom[] | null {
  if (i.field === null || !i.values.length) return null;
  const field = i.field;
  const mods = new Set(i.modifiers);
  mods.delete('cased'); // the index compares lower-cased text: a superset of cased matches
  const all = mods.delete('all');
  const dash = mods.delete('windash');
  if (mods.size > 1) return null;
  const mod = mods.size ? [...mods][0]! : '';
  if (mod && mod !== 'contains' && mod !== 'endswith' && mod !== 'startswith') return null;
  const values = all ? i.values.slice(0, 1) : i.values; // with |all, any one value is necessary
  const atoms: Atom[] = [];
  for (const v of values) {
    const text = plain(v);
    if (text === null || text === '') return null;
    for (const variant of dash ? windash(text) : [text]) {
      if (/[*?]/.test(variant) || mod === 'contains') {
        const piece = longestPiece(variant);
        if (piece.length < MIN_CONTAINS) return null;
        atoms.push({ field, how: 'contains', value: piece });
      } else atoms.push({ field, how: mod === 'endswith' ? 'suffix' : mod === 'startswith' ? 'prefix' : 'eq', value: variant });
    }
  }
  return atoms.length <= MAX_ATOMS ? atoms : null;
}

/** How often an atom set lets its rule through, roughly: short `contains` literals match the most values. */
function cost(atoms: readonly Atom[]): number {
  let c = 0;
  for (const a of atoms) c += a.how !== 'contains' ? 1 : a.value.length >= 6 ? 2 : 4;
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

/** Rules of one (channel, EventID) bucket. */
interface Bucket<R> {
  scan: R[];
  /** field → lookups; `lengths` lists the suffix/prefix lengths present, longest first. */
  fields: Map<string, FieldIndex<R>>;
}

interface FieldIndex<R> {
  get: SigmaGetter;
  eq: Map<string, R[]>;
  suffix: Map<string, R[]>;
  prefix: Map<string, R[]>;
  contains: Map<string, R[]>;
  /** Suffixes of the form `\name`: keyed by the name after the last backslash (one lookup per value). */
  basename: Map<string, R[]>;
  suffixLengths: number[];
  prefixLengths: number[];
  /** Over the `contains` keys; built once the bucket is complete. */
  scanner?: AhoCorasick<R[]>;
}

const EMPTY: readonly never[] = [];

export class PrefilterIndex<R extends { prefilter?: PrefilterSpec }> {
  private readonly byChannel = new Map<string, { byId: Map<number, Bucket<R>>; any: Bucket<R> | undefined }>();
  private readonly slot = new Map<R, number>();
  private readonly seen: Uint32Array;
  private stamp = 0;
  private readonly out: R[] = [];

  constructor(rules: readonly R[]) {
    rules.forEach((r, i) => this.slot.set(r, i));
    this.seen = new Uint32Array(rules.length);
    const raw = new Map<string, { byId: Map<number, Array<[R, PrefilterTarget]>>; any: Array<[R, PrefilterTarget]> }>();
    for (const r of rules) {
      for (const t of r.prefilter!.targets) {
        for (const ch of t.channels) {
          const c = raw.get(ch) ?? { byId: new Map<number, Array<[R, PrefilterTarget]>>(), any: [] as Array<[R, PrefilterTarget]> };
          raw.set(ch, c);
          if (!t.eventIds) c.any.push([r, t]);
          else
            for (const id of t.eventIds) {
              const list: Array<[R, PrefilterTarget]> = c.byId.get(id) ?? [];
              list.push([r, t]);
              c.byId.set(id, list);
            }
        }
      }
    }
    for (const [ch, c] of raw) {
      const byId = new Map<number, Bucket<R>>();
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
    if (!b.fields.size) return b.scan;
    const out = this.out;
    out.length = 0;
    if (++this.stamp === 0xffffffff) {
      this.seen.fill(0);
      this.stamp = 1;
    }
    for (let i = 0; i < b.scan.length; i++) {
      const r: R = b.scan[i]!;
      this.seen[this.slot.get(r)!] = this.stamp;
      out.push(r);
    }
    for (const [field, f] of b.fields) {
      const v = f.get(e);
      if (v === undefined) continue;
      const lower = lowerOf(e, field, v);
      this.add(f.eq.get(lower));
      if (f.basename.size) {
        const slash = lower.lastIndexOf('\\');
        if (slash >= 0) this.add(f.basename.get(lower.slice(slash + 1)));
      }
      for (const L of f.suffixLengths) if (L <= lower.length) this.add(f.suffix.get(lower.slice(lower.length - L)));
      for (const L of f.prefixLengths) if (L <= lower.length) this.add(f.prefix.get(lower.slice(0, L)));
      if (f.scanner) f.scanner.search(lower, this.addFn);
    }
    return out;
  }

  private readonly addFn = (list: R[]) => this.add(list);

  private add(list: R[] | undefined): void {
    if (!list) return;
    for (let i = 0; i < list.length; i++) {
      const r: R = list[i]!;
      const s = this.slot.get(r)!;
      if (this.seen[s] === this.stamp) continue;
      this.seen[s] = this.stamp;
      this.out.push(r);
    }
  }
}

function buildBucket<R>(list: Array<[R, PrefilterTarget]>): Bucket<R> {
  const b: Bucket<R> = { scan: [], fields: new Map() };
  const scanSet = new Set<R>();
  for (const [r, t] of list) {
    if (!t.atoms) {
      if (!scanSet.has(r)) b.scan.push(r);
      scanSet.add(r);
      continue;
    }
    for (const a of t.atoms) {
      let f = b.fields.get(a.field);
      if (!f) {
        f = { get: sigmaGetter(a.field), eq: new Map(), suffix: new Map(), prefix: new Map(), contains: new Map(), basename: new Map(), suffixLengths: [], prefixLengths: [] };
        b.fields.set(a.field, f);
      }
      const base = a.how === 'suffix' && a.value.lastIndexOf('\\') === 0;
      const m = base ? f.basename : a.how === 'eq' ? f.eq : a.how === 'suffix' ? f.suffix : a.how === 'prefix' ? f.prefix : f.contains;
      const key = base ? a.value.slice(1) : a.value;
      const l = m.get(key) ?? [];
      if (!l.includes(r)) l.push(r);
      m.set(key, l);
    }
  }
  for (const f of b.fields.values()) {
    f.suffixLengths = [...new Set([...f.suffix.keys()].map((k) => k.length))].sort((x, y) => y - x);
    f.prefixLengths = [...new Set([...f.prefix.keys()].map((k) => k.length))].sort((x, y) => y - x);
    if (f.contains.size) {
      const ac = new AhoCorasick<R[]>();
      for (const [k, rules] of f.contains) ac.add(k, rules);
      ac.build();
      f.scanner = ac;
    }
  }
  return b;
}

/**
 * Aho-Corasick over the `contains` literals of one field: one pass over the value finds every
 * literal it holds, however many rules there are. Transitions live in one number-keyed Map
 * (node × 65536 + UTF-16 unit); the root's are a flat table, so the common "no match here" step
 * costs one array read.
 */
export class AhoCorasick<T> {
  private readonly edges = new Map<number, number>();
  private readonly fail: number[] = [0];
  private readonly out: Array<T | undefined> = [undefined];
  /** Nearest node on the failure chain that ends a literal (-1: none). */
  private readonly dict: number[] = [-1];
  private readonly depthChildren: number[][] = [[]];
  /** Root transitions for ASCII (the common case), others through the edge map. */
  private readonly rootNext = new Int32Array(128);

  add(pattern: string, value: T): void {
    let node = 0;
    for (let i = 0; i < pattern.length; i++) {
      const key = node * 65536 + pattern.charCodeAt(i);
      let next = this.edges.get(key);
      if (next === undefined) {
        next = this.fail.length;
        this.fail.push(0);
        this.out.push(undefined);
        this.dict.push(-1);
        this.depthChildren.push([]);
        this.depthChildren[node]!.push(next);
        this.edges.set(key, next);
      }
      node = next;
    }
    this.out[node] = value;
  }

  build(): void {
    for (let c = 0; c < 128; c++) this.rootNext[c] = this.edges.get(c) ?? 0;
    const queue: number[] = [];
    for (const child of this.depthChildren[0]!) queue.push(child);
    // Children know their parent's edge label only through the edge map: walk the keys once.
    const label = new Map<number, number>();
    const parent = new Map<number, number>();
    for (const [key, child] of this.edges) {
      label.set(child, key % 65536);
      parent.set(child, Math.floor(key / 65536));
    }
    for (let qi = 0; qi < queue.length; qi++) {
      const node = queue[qi]!;
      const p = parent.get(node)!;
      const c = label.get(node)!;
      if (p !== 0) {
        let f = this.fail[p]!;
        for (;;) {
          const next = f === 0 ? this.root(c) : this.edges.get(f * 65536 + c);
          if (next !== undefined && next !== node && (f !== 0 || next !== 0)) {
            this.fail[node] = next;
            break;
          }
          if (f === 0) {
            this.fail[node] = 0;
            break;
          }
          f = this.fail[f]!;
        }
      }
      const fn = this.fail[node]!;
      this.dict[node] = this.out[fn] !== undefined ? fn : this.dict[fn]!;
      for (const child of this.depthChildren[node]!) queue.push(child);
    }
    this.depthChildren.length = 0;
  }

  private root(c: number): number {
    return c < 128 ? this.rootNext[c]! : this.edges.get(c) ?? 0;
  }

  /** Does text contain any literal? */
  containsAny(text: string): boolean {
    let hit = false;
    this.search(text, () => {
      hit = true;
    }, true);
    return hit;
  }

  /** Calls `found` for each literal occurring in text (once per occurrence). */
  search(text: string, found: (value: T) => void, first = false): void {
    let node = 0;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      for (;;) {
        if (node === 0) {
          node = c < 128 ? this.rootNext[c]! : this.edges.get(c) ?? 0;
          break;
        }
        const next = this.edges.get(node * 65536 + c);
        if (next !== undefined) {
          node = next;
          break;
        }
        node = this.fail[node]!;
      }
      if (node === 0) continue;
      const own = this.out[node];
      if (own !== undefined) {
        found(own);
        if (first) return;
      } else if (first && this.dict[node]! > 0) {
        found(this.out[this.dict[node]!]!);
        return;
      }
      for (let d = this.dict[node]!; d > 0; d = this.dict[d]!) found(this.out[d]!);
    }
  }
}
