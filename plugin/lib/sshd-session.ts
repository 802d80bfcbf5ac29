/**
 * fail2ban's multi-line failure merge for sshd (filter.py `_mergeFailure` with the F-MLFID,
 * F-NOFAIL, F-MLFFORGET and F-MLFGAINED tags, fail2ban 1.0.2), so one attempt spread over a
 * session's lines counts as fail2ban counts it:
 * - lines are linked by their session id (fail2ban: the syslog prefix "host sshd[pid]:"; here
 *   host, program and pid of the event);
 * - a NOFAIL line (PAM failure, Failed publickey for a valid user, Connection from/closed)
 *   records the session's address and user without being a failure: "pam_unix ... failure"
 *   followed by "Failed password" is one failure, "Failed publickey" then "Accepted publickey"
 *   (a user with several keys) is none;
 * - a failure line without an address ("Disconnecting: Too many authentication failures",
 *   "User root not allowed because account is locked") takes the session's, or stays pending
 *   until a later line of the session names it (then that line is the failure);
 * - "Accepted" (GAINED) clears pending failures, unless the session tried more than one user;
 * - FORGET lines (closes, Accepted, disconnects) end the session.
 *
 * State is bounded like fail2ban's mlfid cache (Utils.Cache(maxCount=100, maxTime=300)): per
 * host at most `maxPerHost` open sessions (FIFO, the oldest-created goes first) that expire
 * `maxAgeMs` of event time after they were created; plus a global cap on all sessions (the least
 * recently active host's oldest session goes) so many hosts cannot grow it without bound.
 */
import type { SshdLineMatch } from './sshd-filter.js';

export interface SessionLimits {
  /** fail2ban: 100 per filter (one filter per log, usually one host). */
  maxPerHost: number;
  /** fail2ban: 300 s after the session's first remembered line. */
  maxAgeMs: number;
  /** Across all hosts. */
  maxTotal: number;
}

export const DEFAULT_SESSION_LIMITS: SessionLimits = { maxPerHost: 100, maxAgeMs: 300_000, maxTotal: 100_000 };

/** A session within its host: program and pid ("sshd-session[77]"), or the pid alone for plain sshd. */
export type SessionId = string | number;

/** The outcome of one line after merging it into its session. */
export interface SshdVerdict {
  /** fail2ban would report a failure for this line (one attempt towards maxretry). */
  failure: boolean;
  /** The address of the failure (this line's or the session's), as sshd wrote it. */
  ip?: string;
  /** The session's user (latest named). */
  user?: string;
  /** Every user the session tried (bounded): the session's own set, read it before the session's next line. */
  users?: ReadonlySet<string>;
  /** An "Accepted" line: the session logged in. */
  accepted: boolean;
  /** The regex that matched (sshd-filter names). */
  regex: string;
}

interface Session {
  ip4?: string;
  ip6?: string;
  dns?: string;
  user?: string;
  users?: Set<string>;
  nofail: boolean;
  gained: boolean;
  pending: boolean;
  expires: number;
}

/** Users remembered per session: a client may try many in one connection. */
const MAX_USERS = 32;

function addUser(s: Session, user: string | undefined): Set<string> | undefined {
  if (!user) return s.users;
  s.users ??= new Set();
  if (s.users.size < MAX_USERS || s.users.has(user)) s.users.add(user);
  return s.users;
}

export class SshdSessions {
  /** host → (session id → session), both in insertion order (hosts re-inserted on use: LRU). */
  private readonly hosts = new Map<string, Map<SessionId, Session>>();
  private total = 0;
  /** The host set() last moved to the end of `hosts` (every insertion into `hosts` goes through set()). */
  private lastHost: string | undefined;
  evicted = 0;
  expired = 0;

  constructor(private readonly limits: SessionLimits = DEFAULT_SESSION_LIMITS) {}

  get size(): number {
    return this.total;
  }

  private get(host: string, id: SessionId, now: number): Session | undefined {
    const sessions = this.hosts.get(host);
    const s = sessions?.get(id);
    if (!s || !sessions) return undefined;
    if (s.expires > now) return s;
    this.unset(host, id);
    this.expired++;
    return undefined;
  }

  private unset(host: string, id: SessionId): void {
    const sessions = this.hosts.get(host);
    if (sessions?.delete(id)) {
      this.total--;
      if (!sessions.size) this.hosts.delete(host);
    }
  }

