/**
 * Bounded memo of the Sigma candidate index's answer per field value. What the index does with a
 * field's value (lower-case it, look it up in the eq map, walk the prefix/suffix tries, scan for
 * `contains` literals) is a pure function of the value and the field's tables, and real Sysmon
 * logs repeat values heavily (Image, ParentImage, OriginalFileName, Hashes, Company, Product,
 * User, IntegrityLevel, CurrentDirectory, many command lines): a repeated value then costs one
 * Map lookup (native hashing and compare) instead of a toLowerCase copy and the scans.
 *
 * Exact: an entry holds the value's lower-cased text and the index lists the lookup handed out,
 * in order; replaying them does what the lookup would (prefilter.ts). Values longer than
 * `maxChars`, and lookups handing out more than `maxLists` lists, are not cached (computed every
 * time, as without the cache).
 *
 * Bounded: one generation pair for the whole index (every field's table shares it). New entries
 * go to each table's young map; once the young maps together hold half the entry or byte budget,
 * every young map becomes its table's old map and the old ones are dropped. A hit in an old map
 * is copied to the young one, so values in use survive a swap. Memory is therefore at most
 * `maxEntries` entries and about `maxBytes` bytes (counted per entry: 2 bytes a character of the
 * value and of its lower-cased text, 8 per list reference, ENTRY_OVERHEAD for the Map slot, the
 * entry and its array; the index lists themselves belong to the index), whatever the input.
 */

export interface ValueCacheLimits {
  /** Most entries over all fields (young + old); 0 turns the cache off. */
  maxEntries: number;
  /** About this many bytes over all fields (young + old), see ENTRY_OVERHEAD. */
  maxBytes: number;
  /** Longer values are never cached. */
  maxChars: number;
  /** Lookups that hand out more lists than this are never cached. */
  maxLists: number;
}

/**
 * 32,768 entries, ~8 MB, values of up to 512 characters (a Sysmon CommandLine is mostly shorter;
 * a longer one is rarely repeated), at most 64 lists (an everyday value hands out a few).
 */
export const DEFAULT_VALUE_CACHE: ValueCacheLimits = { maxEntries: 32_768, maxBytes: 8 << 20, maxChars: 512, maxLists: 64 };

/** Bytes counted per entry besides its characters and list references (Map slot, entry object, array header). */
export const ENTRY_OVERHEAD = 96;

export interface CachedLookup<L> {
  /** The value lower-cased, as the index's lowerAt() computes it. */
  readonly lower: string;
  /** The lists the lookup handed out, in order. */
  readonly lists: readonly L[];
}

/** One field's table (per bucket and field of the index). */
export class ValueTable<L> {
  young = new Map<string, CachedLookup<L>>();
  old = new Map<string, CachedLookup<L>>();
  hits = 0;
  misses = 0;
  /** Lookups not cached: value too long or too many lists. */
  bypassed = 0;

  constructor(
    private readonly owner: ValueCache<L>,
    readonly field: string,
  ) {}

  get(value: string): CachedLookup<L> | undefined {
    let hit = this.young.get(value);
    if (hit === undefined) {
      hit = this.old.get(value);
      if (hit === undefined) return undefined;
      this.owner.insert(this, value, hit);
    }
    this.hits++;
    return hit;
  }

  /** Stores a lookup just computed for `value` (when within the bounds). */
  set(value: string, lower: string, lists: readonly L[]): void {
    if (lists.length > this.owner.limits.maxLists) {
      this.bypassed++;
      return;
    }
    this.owner.insert(this, value, { lower, lists: lists.slice() });
  }
}

export class ValueCache<L> {
  private readonly tables: ValueTable<L>[] = [];
  private youngEntries = 0;
  private youngBytes = 0;
  /** Generation swaps so far. */
  swaps = 0;

  constructor(readonly limits: ValueCacheLimits) {}

  get enabled(): boolean {
    return this.limits.maxEntries > 0;
  }

  table(field: string): ValueTable<L> {
    const t = new ValueTable<L>(this, field);
    this.tables.push(t);
    return t;
  }

  /** Bytes an entry is counted at (see the header). */
  static bytesOf(value: string, lower: string, lists: number): number {
    return 2 * (value.length + lower.length) + 8 * lists + ENTRY_OVERHEAD;
  }

  insert(t: ValueTable<L>, value: string, entry: CachedLookup<L>): void {
    const bytes = ValueCache.bytesOf(value, entry.lower, entry.lists.length);
    // An entry over half the budget (or a budget under two entries) is not held, and evicts nothing.
    if (2 * bytes > this.limits.maxBytes || this.limits.maxEntries < 2) return;
    if (2 * (this.youngEntries + 1) > this.limits.maxEntries || 2 * (this.youngBytes + bytes) > this.limits.maxBytes) this.swap();
    t.young.set(value, entry);
    this.youngEntries++;
    this.youngBytes += bytes;
  }

  private swap(): void {
    this.swaps++;
    for (const t of this.tables) {
      if (t.young.size === 0 && t.old.size === 0) continue;
      t.old = t.young;
      t.young = new Map();
    }
    this.youngEntries = 0;
    this.youngBytes = 0;
  }

  /** Entries held now, over all tables (young + old; an entry copied from old to young counts twice). */
  size(): { entries: number; bytes: number } {
    let entries = 0;
    let bytes = 0;
    for (const t of this.tables) {
      for (const m of [t.young, t.old]) {
        entries += m.size;
        for (const [v, e] of m) bytes += ValueCache.bytesOf(v, e.lower, e.lists.length);
      }
    }
    return { entries, bytes };
  }

  /** Hits, misses and bypassed lookups per field name (summed over buckets). */
  stats(): Map<string, { hits: number; misses: number; bypassed: number }> {
    const out = new Map<string, { hits: number; misses: number; bypassed: number }>();
    for (const t of this.tables) {
      const s = out.get(t.field) ?? { hits: 0, misses: 0, bypassed: 0 };
      s.hits += t.hits;
      s.misses += t.misses;
      s.bypassed += t.bypassed;
      out.set(t.field, s);
    }
    return out;
  }
}
