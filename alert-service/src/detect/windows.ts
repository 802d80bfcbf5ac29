/**
 * Sorted-by-event-time window entries and the searches the engine runs over them. Entries stay
 * sorted by `t` (ms) so out-of-order events are inserted where they belong, not appended.
 */
import type { Extracted } from './rule.js';

export interface WindowEntry {
  t: number;
  id: string;
  message: string;
  host: string;
  values: Extracted;
  /** Distinct rules: the value counted. */
  distinct?: string;
  /** Sequence rules: the steps this event stands for. */
  steps?: readonly string[];
  /** Engine-wide creation ordinal: identifies the entry in the window checkpoint (set by the engine). */
  ord?: number;
}

/**
 * A window entry with every field set, in one order: entries made with `distinct`/`steps` added
 * afterwards took a second hidden class and an out-of-object property array each (one more
 * long-lived object per entry of a distinct or sequence rule); restored entries take the same class.
 */
export function windowEntry(t: number, id: string, message: string, host: string, values: Extracted, distinct: string | undefined, steps: readonly string[] | undefined, ord: number): WindowEntry {
  return { t, id, message, host, values, distinct, steps, ord };
}

/** First index whose time is > t (insertion point that keeps equal times in arrival order). */
export function upperBound(entries: readonly WindowEntry[], t: number): number {
  let lo = 0;
  let hi = entries.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (entries[mid]!.t <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Inserts keeping time order; returns the index. The common in-order case is an O(1) push. */
export function insertSorted(entries: WindowEntry[], entry: WindowEntry): number {
  const n = entries.length;
  if (n === 0 || entries[n - 1]!.t <= entry.t) {
    entries.push(entry);
    return n;
  }
  const at = upperBound(entries, entry.t);
  entries.splice(at, 0, entry);
  return at;
}

export interface Span {
  lo: number;
  hi: number;
}

/**
 * The largest run of entries that contains index `i` and whose times span less than `windowMs`
 * (i.e. all within (last − window, last]). Sliding-window semantics: every window position is
 * considered, not fixed buckets. O(entries in reach of i); O(1)+binary search for in-order input.
 */
export function widestWindowContaining(entries: readonly WindowEntry[], i: number, windowMs: number): Span {
  const ti = entries[i]!.t;
  // Leftmost entry that can share a window with entry i.
  let l = upperBound(entries, ti - windowMs);
  if (l > i) l = i;
  const n = entries.length;
  if (i === n - 1) return { lo: l, hi: i };
  let best: Span = { lo: i, hi: i };
  let r = i;
  for (; l <= i; l++) {
    const start = entries[l]!.t;
    while (r + 1 < n && entries[r + 1]!.t - start < windowMs) r++;
    if (r - l > best.hi - best.lo) best = { lo: l, hi: r };
  }
  return best;
}

/**
 * How many entries to remove from the front: those older than `cutoff` and, beyond `max`, the
 * oldest; and how many of those only because of the cap. (The caller removes them, after noting
 * which saved entries leave.)
 */
export function entriesToTrim(entries: readonly WindowEntry[], cutoff: number, max: number): { removed: number; truncated: number } {
  let drop = 0;
  while (drop < entries.length && entries[drop]!.t < cutoff) drop++;
  const over = Math.max(0, entries.length - drop - max);
  return { removed: drop + over, truncated: over };
}
