/**
 * Alerting metrics as plain numbers (collectMetrics) and, optionally, as prom-client gauges on a
 * registry the server passes in; gauges are computed on scrape, so nothing runs between scrapes.
 */
import { Counter, Gauge, type Registry } from 'prom-client';

export interface AlertingMetrics {
  alerts: Record<'firing' | 'silenced' | 'acknowledged' | 'resolved', number>;
  signals_total: number;
  notifications_total: number;
  held_back_total: number;
  held_back_pending: Record<string, number>;
  overflow_total: number;
  outbox: Record<string, Record<'pending' | 'sending' | 'sent' | 'failed', number>>;
  deliveries: Record<string, { sent: number; failed: number; retried: number; probes: number }>;
  /** Per channel: circuit breaker open (1) or closed (0), and its consecutive failures. */
  breakers: Record<string, { open: number; consecutive_failures: number }>;
}

export function registerAlertingMetrics(registry: Registry, collect: () => AlertingMetrics): void {
  const gauge = (name: string, help: string, labelNames: string[], fill: (g: Gauge, m: AlertingMetrics) => void) =>
    new Gauge({
      name,
      help,
      labelNames,
      registers: [registry],
      collect() {
        this.reset();
        fill(this as Gauge, collect());
      },
    });
  // Totals since start are counters (they only grow); set from the module's own count at scrape.
  const counter = (name: string, help: string, labelNames: string[], fill: (c: Counter, m: AlertingMetrics) => void) =>
    new Counter({
      name,
      help,
      labelNames,
      registers: [registry],
      collect() {
        this.reset();
        fill(this as Counter, collect());
      },
    });
  gauge('logward_alerts', 'Stored alerts by state', ['state'], (g, m) => {
    for (const [state, n] of Object.entries(m.alerts)) g.set({ state }, n);
  });
  counter('logward_alert_signals_total', 'Signals received by alerting since start', [], (c, m) => c.inc(m.signals_total));
  counter('logward_alert_notifications_total', 'Notifications queued since start', [], (c, m) => c.inc(m.notifications_total));
  counter('logward_alert_held_back_total', 'Alerts held back by rate limits since start', [], (c, m) => c.inc(m.held_back_total));
  gauge('logward_outbox_messages', 'Outbox rows by channel and status', ['channel', 'status'], (g, m) => {
    for (const [channel, byStatus] of Object.entries(m.outbox)) for (const [status, n] of Object.entries(byStatus)) g.set({ channel, status }, n);
  });
  gauge('logward_outbox_breaker_open', 'Circuit breaker of a channel open (1: the channel is down and probed) or closed (0)', ['channel'], (g, m) => {
    for (const [channel, b] of Object.entries(m.breakers)) g.set({ channel }, b.open);
  });
  counter('logward_outbox_deliveries_total', 'Delivery outcomes since start', ['channel', 'outcome'], (ctr, m) => {
    for (const [channel, c] of Object.entries(m.deliveries)) for (const [outcome, n] of Object.entries(c)) ctr.inc({ channel, outcome }, n);
  });
}
