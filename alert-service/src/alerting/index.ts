/**
 * The alerting module: AlertSink for the detectors, the alert lifecycle, the durable outbox with
 * one worker per channel, the daily digest and the REST API. Composition:
 *
 *   const alerting = createAlertingModule({ db, config: cfg.alerting, publicUrl: cfg.server.public_url, clock: systemClock, log, registry });
 *   detectors emit into `alerting` (AlertSink); app.use('/api', auth, alerting.router); await alerting.start(); … await alerting.stop();
 */
import type { Registry } from 'prom-client';
import type { Db } from '../store/database.js';
import type { AlertSink, Clock, ServiceModule } from '../pipeline/contracts.js';
import type { AlertAckRequest, AlertingConfig, AlertRecord, AlertSignal, Silence, SilenceRequest } from '../generated/schema-types.js';
import { AlertRepository, type AlertQuery, type AlertRow } from './store/alert-repository.js';
import { SilenceRepository } from './silence/silence-repository.js';
import { OutboxRepository, toOutboxItem, type OutboxStatus } from './outbox/outbox-repository.js';
import { HeldBackLedger } from './outbox/rate-limit.js';
import { ChannelWorker } from './outbox/worker.js';
import { Dispatcher } from './dispatch/dispatcher.js';
import { DigestScheduler } from './digest/digest.js';
import { IpEnricher } from './enrich/enricher.js';
import { sharedLocalGeoDatabase, type GeoLookup } from './enrich/geoip.js';
import { loadTemplates } from './template/templates.js';
import { alertUrl } from './template/context.js';
import { renderFollowUp, type FollowUpNote } from './template/follow-up.js';
import { CHANNELS, type ChannelName, type Notifier } from './notify/notifier.js';
import { EmailNotifier } from './notify/email.js';
import { SlackNotifier } from './notify/slack.js';
import { ForwardNotifier } from './notify/forward.js';
import { WebhookNotifier } from './notify/webhook.js';
import { createAlertingRouter, type AlertDetailPart, type AlertingApi } from './api/router.js';
import { registerAlertingMetrics, type AlertingMetrics } from './metrics.js';

export { alertingConfig } from './config.js';
export type { Notifier, ChannelName } from './notify/notifier.js';
export { DeliveryError } from './notify/notifier.js';
export type { FollowUpNote } from './template/follow-up.js';

export interface AlertingDeps {
  db: Db;
  config: AlertingConfig;
  publicUrl: string;
  clock: Clock;
  log?: (m: string) => void;
  /** prom-client registry to register the alerting gauges on. */
  registry?: Registry;
  /** Jitter source for retry backoff (tests pin it). */
  random?: () => number;
  /** Replace the notifier built from config for a channel (tests, custom channels). */
  notifiers?: Partial<Record<ChannelName, Notifier>>;
  /** Geo database; default: the local npm-shipped one, loaded in start() when geoip.enabled. null: none. */
  geo?: GeoLookup | null;
}

export interface AlertingModule extends ServiceModule, AlertSink, AlertingApi {
  readonly name: 'alerting';
  readonly router: import('express').Router;
  /** Recovers interrupted sends, loads the geo database in the background, starts the tick timer. */
  start(): void;
  /** Stops the timer, waits (at most 5 s) for sends in flight, closes the notifiers. */
  stop(): Promise<void>;
  /** Runs group timers, resolutions, silences, digest schedule and kicks the channel workers (not awaited). */
  tick(): void;
  /** tick() and wait until every channel worker has drained what is due now. */
  flush(): Promise<void>;
  collectMetrics(): AlertingMetrics;
  /** Resolves once the geo database is loaded (or failed to: lookups then give the address class only). */
  geoReady(): Promise<void>;
  /** Adds members to GET /alerts/:id from elsewhere (the LLM summary, the evidence events), merged in the order added. */
  addAlertDetail(part: AlertDetailPart): void;
  /**
   * Sends a note that arrived after the alert (an LLM summary) on every channel the alert went
   * out on; email replies to the alert's message. 'not_sent_yet' when the alert has not been
   * notified (the caller tries again later), 'unknown' when there is no such alert.
   */
  followUp(alertId: number, note: FollowUpNote): 'sent' | 'not_sent_yet' | 'unknown';
}

