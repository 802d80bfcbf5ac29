/**
 * Deepest nesting of [ and { outside JSON strings, checked before JSON.parse so a crafted
 * document cannot exhaust the stack of whatever walks the parsed value. Linear, no allocation,
 * and it returns at the first level past `limit`, so a megabyte of '[' costs `limit` steps.
 */
export function exceedsDepth(text: string, limit: number, from = 0, to = text.length): boolean {
  let depth = 0;
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c === 34 /* " */) {
      // A string: jump to its closing quote with indexOf (native; most of a log record is the
      // text of its strings, and a character-by-character walk through them was most of this
      // check's cost). A quote closes the string when the run of backslashes right before it
      // is even, which is exactly where a walk that skips the character after each "\" ends.
      for (;;) {
        const q = text.indexOf('"', i + 1);
        if (q < 0 || q >= to) return false; // unterminated: nothing after it is structure
        let b = q - 1;
        while (text.charCodeAt(b) === 92 /* \ */) b--;
        i = q;
        if ((q - 1 - b) % 2 === 0) break;
      }
    } else if (c === 91 || c === 123) {
      if (++depth > limit) return true;
    } else if (c === 93 || c === 125) depth--;
  }
  return false;
}

/**
 * exceedsDepth for a value JSON.parse returned: whether arrays and objects nest deeper than
 * `limit` in it (the value itself at level 1), which for valid JSON text is exactly what
 * exceedsDepth says of the text. V8's JSON.parse does not recurse (it keeps its own stack), so a
 * body may be parsed first and its depth checked after: a walk over the parsed values, most of
 * them strings at level 2 or 3, instead of a scan over every character of the text. The walk
 * recurses at most `limit` levels (max_depth is at most 256).
 */
export function valueExceedsDepth(v: unknown, limit: number): boolean {
  return deeper(v, 1, limit);
}

function deeper(v: unknown, level: number, limit: number): boolean {
  if (typeof v !== 'object' || v === null) return false;
  if (level > limit) return true;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) if (deeper(v[i], level + 1, limit)) return true;
    return false;
  }
  for (const k in v) if (deeper((v as Record<string, unknown>)[k], level + 1, limit)) return true;
  return false;
}
