/**
 * fail2ban's `filter.d/sshd.conf` (fail2ban 1.0.2, Debian 1.0.2-2) failregex list, line for line,
 * as JavaScript regexes over an sshd message (the syslog header already parsed off). Which lines
 * are failures, which only carry a session's address (F-NOFAIL), which end a session
 * (F-MLFFORGET) or mark it successful (F-MLFGAINED): the session merge is in sshd-session.ts.
 *
 * The order of the list is the filter's order: the first regex that matches decides, as in the
 * fail2ban server (a jail does not check all regexes). Differences from Python's `re`, all
 * deliberate:
 * - The conditional groups of the "Failed ..." regexes (`(?(cond_user)...)`) are spelled out as
 *   the two branches Python tries in turn (first the `\S+` user followed by ": ", then the
 *   catch-all user with no " from " after the address).
 * - `\w`, `\s`, `\d` are ASCII here (Python's are Unicode): a host name in non-ASCII letters is
 *   not an address fail2ban could ban either.
 * - `.` is Python's (any character but a newline): JavaScript's `.` also refuses \r, \u2028 and
 *   \u2029, so a message holding a CR ("... ssh2\r" from a CRLF file a parser kept the CR of)
 *   would fail regexes fail2ban matches. Trailing CR/LF are dropped first, as fail2ban drops them
 *   from every line it reads (`rstrip('\r\n')`).
 * - Messages are cut to 2 KB first (sshd's own log buffer is 1 KB), which bounds the
 *   backtracking of the catch-all user groups: every pattern is anchored with `^` and has no
 *   nested quantifier, so the worst line costs O(n²) steps on n ≤ 2048.
 */
import { bounded } from './text.js';

export type SshdMode = 'normal' | 'ddos' | 'extra' | 'aggressive';
export const SSHD_MODES: readonly SshdMode[] = ['normal', 'ddos', 'extra', 'aggressive'];

/** One line's match: the regex's tags and captures. */
export interface SshdLineMatch {
  /** Index into the mode's regex list (for reports). */
  regex: number;
  /** Short name of the regex (for reports and tests). */
  name: string;
  /** F-NOFAIL: the line identifies the session (address, user) but is no failure on its own. */
  nofail: boolean;
  /** F-MLFFORGET: the session ends with this line. */
  forget: boolean;
  /** F-MLFGAINED: the session authenticated (Accepted ...). */
  gained: boolean;
  ip4?: string;
  ip6?: string;
  dns?: string;
  /** F-USER, or F-ALT_USER (PAM ruser) when F-USER is empty. */
  user?: string;
  /** "Accepted" lines (for the success rule). */
  accepted?: boolean;
  /** The authentication method of Failed/Accepted lines. */
  method?: string;
}

interface Entry {
  name: string;
  /** Literal prefixes the content must start with for `re` to be tried (cheap dispatch). */
  starts: readonly string[];
  re: RegExp;
  nofail?: boolean;
  forget?: boolean;
  gained?: boolean;
  /** NOFAIL when the captured method is publickey (cmnfailed-nofail). */
  nofailPublickey?: boolean;
  /** A substring the regex cannot match without (checked first: most lines are not failures). */
  needs?: string;
  /** Where `re`'s (un-named) groups are. */
  ix: GroupIndex;
  /** Used instead of `re.exec` where the regex alone would rescan the line per candidate (see TAIL_NO_FROM). */
  exec?: (content: string) => Caps | null;
}

/** What a failregex captures (fail2ban's tags), one object shape for every regex. */
interface Caps {
  ip4: string | undefined;
  ip6: string | undefined;
  dns: string | undefined;
  user: string | undefined;
  altuser: string | undefined;
  method: string | undefined;
}

const CAP_NAMES = ['ip4', 'ip6', 'dns', 'user', 'altuser', 'method'] as const;
/** Group number of each tag in a regex (0: the regex has no such group). */
type GroupIndex = Readonly<Record<(typeof CAP_NAMES)[number], number>>;

/**
 * A regex written with named groups, compiled without the names: V8 builds a `groups` object on
 * every successful exec of a regex with named groups (half the cost of these short matches), so
 * the names are turned into plain groups here and their numbers kept in a GroupIndex.
 */
