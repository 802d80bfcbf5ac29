/**
 * Who and from where, out of the messages of authentication programs (sshd, sudo, su, PAM,
 * useradd and friends, login, systemd-logind). `user` is the account acted upon or attempted,
 * `actor` the account that acted (sudo/su invoker, PAM ruser).
 *
 * Safety: every pattern is anchored or starts with a literal, every quantifier over free text is
 * bounded, and the input is cut to 2 KB first, so a crafted line costs microseconds.
 */
import type { EventFields } from '../generated/schema-types.js';
import { canonicalIp, cleanText, LIMITS, toUint } from './fields.js';

const HEAD = 2048;

// Where the address is, as fail2ban's sshd.conf anchors it: sshd writes "for <user> from <addr>
// port <n> ssh2" and then, for some methods, ": <auth info>" that the client influences
// ("ruser XXX from 1.2.3.4"). A one-word user followed by that exact tail is tried first; only
// when it does not fit (a user name with spaces) the greedy form takes the last " from ", the
// one sshd appended after whatever the client sent as its user name.
const SSHD_FAILED_WORD = /^(?:error: )?Failed \S{1,64} for (?:invalid user )?(\S{1,256}) from (\S{1,64}) port (\d{1,5})(?: ssh\d?)?(?:: |$)/;
const SSHD_ACCEPTED_WORD = /^Accepted \S{1,64} for (\S{1,256}) from (\S{1,64}) port (\d{1,5})(?: ssh\d?)?(?:: |$)/;
const SSHD_FAILED = /^(?:error: )?Failed (?:password|publickey|none|keyboard-interactive\/pam|hostbased|gssapi-with-mic) for (?:invalid user )?(.{0,256}) from (\S{1,64}) port (\d{1,5})/;
const SSHD_ACCEPTED = /^Accepted \S{1,64} for (.{1,256}) from (\S{1,64}) port (\d{1,5})/;
const SSHD_INVALID = /^Invalid user (.{0,256}) from (\S{1,64})(?: port (\d{1,5}))?/;
const SSHD_CLOSED = /^(?:Connection closed by|Connection reset by|Disconnected from|Received disconnect from|Timeout before authentication for) (?:(?:authenticating |invalid )?user (.{0,256}) )?(\S{1,64}) port (\d{1,5})/;
const SSHD_MAXAUTH = /^(?:error: )?maximum authentication attempts exceeded for (?:invalid user )?(.{0,256}) from (\S{1,64}) port (\d{1,5})/;
const SSHD_NOT_ALLOWED = /^User (\S{1,256}) from (\S{1,64}) not allowed because/;
/** Any other sshd line that names a peer ("Did not receive identification string from IP port N"). */
const FROM_PORT = / from (\S{1,64}) port (\d{1,5})/;

const PAM_KV = /(?:^|[\s;])(ruser|rhost|user)=(\S{0,256})/g;
const PAM_SESSION = /^pam_unix\([^)]{1,64}\): session (?:opened|closed) for user ([^\s(]{1,256})(?:\(uid=\d{1,10}\))?(?: by ([^\s(]{0,256})(?:\(uid=\d{1,10}\))?)?/;
const PASSWORD_CHANGED = /password changed for (\S{1,256})/;

const SU_UTIL_LINUX = /^(?:FAILED SU )?\(to ([^)\s]{1,256})\) (\S{1,256}) on /;
const SU_SHADOW = /^(?:Successful|FAILED) su for (\S{1,256}) by (\S{1,256})/;
const SU_OLD = /^[+-] \S{1,64} ([^:\s]{1,256}):(\S{1,256})$/;

const ACCOUNT_NAME = /^(?:new (?:user|group): name=|group added to \S{1,64}: name=)([^,\s]{1,256})/;
const ACCOUNT_QUOTED = /^(?:add|delete|remove|change|lock|unlock) (?:user |group )?'([^']{1,256})'/;

const LOGIN_FAILED = /FOR '([^']{1,256})'/;
const LOGIN_ROOT = /^ROOT LOGIN /;
const LOGIND_SESSION = /^New session \S{1,32} of user ([^\s]{1,256}?)\.?$/;

function setUser(f: EventFields, v: string | undefined): void {
  const u = cleanText(v, LIMITS.user);
  if (u !== undefined) f.user = u;
}
function setActor(f: EventFields, v: string | undefined): void {
  const u = cleanText(v, LIMITS.user);
  if (u !== undefined) f.actor = u;
}
function setPeer(f: EventFields, ip: string | undefined, port: string | undefined): void {
  const c = canonicalIp(ip);
  if (c === undefined) return;
  f.src_ip = c;
  const p = toUint(port, 65535);
  if (p !== undefined) f.src_port = p;
}

