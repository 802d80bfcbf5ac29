/**
 * Every channel down, slow and flapping at once, through the whole service (ingest → detection →
 * alerting → email via smtp-server, Slack via a local HTTP server, Fluent forward via a local
 * msgpack receiver; summaries from a fake Ollama that fails, hangs, then answers): ingest keeps
 * answering 204 throughout, and once the channels are back every alert arrives on every channel
 * in the order the alerts were raised, at most outbox.max_copies (3) times. (The single-channel outage tests are in
 * test/alerting/delivery.test.ts; this is the combined, end-to-end case.)
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { startTestService } from '../helpers/service.js';
import { FakeOllama } from '../helpers/fake-ollama.js';
import { closedPort, parseMail, startFakeForward, startFakeSmtp, type FakeForward, type FakeSmtp, type ReceivedMail, type ForwardEvent } from '../alerting/helpers.js';
import { post, sleep, startReceiver, waitFor } from './helpers.js';

const SUMMARY = JSON.stringify({ summary: 'Brute force from one address.', assessed_severity: 'high', next_steps: ['Block the address'] });

function bruteForce(ip: string, k: number): Buffer {
  const now = Date.now();
  const recs = Array.from({ length: 10 }, (_, i) => {
    const d = new Date(now - 30_000 + i * 1000);
    const stamp = `${d.toLocaleString('en-US', { month: 'short', timeZone: 'UTC' })} ${String(d.getUTCDate()).padStart(2, ' ')} ${d.toISOString().slice(11, 19)}`;
    return { file: '/var/log/auth.log', offset: k * 10_000 + i * 120, hostname: 'web1', source_kind: 'auth', log: `${stamp} web1 sshd[${900 + k * 10 + i}]: Failed password for root from ${ip} port ${40000 + i} ssh2` };
  });
  return gzipSync(JSON.stringify(recs));
}

test('SMTP, Slack, forward and Ollama down, slow and flapping: ingest keeps answering, then every alert arrives on every channel, in order, within the copy bound', { timeout: 180_000 }, async () => {
  const slack = await startReceiver();
  const smtpPort = await closedPort();
  const fwdPort = await closedPort();
  const ollama = await new FakeOllama().start();
  ollama.behaviour = { kind: 'status', code: 503 };
  const mails: ReceivedMail[] = [];
  /** A mail's headers and decoded parts (quoted-printable may split an address across lines). */
  const mailText = (m: ReceivedMail) => {
    const { headers, parts } = parseMail(m.raw);
    return headers + parts.map((p) => p.body).join('\n');
  };
  const forwarded: ForwardEvent[] = [];
  let smtp: FakeSmtp | undefined;
  let fwd: FakeForward | undefined;
  const smtpUp = async () => {
    smtp = await startFakeSmtp({ port: smtpPort });
    const seen = smtp.mails;
    const orig = seen.push.bind(seen);
    seen.push = (...m: ReceivedMail[]) => (mails.push(...m), orig(...m));
  };
  const smtpDown = async () => {
    await smtp?.close();
    smtp = undefined;
  };
  const fwdUp = async () => {
    fwd = await startFakeForward(fwdPort);
    const seen = fwd.events;
    const orig = seen.push.bind(seen);
    seen.push = (...e: ForwardEvent[]) => (forwarded.push(...e), orig(...e));
  };
  const fwdDown = async () => {
    await fwd?.close();
    fwd = undefined;
  };

  const roomy = { rate_limit: { burst: 100, per_minute: 100 } };
  const logs: string[] = [];
  const t = await startTestService({
    anomaly: { enabled: false },
    llm: { enabled: true, host: ollama.url, request_timeout_s: 2, health_interval_s: 1, poll_interval_s: 1 },
    alerting: {
      geoip: { enabled: false },
      digest: { enabled: false },
      outbox: { backoff_initial_ms: 50, probe_interval_max_ms: 300 },
      channels: {
        slack: { enabled: true, webhook_url: slack.url, timeout_ms: 3000, ...roomy },
        email: { enabled: true, host: '127.0.0.1', port: smtpPort, secure: false, require_tls: false, tls_reject_unauthorized: false, from: 'Logward <alerts@logward.test>', to: ['soc@example.com'], timeout_ms: 3000, ...roomy },
        forward: { enabled: true, host: '127.0.0.1', port: fwdPort, timeout_ms: 1000, ...roomy },
      },
    } as never,
  }, { log: (m) => logs.push(m) });
  const base = `http://127.0.0.1:${await t.service.listen()}`;
  const IPS = Array.from({ length: 8 }, (_, k) => `198.51.100.${60 + k}`);
  const headers = { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip', 'X-Fluent-Tag': 'auth.var.log.auth.log' };
  const statuses: number[] = [];
  const ingest = async (k: number) => statuses.push((await post(`${base}/v1/ingest`, headers, bruteForce(IPS[k]!, k))).status);
  try {
    // Phase 1: everything down (Slack 503, SMTP and forward refusing connections, Ollama 503).
    slack.mode = { status: 503, delayMs: 0 };
    for (let k = 0; k < 3; k++) {
      await ingest(k);
      await sleep(200);
    }
    // Phase 2: flapping and slow: Slack answers slowly, then fails again; SMTP up for a moment; Ollama hangs.
    ollama.behaviour = { kind: 'hang' };
    slack.mode = { status: 200, delayMs: 800 };
    await smtpUp();
    await ingest(3);
    await sleep(400);
    slack.mode = { status: 500, delayMs: 0 };
    await smtpDown();
    await fwdUp();
    fwd!.ack = false; // reads but never acknowledges: a timeout, retried
    await ingest(4);
    await sleep(300);
    await fwdDown();
    await ingest(5);
    await slack.down();
    await ingest(6);
    await sleep(300);
    assert.deepEqual(statuses, [204, 204, 204, 204, 204, 204, 204], 'ingest answered every chunk while the channels failed');

    // Phase 3: everything back.
    slack.mode = { status: 200, delayMs: 0 };
    await slack.up();
    await smtpUp();
    await fwdUp();
    ollama.behaviour = { kind: 'answer', content: SUMMARY };
    await ingest(7);
    assert.equal(statuses.at(-1), 204);

    const firstOf = <T,>(items: T[], text: (x: T) => string) => IPS.map((ip) => items.findIndex((x) => text(x).includes(ip)));
    const slackOk = () => slack.received.filter((r) => r.status === 200 && r.body.includes('FIRING'));
    await waitFor('every alert on Slack', () => IPS.every((ip) => slackOk().some((r) => r.body.includes(ip))), 60_000).catch(async (err: Error) => {
      throw new Error(`${err.message}: LOGS ${logs.filter((l) => /email|smtp/i.test(l)).join(' / ')}`);
    });
    await waitFor('every alert by email', () => IPS.every((ip) => mails.some((m) => mailText(m).includes(ip))), 90_000).catch((err: Error) => {
      throw new Error(`${err.message}: ${logs.filter((l) => /email|smtp/i.test(l)).join(' / ')}; ${mails.length} mails: ${mails.map((m) => /Subject: .*/.exec(parseMail(m.raw).headers)?.[0]).join(' | ')}`);
    });
    await waitFor('every alert forwarded', () => IPS.every((ip) => forwarded.some((e) => JSON.stringify(e.record).includes(ip))), 90_000);
    await sleep(1000); // copies, if any, would arrive now

    for (const [name, order] of [
      ['Slack', firstOf(slackOk(), (r) => r.body)],
      ['email', firstOf(mails, mailText)],
      ['forward', firstOf(forwarded, (e) => JSON.stringify(e.record))],
    ] as const) {
      assert.deepEqual([...order].sort((a, b) => a - b), order, `${name}: alerts delivered in the order they were raised (${order.join(',')})`);
    }
    // A send that got no answer in time (the slow phase, on a loaded machine) may have arrived and is
    // resent: copies are bounded by outbox.max_copies (3), as the README states; refusals make none.
    for (const ip of IPS) {
      for (const [name, n] of [
        ['Slack', slackOk().filter((r) => r.body.includes(ip)).length],
        ['email', mails.filter((m) => mailText(m).includes(ip)).length],
        ['forward', forwarded.filter((e) => JSON.stringify(e.record).includes(ip)).length],
      ] as const) assert.ok(n >= 1 && n <= 3, `${ip}: ${n} ${name} copies`);
    }

    // The model: failures are recorded, never block an alert; once it answers, summaries are stored.
    const alerts = ((await (await fetch(`${base}/api/alerts?rule=ssh-brute-force`)).json()) as { alerts: Array<{ id: number }> }).alerts;
    assert.equal(alerts.length, IPS.length);
    await waitFor('the model to summarize an alert raised after it recovered', async () => {
      const s = await Promise.all(alerts.map(async (a) => ((await (await fetch(`${base}/api/llm/summaries/${a.id}`)).json()) as { status?: string }).status));
      return s.includes('ok') && s.every((x) => x === 'ok' || x === 'failed');
    }, 60_000).catch(async (err: Error) => {
      const s = await Promise.all(alerts.map(async (a) => JSON.stringify(await (await fetch(`${base}/api/llm/summaries/${a.id}`)).json()).slice(0, 200)));
      throw new Error(`${err.message}: ${s.join(' | ')}; status ${JSON.stringify(await (await fetch(`${base}/api/llm/status`)).json())}; ${ollama.chats.length} chats`);
    });
  } finally {
    await t.close();
    await slack.close();
    await smtpDown();
    await fwdDown();
    await ollama.close();
  }
});
