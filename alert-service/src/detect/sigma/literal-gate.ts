/**
 * A cheap test that a text cannot contain any literal of a set: a few short substrings, one of
 * which every literal contains, each looked for with the native `String.prototype.includes`.
 * Keyword rules search an event's whole text (message and every EventData value, ~700
 * characters on a Sysmon process creation); their literals are almost never there, and a
 * native substring search skips through the text many times faster than an automaton stepped
 * in JavaScript one character at a time. When a part is found the caller runs its exact test.
 *
 * SigmaHQ's mimikatz keyword list (20 literals) is covered by `::`, `kiwi` and `mimi`.
 */

/** More parts than this and the native searches cost more than the one automaton pass they spare. */
const MAX_PARTS = 6;
/** Literal sets larger than this are not covered (the search for a cover grows with the set). */
const MAX_LITERALS = 64;
const MIN_PART = 2;
const MAX_PART = 8;

/**
 * Substrings, one of which every literal contains (so a text holding none of them holds no
 * literal), or null when no cover of at most MAX_PARTS exists. Greedy: the substring in the most
 * uncovered literals, longer first on a tie (longer parts are found less often by chance).
 */
export function literalCover(literals: readonly string[]): string[] | null {
  const todo = [...new Set(literals)];
  if (!todo.length || todo.length > MAX_LITERALS || todo.some((l) => l.length < MIN_PART)) return null;
  const parts: string[] = [];
  while (todo.length) {
    if (parts.length === MAX_PARTS) return null;
    const counts = new Map<string, number>();
    for (const lit of todo) {
      const subs = new Set<string>();
      for (let n = MIN_PART; n <= Math.min(MAX_PART, lit.length); n++) for (let i = 0; i + n <= lit.length; i++) subs.add(lit.slice(i, i + n));
      for (const s of subs) counts.set(s, (counts.get(s) ?? 0) + 1);
    }
    let best = '';
    let bestCount = 0;
    for (const [s, c] of counts) if (c > bestCount || (c === bestCount && s.length > best.length)) [best, bestCount] = [s, c];
    parts.push(best);
    for (let i = todo.length - 1; i >= 0; i--) if (todo[i]!.includes(best)) todo.splice(i, 1);
  }
  return parts;
}

/** `(text) => false` only when no literal can be in text; null when the set has no small cover. */
export function literalGate(literals: readonly string[]): ((text: string) => boolean) | null {
  const parts = literalCover(literals);
  if (!parts) return null;
  return (text) => {
    for (let i = 0; i < parts.length; i++) if (text.includes(parts[i]!)) return true;
    return false;
  };
}

/** More alternatives than this and the keyword probe is not built (the caller searches the joined haystack). */
const MAX_PROBE_PARTS = 200;

/**
 * A case-insensitive regular expression that matches every raw text whose lower-cased form holds
 * one of the (lower-cased) literals, given lowersToAscii() is false for it: the ASCII parts every
 * literal contains (literalCover), or the literals themselves, and any non-ASCII character when a
 * literal has one (`toLowerCase` and the regex's case folding differ beyond ASCII). On other text,
 * `/i` finds an ASCII literal wherever the lower-cased text has it: only U+0130 'İ' and U+212A
 * (Kelvin sign) lower-case to ASCII letters, and only 'İ' changes the text's length.
 */
export function keywordProbe(literals: readonly string[]): RegExp | null {
  const ascii = (p: string) => /^[\x00-\x7f]*$/.test(p);
  const parts = (literalCover(literals) ?? literals).filter(ascii);
  if (parts.some((p) => p === '') || parts.length > MAX_PROBE_PARTS) return null;
  const escape = (p: string) => p.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
  return new RegExp([...(literals.every(ascii) ? [] : ['[^\\x00-\\x7f]']), ...parts.map(escape)].join('|') || '(?!)', 'i');
}

/** Does the text hold one of the two characters whose lower case is ASCII ('İ', Kelvin sign)? O(1) on one-byte strings. */
export function lowersToAscii(text: string): boolean {
  return text.includes('\u0130') || text.includes('\u212a');
}