function compileNamed(src: string, flags = ''): { re: RegExp; ix: GroupIndex } {
  let out = '';
  let group = 0;
  let inClass = false;
  const ix: Record<string, number> = Object.fromEntries(CAP_NAMES.map((n) => [n, 0]));
  for (let i = 0; i < src.length; i++) {
    const c = src[i]!;
    if (c === '\\') {
      out += c + (src[i + 1] ?? '');
      i++;
    } else if (inClass) {
      if (c === ']') inClass = false;
      out += c;
    } else if (c === '[') {
      inClass = true;
      out += c;
    } else if (c === '.') {
      out += '[^\\n]'; // Python's `.`
    } else if (c === '(' && src[i + 1] !== '?') {
      group++;
      out += c;
    } else if (c === '(') {
      const named = /^\(\?<([A-Za-z_]\w*)>/.exec(src.slice(i, i + 40));
      if (named) {
        group++;
        if (!(named[1]! in ix)) throw new Error(`sshd-filter: unknown group name ${named[1]}`);
        ix[named[1]!] = group;
        out += '(';
        i += named[0].length - 1;
      } else out += c;
    } else out += c;
  }
  return { re: new RegExp(out, flags), ix: ix as GroupIndex };
}

/** The last match's captures: one object, refilled (matching is synchronous, and lineMatch copies what it keeps before the next). */
const CAPS: Caps = { ip4: undefined, ip6: undefined, dns: undefined, user: undefined, altuser: undefined, method: undefined };

function capsOf(m: RegExpExecArray, ix: GroupIndex): Caps {
  const c = CAPS;
  c.ip4 = ix.ip4 ? m[ix.ip4] : undefined;
  c.ip6 = ix.ip6 ? m[ix.ip6] : undefined;
  c.dns = ix.dns ? m[ix.dns] : undefined;
  c.user = ix.user ? m[ix.user] : undefined;
  c.altuser = ix.altuser ? m[ix.altuser] : undefined;
  c.method = ix.method ? m[ix.method] : undefined;
  return c;
}

const IP4 = String.raw`(?:\d{1,3}\.){3}\d{1,3}`;
const IP6 = String.raw`(?:[0-9a-fA-F]{1,4}::?|::){1,7}(?:[0-9a-fA-F]{1,4}|(?<=:):)`;
/** fail2ban's <HOST> with usedns=yes: an address (IPv4, IPv4-mapped, IPv6, optionally bracketed) or a host name. */
const HOST = String.raw`(?:\[?(?:(?:::f{4,6}:)?(?<ip4>${IP4})|(?<ip6>${IP6}))\]?|(?<dns>[\w\-.^_]*\w))`;
const SUFF = String.raw`(?: (?:port \d+|on \S+|\[preauth\])){0,3}\s*`;
const ON_PORT_OPT = String.raw`(?: (?:port \d+|on \S+)){0,2}`;
const AUTHNG_USER = String.raw`(?: (?:invalid|authenticating) user (?<user>\S+|.*?))?`;
const ALG_MATCH = String.raw`(?:(?:\w+ (?!found\b)){0,2}\w+)`;
/** What may follow the address when the user was the catch-all: nothing holding " from ". */
const NO_FROM_TO_END = String.raw`(?:(?! from ).)*$`;

/**
 * The "Failed ..." regexes whose user is a catch-all must be followed by an address and then no
 * " from " up to the end. Run as one regex, the engine retries the tail at every " from " of the
 * line and rescans the rest each time (quadratic on a crafted 2 KB line). The same answer comes
 * from trying the tail only where it can succeed: for the lazy user `(?:(?! from ).)*?` that is
 * the first " from " after the user's start; for the greedy `[^:]+` the last ones (right to left)
 * — the tail (address, up to two "port N"/"on X", "sshN") spans at most 6 words, so a " from "
 * more than 8 occurrences from the end always has another after the tail.
 */
const TAIL_NO_FROM = compileNamed(String.raw` from ${HOST}${ON_PORT_OPT}(?: ssh\d*)?${NO_FROM_TO_END}`, 'y');
const PUB_INVALID_HEAD = /^Failed publickey for invalid user /;
/** Group 1: the method. */
const FAILED_INVALID_HEAD = /^Failed (\S+) for invalid user /;
const FAILED_HEAD = /^Failed (\S+) for /;

function tailAt(content: string, at: number): RegExpExecArray | null {
  TAIL_NO_FROM.re.lastIndex = at;
  return TAIL_NO_FROM.re.exec(content);
}

/** The tail's address with the head's method and the user. */
function withUser(tail: RegExpExecArray, head: RegExpExecArray, user: string): Caps {
  const c = capsOf(tail, TAIL_NO_FROM.ix);
  c.method = head[1];
  c.user = user;
  return c;
}

/** Whitespace as a regex's `\s` sees it. */
function isSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13) || (c > 127 && (c === 160 || c === 5760 || (c >= 8192 && c <= 8202) || c === 8232 || c === 8233 || c === 8239 || c === 8287 || c === 12288 || c === 65279));
}

