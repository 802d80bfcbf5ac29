/**
 * Deepest nesting of [ and { outside JSON strings, checked before JSON.parse so a crafted
 * document cannot exhaust the stack of whatever walks the parsed value. Linear, no allocation,
 * and it returns at the first level past `limit`, so a megabyte of '[' costs `limit` steps.
 */
export function exceedsDepth(text: string, limit: number, from = 0, to = text.length): boolean {
  let depth = 0;
  let inString = false;
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92 /* \ */) i++;
      else if (c === 34 /* " */) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 91 || c === 123) {
      if (++depth > limit) return true;
    } else if (c === 93 || c === 125) depth--;
  }
  return false;
}
