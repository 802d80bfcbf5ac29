/**
 * Cost of the inhibition check (a Sigma alert restating an open built-in rule alert on its host)
 * in the alerting module, in process: H open built-in alerts on one host, then S Sigma alerts on
 * that host, half restating one of them; measures the tick that flushes the Sigma groups.
 *   node --import tsx alert-service/bench/alert-inhibition.ts [--open 5000 --sigma 200]
 */
import { parseArgs } from 'node:util';
import { cpus, loadavg } from 'node:os';
import { createAlertingModule, alertingConfig, type Notifier } from '../src/alerting/index.js';
import { openDatabase } from '../src/store/database.js';
import type { AlertSignal } from '../src/generated/schema-types.js';

const { values } = parseArgs({ options: { open: { type: 'string', default: '5000' }, sigma: { type: 'string', default: '200' }, runs: { type: 'string', default: '3' } } });
const OPEN = Number(values.open);
const SIGMA = Number(values.sigma);
console.log(
  `cores ${cpus().length}, load average ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
);

const base = (over: Partial<AlertSignal>): AlertSignal => ({
  rule_id: 'ssh-brute-force',
  title: 'SSH brute force',
  severity: 'high',
  source: 'rule',
  host: 'web-1',
  group: {},
  first_seen: '2026-11-20T09:59:00Z',
  last_seen: '2026-11-20T09:59:30Z',
  count: 10,
  summary: 's',
  ...over,
});

for (let run = 1; run <= Number(values.runs); run++) {
  let now = Date.parse('2026-11-20T10:00:00Z');
  const sent = { n: 0 };
  const slack: Notifier = { name: 'slack', send: async () => void sent.n++ };
  const mod = createAlertingModule({
    db: openDatabase({ path: ':memory:' }),
    config: alertingConfig({
      digest: { enabled: false },
      max_active_alerts: OPEN + SIGMA + 10,
      first_notify: { storm_threshold: 0 },
      channels: { slack: { rate_limit: { burst: 100000, per_minute: 100000 } } },
    }),
    publicUrl: 'https://logward.example',
    clock: { now: () => now },
    geo: null,
    log: () => undefined,
    notifiers: { slack },
  });
  for (let i = 0; i < OPEN; i++)
    mod.emit(base({ group: { src_ip: `10.${i >> 16}.${(i >> 8) & 255}.${i & 255}` }, event_ids: Array.from({ length: 50 }, (_, k) => `ev-${i}-${k}`) }));
  now += 60_000;
  mod.tick(); // the built-in alerts' group flushes: not measured
  await mod.flush();
  for (let i = 0; i < SIGMA; i++) {
    const restating = i % 2 === 0;
    mod.emit(base({ rule_id: `sigma-${i}`, source: 'sigma', group: { src_ip: `192.0.2.${i % 250}` }, event_ids: restating ? [`ev-${i}-1`, `ev-${i}-2`] : [`own-${i}`] }));
  }
  now += 60_000;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  mod.tick();
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  await mod.flush();
  console.log(
    `run ${run}: ${OPEN} open built-in alerts on one host, ${SIGMA} Sigma groups flushed in ${ms.toFixed(1)} ms (${((cpu.user + cpu.system) / 1000).toFixed(1)} ms CPU), ${(ms / SIGMA).toFixed(2)} ms per Sigma alert`,
  );
  await mod.stop();
}