const HOUR_MS = 3600_000;

function buildNotifiers(cfg: AlertingConfig, overrides: Partial<Record<ChannelName, Notifier>>, log: (m: string) => void): Map<ChannelName, Notifier> {
  const out = new Map<ChannelName, Notifier>();
  for (const ch of CHANNELS) {
    if (overrides[ch]) {
      out.set(ch, overrides[ch]);
      continue;
    }
    const c = cfg.channels;
    if (ch === 'email' && c.email.enabled) {
      if (!c.email.to.length && !cfg.digest.recipients.length) log('alerting: email channel enabled without recipients (alerting.channels.email.to)');
      out.set(ch, new EmailNotifier(c.email));
    } else if (ch === 'slack' && c.slack.enabled) {
      if (!c.slack.webhook_url) log('alerting: slack channel enabled without webhook_url; disabled');
      else out.set(ch, new SlackNotifier({ webhookUrl: c.slack.webhook_url, timeoutMs: c.slack.timeout_ms }));
    } else if (ch === 'forward' && c.forward.enabled) {
      out.set(ch, new ForwardNotifier({ host: c.forward.host, port: c.forward.port, tagPrefix: c.forward.tag_prefix, tag: c.forward.tag, timeoutMs: c.forward.timeout_ms }));
    } else if (ch === 'webhook' && c.webhook.enabled) {
      if (!c.webhook.url) log('alerting: webhook channel enabled without url; disabled');
      else {
        if (!c.webhook.secret) log('alerting: webhook channel has no secret: requests go unsigned (alerting.channels.webhook.secret)');
        out.set(ch, new WebhookNotifier({ url: c.webhook.url, ...(c.webhook.secret ? { secret: c.webhook.secret } : {}), timeoutMs: c.webhook.timeout_ms }));
      }
    }
  }
  return out;
}

