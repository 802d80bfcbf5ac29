/**
 * Reads the sshd authentication messages real OpenSSH servers write (Debian/Ubuntu/RHEL, 7.x to
 * 9.x, including `sshd-session` of OpenSSH ≥ 9.8). The syslog header is already parsed by the
 * normalizer; this only classifies the message text. Built from string searches anchored on
 * fixed words, so a username with spaces or a crafted line cannot make it backtrack.
 */
import { isIP } from 'node:net';
import type { LogEvent } from '../../alert-service/src/generated/schema-types.js';
import { bounded, boundedMatch } from './text.js';

export const SSHD_PROGRAMS = ['sshd', 'sshd-session', 'sshd-auth'] as const;

export type SshdFailureKind =
  | 'failed_password'
  | 'failed_publickey'
  | 'failed_other'
  | 'invalid_user'
  | 'pam_failure'
  | 'max_attempts'
  | 'too_many_failures'
  | 'not_allowed';

export interface SshdAuth {
  kind: SshdFailureKind | 'accepted';
  user?: string;
  ip?: string;
  port?: number;
  invalidUser?: boolean;
  method?: string;
}

/** Splits "<user> from <ip> port <n>..." (user may contain spaces) at the LAST " from ". */
function userFromIp(rest: string): { user: string; ip?: string; port?: number } {
  const at = rest.lastIndexOf(' from ');
  if (at < 0) {
    const sp = rest.indexOf(' ');
    return { user: sp < 0 ? rest : rest.slice(0, sp) };
  }
  const out: { user: string; ip?: string; port?: number } = { user: rest.slice(0, at) };
  const ipStart = at + 6;
  const ipEnd = rest.indexOf(' ', ipStart);
  const ip = ipEnd < 0 ? rest.slice(ipStart) : rest.slice(ipStart, ipEnd);
  if (ip) out.ip = ip;
  if (ipEnd >= 0 && rest.startsWith(' port ', ipEnd)) {
    const port = parseInt(rest.slice(ipEnd + 6, ipEnd + 12), 10);
    if (Number.isFinite(port)) out.port = port;
  }
  return out;
}

/** "<user> <ip> port <n>" as in "Disconnecting authenticating user root 1.2.3.4 port 22: ...". */
function userIpPort(rest: string): { user: string; ip?: string; port?: number } {
  const at = rest.lastIndexOf(' port ');
  const head = at < 0 ? rest : rest.slice(0, at);
  const sp = head.lastIndexOf(' ');
  const out: { user: string; ip?: string; port?: number } = { user: sp < 0 ? head : head.slice(0, sp) };
  if (sp >= 0) out.ip = head.slice(sp + 1);
  if (at >= 0) {
    const p = parseInt(rest.slice(at + 6), 10);
    if (Number.isFinite(p)) out.port = p;
  }
  return out;
}

const INVALID_PREFIXES = ['invalid user ', 'illegal user '];

function withInvalid(user: string): { user: string; invalidUser: boolean } {
  for (const prefix of INVALID_PREFIXES) if (user.startsWith(prefix)) return { user: user.slice(prefix.length), invalidUser: true };
  return { user, invalidUser: false };
}

const PAM_RHOST = /\brhost=(\S*)/;
const PAM_USER = /\buser=(\S*)/;

/** Classifies an sshd message; null when it is not an authentication attempt outcome. */
export function parseSshdAuth(message: string): SshdAuth | null {
  const m = bounded(message).replace(/ \[preauth\]$/, '');
  if (m.startsWith('Failed ')) {
    const forAt = m.indexOf(' for ', 7);
    if (forAt < 0) return null;
    const method = m.slice(7, forAt);
    if (method.includes(' ')) return null; // "Failed to ... for ...": not an authentication method
    const u = userFromIp(m.slice(forAt + 5));
    const inv = withInvalid(u.user);
    const kind: SshdFailureKind = method === 'password' ? 'failed_password' : method === 'publickey' ? 'failed_publickey' : 'failed_other';
    return { kind, method, ...u, ...inv };
  }
  if (m.startsWith('Accepted ')) {
    const forAt = m.indexOf(' for ', 9);
    if (forAt < 0) return null;
    return { kind: 'accepted', method: m.slice(9, forAt), ...userFromIp(m.slice(forAt + 5)) };
  }
  if (m.startsWith('Invalid user ') || m.startsWith('Illegal user ')) {
    return { kind: 'invalid_user', invalidUser: true, ...userFromIp(m.slice(13)) };
  }
  if (m.startsWith('pam_unix(sshd:auth): authentication failure;') || (m.startsWith('PAM ') && m.includes(' more authentication failure'))) {
    const out: SshdAuth = { kind: 'pam_failure' };
    const rhost = boundedMatch(PAM_RHOST, m)?.[1];
    const user = boundedMatch(PAM_USER, m)?.[1];
    if (rhost) out.ip = rhost;
    if (user) out.user = user;
    return out;
  }
  if (m.startsWith('error: PAM: Authentication failure for ')) {
    const u = userFromIp(m.slice(39));
    return { kind: 'pam_failure', ...u, ...withInvalid(u.user) };
  }
  if (m.startsWith('error: maximum authentication attempts exceeded for ')) {
    const u = userFromIp(m.slice(52));
    return { kind: 'max_attempts', ...u, ...withInvalid(u.user) };
  }
  if (m.startsWith('Disconnecting ') && m.includes('Too many authentication failures')) {
    const rest = m.slice(14).replace(/^authenticating user /, '');
    const u = userIpPort(rest.slice(0, rest.indexOf(':') < 0 ? rest.length : rest.indexOf(':')));
    return { kind: 'too_many_failures', ...u, ...withInvalid(u.user) };
  }
  if (m.startsWith('User ') && m.includes(' not allowed because ')) {
    const u = userFromIp(m.slice(5, m.indexOf(' not allowed because ')));
    return { kind: 'not_allowed', ...u };
  }
  return null;
}

// Several rules read the same sshd event one after another: remember the last one parsed.
let lastEvent: LogEvent | undefined;
let lastAuth: SshdAuth | null = null;

/**
 * The sshd auth outcome of an event (program must be sshd). The address is the one this parser
 * read after the LAST " from " when it is an IP: a user name can hold " from <ip>" to pin the
 * attempt on someone else. The normalizer's src_ip fills in otherwise (UseDNS host names).
 * Do not mutate the result.
 */
export function sshdAuthOf(e: LogEvent): SshdAuth | null {
  if (e === lastEvent) return lastAuth;
  const a = parseSshdAuth(e.message);
  if (a) {
    const ip = a.ip && isIP(a.ip) ? a.ip : e.fields.src_ip ?? a.ip;
    if (ip) a.ip = ip;
    if (a.user === undefined && e.fields.user) a.user = e.fields.user;
  }
  lastEvent = e;
  lastAuth = a;
  return a;
}

export function isSshdFailure(a: SshdAuth | null): a is SshdAuth {
  return a !== null && a.kind !== 'accepted';
}