let headContent = '';
let headEnd = -1;

/**
 * Where `^Failed (\S+)` ends in `content` (-1: it does not start so). \S+ can only end at the
 * first whitespace, so FAILED_HEAD matches exactly when " for " follows, FAILED_INVALID_HEAD when
 * " for invalid user " does: both are decided here without running them, and only the head that
 * matches is run (for its capture). Remembered for the line: its Failed regexes ask in turn.
 */
function failedMethodEnd(content: string): number {
  if (content === headContent) return headEnd;
  headContent = content;
  let i = 7;
  if (!content.startsWith('Failed ')) i = -1;
  else {
    while (i < content.length && !isSpace(content.charCodeAt(i))) i++;
    if (i === 7) i = -1;
  }
  return (headEnd = i);
}

function lazyUser(content: string, head: RegExp): Caps | null {
  if (head !== PUB_INVALID_HEAD) {
    const e = failedMethodEnd(content);
    if (e < 0 || !content.startsWith(' for invalid user ', e)) return null;
  }
  const h = head.exec(content);
  if (!h) return null;
  const start = h[0].length;
  const at = content.indexOf(' from ', start);
  if (at < 0) return null;
  const m = tailAt(content, at);
  return m ? withUser(m, h, content.slice(start, at)) : null;
}

function greedyUser(content: string): Caps | null {
  const e = failedMethodEnd(content);
  if (e < 0 || !content.startsWith(' for ', e)) return null;
  const h = FAILED_HEAD.exec(content);
  if (!h) return null;
  const start = h[0].length;
  const colon = content.indexOf(':', start);
  let at = content.length;
  for (let tries = 0; tries < 8; tries++) {
    at = content.lastIndexOf(' from ', at - 1);
    if (at < start + 1) return null; // [^:]+ needs one character at least
    if (colon >= 0 && colon < at) continue; // the user would hold a ':'
    const m = tailAt(content, at);
    if (m) return withUser(m, h, content.slice(start, at));
  }
  return null;
}

const e = (name: string, starts: readonly string[], src: string, flags: Omit<Entry, 'name' | 'starts' | 're' | 'ix'> = {}): Entry => ({ name, starts, ...compileNamed(src), ...flags });

