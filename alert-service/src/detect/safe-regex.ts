/**
 * Guards for regexes that run over attacker-written text (Sigma `|re` values): reject patterns
 * that can backtrack super-linearly, and bound the text a regex ever sees.
 *
 * Rejecting nested quantifiers is not enough: `.*a.*a.*b` has none, yet backtracking takes
 * O(n⁴) on a line of `a`s (800 chars: 17 s). So rule regexes must compile on V8's
 * non-backtracking engine (flag `l`), linear in the text for every pattern it accepts; one it
 * cannot run (lookahead, the `u` flag) is rejected with that reason, so the Sigma rule is
 * reported and skipped. Patterns without an unbounded quantifier, whose backtracking is bounded
 * per position (backtrackWork), run on the faster backtracking engine.
 */
import { setFlagsFromString } from 'node:v8';

// Only makes the `l` flag available; regexes without it are unaffected.
setFlagsFromString('--enable-experimental-regexp-engine');

/** Longest text any rule regex is run on; longer values are cut (log lines can be 64 KiB). */
export const MAX_REGEX_INPUT = 8192;

/** Most copies a bounded repetition of a group may stand for and still count as unrolled (finite). */
export const MAX_BOUNDED_REPEAT = 16;

/** The quantifier starting at `i` (`*`, `+`, `?`, `{n}`, `{n,}`, `{n,m}`), or null when `{` is a literal brace. */
function quantifierAt(source: string, i: number): { len: number; min: number; max: number } | null {
  const c = source[i];
  if (c === '*') return { len: 1, min: 0, max: Infinity };
  if (c === '+') return { len: 1, min: 1, max: Infinity };
  if (c === '?') return { len: 1, min: 0, max: 1 };
  if (c !== '{') return null;
  const m = /^\{(\d{1,6})(,(\d{0,6}))?\}/.exec(source.slice(i, i + 16));
  if (!m) return null;
  const max = m[2] === undefined ? Number(m[1]) : m[3] ? Number(m[3]) : Infinity;
  return { len: m[0].length, min: Number(m[1]), max };
}

/**
 * Returns why a pattern is unsafe, or null. Conservative star-height check: a group repeated
 * without bound (`*`, `+`, `{n,}`) that itself contains a quantifier or an alternation (`(a+)+`,
 * `(a|aa)*`, `(.*x)*`) is rejected, as are backreferences (no linear-time bound) and lookbehind.
 * A group repeated a bounded number of times (`{2}`, `{1,3}`, at most MAX_BOUNDED_REPEAT) is
 * accepted when its content passed: it unrolls into that many copies in sequence, so
 * `(\s*\d{1,3}\s*,){2}` is `\s*\d{1,3}\s*,\s*\d{1,3}\s*,`, star height 1, linear.
 */
export function unsafeRegexReason(source: string): string | null {
  if (/\\[1-9]|\\k</.test(source)) return 'backreferences are not allowed';
  if (/\(\?<[=!]/.test(source)) return 'lookbehind is not allowed';
  // Per open group: did it contain a quantifier or '|'?
  const stack: boolean[] = [];
  const markParent = () => {
    if (stack.length) stack[stack.length - 1] = true;
  };
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
    else if (c === '(') {
      stack.push(false);
      // `(?:`, `(?=`, `(?!`, `(?<name>`: the `?` opens a group kind, it is not a quantifier.
      if (source[i + 1] === '?') {
        const named = /^\?<[A-Za-z_][A-Za-z0-9_]*>/.exec(source.slice(i + 1, i + 40));
        i += named ? named[0].length : 2;
      }
    } else if (c === '|') markParent();
    else if (c === ')') {
      const risky = stack.pop() ?? false;
      const q = quantifierAt(source, i + 1);
      // `(...)?` runs its group at most once: it cannot multiply the group's backtracking.
      const repeats = q !== null && q.max > 1;
      if (risky && repeats && q.max > MAX_BOUNDED_REPEAT) return `nested quantifier at offset ${i} can backtrack exponentially`;
      // A group containing a quantifier makes its parent risky too.
      if (risky || q) markParent();
      if (q) i += q.len;
      if (q && source[i + 1] === '?') i++; // lazy
    } else {
      const q = quantifierAt(source, i);
      if (q) {
        markParent();
        i += q.len - 1;
      }
    }
  }
  return null;
}

