/**
 * Which notification policy applies to an alert: the first configured policy whose match fits,
 * with every key it leaves out taken from default_policy. The policy index is part of the group
 * key, so alerts of one rule routed differently (e.g. critical vs low) keep separate timers.
 *
 * Two kinds of group (see the alerting README, "First notification and storms"):
 *  - an alert's own group `f:<fingerprint>:<policy>|<rule>`: a new fingerprint is notified after
 *    first_notify.delay_s[severity] (0 for high and critical), not after group_wait;
 *  - the rule's group `<policy>|<rule>` (Alertmanager grouping): where new fingerprints of a rule
 *    go once it storms, with group_wait / group_interval.
 */
import type { AlertingConfig, AlertSeverity } from '../../generated/schema-types.js';
import type { ChannelName } from '../notify/notifier.js';

export interface EffectivePolicy {
  index: number;
  groupWaitMs: number;
  groupIntervalMs: number;
  repeatIntervalMs: number;
  resolveAfterMs: number;
  channels: ChannelName[];
}

export interface PolicySubject {
  rule_id: string;
  severity: AlertSeverity;
  source: string;
}

export class PolicyResolver {
  constructor(private readonly cfg: Pick<AlertingConfig, 'policies' | 'default_policy' | 'first_notify'>) {}

  resolve(a: PolicySubject): EffectivePolicy {
    const d = this.cfg.default_policy;
    const index = this.cfg.policies.findIndex(
      (p) =>
        (!p.match.rule_id || p.match.rule_id.includes(a.rule_id)) &&
        (!p.match.severity || p.match.severity.includes(a.severity)) &&
        (!p.match.source || p.match.source.includes(a.source as never)),
    );
    const p = index >= 0 ? this.cfg.policies[index] : undefined;
    return {
      index,
      groupWaitMs: (p?.group_wait_s ?? d.group_wait_s) * 1000,
      groupIntervalMs: (p?.group_interval_s ?? d.group_interval_s) * 1000,
      repeatIntervalMs: (p?.repeat_interval_s ?? d.repeat_interval_s) * 1000,
      resolveAfterMs: (p?.resolve_after_s ?? d.resolve_after_s) * 1000,
      channels: (p?.channels ?? d.channels) as ChannelName[],
    };
  }

  /** The smallest resolve_after of all policies: alerts quieter than that are worth checking. */
  minResolveAfterMs(): number {
    return Math.min(this.cfg.default_policy.resolve_after_s, ...this.cfg.policies.map((p) => p.resolve_after_s ?? Infinity)) * 1000;
  }

  /** First-notification delay of a new fingerprint in a group of its own. */
  firstNotifyMs(severity: AlertSeverity): number {
    return this.cfg.first_notify.delay_s[severity] * 1000;
  }

  /** The rule's (storm) group: every alert of the rule routed by the same policy. */
  ruleGroupKey(a: PolicySubject): string {
    return `${this.resolve(a).index}|${a.rule_id}`;
  }

  /** A group of the alert's own (its fingerprint: rule + group values). */
  ownGroupKey(a: PolicySubject, fingerprint: string): string {
    return `${OWN_PREFIX}${fingerprint}:${this.ruleGroupKey(a)}`;
  }

  /** Delay from a group's creation to its first flush: first_notify for an own group, group_wait for a rule group. */
  firstFlushMs(groupKey: string, a: PolicySubject): number {
    return isOwnGroupKey(groupKey) ? this.firstNotifyMs(a.severity) : this.resolve(a).groupWaitMs;
  }
}

/**
 * Own group keys start with `f:` + the 32-hex fingerprint + `:`; rule group keys start with the
 * policy index (a number), so the two never collide whatever characters a rule id holds.
 */
const OWN_PREFIX = 'f:';
const OWN_HEAD = OWN_PREFIX.length + 32 + 1;

export function isOwnGroupKey(groupKey: string): boolean {
  return groupKey.startsWith(OWN_PREFIX);
}

/** The key of the rule group an own group belongs to (a rule group key is its own). */
export function ruleGroupOf(groupKey: string): string {
  return isOwnGroupKey(groupKey) ? groupKey.slice(OWN_HEAD) : groupKey;
}
