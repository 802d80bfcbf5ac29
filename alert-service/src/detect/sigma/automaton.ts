/**
 * String automata for Sigma matching, built once at load time and run per event value:
 *
 * - AhoCorasick: every literal of a set found in one pass over a text (SigmaHQ lists hundreds of
 *   `contains` values: cmdlets, hashes, tool names).
 * - AffixTrie: every literal that is a prefix (or, reading backwards, a suffix) of a text, in one
 *   walk from the start (end) that stops where no literal continues.
 *
 * ASCII steps go through a dense table over the ASCII characters the literals use (any other
 * ASCII character leads back to the root), so a step is two typed-array reads with no hashing
 * and no allocation. Non-ASCII characters go through a sparse map: SigmaHQ's homoglyph lists
 * hold ~1,000 distinct non-ASCII characters, and a dense column for each made one field's table
 * 37 million entries (150 MB, a cache miss per step). An earlier Map keyed by node × 65536 +
 * char for every step cost ~0.5 µs per character (keys beyond the small-integer range are boxed).
 */

/** Character → class. ASCII: 1..width-1 (0: in no literal), through a flat table; others: numbered from 0 in a Map. */
class Alphabet {
  readonly ascii = new Uint8Array(128);
  readonly other = new Map<number, number>();
  /** Dense width: 1 + the ASCII characters used. */
  width = 1;

  constructor(patterns: Iterable<string>) {
    for (const p of patterns) {
      for (let i = 0; i < p.length; i++) {
        const c = p.charCodeAt(i);
        if (c < 128) {
          if (this.ascii[c] === 0) this.ascii[c] = this.width++;
        } else if (!this.other.has(c)) this.other.set(c, this.other.size);
      }
    }
  }
}

/** A trie under construction. Edge keys: ASCII class, or -1 - (non-ASCII class). */
interface Draft {
  children: Array<Map<number, number>>;
  terminal: number[];
}

function edgeKey(a: Alphabet, c: number): number {
  return c < 128 ? a.ascii[c]! : -1 - a.other.get(c)!;
}

function draft<T>(entries: ReadonlyArray<readonly [string, T]>, alphabet: Alphabet, reverse: boolean): { d: Draft; values: Array<T | undefined> } {
  const d: Draft = { children: [new Map()], terminal: [-1] };
  const values: Array<T | undefined> = [];
  for (const [pattern, value] of entries) {
    let node = 0;
    for (let k = 0; k < pattern.length; k++) {
      const c = edgeKey(alphabet, pattern.charCodeAt(reverse ? pattern.length - 1 - k : k));
      let next = d.children[node]!.get(c);
      if (next === undefined) {
        next = d.children.length;
        d.children.push(new Map());
        d.terminal.push(-1);
        d.children[node]!.set(c, next);
      }
      node = next;
    }
    if (d.terminal[node]! < 0) {
      d.terminal[node] = values.length;
      values.push(value);
    } else values[d.terminal[node]!] = value; // the same literal twice: the last value wins (callers merge first)
  }
  return { d: breadthFirst(d), values };
}

/**
 * The same trie with nodes numbered breadth-first. Insertion order scatters the shallow nodes
 * (each literal's chain is numbered in one run) over a table of megabytes (SigmaHQ's CommandLine
 * literals: 2 million entries); text mostly walks the shallow ones, which are now one compact
 * block at the table's start instead of a cache miss per character.
 */
function breadthFirst(d: Draft): Draft {
  const n = d.children.length;
  const order = [0];
  const id = new Int32Array(n);
  for (let qi = 0; qi < order.length; qi++) {
    for (const child of d.children[order[qi]!]!.values()) {
      id[child] = order.length;
      order.push(child);
    }
  }
  const children = order.map((old) => new Map([...d.children[old]!].map(([c, child]) => [c, id[child]!] as [number, number])));
  return { children, terminal: order.map((old) => d.terminal[old]!) };
}

