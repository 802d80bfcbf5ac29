/** /metrics of a running service: every _total is a counter, Node's process metrics unprefixed, logward_build_info. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { loadConfig } from '../../alert-service/src/config/load.js';
import { createService } from '../../alert-service/src/service.js';

const root = join(import.meta.dirname, '..', '..');

test('every metric a running service exposes is typed right, with process metrics unprefixed and build info', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'logward-metrics-'));
  // All modules on (rules, anomaly, alerting, llm against nothing): every registry a module adds is scraped.
  const config = loadConfig({ env: {}, overrides: { storage: { path: join(dir, 'm.db'), synchronous: 'NORMAL' }, server: { port: 0 }, llm: { enabled: true, host: 'http://127.0.0.1:9' }, alerting: { geoip: { enabled: false } } } });
  const service = await createService(config, { log: () => {} });
  try {
    const base = `http://127.0.0.1:${await service.listen()}`;
    const res = await fetch(`${base}/metrics`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
    const text = await res.text();
    const types = new Map([...text.matchAll(/^# TYPE (\S+) (\S+)$/gm)].map((m) => [m[1]!, m[2]!]));
    assert.ok(types.size > 40, `only ${types.size} metrics`);
    const wrong = [...types].filter(([name, type]) => name.endsWith('_total') && type !== 'counter');
    // prom-client's own default metrics name three gauges _total (counts of live handles, not
    // totals); they keep their standard names like the rest of Node's process metrics.
    const promClientGauges = ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total'];
    assert.deepEqual(wrong.filter(([name]) => !promClientGauges.includes(name)), [], 'a _total metric that is not a counter');
    // Counters are named _total (OpenMetrics); Node's own process metrics keep their standard names.
    const unnamed = [...types].filter(([name, type]) => type === 'counter' && !name.endsWith('_total'));
    assert.deepEqual(unnamed, []);
    assert.equal(types.get('process_cpu_user_seconds_total'), 'counter');
    assert.equal(types.get('process_resident_memory_bytes'), 'gauge');
    assert.ok(types.has('nodejs_eventloop_lag_seconds'));
    assert.ok(![...types.keys()].some((n) => n.startsWith('logward_process_') || n.startsWith('logward_nodejs_')), 'process metrics must not carry the logward_ prefix');
    for (const name of ['logward_ingest_requests_total', 'logward_alert_signals_total', 'logward_outbox_deliveries_total', 'logward_detect_events_total', 'logward_llm_requests_total']) {
      assert.equal(types.get(name), 'counter', name);
    }
    const version = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version;
    assert.equal(types.get('logward_build_info'), 'gauge');
    assert.ok(text.includes(`logward_build_info{version="${version}",node="${process.version}"} 1\n`), 'build info line');
  } finally {
    await service.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
