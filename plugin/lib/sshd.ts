/**
 * sshd verdicts with fail2ban parity, for the SSH rules: each sshd event goes through fail2ban's
 * sshd.conf failregexes (sshd-filter.ts, in the chosen `mode`) and then through fail2ban's
 * multi-line session merge (sshd-session.ts), so a line is a failure exactly when fail2ban would
 * count it towards maxretry, with the address sshd wrote (anchored to the message format, never
 * attacker text after it).
 *
 * The rules loaded together share one session table per mode (`shared` from the rule loader):
 * every sshd event is merged once, however many SSH rules read it.
 */
import type { LogEvent } from '../../alert-service/src/generated/schema-types.js';
import type { Extracted, RuleDefinition, RuleSettings } from '../sdk.js';
import { eventTimeMs } from '../../alert-service/src/detect/engine.js';
import { matchSshdLineInto, SSHD_MODES, type SshdLineMatch, type SshdMode } from './sshd-filter.js';
import { DEFAULT_SESSION_LIMITS, SshdSessions, type SshdVerdict } from './sshd-session.js';

export { matchSshdLine, SSHD_MODES, type SshdMode } from './sshd-filter.js';
export type { SshdVerdict } from './sshd-session.js';

/** syslog idents of OpenSSH's server: `sshd`, and `sshd-session` / `sshd-auth` of OpenSSH ≥ 9.8. */
export const SSHD_PROGRAMS = ['sshd', 'sshd-session', 'sshd-auth'] as const;

/**
 * The SSH rules' settings: `mode` is sshd.conf's (normal: authentication failures; ddos: also
 * connections that never authenticate; extra: also no-matching-algorithm / no-method disconnects;
 * aggressive: all of them). `max_sessions_per_host` is fail2ban's mlfid cache size.
 */
export const SSHD_SETTINGS = { mode: 'normal', max_sessions_per_host: DEFAULT_SESSION_LIMITS.maxPerHost } as const satisfies RuleSettings;

export function checkSshdSettings(s: RuleSettings): string[] {
  const problems: string[] = [];
  if (!SSHD_MODES.includes(s.mode as SshdMode)) problems.push(`mode must be one of ${SSHD_MODES.join(', ')} (got ${JSON.stringify(s.mode)})`);
  const n = s.max_sessions_per_host;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > 100_000) problems.push(`max_sessions_per_host must be an integer 1-100000 (got ${JSON.stringify(n)})`);
  return problems;
}

/** Merges each sshd event once and remembers the verdict for the other rules reading the same event. */
export class SshdTracker {
  readonly sessions: SshdSessions;
  private lastEvent: LogEvent | undefined;
  private lastVerdict: SshdVerdict | null = null;

  constructor(readonly mode: SshdMode, maxPerHost: number) {
    this.sessions = new SshdSessions({ ...DEFAULT_SESSION_LIMITS, maxPerHost });
  }

  private lastMs = 0;
  // One line match and one verdict, rewritten for every line: each is read before the next line.
  private readonly match: SshdLineMatch = { regex: 0, name: '', nofail: false, forget: false, gained: false, ip4: undefined, ip6: undefined, dns: undefined, user: undefined, accepted: undefined, method: undefined };
  private readonly scratch: SshdVerdict = { failure: false, ip: undefined, user: undefined, users: undefined, accepted: false, regex: '' };

  /** fail2ban's verdict on this event; null when no failregex matches it (fail2ban ignores the line). Valid until the next call with another event. */
  verdict(e: LogEvent): SshdVerdict | null {
    if (e === this.lastEvent) return this.lastVerdict;
    this.lastEvent = e;
    const m = matchSshdLineInto(e.message, this.mode, this.match);
    if (!m) return (this.lastVerdict = null);
    // consecutive lines mostly share their second: parse each time text once
    // eventTimeMs keeps the time of the event being run (the engine notes it, or its memo has the
    // text): a memo of its own here compared each new time text with the last, which flattened it.
    const t = eventTimeMs(e.time);
    this.lastMs = Number.isNaN(t) ? 0 : t;
    // The session id: fail2ban's F-MLFID is the syslog prefix "host sshd[pid]:". Plain sshd's
    // pid is the key itself (no string built per line); other idents are spelled out.
    const id = e.program === 'sshd' && e.pid !== undefined ? e.pid : `${e.program ?? ''}[${e.pid ?? ''}]`;
    return (this.lastVerdict = this.sessions.merge(e.host, id, m, this.lastMs, this.scratch));
  }
}

/** The tracker for these settings, shared by the rules loaded together. */
export function sshdTracker(settings: RuleSettings, shared: Map<string, unknown>): SshdTracker {
  const mode = settings.mode as SshdMode;
  const max = settings.max_sessions_per_host as number;
  const key = `sshd-tracker:${mode}:${max}`;
  let t = shared.get(key) as SshdTracker | undefined;
  if (!t) {
    t = new SshdTracker(mode, max);
    shared.set(key, t);
  }
  return t;
}

/**
 * What the three SSH rules share: sshd lines by program whatever file kind carried them
 * (auth.log, RHEL /var/log/messages, journald), the fail2ban `mode` setting, and one session
 * table per load; `pick` turns a line's verdict into the rule's values (null: not this rule's).
 */
export function sshdRule(pick: (v: SshdVerdict) => Extracted | null): Pick<RuleDefinition, 'match' | 'settings' | 'checkSettings' | 'setup' | 'reads'> {
  return {
    match: { programs: SSHD_PROGRAMS },
    // the verdict reads the message, time, host, program and pid only (fail2ban's own regexes,
    // not the normalizer's fields): offline tools may skip deriving fields for these lines
    reads: 'message',
    settings: SSHD_SETTINGS,
    checkSettings: checkSshdSettings,
    setup(settings, shared) {
      const tracker = sshdTracker(settings, shared);
      return (e) => {
        const v = tracker.verdict(e);
        return v ? pick(v) : null;
      };
    },
  };
}
