/**
 * Guards for regexes that run over attacker-written text (Sigma `|re` values): reject patterns
 * that can backtrack super-linearly, and bound the text a regex ever sees.
 */

/** Longest text any rule regex is run on; longer values are cut (log lines can be 64 KiB). */
export const MAX_REGEX_INPUT = 8192;

/**
 * Returns why a pattern is unsafe, or null. Conservative star-height check: a quantified group
 * that itself contains a quantifier or an alternation (`(a+)+`, `(a|aa)*`, `(.*x)*`) is
 * rejected, as are backreferences (no linear-time bound) and lookbehind.
 */
export function unsafeRegexReason(source: string): string | null {
  if (/\\[1-9]|\\k</.test(source)) return 'backreferences are not allowed';
  if (/\(\?<[=!]/.test(source)) return 'lookbehind is not allowed';
  // Per open group: did it contain a quantifier or '|'?
  const stack: boolean[] = [];
  let inClass = false;
  for (let i = 0; i < source.length; i++) {
    const c = source[i]!;
    if (c === '\\') {
      i++;
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
      continue;
    }
    if (c === '[') inClass = true;
    else if (c === '(') stack.push(false);
    else if (c === '|') {
      if (stack.length) stack[stack.length - 1] = true;
    } else if (c === ')') {
      const risky = stack.pop() ?? false;
      const next = source[i + 1];
      const quantified = next === '*' || next === '+' || next === '{' || (next === '?' && false);
      if (risky && quantified) return `nested quantifier at offset ${i} can backtrack exponentially`;
      // A group containing a quantifier makes its parent risky too.
      if ((risky || quantified) && stack.length) stack[stack.length - 1] = true;
    } else if (c === '*' || c === '+' || c === '{' || c === '?') {
      if (stack.length) stack[stack.length - 1] = true;
    }
  }
  return null;
}

/** Compiles a rule regex after the safety check; throws with the reason when unsafe or invalid. */
export function compileSafeRegex(source: string, flags = ''): RegExp {
  const why = unsafeRegexReason(source);
  if (why) throw new Error(`regex /${source}/ rejected: ${why}`);
  return new RegExp(source, flags.replace(/[gy]/g, ''));
}

/** Tests with the input bounded. */
export function boundedTest(re: RegExp, text: string): boolean {
  return re.test(text.length > MAX_REGEX_INPUT ? text.slice(0, MAX_REGEX_INPUT) : text);
}