/** PAM's "key=value" list: user → user, ruser → actor, rhost → src_ip when it is an address. */
function pamPairs(head: string, f: EventFields): void {
  PAM_KV.lastIndex = 0;
  let m: RegExpExecArray | null;
  let guard = 0;
  while ((m = PAM_KV.exec(head)) !== null && guard++ < 32) {
    const value = m[2]!;
    if (value === '') continue;
    if (m[1] === 'user') setUser(f, value);
    else if (m[1] === 'ruser') setActor(f, value);
    else {
      const ip = canonicalIp(value);
      if (ip !== undefined) f.src_ip = ip;
    }
  }
}

function sshd(head: string, f: EventFields): void {
  let m = SSHD_FAILED_WORD.exec(head) ?? SSHD_FAILED.exec(head) ?? SSHD_MAXAUTH.exec(head) ?? SSHD_ACCEPTED_WORD.exec(head) ?? SSHD_ACCEPTED.exec(head) ?? SSHD_CLOSED.exec(head);
  if (m) {
    setUser(f, m[1]);
    setPeer(f, m[2], m[3]);
    return;
  }
  if ((m = SSHD_INVALID.exec(head)) || (m = SSHD_NOT_ALLOWED.exec(head))) {
    setUser(f, m[1]);
    setPeer(f, m[2], m[3]);
    return;
  }
  if ((m = FROM_PORT.exec(head))) setPeer(f, m[1], m[2]);
}

/**
 * "alice : 3 incorrect password attempts ; TTY=pts/0 ; PWD=/home/alice ; USER=root ; COMMAND=/usr/bin/bash"
 * → actor alice, user root. Split by hand rather than by one big regex.
 */
function sudo(head: string, f: EventFields): boolean {
  const text = head.trimStart();
  const colon = text.indexOf(' : ');
  if (colon <= 0 || colon > 256 || text.slice(0, colon).includes(' ')) return false;
  const parts = text.slice(colon + 3).split(' ; ');
  let sawKey = false;
  for (const part of parts) {
    if (part.startsWith('USER=')) {
      setUser(f, part.slice(5));
      sawKey = true;
    } else if (part.startsWith('TTY=') || part.startsWith('COMMAND=') || part.startsWith('PWD=')) sawKey = true;
  }
  if (!sawKey) return false;
  setActor(f, text.slice(0, colon));
  return true;
}

function su(head: string, f: EventFields): boolean {
  const m = SU_UTIL_LINUX.exec(head) ?? SU_SHADOW.exec(head);
  if (m) {
    setUser(f, m[1]);
    setActor(f, m[2]);
    return true;
  }
  const old = SU_OLD.exec(head);
  if (old) {
    setActor(f, old[1]);
    setUser(f, old[2]);
    return true;
  }
  return false;
}

/**
 * Fill user/actor/src_ip/src_port from an auth-related message. `program` is the syslog ident
 * (sshd, sudo, su, useradd...); PAM lines are recognized by content whatever the program.
 */
export function extractAuthFields(program: string | undefined, message: string, f: EventFields): void {
  const head = message.length > HEAD ? message.slice(0, HEAD) : message;
  if (head.startsWith('pam_')) {
    const s = PAM_SESSION.exec(head);
    if (s) {
      setUser(f, s[1]);
      setActor(f, s[2]);
      return;
    }
    const pw = PASSWORD_CHANGED.exec(head);
    if (pw) {
      setUser(f, pw[1]);
      return;
    }
  }
  if (head.includes('ruser=') || head.includes('rhost=')) {
    pamPairs(head, f);
    return;
  }
  switch (program) {
    case 'sshd':
    case 'sshd-session':
      sshd(head, f);
      return;
    case 'sudo':
      sudo(head, f);
      return;
    case 'su':
      su(head, f);
      return;
    case 'useradd':
    case 'groupadd':
    case 'userdel':
    case 'groupdel':
    case 'usermod':
    case 'groupmod':
    case 'gpasswd':
    case 'chpasswd':
    case 'passwd':
    case 'chage': {
      const m = ACCOUNT_NAME.exec(head) ?? ACCOUNT_QUOTED.exec(head) ?? PASSWORD_CHANGED.exec(head);
      if (m) setUser(f, m[1]);
      return;
    }
    case 'login': {
      const m = LOGIN_FAILED.exec(head);
      if (m) setUser(f, m[1]);
      else if (LOGIN_ROOT.test(head)) setUser(f, 'root');
      return;
    }
    case 'systemd-logind': {
      const m = LOGIND_SESSION.exec(head);
      if (m) setUser(f, m[1]);
      return;
    }
    default:
      // Unknown ident (a parser left it out, or a wrapper): recognize the shapes by content.
      if (!sudo(head, f) && !su(head, f) && head.includes(' port ')) sshd(head, f);
  }
}
