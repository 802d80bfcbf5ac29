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