  private set(host: string, id: SessionId, s: Session, now: number): void {
    let sessions = this.hosts.get(host);
    if (sessions) {
      // keep hosts in least-recently-used order for the global cap (already last: nothing to move)
      if (host !== this.lastHost) {
        this.hosts.delete(host);
        this.hosts.set(host, sessions);
      }
    } else {
      sessions = new Map();
      this.hosts.set(host, sessions);
    }
    this.lastHost = host;
    if (sessions.size >= this.limits.maxPerHost) {
      // Utils.Cache.set: pop from the front until a live entry has been dropped (expired ones go too)
      for (const [k, v] of sessions) {
        sessions.delete(k);
        this.total--;
        if (v.expires > now) {
          this.evicted++;
          if (sessions.size < this.limits.maxPerHost) break;
        } else this.expired++;
      }
    }
    while (this.total >= this.limits.maxTotal) {
      const [oldHost, oldest] = this.hosts.entries().next().value as [string, Map<SessionId, Session>];
      const first = oldest.keys().next().value as SessionId;
      oldest.delete(first);
      this.total--;
      this.evicted++;
      if (!oldest.size) this.hosts.delete(oldHost);
      if (oldest === sessions && !sessions.size) this.hosts.set(host, sessions);
    }
    sessions.set(id, s);
    this.total++;
  }

  /**
   * Merges one matched line into its session (`host` + `id`, id = program and pid) at event time
   * `now` (ms) and says whether it is a failure. Mirrors filter.py `_mergeFailure` and the
   * checks after it in `findFailure`. The verdict is written into `into` when given (every field
   * set or cleared: a caller that reads each verdict before the next line keeps one), else a new one.
   */
  merge(host: string, id: SessionId, m: SshdLineMatch, now: number, into?: SshdVerdict): SshdVerdict {
    // nfflgs: 1 nofail, 2 forget, 4 the session's previous line was nofail/gained, 8 gained
    let nf = 0;
    let nofail = m.nofail;
    if (m.gained) {
      nf |= 8 | 1;
      nofail = true;
    } else if (m.nofail) nf |= 1;
    if (m.forget) nf |= 2;
    let fail: Session;
    let users: Set<string> | undefined;
    const entry = this.get(host, id, now);
    if (entry) {
      users = addUser(entry, m.user);
      if (entry.nofail) nf |= 4;
      if (entry.gained) nf |= 4;
      entry.nofail = false;
      entry.gained = false;
      if (nf & 8) entry.pending = false;
      if (m.ip4 !== undefined) entry.ip4 = m.ip4;
      if (m.ip6 !== undefined) entry.ip6 = m.ip6;
      if (m.dns !== undefined) entry.dns = m.dns;
      if (m.user !== undefined) entry.user = m.user;
      if (nofail) entry.nofail = true;
      if (m.gained) entry.gained = true;
      fail = entry;
      if (nf & 2) this.unset(host, id);
    } else {
      fail = { nofail, gained: m.gained, pending: false, expires: now + this.limits.maxAgeMs };
      if (m.ip4 !== undefined) fail.ip4 = m.ip4;
      if (m.ip6 !== undefined) fail.ip6 = m.ip6;
      if (m.dns !== undefined) fail.dns = m.dns;
      if (m.user !== undefined) fail.user = m.user;
      if (!(nf & 2)) {
        users = addUser(fail, m.user);
        this.set(host, id, fail, now);
      }
    }
    // several users in one session, or failures pending: the success/nofail does not clear them
    if (fail.pending || (users && users.size > 1)) {
      fail.pending = false;
      fail.nofail = false;
      fail.gained = false;
    }
    let verdict: SshdVerdict;
    if (into) {
      verdict = into;
      verdict.failure = false;
      verdict.accepted = m.accepted === true;
      verdict.regex = m.name;
      verdict.user = verdict.users = verdict.ip = undefined;
    } else verdict = { failure: false, accepted: m.accepted === true, regex: m.name };
    if (fail.user !== undefined) verdict.user = fail.user;
    if (fail.users?.size) verdict.users = fail.users; // no copy per line: verdicts are read at once
    const ip = fail.ip4 ?? fail.ip6 ?? fail.dns;
    if (ip !== undefined) verdict.ip = ip;
    if (fail.nofail) return verdict;
    if (ip === undefined) {
      fail.pending = true; // the failure waits for a line of the session that names the address
      return verdict;
    }
    verdict.failure = true;
    return verdict;
  }

  clear(): void {
    this.hosts.clear();
    this.total = 0;
  }
}
