/**
 * What an hourly summary counts, and how an event is classified into it. The feature order here
 * is the column order of the model's vectors.
 */
import type { LogEvent } from '../generated/schema-types.js';

export const FEATURES = [
  'total',
  'errors',
  'warnings',
  'info',
  'error_rate',
  'auth_failures',
  'distinct_src_ips',
  'distinct_users',
  'http_4xx',
  'http_5xx',
  'new_templates',
] as const;
export type FeatureName = (typeof FEATURES)[number];
export type FeatureVector = Record<FeatureName, number>;

/**
 * Which deviations matter: for most features only an increase is suspicious (fewer errors is good
 * news); for total volume a drop (silence) is as interesting as a surge.
 */
export const FEATURE_DIRECTION: Record<FeatureName, 'up' | 'both'> = {
  total: 'both',
  errors: 'up',
  warnings: 'up',
  info: 'up',
  error_rate: 'up',
  auth_failures: 'up',
  distinct_src_ips: 'up',
  distinct_users: 'up',
  http_4xx: 'up',
  http_5xx: 'up',
  new_templates: 'up',
};

const ERROR_SEVERITIES = new Set(['emergency', 'alert', 'critical', 'error']);

export function severityClass(e: LogEvent): 'error' | 'warning' | 'info' {
  if (ERROR_SEVERITIES.has(e.severity)) return 'error';
  return e.severity === 'warning' ? 'warning' : 'info';
}

/** Source key of a series: the source kind, plus the channel for Windows (Security vs System differ wildly). */
export function sourceKey(e: LogEvent): string {
  if (e.source.kind === 'windows') {
    // One-slot memo: consecutive Windows events mostly share their channel (a regex replace each otherwise).
    const raw = e.source.channel ?? 'unknown';
    if (raw !== lastChannel) {
      lastChannel = raw;
      lastChannelKey = `windows:${raw.toLowerCase().replace(/[^a-z0-9/_.-]+/g, '_').slice(0, 64)}`;
    }
    return lastChannelKey;
  }
  return e.source.kind;
}
let lastChannel: string | undefined;
let lastChannelKey = '';

/**
 * Auth failure = a record saying a login/authentication attempt failed:
 * - Unix (source kind 'auth', or a syslog line from sshd/login/su/sudo/pam): sshd "Failed
 *   password|publickey|keyboard-interactive|none for", sshd "Invalid user", PAM "authentication
 *   failure", login "FAILED LOGIN", sudo "incorrect password attempt";
 * - Windows: 4625 (logon failed) and 4771 (Kerberos pre-auth failed) always; 4776 (NTLM
 *   credential validation) and 4768 (TGT request) when the audit outcome is failure.
 * One sshd attempt can log several of these lines (Invalid user + PAM + Failed password): the
 * feature counts failure records, which is consistent over time for a host, and that is what a
 * baseline needs.
 */
const UNIX_AUTH_FAILURE = /Failed (?:password|publickey|keyboard-interactive(?:\/pam)?|none) for |Invalid user |authentication failure|FAILED LOGIN|incorrect password attempt/;
const AUTH_PROGRAMS = /^(?:sshd|login|su|sudo|pam|systemd-logind|gdm|sshd-session)/;
const WINDOWS_ALWAYS = new Set([4625, 4771]);
const WINDOWS_ON_FAILURE = new Set([4776, 4768]);

export function isAuthFailure(e: LogEvent): boolean {
  if (e.source.kind === 'windows') {
    const id = e.fields.event_id;
    if (id === undefined) return false;
    return WINDOWS_ALWAYS.has(id) || (WINDOWS_ON_FAILURE.has(id) && e.fields.audit === 'failure');
  }
  if (e.source.kind === 'auth' || (e.source.kind === 'syslog' && AUTH_PROGRAMS.test(e.program ?? ''))) {
    return UNIX_AUTH_FAILURE.test(e.message.length > 4096 ? e.message.slice(0, 4096) : e.message);
  }
  return false;
}

export function emptyFeatures(): FeatureVector {
  return Object.fromEntries(FEATURES.map((f) => [f, 0])) as FeatureVector;
}