// cmnfailre, in sshd.conf's order. <mdre-<mode>-other> and the Accepted line follow below.
const CMN_HEAD: readonly Entry[] = [
  e('auth-failure', ['authentication ', 'Authentication '], String.raw`^[aA]uthentication (?:failure|error|failed) for (?<user>.*) from ${HOST}(?: via \S+)?${SUFF}$`),
  e('user-not-known', ['User not known '], String.raw`^User not known to the underlying authentication module for (?<user>.*) from ${HOST}${SUFF}$`),
  // cmnfailre-failed-pub-nofail = cmnfailre-failed-pub-invalid: publickey for an invalid user is a failure
  e('failed-publickey-invalid', ['Failed publickey for invalid user '], String.raw`^Failed publickey for invalid user (?<user>\S+) from ${HOST}${ON_PORT_OPT}(?: ssh\d*)?: `, { needs: ': ' }),
  e('failed-publickey-invalid', ['Failed publickey for invalid user '], String.raw`^Failed publickey for invalid user (?<user>(?:(?! from ).)*?) from ${HOST}${ON_PORT_OPT}(?: ssh\d*)?${NO_FROM_TO_END}`, { exec: (c) => lazyUser(c, PUB_INVALID_HEAD) }),
  // ^Failed <cmnfailed> for (?P<cond_inv>invalid user )?<F-USER>(?P<cond_user>\S+)|(?(cond_inv)(?:(?! from ).)*?|[^:]+)</F-USER> from <HOST>...
  e('failed', ['Failed '], String.raw`^Failed (?<method>\S+) for invalid user (?<user>\S+) from ${HOST}${ON_PORT_OPT}(?: ssh\d*)?: `, { nofailPublickey: true, needs: ': ' }),
  e('failed', ['Failed '], String.raw`^Failed (?<method>\S+) for invalid user (?<user>(?:(?! from ).)*?) from ${HOST}${ON_PORT_OPT}(?: ssh\d*)?${NO_FROM_TO_END}`, { nofailPublickey: true, exec: (c) => lazyUser(c, FAILED_INVALID_HEAD) }),
  e('failed', ['Failed '], String.raw`^Failed (?<method>\S+) for (?<user>\S+) from ${HOST}${ON_PORT_OPT}(?: ssh\d*)?: `, { nofailPublickey: true, needs: ': ' }),
  e('failed', ['Failed '], String.raw`^Failed (?<method>\S+) for (?<user>[^:]+) from ${HOST}${ON_PORT_OPT}(?: ssh\d*)?${NO_FROM_TO_END}`, { nofailPublickey: true, exec: greedyUser }),
  e('root-login-refused', ['ROOT LOGIN REFUSED FROM '], String.raw`^(?<user>ROOT) LOGIN REFUSED FROM ${HOST}`),
  e('invalid-user', ['Invalid user ', 'invalid user ', 'Illegal user ', 'illegal user '], String.raw`^[iI](?:llegal|nvalid) user (?<user>.*?) from ${HOST}${SUFF}$`),
  e('user-not-allowed', ['User '], String.raw`^User (?<user>\S+|.*?) from ${HOST} not allowed because (?:not listed in AllowUsers|listed in DenyUsers|not in any group)${SUFF}$`, { needs: ' not allowed because ' }),
  e('refused-connect', ['refused connect from '], String.raw`^refused connect from \S+ \(${HOST}\)`),
  e('disconnect-auth-fail', ['Received disconnect from '], String.raw`^Received disconnect from ${HOST}${ON_PORT_OPT}:\s*3: .*: Auth fail${SUFF}$`, { forget: true, needs: 'Auth fail' }),
  e('user-not-allowed', ['User '], String.raw`^User (?<user>\S+|.*?) from ${HOST} not allowed because (?:a group is listed in DenyGroups|none of user's groups are listed in AllowGroups)${SUFF}$`, { needs: ' not allowed because ' }),
  e('pam-auth-failure', ['pam_'], String.raw`^pam_[a-z]+\(sshd:auth\):\s+authentication failure;(?:\s+(?:(?:logname|e?uid|tty)=\S*)){0,4}\s+ruser=(?<altuser>\S*)\s+rhost=${HOST}(?:\s+user=(?<user>\S*))?${SUFF}$`, { nofail: true }),
  e('max-auth-attempts', ['maximum authentication attempts exceeded for '], String.raw`^maximum authentication attempts exceeded for (?<user>.*) from ${HOST}${ON_PORT_OPT}(?: ssh\d*)?${SUFF}$`),
  e('account-locked', ['User '], String.raw`^User (?<user>\S+|.*?) not allowed because account is locked`, { needs: ' not allowed because account is locked' }),
  e('change-of-username', ['Disconnecting'], String.raw`^Disconnecting(?: from)?(?: (?:invalid|authenticating)) user (?<user>\S+) ${HOST}${ON_PORT_OPT}:\s*Change of username or service not allowed:\s*.*\[preauth\]\s*$`, { forget: true, needs: 'Change of username or service not allowed' }),
  e('too-many-failures', ['Disconnecting: Too many authentication failures'], String.raw`^Disconnecting: Too many authentication failures(?: for (?<user>\S+|.*?))?${SUFF}$`),
  e('disconnect-11', ['Received disconnect from '], String.raw`^Received disconnect from ${HOST}${ON_PORT_OPT}:\s*11:`, { nofail: true, forget: true, needs: '11:' }),
];

