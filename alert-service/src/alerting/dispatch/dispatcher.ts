/**
 * The alert lifecycle (Alertmanager's dispatch/ + notify pipeline with one inhibition rule, persisted):
 *  - record(): every signal upserts the alert with its fingerprint and arms its group timer
 *    (group_wait for a new group); cheap and synchronous, called from emit().
 *  - tick(): silences starting/ending, resolution after resolve_after of quiet, group flushes:
 *    a group notifies when alerts were added or resolved (at most every group_interval) and
 *    reminds of still-firing, unacknowledged alerts after repeat_interval.
 *  - inhibition: a Sigma alert whose every event is evidence of a built-in rule's open alert on
 *    the same host, at no lower severity, is not notified while that alert is open (the shipped
 *    Sigma examples restate built-in rules: one event, one notification). It stays stored.
 *  - each notification is rendered per channel and written to the outbox in the same SQLite
 *    transaction that marks the alerts notified; the rate limit may hold it back instead, and
 *    the held-back ledger makes the next message on that channel say so.
 */
import { randomBytes } from 'node:crypto';
import type { Db } from '../../store/database.js';
import type { AlertingConfig, AlertSignal } from '../../generated/schema-types.js';
import type { Clock } from '../../pipeline/contracts.js';
import type { AlertRepository, AlertRow, AlertState } from '../store/alert-repository.js';
import { fingerprint } from '../store/fingerprint.js';
import type { SilenceRepository } from '../silence/silence-repository.js';
import type { OutboxRepository } from '../outbox/outbox-repository.js';
import { HeldBackLedger, TokenBucket } from '../outbox/rate-limit.js';
import type { ChannelMessage, ChannelName } from '../notify/notifier.js';
import type { IpEnricher } from '../enrich/enricher.js';
import { buildContext, severityRank, toAlertView, type AlertView, type NotificationContext, type NotificationStatus } from '../template/context.js';
import { renderEmail, renderForward, renderSlack, renderWebhook } from '../template/messages.js';
import type { TemplateSet } from '../template/templates.js';
import { PolicyResolver, type PolicySubject } from './policy.js';
import { StormGuard } from './storm-guard.js';

export interface DispatcherDeps {
  db: Db;
  config: AlertingConfig;
  alerts: AlertRepository;
  silences: SilenceRepository;
  outbox: OutboxRepository;
  heldBack: HeldBackLedger;
  templates: TemplateSet;
  enricher: IpEnricher;
  /** Channels that are enabled and have a notifier. */
  channels: readonly ChannelName[];
  publicUrl: string;
  clock: Clock;
  log: (m: string) => void;
}

export interface RecordResult {
  alertId: number;
  /** The alert's group is due now (group_wait 0): the caller schedules a tick. */
  dueNow: boolean;
}

const unique = <T>(xs: T[]) => [...new Set(xs)];

/** Highest severity first, then the most recently updated (the newest evidence), then the newest record. */
export function leadFirst(rows: AlertRow[]): AlertRow[] {
  return [...rows].sort((a, b) => severityRank(b.severity) - severityRank(a.severity) || b.updated_ms - a.updated_ms || b.id - a.id);
}

export class Dispatcher {
  readonly policies: PolicyResolver;
  private readonly storms: StormGuard;
  private readonly buckets = new Map<ChannelName, TokenBucket>();
  private activeSilenceKey = '';
  readonly counters = { signals: 0, notifications: 0, held_back: 0, overflow: 0 };

  constructor(private readonly d: DispatcherDeps) {
    this.policies = new PolicyResolver(d.config);
    this.storms = new StormGuard(d.config.first_notify.storm_threshold);
    const now = d.clock.now();
    for (const ch of d.channels) {
      const rl = d.config.channels[ch].rate_limit;
      this.buckets.set(ch, new TokenBucket(rl.burst, rl.per_minute, now));
    }
    d.silences.refresh(now);
  }

  // ---------------------------------------------------------------- record (emit path)

  private stateFor(a: Pick<AlertRow, 'rule_id' | 'host' | 'severity' | 'source' | 'group' | 'labels' | 'acked_ms'>): { state: AlertState; silencedBy: number[] } {
    const silencedBy = this.d.silences.matching(a);
    if (silencedBy.length) return { state: 'silenced', silencedBy };
    return { state: a.acked_ms ? 'acknowledged' : 'firing', silencedBy: [] };
  }