export function createAlertingModule(deps: AlertingDeps): AlertingModule {
  const { db, config, clock, publicUrl } = deps;
  const log = deps.log ?? ((m: string) => console.error(m));
  const alerts = new AlertRepository(db);
  const silences = new SilenceRepository(db);
  const outbox = new OutboxRepository(db);
  const heldBack = new HeldBackLedger(db);
  const templates = loadTemplates(config.templates);
  const localGeo = deps.geo === undefined && config.geoip.enabled ? sharedLocalGeoDatabase() : undefined;
  const enricher = new IpEnricher(deps.geo ?? localGeo);
  const notifiers = buildNotifiers(config, deps.notifiers ?? {}, log);
  const channels = [...notifiers.keys()];
  const dispatcher = new Dispatcher({ db, config, alerts, silences, outbox, heldBack, templates, enricher, channels, publicUrl, clock, log });
  const digest = new DigestScheduler(db, { config, alerts, outbox, enricher, publicUrl });
  const workers = new Map<ChannelName, ChannelWorker>();
  for (const [ch, notifier] of notifiers) {
    workers.set(
      ch,
      new ChannelWorker(notifier, outbox, {
        maxAttempts: config.outbox.max_attempts,
        maxCopies: config.outbox.max_copies,
        backoffInitialMs: config.outbox.backoff_initial_ms,
        probeIntervalMaxMs: config.outbox.probe_interval_max_ms,
        breakerThreshold: config.outbox.breaker_failure_threshold,
        retryAfterMaxMs: config.outbox.backoff_max_ms,
        // Email: connection + greeting + socket timeouts may add up; the others have one answer timeout.
        sendTimeoutMs: config.channels[ch].timeout_ms * (ch === 'email' ? 3 : 1) + 1000,
        random: deps.random ?? Math.random,
        clock,
        log,
      }),
    );
  }

  let timer: NodeJS.Timeout | undefined;
  let immediate: NodeJS.Immediate | undefined;
  let geoLoad: Promise<void> = Promise.resolve();
  let lastPruneMs = 0;
  let stopped = false;
  let emitErrors = 0;

  const kickWorkers = () => Promise.all([...workers.values()].map((w) => w.kick())).then(() => undefined);

  function tick(): void {
    if (stopped || !config.enabled) return;
    const now = clock.now();
    try {
      dispatcher.tick();
      if (workers.has('email') || deps.notifiers?.email) digest.maybeEnqueue(now);
      if (now - lastPruneMs >= HOUR_MS) {
        lastPruneMs = now;
        const cutoff = now - config.retention_days * 24 * HOUR_MS;
        alerts.pruneResolvedBefore(cutoff);
        outbox.pruneFinishedBefore(cutoff);
        silences.pruneExpiredBefore(cutoff);
        digest.pruneBefore(cutoff);
      }
    } catch (err) {
      log(`alerting: tick failed: ${(err as Error).message}`);
    }
    void kickWorkers();
  }

  function toRecord(a: AlertRow): AlertRecord {
    const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
    return {
      id: a.id,
      fingerprint: a.fingerprint,
      rule_id: a.rule_id,
      title: a.title,
      severity: a.severity,
      source: a.source,
      host: a.host,
      group: a.group,
      labels: a.labels,
      tags: a.tags,
      state: a.state,
      first_seen: a.first_seen,
      last_seen: a.last_seen,
      count: a.count,
      summary: a.summary,
      fields: a.fields,
      event_ids: a.event_ids,
      samples: a.samples,
      created_at: iso(a.created_ms)!,
      updated_at: iso(a.updated_ms)!,
      resolved_at: iso(a.resolved_ms),
      acknowledged_at: iso(a.acked_ms),
      acknowledged_by: a.acked_by,
      ack_comment: a.ack_comment,
      silenced_by: a.silenced_by,
      last_notified_at: iso(a.last_notified_ms),
      url: alertUrl(publicUrl, a.id),
      enrichment: enricher.enrich(a),
    };
  }

  const detailParts: AlertDetailPart[] = [];
  const api: AlertingApi = {
    listAlerts: (q: AlertQuery) => alerts.query(q).map(toRecord),
    async getAlert(id) {
      const a = alerts.get(id);
      if (!a) return undefined;
      const record = toRecord(a);
      const parts = await Promise.all(detailParts.map((p) => p(record)));
      return Object.assign({ ...record, notifications: outbox.forAlert(id).map(toOutboxItem) }, ...parts);
    },
    acknowledge(id, req: AlertAckRequest) {
      const a = alerts.get(id);
      if (!a) return undefined;
      if (a.state !== 'resolved') alerts.acknowledge(id, req.by, req.comment ?? null, clock.now());
      // A silence still wins over the acknowledgement for the visible state.
      dispatcher.applySilences(clock.now(), true);
      return toRecord(alerts.get(id)!);
    },
    listSilences: (all) => silences.list(clock.now(), all),
    createSilence(req: SilenceRequest): Silence {
      const s = silences.create(req, clock.now());
      dispatcher.applySilences(clock.now(), true);
      return s;
    },
    expireSilence(id) {
      const s = silences.expire(id, clock.now());
      if (s) dispatcher.applySilences(clock.now(), true);
      return s;
    },
    listOutbox: (q: { status?: OutboxStatus; channel?: ChannelName; limit: number }) => outbox.list(q).map(toOutboxItem),
    retryOutbox(id) {
      const ok = outbox.retry(id, clock.now());
      if (ok) void kickWorkers();
      return ok;
    },
  };

  function collectMetrics(): AlertingMetrics {
    const byState = alerts.countByState();
    const ob: AlertingMetrics['outbox'] = {};
    for (const ch of CHANNELS) ob[ch] = { pending: 0, sending: 0, sent: 0, failed: 0 };
    for (const r of outbox.countsByChannelStatus()) (ob[r.channel] ??= { pending: 0, sending: 0, sent: 0, failed: 0 })[r.status] = r.n;
    return {
      alerts: { firing: byState.firing ?? 0, silenced: byState.silenced ?? 0, acknowledged: byState.acknowledged ?? 0, resolved: byState.resolved ?? 0 },
      signals_total: dispatcher.counters.signals,
      notifications_total: dispatcher.counters.notifications,
      held_back_total: dispatcher.counters.held_back,
      held_back_pending: heldBack.totals(),
      overflow_total: dispatcher.counters.overflow + emitErrors,
      outbox: ob,
      deliveries: Object.fromEntries([...workers].map(([ch, w]) => [ch, { ...w.counters }])),
      breakers: Object.fromEntries([...workers].map(([ch, w]) => [ch, { open: w.breaker.open ? 1 : 0, consecutive_failures: w.breaker.consecutiveFailures }])),
    };
  }
  if (deps.registry) registerAlertingMetrics(deps.registry, collectMetrics);

  const module: AlertingModule = {
    name: 'alerting',
    router: createAlertingRouter(api),
    ...api,

    emit(signal: AlertSignal): void {
      if (!config.enabled || stopped) return;
      try {
        const { dueNow } = dispatcher.record(signal);
        // group_wait 0 (critical by default): notify now, but never inside the detector's call.
        if (dueNow && !immediate) {
          immediate = setImmediate(() => {
            immediate = undefined;
            tick();
          });
        }
      } catch (err) {
        emitErrors++;
        log(`alerting: could not record alert ${JSON.stringify(signal.rule_id)}: ${(err as Error).message}`);
        // Not swallowed: the detector's consumer fails, its pump cursor stays and the signal is sent again.
        throw err;
      }
    },

    tick,

    followUp(alertId, note) {
      const alert = alerts.get(alertId);
      if (!alert) return 'unknown';
      const sentOn = outbox.sentChannelsOf(alertId).filter((s) => workers.has(s.channel));
      if (!sentOn.length) return 'not_sent_yet';
      const now = clock.now();
      for (const { channel, payload } of sentOn) {
        const inReplyTo = payload.channel === 'email' ? payload.messageId : undefined;
        outbox.enqueue(channel, 'follow_up', renderFollowUp(channel, alert, note, publicUrl, now, inReplyTo), [alertId], now, `follow_up:${channel}:${alertId}:${note.label}`);
      }
      void kickWorkers();
      return 'sent';
    },

    async flush() {
      tick();
      await kickWorkers();
    },

    collectMetrics,

    geoReady: () => geoLoad,

    addAlertDetail: (part) => void detailParts.push(part),

    start() {
      stopped = false;
      const recovered = outbox.recoverInterrupted();
      if (recovered) log(`alerting: ${recovered} outbox message(s) interrupted mid-send will be sent again`);
      if (localGeo) {
        const t0 = Date.now();
        geoLoad = localGeo.load().then(
          () => log(`alerting: geoip database loaded in ${Date.now() - t0} ms`),
          (err: Error) => log(`alerting: geoip database unavailable (${err.message}); IPs get their address class only`),
        );
      }
      timer = setInterval(tick, config.tick_interval_ms);
      timer.unref();
      tick();
    },

    async stop() {
      stopped = true;
      if (timer) clearInterval(timer);
      if (immediate) clearImmediate(immediate);
      await Promise.all([...workers.values()].map((w) => w.stop(5000)));
      for (const n of notifiers.values()) await n.close?.();
    },
  };
  return module;
}