const CLOSED = ['Connection closed ', 'Connection reset ', 'Disconnected '];
const OTHER: Record<SshdMode, readonly Entry[]> = {
  // mdre-normal-other: a close identifies the session's address (nofail), ends it
  normal: [e('closed', CLOSED, String.raw`^(?:Connection (?:closed|reset)|Disconnected) (?:by|from)${AUTHNG_USER} ${HOST}(?:${SUFF}|\s*)$`, { nofail: true, forget: true })],
  // mdre-ddos-other: a close in the preauth phase is a failure
  ddos: [
    e('closed-preauth', CLOSED, String.raw`^(?:Connection (?:closed|reset)|Disconnected) (?:by|from)${AUTHNG_USER} ${HOST}${ON_PORT_OPT}\s+\[preauth\]\s*$`, { forget: true }),
    e('closed', CLOSED, String.raw`^(?:Connection (?:closed|reset)|Disconnected) (?:by|from)${AUTHNG_USER} ${HOST}(?:${ON_PORT_OPT}|\s*)$`, { nofail: true, forget: true }),
  ],
  // mdre-extra-other
  extra: [e('disconnected-user-preauth', ['Disconnected'], String.raw`^Disconnected(?: from)?(?: (?:invalid|authenticating)) user (?<user>\S+|.*?) ${HOST}${ON_PORT_OPT} \[preauth\]\s*$`, { forget: true })],
  aggressive: [],
};
OTHER.aggressive = OTHER.ddos;

const ACCEPTED = e('accepted', ['Accepted '], String.raw`^Accepted (?<method>\w+) for (?<user>\S+) from ${HOST}(?:\s|$)`, { forget: true, gained: true });

const MDRE_DDOS: readonly Entry[] = [
  e('no-identification', ['Did not receive identification string from '], String.raw`^Did not receive identification string from ${HOST}`),
  e('kex-identification', ['kex_exchange_identification: '], String.raw`^kex_exchange_identification: (?:read: )?(?:[Cc]lient sent invalid protocol identifier|[Cc]onnection (?:closed by remote host|reset by peer))`),
  e('bad-protocol-version', ['Bad protocol version identification '], String.raw`^Bad protocol version identification '.*' from ${HOST}`),
  e('ssh-server-ltype', ['SSH: Server;Ltype: '], String.raw`^SSH: Server;Ltype: (?:Authname|Version|Kex);Remote: ${HOST}-\d+;[A-Z]\w+:`, { nofail: true }),
  e('read-socket-reset', ['Read from socket failed: '], String.raw`^Read from socket failed: Connection reset by peer`, { forget: true }),
  e('banner-invalid-format', ['banner exchange: '], String.raw`^banner exchange: Connection from ${HOST}${ON_PORT_OPT}: invalid format`, { needs: ': invalid format' }),
];
const MDRE_EXTRA: readonly Entry[] = [
  e('disconnect-14', ['Received disconnect from '], String.raw`^Received disconnect from ${HOST}${ON_PORT_OPT}:\s*14: No(?: supported)? authentication methods available`, { forget: true, needs: '14: No' }),
  e('unable-to-negotiate', ['Unable to negotiate with '], String.raw`^Unable to negotiate with ${HOST}${ON_PORT_OPT}: no matching ${ALG_MATCH} found.`),
  e('unable-to-negotiate-a', ['Unable to negotiate a '], String.raw`^Unable to negotiate a ${ALG_MATCH}`),
  e('no-matching-found', ['no matching '], String.raw`^no matching ${ALG_MATCH} found:`),
];
const MDRE: Record<SshdMode, readonly Entry[]> = { normal: [], ddos: MDRE_DDOS, extra: MDRE_EXTRA, aggressive: [...MDRE_DDOS, ...MDRE_EXTRA] };
const FOOTER = e('connection-from', ['Connection from '], String.raw`^Connection from ${HOST}`, { nofail: true });

const LISTS = new Map<SshdMode, readonly Entry[]>(SSHD_MODES.map((m) => [m, [...CMN_HEAD, ...OTHER[m], ACCEPTED, ...MDRE[m], FOOTER]]));