/**
 * Most work one start position may cost the backtracking engine (paths × characters per path)
 * for a pattern to run on it instead of the linear one.
 */
export const MAX_BACKTRACK_WORK = 256;

/**
 * An upper bound on the work V8's backtracking engine does per start position: the number of
 * ways the pattern can be walked (alternatives add, each count a bounded quantifier allows
 * multiplies) times the most characters one walk reads. Infinity with any unbounded quantifier
 * (`*`, `+`, `{n,}`): those are what make backtracking super-linear. Escapes and classes read
 * one character; lookaround and backreferences never reach here (the linear engine rejects them
 * first).
 */
export function backtrackWork(source: string): number {
  let i = 0;
  const atom = (): { paths: number; len: number } => {
    const c = source[i]!;
    if (c === '\\') {
      i += 2;
      return { paths: 1, len: 1 };
    }
    if (c === '[') {
      for (i++; i < source.length && source[i] !== ']'; i++) if (source[i] === '\\') i++;
      i++;
      return { paths: 1, len: 1 };
    }
    if (c === '(') {
      i++;
      if (source[i] === '?') {
        const named = /^\?<[A-Za-z_][A-Za-z0-9_]*>/.exec(source.slice(i, i + 40));
        i += named ? named[0].length : 2;
      }
      const inner = alternation();
      i++; // ')'
      return inner;
    }
    i++;
    return { paths: 1, len: c === '^' || c === '$' ? 0 : 1 };
  };
  const sequence = (): { paths: number; len: number } => {
    let paths = 1;
    let len = 0;
    while (i < source.length && source[i] !== '|' && source[i] !== ')') {
      const a = atom();
      const q = quantifierAt(source, i);
      if (q) {
        i += q.len;
        if (source[i] === '?') i++; // lazy
        if (q.max === Infinity) return { paths: Infinity, len: Infinity };
        // k copies for each count k in [min, max]: at most (max - min + 1) · paths^max walks.
        paths *= (q.max - q.min + 1) * a.paths ** q.max;
        len += a.len * q.max;
      } else {
        paths *= a.paths;
        len += a.len;
      }
    }
    return { paths, len };
  };
  const alternation = (): { paths: number; len: number } => {
    const first = sequence();
    let { paths, len } = first;
    while (source[i] === '|') {
      i++;
      const next = sequence();
      paths += next.paths;
      len = Math.max(len, next.len);
    }
    return { paths, len };
  };
  const whole = alternation();
  return i < source.length ? Infinity : whole.paths * Math.max(1, whole.len);
}

/**
 * Compiles a rule regex after the safety check; throws with the reason when unsafe or invalid.
 * Every pattern must compile on the linear engine (that decides what loads). One whose
 * backtracking work per position is small and bounded (no unbounded quantifier: `\s-[FTd]\s`,
 * `\n\n\n`) then runs on the backtracking engine instead, linear too, and native code rather than
 * the linear engine's ~100 ns per character.
 */
export function compileSafeRegex(source: string, flags = ''): RegExp {
  const why = unsafeRegexReason(source);
  if (why) throw new Error(`regex /${source}/ rejected: ${why}`);
  const rest = flags.replace(/[gyil]/g, '');
  const make = (extra: string) => (flags.includes('i') ? new LowerCasedInput(lowerCaseLiterals(source), rest + extra) : new RegExp(source, rest + extra));
  let linear: RegExp;
  try {
    linear = make('l');
  } catch (err) {
    const why = (err as Error).message.replace(/^Invalid regular expression: \/.*\/[a-z]*: /s, '');
    // V8's linear engine unrolls bounded repetitions: large counts ({1,256}, .{150}) exceed its size limit.
    throw new Error(`regex /${source}/ rejected: ${why === 'Cannot be executed in linear time' ? 'cannot be executed in linear time by V8 (lookahead, or a bounded repetition too large to unroll such as {1,256})' : why}`);
  }
  return backtrackWork(source) <= MAX_BACKTRACK_WORK ? make('') : linear;
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
