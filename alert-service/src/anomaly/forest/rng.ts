/**
 * Seeded PRNG for the forest. Math.random cannot be seeded, which makes a model impossible to
 * reproduce; mulberry32 is tiny, fast and good enough for choosing split features/values and
 * sub-samples (it is not, and need not be, cryptographic).
 */
export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform integer in [0, n). */
  int(n: number): number;
}

export function mulberry32(seed: number): Rng {
  let a = seed >>> 0;
  const next = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { next, int: (n) => Math.floor(next() * n) };
}

/**
 * k distinct indices out of [0, n), uniformly (Floyd's algorithm): O(k) memory even when n is in
 * the millions, which is what lets training sub-sample 2M rows without materialising them.
 */
export function sampleWithoutReplacement(n: number, k: number, rng: Rng): number[] {
  if (k >= n) return Array.from({ length: n }, (_, i) => i);
  const chosen = new Set<number>();
  const out: number[] = [];
  for (let j = n - k; j < n; j++) {
    const t = rng.int(j + 1);
    const pick = chosen.has(t) ? j : t;
    chosen.add(pick);
    out.push(pick);
  }
  return out;
}