/** An entry as the dispatch table holds it: `needs` as an index into the table's distinct needed substrings. */
interface Candidate {
  index: number;
  entry: Entry;
  /** -1: nothing needed. */
  need: number;
  /** Index into the dispatch's distinct prefix lists (entries of one bucket mostly share theirs: "Failed "). */
  prefixes: number;
}

interface Dispatch {
  /** The entries by the first character (an ASCII code) their prefixes start with, in list order: a line only tries the few that can match. */
  byFirst: ReadonlyArray<readonly Candidate[] | undefined>;
  /** The distinct `needs` substrings: each is searched at most once per line, however many entries need it. */
  needs: readonly string[];
  /** The distinct prefix lists (`starts`): each is tested at most once per line. */
  prefixes: ReadonlyArray<readonly string[]>;
}

const DISPATCH = new Map<SshdMode, Dispatch>(
  [...LISTS].map(([mode, list]) => {
    const byFirst: Candidate[][] = [];
    const needs: string[] = [];
    const prefixes: Array<readonly string[]> = [];
    list.forEach((entry, index) => {
      let need = -1;
      if (entry.needs !== undefined) {
        need = needs.indexOf(entry.needs);
        if (need < 0) need = needs.push(entry.needs) - 1;
      }
      let p = prefixes.findIndex((q) => q.length === entry.starts.length && q.every((x, i) => x === entry.starts[i]));
      if (p < 0) p = prefixes.push(entry.starts) - 1;
      for (const c of new Set(entry.starts.map((s) => s.charCodeAt(0)))) {
        if (c > 127) throw new Error(`sshd-filter: ${entry.name} starts with a non-ASCII character`);
        (byFirst[c] ??= []).push({ index, entry, need, prefixes: p });
      }
    });
    return [mode, { byFirst, needs, prefixes }];
  }),
);
/**
 * Per needed substring and per prefix list: what the line numbered `lineStamp` showed (1 present,
 * 2 absent); a slot stamped with an older line is not yet decided for this one (no reset per line).
 * Reused: matching is synchronous.
 */
const needState = new Uint8Array(Math.max(...[...DISPATCH.values()].map((d) => d.needs.length), 1));
const needStamp = new Float64Array(needState.length);
const prefixState = new Uint8Array(Math.max(...[...DISPATCH.values()].map((d) => d.prefixes.length), 1));
const prefixStamp = new Float64Array(prefixState.length);
let lineStamp = 0;

// V8 compiles a regex on its first use (milliseconds for the address patterns): do it at load,
// so the first attacker line is not the one that pays for it.
for (const list of LISTS.values()) for (const entry of list) entry.re.exec('Failed x for y from 192.0.2.1 port 1 ssh2');
tailAt(' from 192.0.2.1 port 1 ssh2', 0);

/** `[ID 800047 auth.info] ` (Solaris/illumos syslog message id): part of fail2ban's prefix, not the content. */
const SOLARIS_ID = /^\[ID \d{1,12} [^\s\]]{1,64}\]\s+/;
/**
 * `kernel: [  970.699396] ` after the ident: fail2ban's journal prefix (lt_short/lt_journal)
 * allows it there. Its file prefix only allows it before the ident, so stripping it for every
 * message accepts a little more than fail2ban reading a file would (such lines are not seen in
 * practice; journald delivers them).
 */
const KERNEL_PREFIX = /^kernel:\s?\[ {0,16}\d{1,12}\.\d{1,12}\]:?\s+/;

/**
 * The part of an sshd message the failregexes read: fail2ban's prefregex drops the Solaris
 * message id and an optional "error: " / "fatal: " (then "PAM: ") before the content.
 */
export function sshdContent(message: string): string {
  let m = bounded(message);
  let end = m.length;
  while (end > 0 && (m.charCodeAt(end - 1) === 13 || m.charCodeAt(end - 1) === 10)) end--;
  if (end !== m.length) m = m.slice(0, end);
  if (m.startsWith('kernel:')) {
    const k = KERNEL_PREFIX.exec(m);
    if (k) m = m.slice(k[0].length);
  }
  if (m.charCodeAt(0) === 91 /* [ */) {
    const id = SOLARIS_ID.exec(m);
    if (id) m = m.slice(id[0].length);
  }
  if (m.startsWith('error: ') || m.startsWith('fatal: ')) {
    m = m.slice(7);
    if (m.startsWith('PAM: ')) m = m.slice(5);
  }
  return m;
}