  /**
   * The group of a new occurrence (a new fingerprint, a resolved alert firing again, an alert
   * moving to another policy): its own group while its rule is not storming, else the rule's
   * group. The rule's group is open while a storm's alerts are: newcomers join it.
   */
  private assignGroup(a: PolicySubject & { group: Record<string, string> }, fp: string, now: number): string {
    const ruleKey = this.policies.ruleGroupKey(a);
    if (a.group._overflow === 'true') return ruleKey; // the overflow alert exists only in a storm
    if (this.d.alerts.getGroup(ruleKey)) return ruleKey;
    return this.storms.admit(ruleKey, now, this.d.config.first_notify.storm_window_s * 1000) ? this.policies.ownGroupKey(a, fp) : ruleKey;
  }

  record(signal: AlertSignal): RecordResult {
    const now = this.d.clock.now();
    const cfg = this.d.config;
    this.counters.signals++;
    return this.d.db.transaction((): RecordResult => {
      let group = signal.group;
      let fp = fingerprint(signal.rule_id, group);
      let existing = this.d.alerts.findByFingerprint(fp);
      if (!existing && this.d.alerts.activeCount() >= cfg.max_active_alerts) {
        // Bounded storage: a flood of distinct fingerprints folds into one alert per rule.
        group = { _overflow: 'true' };
        fp = fingerprint(signal.rule_id, group);
        existing = this.d.alerts.findByFingerprint(fp);
        this.counters.overflow++;
      }
      const samples = (signal.samples ?? []).slice(-cfg.max_samples);
      const eventIds = (signal.event_ids ?? []).slice(-cfg.max_event_ids);
      let row: AlertRow;
      if (!existing) {
        const base = {
          fingerprint: fp,
          group_key: this.assignGroup({ ...signal, group }, fp, now),
          rule_id: signal.rule_id,
          title: signal.title,
          severity: signal.severity,
          source: signal.source,
          host: signal.host,
          group,
          labels: signal.labels ?? {},
          tags: signal.tags ?? [],
          fields: (signal.fields ?? {}) as Record<string, unknown>,
          summary: signal.summary,
          first_seen: signal.first_seen,
          last_seen: signal.last_seen,
          count: signal.count,
          samples,
          event_ids: eventIds,
          created_ms: now,
          updated_ms: now,
          acked_ms: null,
        };
        const { state, silencedBy } = this.stateFor(base);
        const id = this.d.alerts.insert({ ...base, state, silenced_by: silencedBy });
        row = this.d.alerts.get(id)!;
      } else {
        const refire = existing.state === 'resolved';
        row = {
          ...existing,
          title: signal.title,
          // Severity only escalates while the alert is open: a later low signal does not hide a critical one.
          severity: !refire && severityRank(existing.severity) > severityRank(signal.severity) ? existing.severity : signal.severity,
          host: signal.host,
          labels: { ...existing.labels, ...(signal.labels ?? {}) },
          tags: unique([...existing.tags, ...(signal.tags ?? [])]).slice(0, 50),
          fields: { ...existing.fields, ...((signal.fields ?? {}) as Record<string, unknown>) },
          summary: signal.summary,
          first_seen: signal.first_seen < existing.first_seen ? signal.first_seen : existing.first_seen,
          last_seen: signal.last_seen > existing.last_seen ? signal.last_seen : existing.last_seen,
          count: existing.count + signal.count,
          samples: [...existing.samples, ...samples].slice(-cfg.max_samples),
          event_ids: unique([...existing.event_ids, ...eventIds]).slice(-cfg.max_event_ids),
          updated_ms: now,
        };
        let regroup = this.policies.ruleGroupKey(row) !== this.policies.ruleGroupKey(existing);
        if (refire) {
          // A resolved alert that fires again is a new occurrence: notified again, ack cleared.
          Object.assign(row, { resolved_ms: null, acked_ms: null, acked_by: null, ack_comment: null, notified: 'none' });
          regroup = true;
        } else if (severityRank(row.severity) > severityRank(existing.severity) && existing.notified === 'firing') {
          // Escalation (e.g. high → critical) is news: announce it again under the policy of the new severity.
          row.notified = 'none';
        }
        // The policy (and so the group) follows the alert's current severity; a new occurrence is grouped anew.
        if (regroup) row.group_key = this.assignGroup(row, fp, now);
        const { state, silencedBy } = this.stateFor(row);
        row.state = state;
        row.silenced_by = silencedBy;
        this.d.alerts.update(row);
      }
      let dueNow = false;
      if (row.state === 'firing' && row.notified !== 'firing') {
        const g = this.d.alerts.ensureGroup(row.group_key, now + this.policies.firstFlushMs(row.group_key, row));
        dueNow = g.next_flush_ms <= now;
      }
      return { alertId: row.id, dueNow };
    })();
  }

