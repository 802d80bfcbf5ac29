/**
 * The bounded queue of alerts waiting for the model. The model is slow (seconds per answer) and
 * alerts can come in storms, so the queue has a hard size: when it is full, the oldest item of
 * the lowest severity waiting (the new one included) is dropped and reported to the caller, who
 * records and counts it. Work is taken highest severity first, oldest first within a severity.
 */
const RANK: Record<string, number> = { informational: 0, low: 1, medium: 2, high: 3, critical: 4 };

export function severityRank(severity: string): number {
  return RANK[severity] ?? 0;
}

export interface QueueItem {
  alertId: number;
  severity: string;
}

export class WorkQueue {
  private items: Array<QueueItem & { seq: number }> = [];
  private seq = 0;

  constructor(private readonly max: number) {}

  get size(): number {
    return this.items.length;
  }

  has(alertId: number): boolean {
    return this.items.some((i) => i.alertId === alertId);
  }

  /** Adds an item; returns the item dropped to make room (possibly the new one), if any. */
  push(item: QueueItem): QueueItem | undefined {
    this.items.push({ ...item, seq: this.seq++ });
    if (this.items.length <= this.max) return undefined;
    let victim = 0;
    for (let i = 1; i < this.items.length; i++) {
      const a = this.items[i]!;
      const v = this.items[victim]!;
      if (severityRank(a.severity) < severityRank(v.severity) || (severityRank(a.severity) === severityRank(v.severity) && a.seq < v.seq)) victim = i;
    }
    const [dropped] = this.items.splice(victim, 1);
    return { alertId: dropped!.alertId, severity: dropped!.severity };
  }

  /** The most urgent item: highest severity, then oldest. */
  shift(): QueueItem | undefined {
    if (!this.items.length) return undefined;
    let best = 0;
    for (let i = 1; i < this.items.length; i++) {
      const a = this.items[i]!;
      const b = this.items[best]!;
      if (severityRank(a.severity) > severityRank(b.severity) || (severityRank(a.severity) === severityRank(b.severity) && a.seq < b.seq)) best = i;
    }
    const [item] = this.items.splice(best, 1);
    return { alertId: item!.alertId, severity: item!.severity };
  }
}
