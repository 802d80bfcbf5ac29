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
import { anomalyContext, anomalyLines, summaryFollowUp } from './llm/context-sources.js';
import { sharedLocalGeoDatabase } from './alerting/enrich/geoip.js';
import { runTestRule, type TestRuleOptions } from './cli/commands/test-rule.js';
import { alertEvidence } from './alerting/api/evidence.js';

export interface ModuleDeps {
  config: LogwardConfig;
  db: Db;
  store: EventStore;
  clock: Clock;
  log: (msg: string) => void;
  registry: Registry;
  /** Told of each signal once the sink has taken it (the serve command logs alerts as they fire). */
  onAlert?: (signal: AlertSignal) => void;
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
    // GET /api/v1/alerts/:id: the stored events the alert names.
    alerting.addAlertDetail(alertEvidence(deps.store));
  }
  if (deps.onAlert) {
    const inner = sink;
    const told = deps.onAlert;
    sink = { emit: (s: AlertSignal) => (inner.emit(s), told(s)) };
  }
  if (config.rules.enabled) {
    // POST /api/v1/rules/:id/test runs the offline `test-rule` code with this service's config.
    const testRule = (o: TestRuleOptions) => runTestRule(config, o);
    modules.push(await createDetectionModule({ config: config.rules, sink, clock, db, store: deps.store, log, registry, testRule }));
  }
  let anomaly: AnomalyModule | undefined;
  if (config.anomaly.enabled) modules.push((anomaly = createAnomalyModule({ db, config: config.anomaly, clock, sink, log, store: deps.store })));
  if (config.llm.enabled) {
    const llm = createLlmModule({
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
    });
    modules.push(llm);
    // GET /api/v1/alerts/:id: the alert with its LLM summary (null until there is one).
    alerting?.addAlertDetail((a) => ({ llm_summary: llm.summaryOf(a.id) ?? null }));
  }
  return modules;
}