  // ---------------------------------------------------------------- tick

  tick(): void {
    const now = this.d.clock.now();
    this.applySilences(now);
    this.resolveQuiet(now);
    for (const g of this.d.alerts.dueGroups(now)) this.flushGroup(g.group_key, g.last_sent_ms, now);
    this.storms.prune(now, this.d.config.first_notify.storm_window_s * 1000);
    for (const ch of this.d.channels) this.flushHeldBack(ch, now);
  }

  /** Re-evaluates open alerts only when the set of active silences changed (created, expired, started). */
  applySilences(now: number, force = false): void {
    this.d.silences.refresh(now);
    const key = this.d.silences.activeIds().join(',');
    if (!force && key === this.activeSilenceKey) return;
    this.activeSilenceKey = key;
    this.d.db.transaction(() => {
      for (const a of this.d.alerts.listUnresolved()) {
        const { state, silencedBy } = this.stateFor(a);
        if (state === a.state && silencedBy.join(',') === a.silenced_by.join(',')) continue;
        this.d.alerts.setState(a.id, state, silencedBy);
        if (state === 'firing' && a.notified !== 'firing') {
          this.d.alerts.ensureGroup(a.group_key, now + this.policies.firstFlushMs(a.group_key, a));
        }
      }
    })();
  }

  private resolveQuiet(now: number): void {
    const candidates = this.d.alerts.listUnresolvedQuietSince(now - this.policies.minResolveAfterMs());
    if (!candidates.length) return;
    this.d.db.transaction(() => {
      for (const a of candidates) {
        const policy = this.policies.resolve(a);
        if (a.updated_ms + policy.resolveAfterMs > now) continue;
        this.d.alerts.resolve(a.id, now);
        // Receivers that heard "firing" hear "resolved" at the group's next flush (now if it has no timer).
        if (a.notified === 'firing' && a.state !== 'silenced') this.d.alerts.ensureGroup(a.group_key, now);
        else if (a.notified === 'firing') this.d.alerts.markNotified([a.id], 'resolved', now);
      }
    })();
  }

  private views(rows: AlertRow[]): AlertView[] {
    return rows.map((a) => toAlertView(a, this.d.publicUrl, this.d.enricher.enrich(a)));
  }

  /**
   * Whether a built-in rule's open alert already carries all of this Sigma alert's events, at
   * least as severe. Only Sigma alerts are inhibited, only by evidence that is itself notified,
   * so nothing an analyst should see is hidden: it arrives once, under the built-in rule.
   */
  private restatesRule(a: AlertRow): boolean {
    if (a.source !== 'sigma' || !a.event_ids.length) return false;
    // Only alerts that carry the first event can carry them all.
    return this.d.alerts
      .listActiveOnHostWithEvent(a.host, 'rule', a.event_ids[0]!)
      .some((b) => severityRank(b.severity) >= severityRank(a.severity) && a.event_ids.every((id) => b.event_ids.includes(id)));
  }

