/**
 * Decides whether a new fingerprint gets a group (and so a first notification) of its own or
 * joins its rule's storm group. A rule may start `threshold` own groups per sliding window
 * (first_notify.storm_window_s); past that, and for as long as the rule's storm group stays open, its new
 * fingerprints are batched Alertmanager-style. The window is in memory: a restart in the middle
 * of a storm allows at most `threshold` more own notifications (the open storm group itself is
 * persisted in alert_groups and keeps absorbing them).
 */
export class StormGuard {
  /** Per rule group key: start times of its recent own groups, at most `threshold` of them. */
  private readonly recent = new Map<string, number[]>();

  constructor(private readonly threshold: number) {}

  /** Takes a slot for a new own group of `ruleKey` if the rule has one left in the window. */
  admit(ruleKey: string, nowMs: number, windowMs: number): boolean {
    if (this.threshold <= 0) return false;
    const times = (this.recent.get(ruleKey) ?? []).filter((t) => t > nowMs - windowMs);
    if (times.length >= this.threshold) {
      this.recent.set(ruleKey, times);
      return false;
    }
    times.push(nowMs);
    this.recent.set(ruleKey, times);
    return true;
  }

  /** Forgets windows that have passed (called on tick: the map stays as small as the set of storming rules). */
  prune(nowMs: number, windowMs: number): void {
    for (const [key, times] of this.recent) if (!times.some((t) => t > nowMs - windowMs)) this.recent.delete(key);
  }
}
