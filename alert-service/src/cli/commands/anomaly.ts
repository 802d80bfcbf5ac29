/**
 * `logward anomaly train|detect`: the anomaly module's train and detect on the service's
 * database, the same code the API runs (POST /api/anomaly/train, GET /api/anomaly/detect).
 * `train` first rebuilds the closed hours of the window from the stored events, so logs shipped
 * with their real timestamps on a first install train a model at once. Run it while the service
 * is stopped, or use the API: two processes must not both keep the anomaly state.
 */
import type { Command } from 'commander';
import type { AlertSignal, LogwardConfig } from '../../generated/schema-types.js';
import type { AnomalyModule, DetectResult } from '../../anomaly/index.js';

/** The service and the anomaly module are imported only when an anomaly command runs: every other `logward` command would pay for loading them. */
async function withModule(config: LogwardConfig, fn: (mod: AnomalyModule, held: AlertSignal[]) => void): Promise<void> {
  const [{ openStore }, { createAnomalyModule }, { systemClock }] = await Promise.all([import('../../service.js'), import('../../anomaly/index.js'), import('../../pipeline/contracts.js')]);
  const { db, store } = openStore(config, (m) => console.error(m));
  const held: AlertSignal[] = [];
  try {
    // Alerts are the service's business: anomalies found while closing hours here are reported, not sent.
    const mod = createAnomalyModule({ db, store, config: config.anomaly, clock: systemClock, sink: { emit: (s) => void held.push(s) }, log: (m) => console.error(m) });
    return fn(mod, held);
  } finally {
    db.close();
  }
}

const pad = (s: string, n: number) => (s.length >= n ? s : s + ' '.repeat(n - s.length));

/** The seeds' table: hour, total, errors, warnings, info, error rate, anomaly; then score and why. */
export function formatDetect(r: DetectResult): string {
  const head = ['hour', 'host', 'source', 'total', 'errors', 'warnings', 'info', 'error_rate', 'anomaly', 'score', 'explanation'];
  const rows = r.hours.map((h) => [
    h.hour.slice(0, 16).replace('T', ' '),
    h.host,
    h.source,
    String(h.features.total),
    String(h.features.errors),
    String(h.features.warnings),
    String(h.features.info),
    h.features.error_rate.toFixed(3),
    h.is_anomaly === null ? '-' : h.is_anomaly ? 'yes' : 'no',
    h.score === null ? '-' : h.score.toFixed(3),
    h.explanation.join('; ') || h.note || '',
  ]);
  const widths = head.map((t, i) => Math.min(40, Math.max(t.length, ...rows.map((row) => row[i]!.length))));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : pad(c.slice(0, widths[i]), widths[i]!))).join('  ');
  const out = [line(head), ...rows.map(line)];
  out.push('', `${r.anomalies} anomalous of ${r.hours.length} hours from ${r.from} to ${r.to}${r.trained ? '' : ` (${r.message})`}`);
  return out.join('\n') + '\n';
}

function days(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > 365) throw new Error('--days must be an integer between 1 and 365');
  return n;
}

export function register(program: Command, deps: { loadConfig: () => LogwardConfig }): void {
  const anomaly = program.command('anomaly').description('hourly anomaly detection on the service database (stop the service first, or use the API)');
  anomaly
    .command('train')
    .description('rebuild the closed hours of the window from stored events, then train the model')
    .option('--days <n>', 'days of history (default anomaly.training_days)')
    .action(async (opts: { days?: string }) => {
      try {
        const config = deps.loadConfig();
        await withModule(config, (mod, held) => {
          const d = opts.days === undefined ? config.anomaly.training_days : days(opts.days);
          const rebuilt = mod.rebuild({ days: d });
          console.log(`rebuilt ${rebuilt.rows} hourly summaries over ${rebuilt.hours} hours (${rebuilt.events} events) from ${rebuilt.from} to ${rebuilt.to} in ${rebuilt.ms} ms`);
          const info = mod.train({ days: d });
          console.log(`trained ${info.detector} on ${info.history_rows} rows (${info.history_hours} hours, ${info.series} series) in ${info.training_ms} ms; threshold ${info.threshold.toFixed(4)}, zone ${info.time_zone}${info.host_offset_series ? ` (${info.host_offset_series} series at their host's own UTC offset)` : ''}`);
          if (held.length) console.log(`${held.length} anomalous hour(s) found while closing hours (the service alerts on new ones)`);
        });
      } catch (err) {
        console.error((err as Error).message);
        process.exit(2);
      }
    });
  anomaly
    .command('detect')
    .description("score the last hours and print the table: hour, total, errors, warnings, info, error rate, anomaly, score, explanation")
    .option('--host <host>', 'one host')
    .option('--hours <n>', 'hours back from the last closed hour', '24')
    .option('--json', 'print the API answer as JSON')
    .action(async (opts: { host?: string; hours: string; json?: boolean }) => {
      try {
        const hours = Number(opts.hours);
        if (!Number.isInteger(hours) || hours < 1 || hours > 720) throw new Error('--hours must be an integer between 1 and 720');
        await withModule(deps.loadConfig(), (mod) => {
          const r = mod.detect({ hours, ...(opts.host ? { host: opts.host } : {}) });
          process.stdout.write(opts.json ? JSON.stringify(r, null, 2) + '\n' : formatDetect(r));
        });
      } catch (err) {
        console.error((err as Error).message);
        process.exit(2);
      }
    });
}
