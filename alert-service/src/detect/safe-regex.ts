/**
 * Guards for regexes that run over attacker-written text (Sigma `|re` values): reject patterns
 * that can backtrack super-linearly, and bound the text a regex ever sees.
 *
 * Rejecting nested quantifiers is not enough: `.*a.*a.*b` has none, yet backtracking takes
 * O(n⁴) on a line of `a`s (800 chars: 17 s). So rule regexes run on V8's non-backtracking engine
 * (flag `l`), linear in the text for every pattern it accepts; one it cannot run (lookahead,
 * the `u` flag) is rejected with that reason, so the Sigma rule is reported and skipped.
 */
import { setFlagsFromString } from 'node:v8';

// Only makes the `l` flag available; regexes without it are unaffected.
setFlagsFromString('--enable-experimental-regexp-engine');

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
      // `(...)?` runs its group at most once: it cannot multiply the group's backtracking.
      const quantified = next === '*' || next === '+' || next === '{';
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
  const rest = flags.replace(/[gyil]/g, '') + 'l';
  try {
    return flags.includes('i') ? new LowerCasedInput(lowerCaseLiterals(source), rest) : new RegExp(source, rest);
  } catch (err) {
    throw new Error(`regex /${source}/ rejected: ${(err as Error).message.replace(/^Invalid regular expression: /, '')}`);
  }
}

/**
 * The linear engine has no case-insensitive mode (V8 11), so `i` becomes: lower-cased text
 * against the pattern with its literals lower-cased. Escapes stay as written (`\S`, `\W` keep
 * their meaning); an escape naming an upper-case character (`\x41`) then never matches.
 */
function lowerCaseLiterals(source: string): string {
  let out = '';
  for (let i = 0; i < source.length; i++) {
    if (source[i] === '\\') out += source[i]! + (source[++i] ?? '');
    else out += source[i]!.toLowerCase();
  }
  return out;
}

class LowerCasedInput extends RegExp {
  override exec(text: string): RegExpExecArray | null {
    return super.exec(String(text).toLowerCase());
  }
}

/** Tests with the input bounded. */
export function boundedTest(re: RegExp, text: string): boolean {
  return re.test(text.length > MAX_REGEX_INPUT ? text.slice(0, MAX_REGEX_INPUT) : text);
}