/** A transition table of `nodes` × `width` node ids: 16-bit when the ids fit. */
function table(nodes: number, width: number): Uint16Array | Int32Array {
  return nodes <= 0xffff ? new Uint16Array(nodes * width) : new Int32Array(nodes * width);
}

/** Non-ASCII edges: node × (non-ASCII classes) + class → child. */
function sparseEdges(d: Draft, a: Alphabet): Map<number, number> {
  const n = a.other.size;
  const out = new Map<number, number>();
  d.children.forEach((children, node) => {
    for (const [k, child] of children) if (k < 0) out.set(node * n + (-1 - k), child);
  });
  return out;
}

/**
 * Aho-Corasick. ASCII transitions are a DFA (failure transitions folded into the table);
 * non-ASCII ones follow failure links through the sparse edges. Values are reported once per
 * occurrence; callers that need each once dedupe (the prefilter stamps rules).
 */
export class AhoCorasick<T> {
  private readonly entries: Array<[string, T]> = [];
  private alphabet: Alphabet | undefined;
  private width = 1;
  private delta: Uint16Array | Int32Array = new Uint16Array(1);
  private fail: Int32Array = new Int32Array(1);
  private wide = new Map<number, number>();
  private wideCount = 0;
  /** Per node: index into `values` of the literal ending here, or -1. */
  private own: Int32Array = new Int32Array(1);
  /** Per node: nearest node on the failure chain (excluding itself) that ends a literal, or 0. */
  private dict: Int32Array = new Int32Array(1);
  /** Per node: 1 when it or its failure chain ends a literal. */
  private hit: Uint8Array = new Uint8Array(1);
  private values: T[] = [];
  private empty = false;

  add(pattern: string, value: T): void {
    if (this.alphabet) throw new Error('AhoCorasick: add after build');
    this.entries.push([pattern, value]);
  }

  /** Entries of the dense table (memory: 2 or 4 bytes each). */
  get tableSize(): number {
    return this.delta.length;
  }

  /** Bytes of the typed arrays (dense table and per-node arrays; the sparse map not counted). */
  get bytes(): number {
    return this.delta.byteLength + this.fail.byteLength + this.own.byteLength + this.dict.byteLength + this.hit.byteLength;
  }

  build(): void {
    const alphabet = (this.alphabet = new Alphabet(this.entries.map(([p]) => p)));
    const { d, values } = draft(this.entries, alphabet, false);
    this.values = values as T[];
    this.empty = d.terminal[0]! >= 0; // an empty literal is in every text
    const n = d.children.length;
    const w = (this.width = alphabet.width);
    const delta = (this.delta = table(n, w));
    const fail = (this.fail = new Int32Array(n));
    this.wide = sparseEdges(d, alphabet);
    this.wideCount = alphabet.other.size;
    this.own = Int32Array.from(d.terminal);
    this.dict = new Int32Array(n);
    this.hit = new Uint8Array(n);
    const queue: number[] = [];
    for (const [, child] of d.children[0]!) queue.push(child);
    for (const [c, child] of d.children[0]!) if (c > 0) delta[c] = child;
    for (let qi = 0; qi < queue.length; qi++) {
      const s = queue[qi]!;
      const f = fail[s]!;
      this.dict[s] = this.own[f]! >= 0 ? f : this.dict[f]!;
      this.hit[s] = this.own[s]! >= 0 || this.dict[s]! > 0 ? 1 : 0;
      for (let c = 1; c < w; c++) delta[s * w + c] = delta[f * w + c]!;
      for (const [c, child] of d.children[s]!) {
        // A root child's failure is the root (0, as initialized); deeper ones follow the parent's.
        fail[child] = c > 0 ? delta[f * w + c]! : this.wideStep(f, -1 - c);
        if (c > 0) delta[s * w + c] = child;
        queue.push(child);
      }
    }
    this.entries.length = 0;
  }

  /** The next state from `s` on a non-ASCII character of class `k` (-1: in no literal). */
  private wideStep(s: number, k: number): number {
    if (k < 0) return 0;
    for (;;) {
      const next = this.wide.get(s * this.wideCount + k);
      if (next !== undefined) return next;
      if (s === 0) return 0;
      s = this.fail[s]!;
    }
  }

