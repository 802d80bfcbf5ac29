/**
 * Which notification policy applies to an alert: the first configured policy whose match fits,
 * with every key it leaves out taken from default_policy. The policy index is part of the group
 * key, so alerts of one rule routed differently (e.g. critical vs low) keep separate timers.
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
  constructor(private readonly cfg: Pick<AlertingConfig, 'policies' | 'default_policy'>) {}

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

  groupKey(a: PolicySubject): string {
    return `${this.resolve(a).index}|${a.rule_id}`;
  }
}
