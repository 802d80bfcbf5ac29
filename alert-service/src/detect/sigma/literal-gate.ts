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
