/**
 * Sigma wildcard values (`*` any run, `?` one character, `\*` `\?` `\\` escapes) matched without
 * building a regex: `.*a.*b.*` style regexes backtrack polynomially on long attacker lines, these
 * loops stay O(text × pattern) at worst and O(text) for the usual literal pieces (indexOf).
 */

type Piece = string | null; // null stands for '?'

export interface GlobMatcher {
  (text: string): boolean;
}

/** Splits a Sigma value into literal/`?` pieces between unescaped `*`s (empty pieces dropped). */
function parse(value: string, anyPrefix: boolean, anySuffix: boolean): { segments: Piece[][]; leadingStar: boolean; trailingStar: boolean; hasStar: boolean } {
  const raw: Piece[][] = [[]];
  let lit = '';
  const flush = () => {
    if (lit) raw[raw.length - 1]!.push(lit);
    lit = '';
  };
  for (let i = 0; i < value.length; i++) {
    const c = value[i]!;
    if (c === '\\' && (value[i + 1] === '*' || value[i + 1] === '?' || value[i + 1] === '\\')) {
      lit += value[++i];
    } else if (c === '*') {
      flush();
      raw.push([]);
    } else if (c === '?') {
      flush();
      raw[raw.length - 1]!.push(null);
    } else lit += c;
  }
  flush();
  // contains/startswith/endswith add wildcards as tokens, not as text: a value ending in a
  // backslash ('\\Users\\Public\\') must not escape the added '*'.
  if (anyPrefix) raw.unshift([]);
  if (anySuffix) raw.push([]);
  const hasStar = raw.length > 1;
  return {
    segments: hasStar ? raw.filter((s) => s.length > 0) : raw,
    leadingStar: hasStar && raw[0]!.length === 0,
    trailingStar: hasStar && raw[raw.length - 1]!.length === 0,
    hasStar,
  };
}

function segLength(seg: Piece[]): number {
  let n = 0;
  for (const p of seg) n += p === null ? 1 : p.length;
  return n;
}

/** Does `seg` match text at position `at`? */
function segAt(text: string, at: number, seg: Piece[]): boolean {
  let pos = at;
  for (const p of seg) {
    if (p === null) {
      if (pos >= text.length) return false;
      pos++;
    } else {
      if (!text.startsWith(p, pos)) return false;
      pos += p.length;
    }
  }
  return true;
}

/** Leftmost position ≥ from where seg matches, or -1. */
function findSeg(text: string, from: number, seg: Piece[]): number {
  const first = seg[0];
  if (seg.length === 1 && typeof first === 'string') return text.indexOf(first, from);
  const len = segLength(seg);
  for (let i = from; i + len <= text.length; i++) if (segAt(text, i, seg)) return i;
  return -1;
}

/**
 * Compiles a value with Sigma wildcards. `caseSensitive` false lower-cases pattern and text.
 * Greedy leftmost placement of the `*`-separated pieces is exact for this pattern language.
 * `preLowered`: the caller lower-cases the text once and tests several patterns on it (keyword
 * lists over a long message), instead of each pattern lower-casing it again.
 */
export function compileGlob(value: string, caseSensitive = false, wrap: { anyPrefix?: boolean; anySuffix?: boolean; preLowered?: boolean } = {}): GlobMatcher {
  const v = caseSensitive ? value : value.toLowerCase();
  const { segments, leadingStar, trailingStar, hasStar } = parse(v, wrap.anyPrefix ?? false, wrap.anySuffix ?? false);
  const pre = caseSensitive || wrap.preLowered;
  // Most SigmaHQ values are one literal (`|contains: 'x'`, `|endswith: '\\x.exe'`, equals): a
  // String method on the text, not the general walk (which cost ~1 µs per value on a loaded core).
  const lit = segments.length === 1 && segments[0]!.length === 1 ? segments[0]![0] : segments.length === 0 ? '' : undefined;
  if (typeof lit === 'string') {
    if (!hasStar) return pre ? (text) => text === lit : (text) => text.toLowerCase() === lit;
    if (leadingStar && trailingStar) return pre ? (text) => text.includes(lit) : (text) => text.toLowerCase().includes(lit);
    if (trailingStar) return pre ? (text) => text.startsWith(lit) : (text) => text.toLowerCase().startsWith(lit);
    if (leadingStar) return pre ? (text) => text.endsWith(lit) : (text) => text.toLowerCase().endsWith(lit);
  }
  const norm = pre ? (s: string) => s : (s: string) => s.toLowerCase();
  if (!hasStar) {
    const seg = segments[0] ?? [];
    const len = segLength(seg);
    return (text) => {
      const t = norm(text);
      return t.length === len && segAt(t, 0, seg);
    };
  }
  return (text) => {
    const t = norm(text);
    let pos = 0;
    let from = 0;
    let to = segments.length;
    let end = t.length;
    if (!leadingStar && segments.length) {
      const s0 = segments[0]!;
      if (!segAt(t, 0, s0)) return false;
      pos = segLength(s0);
      from = 1;
    }
    if (!trailingStar && to > from) {
      const sl = segments[to - 1]!;
      const len = segLength(sl);
      if (end - len < pos || !segAt(t, end - len, sl)) return false;
      end -= len;
      to--;
    }
    const middle = t.slice(0, end);
    for (let i = from; i < to; i++) {
      const seg = segments[i]!;
      const at = findSeg(middle, pos, seg);
      if (at < 0) return false;
      pos = at + segLength(seg);
    }
    return pos <= end;
  };
}
