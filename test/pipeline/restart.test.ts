/**
 * Restarts keep every open window: the service runs as a child process on a real database file,
 * is stopped gracefully (SIGTERM) or killed (SIGKILL, no flush at all), and started again on the
 * same file. SSH failures stamped hours in the past (far outside any "recent events" replay).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const BIN = join(import.meta.dirname, '..', '..', 'alert-service', 'bin', 'logward.js');

interface Running {
  child: ChildProcess;
  base: string;
  stderr: () => string;
}

async function startService(dbPath: string, cwd: string): Promise<Running> {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    LOGWARD_STORAGE_PATH: dbPath,
    LOGWARD_SERVER_PORT: '0',
    LOGWARD_SERVER_HOST: '127.0.0.1',
    LOGWARD_ANOMALY_ENABLED: 'false',
    LOGWARD_ALERTING_GEOIP_ENABLED: 'false',
    LOGWARD_INGEST_DECODE_WORKERS: '0',
  };
  const child = spawn(process.execPath, [BIN, 'serve'], { cwd, env, stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const deadline = Date.now() + 30_000;
  for (;;) {
    const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(err);
    if (m) return { child, base: m[1]!, stderr: () => err };
    if (child.exitCode !== null) throw new Error(`service exited: ${err}`);
    if (Date.now() > deadline) throw new Error(`service did not start: ${err}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function stop(s: Running, signal: 'SIGTERM' | 'SIGKILL'): Promise<void> {
  const exited = new Promise((r) => s.child.once('exit', r));
  s.child.kill(signal);
  await exited;
}

/** Fluent Bit tail records of sshd failures from 198.51.100.20, stamped `hoursAgo` before now (UTC). */
function failures(from: number, n: number, hoursAgo: number) {
  const t0 = Date.now() - hoursAgo * 3600_000;
  return Array.from({ length: n }, (_, k) => {
    const i = from + k;
    const d = new Date(t0 + i * 2000);
    const month = d.toLocaleString('en-US', { month: 'short', timeZone: 'UTC' });
    const stamp = `${month} ${String(d.getUTCDate()).padStart(2, ' ')} ${d.toISOString().slice(11, 19)}`;
    return { file: '/var/log/auth.log', offset: 10_000 + i * 120, hostname: 'web1', source_kind: 'auth', log: `${stamp} web1 sshd[${900 + i}]: Failed password for root from 198.51.100.20 port ${40000 + i} ssh2` };
  });
}

async function post(base: string, records: unknown[]): Promise<void> {
  const res = await fetch(`${base}/v1/ingest`, { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-Fluent-Tag': 'auth.var.log.auth.log' }, body: JSON.stringify(records) });
  assert.equal(res.status, 204, await res.text());
}

async function metric(base: string, name: string): Promise<number> {
  const text = await (await fetch(`${base}/metrics`)).text();
  const m = new RegExp(`^${name.replace(/[{}"]/g, (c) => '\\' + c)} (\\S+)$`, 'm').exec(text);
  return m ? Number(m[1]) : 0;
}

/** Until detection has consumed (and checkpointed) everything stored. */
async function drained(base: string, events: number): Promise<void> {
  const deadline = Date.now() + 20_000;
  while ((await metric(base, 'logward_detect_events_total')) < events || (await metric(base, 'logward_pipeline_backlog_events{consumer="detect"}')) !== 0) {
    assert.ok(Date.now() < deadline, 'detection consumed the events');
    await new Promise((r) => setTimeout(r, 25));
  }
}

async function bruteForceAlerts(base: string): Promise<Array<{ count: number; group: Record<string, string> }>> {
  const res = await fetch(`${base}/api/alerts?rule=ssh-brute-force`);
  assert.equal(res.status, 200);
  const body = (await res.json()) as { alerts?: Array<{ count: number; group: Record<string, string> }> } | Array<{ count: number; group: Record<string, string> }>;
  return Array.isArray(body) ? body : (body.alerts ?? []);
}

for (const signal of ['SIGTERM', 'SIGKILL'] as const) {
  test(`9 failures stamped hours ago, ${signal}, restart, 10th failure → exactly one alert; the quiet period survives another ${signal}`, { timeout: 120_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'logward-restart-'));
    const db = join(dir, 'logward.db');
    try {
      let s = await startService(db, dir);
      await post(s.base, failures(0, 9, 5));
      await drained(s.base, 9);
      assert.equal((await bruteForceAlerts(s.base)).length, 0);
      await stop(s, signal);

      s = await startService(db, dir);
      assert.match(s.stderr(), /restored \d+ open rule groups from the checkpoint/);
      await post(s.base, failures(9, 1, 5));
      await drained(s.base, 1);
      const alerts = await bruteForceAlerts(s.base);
      assert.equal(alerts.length, 1, JSON.stringify(alerts));
      assert.equal(alerts[0]!.count, 10);
      assert.deepEqual(alerts[0]!.group, { src_ip: '198.51.100.20' });
      await stop(s, signal);

      // The burst goes on inside its quiet period across a restart: no second alert.
      s = await startService(db, dir);
      await post(s.base, failures(10, 12, 5));
      await drained(s.base, 12);
      assert.equal(await metric(s.base, 'logward_detect_rule_signals_total{rule="ssh-brute-force"}'), 0, 'no signal after the restart');
      assert.ok((await metric(s.base, 'logward_detect_suppressed_total')) >= 12);
      const after = await bruteForceAlerts(s.base);
      assert.equal(after.length, 1);
      assert.equal(after[0]!.count, 10, 'the alert was not updated by a second burst');
      await stop(s, 'SIGTERM');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}
