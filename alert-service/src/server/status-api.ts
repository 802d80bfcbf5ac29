/**
 * GET /status: what an operator checks first, in one answer: versions, readiness, the store,
 * which modules run, each notification channel (circuit breaker, outbox), Ollama and its model,
 * the anomaly model, and the rules (active, disabled by config or at runtime, skipped).
 */
import { Router } from 'express';
import type { ServiceModule } from '../pipeline/contracts.js';
import type { Db } from '../store/database.js';
import type { EventStore } from '../store/event-store.js';
import type { AlertingModule } from '../alerting/index.js';
import type { AnomalyModule } from '../anomaly/index.js';
import type { DetectionModule } from '../detect/module.js';
import type { LlmModule } from '../llm/index.js';
import { API_VERSION, serviceVersion } from './openapi/document.js';

export interface StatusDeps {
  store: EventStore;
  db?: Db;
  modules: readonly ServiceModule[];
  notReady: () => string | undefined;
}

/** count(*) reads a whole index: at most once per this many ms. */
const COUNT_TTL_MS = 10_000;

const byName = <T extends ServiceModule>(modules: readonly ServiceModule[], name: string) => modules.find((m) => m.name === name) as T | undefined;

export function statusRouter(deps: StatusDeps): Router {
  const started = new Date();
  const version = serviceVersion();
  const sqliteVersion = deps.db ? String(deps.db.prepare('SELECT sqlite_version()').pluck().get()) : 'unknown';
  let counted: { at: number; events: number } | undefined;
  const eventCount = () => {
    const now = Date.now();
    if (!counted || now - counted.at > COUNT_TTL_MS) counted = { at: now, events: deps.store.countEvents() };
    return counted.events;
  };
  const sizeBytes = () => (deps.db ? Number(deps.db.prepare('SELECT page_count * page_size FROM pragma_page_count(), pragma_page_size()').pluck().get()) : 0);

  const r = Router();
  r.get('/status', (_req, res) => {
    const alerting = byName<AlertingModule>(deps.modules, 'alerting');
    const llm = byName<LlmModule>(deps.modules, 'llm');
    const anomaly = byName<AnomalyModule>(deps.modules, 'anomaly');
    const detect = byName<DetectionModule>(deps.modules, 'detect');
    const reason = deps.notReady();
    let channels: Record<string, unknown> | null = null;
    if (alerting) {
      const m = alerting.collectMetrics();
      channels = Object.fromEntries(
        Object.keys(m.deliveries).map((ch) => [
          ch,
          {
            breaker_open: m.breakers[ch]?.open === 1,
            consecutive_failures: m.breakers[ch]?.consecutive_failures ?? 0,
            outbox: m.outbox[ch] ?? { pending: 0, sending: 0, sent: 0, failed: 0 },
          },
        ]),
      );
    }
    const a = anomaly?.status();
    res.json({
      service: { name: 'logward', version, api_version: API_VERSION, node: process.version, started_at: started.toISOString(), uptime_s: Math.floor((Date.now() - started.getTime()) / 1000) },
      ready: reason ? { ready: false, reason } : { ready: true },
      store: { sqlite_version: sqliteVersion, ...(deps.db ? { path: deps.db.name } : {}), events: eventCount(), last_seq: deps.store.lastSeq(), size_bytes: sizeBytes() },
      modules: deps.modules.map((m) => m.name),
      channels,
      ollama: llm ? llm.status().health : null,
      model: a ? { trained: a.trained, message: a.message, trained_at: a.model?.trained_at ?? null, detector: a.detector } : null,
      rules: detect
        ? { active: detect.rules.rules.length - detect.runtime.disabledCount(), disabled_by_config: detect.rules.disabled.length, disabled_at_runtime: detect.runtime.disabledCount(), skipped: detect.rules.skipped.length }
        : null,
    });
  });
  return r;
}
