/**
 * SIGKILL of the service (a real child process, no flush at all) in the middle of ingest and in
 * the middle of delivery, with senders that behave as Fluent Bit does: every chunk is resent whole
 * until it gets a 2xx. Afterwards every acknowledged record is stored exactly once (the ids are
 * idempotency keys) and every alert reaches Slack, at most outbox.max_copies (3) times.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { allEvents, freePort, ready, sendLikeFluentBit, sleep, startChild, startReceiver, waitFor, type ChildService } from './helpers.js';

const TOKEN = 'proof-ingest-token-0123456789';
const HEADERS = { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip', Authorization: `Bearer ${TOKEN}`, 'X-Fluent-Tag': 'syslog.var.log.syslog' };

function env(dir: string, port: number, extra: Record<string, string> = {}): Record<string, string> {
  return {
    LOGWARD_STORAGE_PATH: join(dir, 'logward.db'),
    LOGWARD_SERVER_PORT: String(port),
    LOGWARD_SERVER_HOST: '127.0.0.1',
    LOGWARD_INGEST_TOKEN: TOKEN,
    LOGWARD_ALERTING_GEOIP_ENABLED: 'false',
    ...extra,
  };
}

/** Chunk c of a tailed syslog file: its records have distinct offsets, so distinct ids. */
function chunk(c: number, perChunk: number): Buffer {
  const recs = Array.from({ length: perChunk }, (_, j) => {
    const i = c * perChunk + j;
    return { fb_time: new Date(Date.UTC(2026, 10, 21, 10, 0, 0) + i).toISOString(), file: '/var/log/syslog', offset: i * 100, hostname: `web${c % 3}`, source_kind: 'syslog', log: `Nov 21 10:00:00 web${c % 3} app[${c}]: proof record seq=${i}` };
  });
  return gzipSync(JSON.stringify(recs));
}

test('SIGKILL twice during ingest: every chunk retried until 2xx, every record stored exactly once', { timeout: 240_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'logward-proof-kill-'));
  const port = await freePort();
  const CHUNKS = 40;
  const PER = 200;
  let svc: ChildService | undefined;
  try {
    svc = await startChild(env(dir, port), dir);
    const url = `${svc.base}/v1/ingest`;
    let acked = 0;
    const failures = new Map<number, number>();
    // Two output workers, each sending its share of chunks in order, as out_http's workers do.
    const worker = async (w: number) => {
      for (let c = w; c < CHUNKS; c += 2) {
        await sendLikeFluentBit(url, HEADERS, chunk(c, PER), { onAttempt: (a) => a.status !== 204 && failures.set(a.status, (failures.get(a.status) ?? 0) + 1) });
        acked++;
      }
    };
    const sending = Promise.all([worker(0), worker(1)]);
    for (const at of [CHUNKS / 4, CHUNKS / 2]) {
      await waitFor(`${at} chunks acknowledged`, () => acked >= at, 120_000);
      await svc.kill('SIGKILL');
      await sleep(300); // the agent sees refused connections meanwhile
      svc = await startChild(env(dir, port), dir);
    }
    await sending;
    assert.ok((failures.get(0) ?? 0) > 0 || [...failures.keys()].some((s) => s >= 500), `the kills were seen by the sender: ${JSON.stringify([...failures])}`);

    const events = await allEvents(svc.base);
    const seqs = events.map((e) => Number(/seq=(\d+)/.exec(e.message)?.[1]));
    assert.equal(new Set(events.map((e) => e.id)).size, events.length, 'no id stored twice');
    assert.equal(new Set(seqs).size, seqs.length, 'no record stored twice');
    assert.equal(events.length, CHUNKS * PER, 'every acknowledged record is stored');
    await svc.kill('SIGTERM');
  } finally {
    await svc?.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
});

test('SIGKILL during delivery: every alert reaches Slack after the restart, at most 3 copies each', { timeout: 240_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'logward-proof-killsend-'));
  const port = await freePort();
  const slack = await startReceiver();
  // Slow enough that sends are in flight when the process dies; well within the send timeout.
  slack.mode = { status: 200, delayMs: 1500 };
  const config = join(dir, 'logward.yaml');
  writeFileSync(
    config,
    [
      'alerting:',
      '  outbox: { backoff_initial_ms: 100, probe_interval_max_ms: 500 }',
      '  digest: { enabled: false }',
      `  channels: { slack: { enabled: true, webhook_url: "${slack.url}", timeout_ms: 10000, rate_limit: { burst: 100, per_minute: 100 } } }`,
      'anomaly: { enabled: false }',
    ].join('\n'),
  );
  const IPS = Array.from({ length: 6 }, (_, k) => `198.51.100.${40 + k}`);
  let svc: ChildService | undefined;
  try {
    svc = await startChild(env(dir, port, { LOGWARD_CONFIG: config }), dir);
    await ready(svc.base);
    const stamp = (s: number) => {
      const d = new Date(Date.now() - 60_000 + s * 1000);
      return `${d.toLocaleString('en-US', { month: 'short', timeZone: 'UTC' })} ${String(d.getUTCDate()).padStart(2, ' ')} ${d.toISOString().slice(11, 19)}`;
    };
    // 10 sshd failures per address within a minute: one ssh-brute-force alert per address (high: notified at once).
    const recs = IPS.flatMap((ip, k) =>
      Array.from({ length: 10 }, (_, i) => ({ file: '/var/log/auth.log', offset: k * 10_000 + i * 120, hostname: 'web1', source_kind: 'auth', log: `${stamp(i)} web1 sshd[${900 + k * 10 + i}]: Failed password for root from ${ip} port ${40000 + i} ssh2` })),
    );
    await sendLikeFluentBit(`${svc.base}/v1/ingest`, { ...HEADERS, 'X-Fluent-Tag': 'auth.var.log.auth.log' }, gzipSync(JSON.stringify(recs)));
    await waitFor('the first sends to reach Slack', () => slack.received.length >= 1, 60_000);
    await svc.kill('SIGKILL'); // sends in flight: their rows stay "sending"
    slack.mode = { status: 200, delayMs: 0 };
    svc = await startChild(env(dir, port, { LOGWARD_CONFIG: config }), dir);

    const copies = (ip: string) => slack.received.filter((r) => r.body.includes(ip) && r.body.includes('FIRING')).length;
    await waitFor('every alert delivered', () => IPS.every((ip) => copies(ip) >= 1), 90_000);
    await sleep(1500); // anything still queued would arrive now
    for (const ip of IPS) {
      const n = copies(ip);
      assert.ok(n >= 1 && n <= 3, `${ip}: ${n} copies`);
    }
    // Every address has its own alert, recorded once.
    const res = await fetch(`${svc.base}/api/alerts?rule=ssh-brute-force`);
    const body = (await res.json()) as { alerts?: Array<{ group: { src_ip: string } }> } | Array<{ group: { src_ip: string } }>;
    const alerts = Array.isArray(body) ? body : (body.alerts ?? []);
    assert.deepEqual(alerts.map((a) => a.group.src_ip).sort(), [...IPS].sort());
    await svc.kill('SIGTERM');
  } finally {
    await svc?.kill('SIGKILL');
    await slack.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