  private step(s: number, c: number): number {
    const a = this.alphabet!;
    return c < 128 ? this.delta[s * this.width + a.ascii[c]!]! : this.wideStep(s, a.other.get(c) ?? -1);
  }

  /** Does text contain any literal? */
  containsAny(text: string): boolean {
    if (this.empty) return true;
    const { delta, hit, width: w } = this;
    const ascii = this.alphabet!.ascii;
    let s = 0;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      s = c < 128 ? delta[s * w + ascii[c]!]! : this.step(s, c);
      if (hit[s]) return true;
    }
    return false;
  }

  /** Calls `found` for each literal occurring in text (once per occurrence). */
  search(text: string, found: (value: T) => void): void {
    if (this.empty) found(this.values[this.own[0]!]!);
    const { delta, hit, own, dict, values, width: w } = this;
    const ascii = this.alphabet!.ascii;
    let s = 0;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      s = c < 128 ? delta[s * w + ascii[c]!]! : this.step(s, c);
      if (!hit[s]) continue;
      if (own[s]! >= 0) found(values[own[s]!]!);
      for (let d = dict[s]!; d > 0; d = dict[d]!) found(values[own[d]!]!);
    }
  }
}

/**
 * The literals that start (`prefix`) or end (`suffix`) a text, found in one walk: from the first
 * character forwards, or from the last backwards, until no literal continues.
 */
export class AffixTrie<T> {
  private readonly alphabet: Alphabet;
  private readonly width: number;
  private readonly next: Uint16Array | Int32Array;
  private readonly wide: Map<number, number>;
  private readonly terminal: Int32Array;
  private readonly values: T[];

  constructor(entries: ReadonlyArray<readonly [string, T]>, private readonly from: 'prefix' | 'suffix') {
    this.alphabet = new Alphabet(entries.map(([p]) => p));
    const { d, values } = draft(entries, this.alphabet, from === 'suffix');
    this.values = values as T[];
    const w = (this.width = this.alphabet.width);
    const n = d.children.length;
    this.next = table(n, w);
    this.wide = sparseEdges(d, this.alphabet);
    this.terminal = Int32Array.from(d.terminal);
    // 0 means "no child": no edge points back to the root in a trie.
    for (let s = 0; s < n; s++) for (const [c, child] of d.children[s]!) if (c > 0) this.next[s * w + c] = child;
  }

  get tableSize(): number {
    return this.next.length;
  }

  /** Bytes of the typed arrays (the sparse map not counted). */
  get bytes(): number {
    return this.next.byteLength + this.terminal.byteLength;
  }

  private child(s: number, c: number): number {
    const a = this.alphabet;
    if (c < 128) {
      const cls = a.ascii[c]!;
      return cls === 0 ? 0 : this.next[s * this.width + cls]!;
    }
    const k = a.other.get(c);
    return k === undefined ? 0 : this.wide.get(s * a.other.size + k) ?? 0;
  }

  /** Calls `found` for every literal that is a prefix (suffix) of text, shortest first. */
  walk(text: string, found: (value: T) => void): void {
    const { terminal, values } = this;
    if (terminal[0]! >= 0) found(values[terminal[0]!]!);
    const back = this.from === 'suffix';
    let s = 0;
    for (let k = 0; k < text.length; k++) {
      s = this.child(s, text.charCodeAt(back ? text.length - 1 - k : k));
      if (s === 0) return;
      if (terminal[s]! >= 0) found(values[terminal[s]!]!);
    }
  }

  /** Is some literal a prefix (suffix) of text? */
  matchesAny(text: string): boolean {
    const { terminal } = this;
    if (terminal[0]! >= 0) return true;
    const back = this.from === 'suffix';
    let s = 0;
    for (let k = 0; k < text.length; k++) {
      s = this.child(s, text.charCodeAt(back ? text.length - 1 - k : k));
      if (s === 0) return false;
      if (terminal[s]! >= 0) return true;
    }
    return false;
  }
}
