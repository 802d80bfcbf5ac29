/**
 * `npm run demo`: the service on a throwaway store with the bundled demo logs replayed into it,
 * as the repo's Fluent Bit agent would send them, so a first run shows alerts within seconds.
 *
 *   npm run demo                      serve on 127.0.0.1:8080 until Ctrl-C (store in a temp folder)
 *   npm run demo -- --port 9090 --store ./data/demo.db
 *   npm run demo -- --check           exit once the alerts are listed (0) or after 90 s without (1)
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { replayFiles } from '../src/agent/replay.js';
import { demoFiles, writeDemoCycle } from '../demo/demo-logs.js';

const { values } = parseArgs({ options: { port: { type: 'string', default: '8080' }, store: { type: 'string' }, check: { type: 'boolean', default: false } } });
const root = join(import.meta.dirname, '..', '..');
const dir = mkdtempSync(join(tmpdir(), 'logward-demo-'));
const store = values.store ?? join(dir, 'logward.db');
const token = randomBytes(24).toString('hex');
const base = `http://127.0.0.1:${values.port}`;

const child = spawn(process.execPath, [join(root, 'alert-service/bin/logward.js'), 'serve'], {
  env: { ...process.env, LOGWARD_SERVER_HOST: '127.0.0.1', LOGWARD_SERVER_PORT: values.port, LOGWARD_SERVER_PUBLIC_URL: base, LOGWARD_STORAGE_PATH: store, LOGWARD_INGEST_TOKEN: token },
  stdio: 'inherit',
});
let exiting = false;
const cleanUp = (code: number) => {
  if (!values.store) rmSync(dir, { recursive: true, force: true });
  process.exit(code);
};
child.once('exit', (code) => cleanUp(exiting ? 0 : (code ?? 1)));
const stop = () => {
  exiting = true;
  child.kill('SIGTERM');
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function ready(deadline: number): Promise<boolean> {
  while (Date.now() < deadline) {
    const ok = await fetch(`${base}/readyz`).then((r) => r.ok, () => false);
    if (ok) return true;
    await sleep(250);
  }
  return false;
}

if (!(await ready(Date.now() + 90_000))) {
  console.error(`demo: the service did not become ready on ${base}`);
  stop();
} else {
  // Written now, with their timestamps moved to the present, then replayed as the agent reads them.
  const logs = join(dir, 'logs');
  writeDemoCycle(logs, Date.now());
  const result = await replayFiles(demoFiles().map((f) => join(logs, f)), { url: base, token, hostname: 'web1', settings: { retryLimit: 5 } });
  console.error(`demo: replayed ${result.sentRecords} lines of ${result.files.length} sample logs (alert-service/demo/logs/) into ${base}`);
  if (values.check) {
    let alerts: Array<{ rule_id: string; severity: string }> = [];
    for (const deadline = Date.now() + 90_000; Date.now() < deadline && alerts.length === 0; await sleep(500)) {
      alerts = await fetch(`${base}/api/alerts`).then((r) => (r.ok ? (r.json() as Promise<{ alerts: typeof alerts }>).then((b) => b.alerts) : []), () => []);
    }
    console.error(`demo: ${alerts.length} alerts: ${alerts.map((a) => `${a.rule_id} (${a.severity})`).join(', ')}`);
    process.exitCode = alerts.length ? 0 : 1;
    const code = process.exitCode;
    exiting = true;
    child.removeAllListeners('exit');
    child.once('exit', () => cleanUp(code));
    child.kill('SIGTERM');
  } else {
    console.error(`demo: open ${base}/ for the dashboard, ${base}/api/alerts for the alerts as JSON; Ctrl-C stops the service${values.store ? '' : ' and deletes the demo store'}`);
  }
}
