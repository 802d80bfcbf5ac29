/**
 * Masks the variable parts of a log message so lines that differ only in values share a template.
 * Works token by token with anchored, non-nested patterns: the text is attacker-controlled, so no
 * pattern here may backtrack over a whole line.
 */
const QUOTED = /"[^"\n]{0,512}"|'[^'\n]{0,512}'/g;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const IPV4 = /^\d{1,3}(?:\.\d{1,3}){3}(?::\d{1,5})?(?:\/\d{1,2})?$/;
const IPV6 = /^\[?[0-9a-f]{0,4}(?::[0-9a-f]{0,4}){2,7}(?:%\w{1,16})?\]?(?::\d{1,5})?$/i;
const TIME = /^\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d{1,9})?)?$/;
const DATE = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;
const SLASH_DATE = /^(?:\d{4}\/\d{2}\/\d{2}|\d{1,2}\/[a-z]{3}\/\d{4}(?::\d{2}){0,3})$/i;
const PID_TID = /^\d+#\d+$/;
const EMAIL = /^[\w.+-]{1,64}@[\w-]{1,63}(?:\.[\w-]{1,63}){1,8}$/;
const URL = /^[a-z][a-z0-9+.-]{1,15}:\/\/\S+$/i;
const PATH = /^(?:~?\/|\.{1,2}\/|[a-z]:\\)\S*$/i;
const HEX = /^(?:0x[0-9a-f]+|(?=[0-9a-f]*\d)(?=[0-9a-f]*[a-f])[0-9a-f]{8,})$/i;
const NUMBER = /^[-+]?\d+(?:[.,]\d+)*(?:[a-z%µ]{1,3})?$/i;
const BRACKETED_PID = /^([\w.@/-]{1,64})\[\d+\](:?)$/;
const LEAD = /^[([{<"'`*#]+/;
/** Trailing punctuation, stripped by a scan from the end: an unanchored /[...]+$/ is quadratic on a long run of it. */
const TRAIL_CHARS = new Set(')]}>"\'`,;:.!?');
/** key=value nesting masked at most this deep (a=b=c=... must not recurse once per '='). */
const MAX_KEY_NESTING = 2;

function classify(core: string): string | undefined {
  if (UUID.test(core)) return '<UUID>';
  if (IPV4.test(core)) return '<IP>';
  if (TIME.test(core) || DATE.test(core) || SLASH_DATE.test(core)) return '<TIME>';
  if (NUMBER.test(core) || PID_TID.test(core)) return '<NUM>';
  if (core.includes(':') && core.split(':').length >= 3 && IPV6.test(core) && /[0-9a-f]/i.test(core)) return '<IP>';
  if (EMAIL.test(core)) return '<EMAIL>';
  if (URL.test(core)) return '<URL>';
  if (PATH.test(core) && core.length > 1) return '<PATH>';
  if (HEX.test(core)) return '<HEX>';
  return undefined;
}

function trailingPunctuation(s: string): string {
  let i = s.length;
  while (i > 0 && TRAIL_CHARS.has(s[i - 1]!)) i--;
  return s.slice(i);
}

/** What a token is made of, for maskToken's short cuts (one pass over it). */
const PLAIN_WORD = 0;
const WORD_WITH_DIGITS = 1;
const OTHER = 2;

/**
 * PLAIN_WORD: only ASCII letters and '_' (or empty). No pattern below can match such a token
 * (each needs a digit, or one of - . / \\ : @ = [ or a quote), so maskToken gives it back as it
 * is; most tokens of a log line are words, and this skips a dozen regex tests for each.
 * WORD_WITH_DIGITS: ASCII letters, digits and '_' with at least one digit (user12, 3000ms,
 * 9f86d081884c7d65): no lead or trailing punctuation is cut, no separator splits it, and of the
 * patterns only NUMBER and HEX can match (every other one needs one of - . / \\ : @ # [ or a
 * quote), so maskToken tests just those two, in classify's order. OTHER: anything else.
 */
function wordKind(token: string): typeof PLAIN_WORD | typeof WORD_WITH_DIGITS | typeof OTHER {
  let digits = false;
  for (let i = 0; i < token.length; i++) {
    const c = token.charCodeAt(i);
    if ((c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95) continue;
    if (c >= 48 && c <= 57) digits = true;
    else return OTHER;
  }
  return digits ? WORD_WITH_DIGITS : PLAIN_WORD;
}

/** One token: keep surrounding punctuation, mask the core; `key=value` masks the value. */
export function maskToken(token: string, nesting = 0): string {
  const kind = wordKind(token);
  if (kind === PLAIN_WORD) return token;
  if (kind === WORD_WITH_DIGITS) return NUMBER.test(token) ? '<NUM>' : HEX.test(token) ? '<HEX>' : token;
  return maskTokenByPatterns(token, nesting);
}

/** maskToken without the word short cuts (the definition they are tested against). */
export function maskTokenByPatterns(token: string, nesting = 0): string {
  const pid = BRACKETED_PID.exec(token);
  if (pid) return `${pid[1]}[<NUM>]${pid[2]}`;
  const lead = LEAD.exec(token)?.[0] ?? '';
  let rest = token.slice(lead.length);
  const trail = trailingPunctuation(rest);
  rest = rest.slice(0, rest.length - trail.length);
  if (!rest) return token;
  const masked = classify(rest);
  if (masked) return `${lead}${masked}${trail}`;
  // key=value and key:value (total-vm:812kB, ext4_find_entry:1455): keep the key, mask the value.
  for (const sep of ['=', ':']) {
    const at = rest.indexOf(sep);
    if (at <= 0 || at >= rest.length - 1) continue;
    const value = rest.slice(at + 1);
    const mv = classify(value) ?? (sep === '=' && nesting < MAX_KEY_NESTING ? maskToken(value, nesting + 1) : value);
    if (mv !== value) return `${lead}${rest.slice(0, at + 1)}${mv}${trail}`;
  }
  return token;
}

/** Message → masked tokens (at most maxTokens; the rest are folded into one '<*>'). */
export function maskMessage(message: string, maxTokens: number): string[] {
  if (maxTokens < 1) return maskMessageBySplit(message, maxTokens);
  // QUOTED needs a quote character: without one the replace would give the text back unchanged.
  const text = message.indexOf('"') < 0 && message.indexOf("'") < 0 ? message : message.replace(QUOTED, '<STR>');
  // One pass over the runs between whitespace (what split(/\s+/) and filter(Boolean) give), each
  // masked as it is cut: no array of all the tokens, its filtered copy and its slice per event
  // (this runs for every non-info event the anomaly consumer counts).
  const out: string[] = [];
  const n = text.length;
  let i = 0;
  while (i < n) {
    while (i < n && isSpace(text.charCodeAt(i))) i++;
    if (i === n) break;
    const start = i;
    while (i < n && !isSpace(text.charCodeAt(i))) i++;
    if (out.length === maxTokens) {
      out[maxTokens - 1] = '<*>'; // a token past the limit: the last kept one stands for the rest
      break;
    }
    // The token's index as maskToken's nesting, as map(maskToken) passed it in the split
    // definition (so a key=value=... value is masked nested only in the first two tokens): the
    // templates mined so far depend on it, so it is kept here; see maskMessageBySplit.
    out.push(maskToken(text.slice(start, i), out.length));
  }
  return out;
}

/**
 * maskMessage by regex split (the definition maskMessage's one pass is tested against). Note that
 * map() hands maskToken each token's index as its `nesting`.
 */
export function maskMessageBySplit(message: string, maxTokens: number): string[] {
  const tokens = message.replace(QUOTED, '<STR>').split(/\s+/).filter(Boolean);
  const out = tokens.slice(0, maxTokens).map(maskToken);
  if (tokens.length > maxTokens) out[maxTokens - 1] = '<*>';
  return out;
}

/** The UTF-16 code units the regex class \s matches (WhiteSpace and LineTerminator). */
function isSpace(c: number): boolean {
  if (c <= 32) return c === 32 || (c >= 9 && c <= 13);
  if (c < 0xa0) return false;
  return c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff;
}

/**
 * JSON application lines carry the human message in a field; mine that, not the key soup. Only
 * short objects are parsed (the message was already cut to max_message_length).
 */
export function messageText(message: string): string {
  const t = message.trimStart();
  if (t.startsWith('{') && t.trimEnd().endsWith('}')) {
    try {
      const obj = JSON.parse(t) as Record<string, unknown>;
      for (const k of ['msg', 'message', 'error', 'err', 'event']) {
        const v = obj[k];
        if (typeof v === 'string' && v.trim()) return v;
      }
    } catch {
      /* not JSON after all: mine the raw line */
    }
  }
  return message;
}
