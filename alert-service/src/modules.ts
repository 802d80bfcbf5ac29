/**
 * Which modules the service runs, in start order: alerting first (detectors emit into it),
 * then the detectors that consume events. Each is switched by its config section's `enabled`.
 */
import type { Registry } from 'prom-client';
import type { AlertSignal, LogwardConfig } from './generated/schema-types.js';
import type { AlertSink, Clock, ServiceModule } from './pipeline/contracts.js';
import type { Db } from './store/database.js';
import type { EventStore } from './store/event-store.js';
import { createAlertingModule, type AlertingModule } from './alerting/index.js';
import { createDetectionModule } from './detect/module.js';
import { createAnomalyModule, type AnomalyModule } from './anomaly/index.js';
import { createLlmModule } from './llm/index.js';
import type { FollowUpSink, HostContext } from './llm/summarizer.js';
import { sharedLocalGeoDatabase } from './alerting/enrich/geoip.js';

export interface ModuleDeps {
  config: LogwardConfig;
  db: Db;
  store: EventStore;
  clock: Clock;
  log: (msg: string) => void;
  registry: Registry;
}

/** With alerting off, detectors still run (their metrics and the CLI stay useful); signals are only logged. */
function logOnlySink(log: (msg: string) => void): AlertSink {
  return { emit: (s: AlertSignal) => log(`alert (alerting disabled): ${s.rule_id} ${JSON.stringify(s.group)} x${s.count}`) };
}

export async function buildModules(deps: ModuleDeps): Promise<ServiceModule[]> {
  const { config, db, clock, log, registry } = deps;
  const modules: ServiceModule[] = [];
  let sink: AlertSink = logOnlySink(log);
  let alerting: AlertingModule | undefined;
  if (config.alerting.enabled) {
    alerting = createAlertingModule({ db, config: config.alerting, publicUrl: config.server.public_url, clock, log, registry });
    modules.push(alerting);
    sink = alerting;
  }
  if (config.rules.enabled) modules.push(await createDetectionModule({ config: config.rules, sink, clock, db, store: deps.store, log, registry }));
  let anomaly: AnomalyModule | undefined;
  if (config.anomaly.enabled) modules.push((anomaly = createAnomalyModule({ db, config: config.anomaly, clock, sink, log, store: deps.store })));
  if (config.llm.enabled) {
    modules.push(
      createLlmModule({
        db,
        store: deps.store,
        sink,
        config: config.llm,
        clock,
        registry,
        log,
        // The same process-wide database alerting loads at start; lookups before that give the address class only.
        ...(config.alerting.geoip.enabled ? { geo: sharedLocalGeoDatabase() } : {}),
        ...(anomaly ? { hostContext: anomalyContext(anomaly), anomalyLines: anomalyLines(anomaly) } : {}),
        ...(alerting ? { followUp: summaryFollowUp(alerting) } : {}),
      }),
    );
  }
  return modules;
}

/** The host's error templates over the alert's last 6 hours and the anomaly explanation of its hour, for summaries. */
function anomalyContext(anomaly: AnomalyModule): HostContext {
  const HOUR = 3_600_000;
  return (host, atMs) => {
    const errors = anomaly.errorSummary({ host, fromMs: atMs - 6 * HOUR, toMs: atMs + HOUR });
    const hour = Math.floor(atMs / HOUR) * HOUR;
    const flagged = anomaly.detect({ host, hours: 24 }).hours.filter((h) => h.is_anomaly && Date.parse(h.hour) >= hour - 2 * HOUR);
    return {
      errorTemplates: errors.templates.slice(0, 10).map((t) => ({ template: t.template, total: t.total })),
      anomalyExplanation: flagged.flatMap((h) => h.explanation.map((e) => `${h.hour} ${h.source}: ${e}`)).slice(0, 10),
    };
  };
}

/** The host's scored hours of the last day, for the periodic review ("hour source: score, anomaly, explanation"). */
function anomalyLines(anomaly: AnomalyModule): (host: string) => string[] {
  return (host) =>
    anomaly
      .detect({ host, hours: 24 })
      .hours.filter((h) => h.score !== null)
      .slice(-24)
      .map((h) => `${h.hour} ${h.source}: score ${h.score!.toFixed(3)}${h.is_anomaly ? ' ANOMALOUS' : ''}${h.explanation.length ? ' — ' + h.explanation.join('; ') : ''}`);
}

/** A finished LLM summary as a follow-up note on the channels its alert went out on. */
function summaryFollowUp(alerting: AlertingModule): FollowUpSink {
  return (alertId, summary, model) =>
    alerting.followUp(alertId, {
      label: `Summary (${model})`,
      text: summary.summary,
      items: summary.next_steps,
      facts: [{ key: "Model's severity estimate", value: summary.assessed_severity }],
    });
}