/** The first failregex of `mode` matching an sshd message, or null (a line fail2ban ignores). */
export function matchSshdLine(message: string, mode: SshdMode = 'normal'): SshdLineMatch | null {
  return matchSshdLineInto(message, mode, undefined);
}

/**
 * matchSshdLine writing its answer into `into` when given (every field set or cleared: the
 * session tracker reads it before its next line, so one object serves every line), else a new one.
 */
export function matchSshdLineInto(message: string, mode: SshdMode, into: SshdLineMatch | undefined): SshdLineMatch | null {
  const content = sshdContent(message);
  if (!content) return null;
  const dispatch = DISPATCH.get(mode)!;
  const c0 = content.charCodeAt(0);
  const list = c0 < 128 ? dispatch.byFirst[c0] : undefined;
  if (!list) return null;
  const stamp = ++lineStamp;
  for (let k = 0; k < list.length; k++) {
    const { index: i, entry, need, prefixes: p } = list[k]!;
    if (need >= 0) {
      let st = needStamp[need] === stamp ? needState[need]! : 0;
      if (st === 0) {
        st = needState[need] = content.includes(dispatch.needs[need]!) ? 1 : 2;
        needStamp[need] = stamp;
      }
      if (st === 2) continue;
    }
    let st = prefixStamp[p] === stamp ? prefixState[p]! : 0;
    if (st === 0) {
      st = 2;
      const prefixes = dispatch.prefixes[p]!;
      for (let j = 0; j < prefixes.length; j++) if (content.startsWith(prefixes[j]!)) { st = 1; break; }
      prefixState[p] = st;
      prefixStamp[p] = stamp;
    }
    if (st === 2) continue;
    let g: Caps | null;
    if (entry.exec) g = entry.exec(content);
    else {
      const m = entry.re.exec(content);
      g = m ? capsOf(m, entry.ix) : null;
    }
    if (g) return lineMatch(i, entry, g, into);
  }
  return null;
}

function lineMatch(i: number, entry: Entry, g: Caps, into?: SshdLineMatch): SshdLineMatch {
  const nofail = entry.nofail === true || (entry.nofailPublickey === true && g.method === 'publickey');
  const forget = entry.forget === true;
  const gained = entry.gained === true;
  let out: SshdLineMatch;
  if (into) {
    out = into;
    out.regex = i;
    out.name = entry.name;
    out.nofail = nofail;
    out.forget = forget;
    out.gained = gained;
    out.ip4 = out.ip6 = out.dns = out.user = out.method = undefined;
    out.accepted = undefined;
  } else out = { regex: i, name: entry.name, nofail, forget, gained };
  if (g.ip4) out.ip4 = g.ip4;
  else if (g.ip6) out.ip6 = g.ip6;
  else if (g.dns) out.dns = g.dns;
  // fail2ban merges F-ALT_USER into user when user is empty (failregex.py _getGroupsWithAlt)
  const user = g.user || g.altuser || g.user;
  if (user !== undefined) out.user = user;
  if (g.method) out.method = g.method;
  if (entry.gained) out.accepted = true;
  return out;
}

/**
 * matchSshdLine without its shortcuts (first-character dispatch, needed substrings, the split
 * "Failed ..." regexes and their head checks): every failregex of the mode run as one plain
 * regex, in order. The reference the tests hold matchSshdLine to: a shortcut never changes the answer.
 */
export function matchSshdLinePlain(message: string, mode: SshdMode = 'normal'): SshdLineMatch | null {
  const content = sshdContent(message);
  if (!content) return null;
  const list = LISTS.get(mode)!;
  for (let i = 0; i < list.length; i++) {
    const m = list[i]!.re.exec(content);
    if (m) return lineMatch(i, list[i]!, capsOf(m, list[i]!.ix));
  }
  return null;
}

/** The address a match names, as written: IPv4 (mapped prefix dropped), IPv6 or a host name. */
export function matchAddress(m: { ip4?: string; ip6?: string; dns?: string }): string | undefined {
  return m.ip4 ?? m.ip6 ?? m.dns;
}