  private flushGroup(groupKey: string, lastSentMs: number | null, now: number): void {
    const alerts = this.d.alerts.listForGroup(groupKey);
    const first = alerts[0];
    const policy = first ? this.policies.resolve(first) : undefined;
    // An inhibited alert is left out (not notified, not marked): it is looked at again at the next flush.
    const firing = alerts.filter((a) => a.state === 'firing' && !this.restatesRule(a));
    const newFiring = firing.filter((a) => a.notified !== 'firing');
    const newlyResolved = alerts.filter((a) => a.state === 'resolved' && a.notified === 'firing');
    const reminder =
      !newFiring.length && !newlyResolved.length && firing.length > 0 && lastSentMs !== null && policy !== undefined && now - lastSentMs >= policy.repeatIntervalMs;
    const open = alerts.some((a) => a.state !== 'resolved');

    this.d.db.transaction(() => {
      let sent = false;
      if (policy && (newFiring.length || newlyResolved.length || reminder)) {
        const status: NotificationStatus = newFiring.length ? 'FIRING' : newlyResolved.length ? 'RESOLVED' : 'REMINDER';
        // Firing notifications list every alert of the group still firing (as Alertmanager), resolutions only the new ones.
        // What triggered the message leads: the new alerts, then the others, then the resolved; each part highest severity
        // and newest first, so the alerts cut off by max_alerts_per_message (counted in the message) are the old, mild ones.
        const fresh = new Set(newFiring.map((a) => a.id));
        const listed = [...leadFirst(firing.filter((a) => fresh.has(a.id))), ...leadFirst(firing.filter((a) => !fresh.has(a.id))), ...leadFirst(newlyResolved)];
        const views = this.views(listed);
        for (const ch of policy.channels) {
          if (!this.d.channels.includes(ch)) continue;
          const min = severityRank(this.d.config.channels[ch].min_severity);
          const idx = listed.map((a, i) => (severityRank(a.severity) >= min ? i : -1)).filter((i) => i >= 0);
          if (!idx.length) continue;
          const chAlerts = idx.map((i) => listed[i]!);
          this.notifyChannel(ch, status, idx.map((i) => views[i]!), chAlerts, now);
        }
        this.d.alerts.markNotified(firing.map((a) => a.id), 'firing', now);
        this.d.alerts.markNotified(newlyResolved.map((a) => a.id), 'resolved', now);
        sent = true;
      }
      if (open && policy) this.d.alerts.updateGroup(groupKey, now + Math.max(policy.groupIntervalMs, 1000), sent ? now : lastSentMs);
      else this.d.alerts.deleteGroup(groupKey);
    })();
  }

  private render(ch: ChannelName, ctx: NotificationContext, now: number): ChannelMessage {
    if (ch === 'email') return renderEmail(this.d.templates, ctx);
    if (ch === 'slack') return renderSlack(this.d.templates, ctx);
    if (ch === 'webhook') return renderWebhook(ctx, now);
    return renderForward(ctx, now);
  }

  /** Rate limit + outbox bound; must run inside the caller's transaction. */
  private notifyChannel(ch: ChannelName, status: NotificationStatus, views: AlertView[], alerts: AlertRow[], now: number): void {
    const full = this.d.outbox.pendingCount(ch) >= this.d.config.outbox.max_pending_per_channel;
    if (full || !this.buckets.get(ch)!.tryTake(now)) {
      this.d.heldBack.add(ch, alerts.map((a) => ({ rule_id: a.rule_id, title: a.title, severity: a.severity })), now);
      this.counters.held_back += alerts.length;
      return;
    }
    const heldBack = this.d.heldBack.peek(ch);
    const ctx = buildContext({
      status,
      alerts: views,
      firingCount: alerts.filter((a) => a.state !== 'resolved').length,
      resolvedCount: alerts.filter((a) => a.state === 'resolved').length,
      maxAlerts: this.d.config.max_alerts_per_message,
      heldBack,
      publicUrl: this.d.publicUrl,
    });
    const msg = this.render(ch, ctx, now);
    // Our own Message-ID, kept in the outbox payload, so a follow-up can be threaded under it.
    if (msg.channel === 'email') msg.messageId = `<logward.${alerts[0]!.id}.${now}.${randomBytes(4).toString('hex')}@logward.invalid>`;
    this.d.outbox.enqueue(ch, 'alerts', msg, alerts.map((a) => a.id), now);
    if (heldBack.length) this.d.heldBack.clear(ch);
    this.counters.notifications++;
  }

  /** What the rate limit held back goes out as a summary as soon as the bucket allows, even if no new alert comes. */
  private flushHeldBack(ch: ChannelName, now: number): void {
    const bucket = this.buckets.get(ch)!;
    if (!bucket.available(now)) return;
    const heldBack = this.d.heldBack.peek(ch);
    if (!heldBack.length) return;
    if (this.d.outbox.pendingCount(ch) >= this.d.config.outbox.max_pending_per_channel) return;
    bucket.tryTake(now);
    const ctx = buildContext({ status: 'HELD BACK', alerts: [], firingCount: 0, resolvedCount: 0, maxAlerts: 0, heldBack, publicUrl: this.d.publicUrl });
    this.d.db.transaction(() => {
      this.d.outbox.enqueue(ch, 'held_back', this.render(ch, ctx, now), [], now);
      this.d.heldBack.clear(ch);
    })();
  }
}
