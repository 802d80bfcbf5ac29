/**
 * The generic webhook channel over real HTTP on loopback: the JSON body, the HMAC signature a
 * receiver checks, the delivery id that stays the same across retries, error classification
 * (429/408/5xx/4xx/redirect/unreachable/timeout), and secrets kept out of errors and config output.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createAlertingModule, alertingConfig } from '../../alert-service/src/alerting/index.js';
import { WebhookNotifier, webhookSignature } from '../../alert-service/src/alerting/notify/webhook.js';
import { DeliveryError, type WebhookMessage } from '../../alert-service/src/alerting/notify/notifier.js';
import { maskSecrets } from '../../alert-service/src/cli/commands/config.js';
import { ManualClock, closedPort, memoryDb, signal, startFakeSlack, type FakeSlack } from './helpers.js';

const SECRET = 'whsec-0123456789abcdef';

/** What a receiver does: recompute the MAC over the raw body and compare in constant time. */
function verify(headers: Record<string, string | string[] | undefined>, rawBody: string, secret: string): boolean {
  const ts = String(headers['x-logward-timestamp'] ?? '');
  const got = Buffer.from(String(headers['x-logward-signature'] ?? ''));
  const want = Buffer.from('sha256=' + createHmac('sha256', secret).update(`${ts}.${rawBody}`).digest('hex'));
  return got.length === want.length && timingSafeEqual(got, want);
}

async function rejection(p: Promise<unknown>): Promise<DeliveryError> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof DeliveryError, String(err));
    return err;
  }
  assert.fail('expected a rejection');
}

const message = (id = 'd-1'): WebhookMessage => ({ channel: 'webhook', body: { version: '1', id, kind: 'alert', alerts: [] } });

describe('webhook channel (fetch → local HTTP receiver)', () => {
  let hook: FakeSlack;
  before(async () => (hook = await startFakeSlack()));
  after(() => hook.close());

  it('posts one signed JSON document per notification; attacker text arrives as data, byte for byte', async () => {
    hook.requests.length = 0;
    const mod = createAlertingModule({
      db: memoryDb(),
      config: alertingConfig({ digest: { enabled: false }, channels: { webhook: { enabled: true, url: hook.url, secret: SECRET } } }),
      publicUrl: 'https://logward.example',
      clock: new ManualClock(),
      geo: null,
      log: () => undefined,
    });
    const hostileUser = '<script>alert(1)</script> "}, {"injected": true} \u2028 <!channel>';
    mod.emit(signal({ severity: 'critical', host: 'web-1', fields: { user: hostileUser }, samples: ['Failed password for "x" from 203.0.113.7'] }));
    await mod.flush();
    assert.equal(hook.requests.length, 1);
    const req = hook.requests[0]!;
    assert.equal(req.method, 'POST');
    assert.match(String(req.headers['content-type']), /^application\/json/);
    assert.ok(verify(req.headers, req.body, SECRET), 'the signature verifies with the shared secret');
    assert.ok(!verify(req.headers, req.body, 'another-secret-123456'), 'and not with another');
    assert.ok(!verify(req.headers, req.body.replace('critical', 'low'), SECRET), 'a changed body does not verify');
    const ts = Number(req.headers['x-logward-timestamp']);
    assert.ok(Math.abs(ts - Date.now() / 1000) < 60, 'timestamp is now (the receiver can refuse replays)');
    const body = JSON.parse(req.body) as { version: string; id: string; kind: string; status: string; alerts: Array<Record<string, unknown>>; held_back: unknown };
    assert.equal(body.version, '1');
    assert.equal(body.kind, 'alert');
    assert.equal(body.status, 'firing');
    assert.equal(req.headers['x-logward-delivery'], body.id);
    assert.match(body.id, /^[0-9a-f-]{36}$/);
    assert.equal(body.alerts.length, 1);
    const a = body.alerts[0]!;
    assert.equal(a.rule_id, 'ssh-bruteforce');
    assert.equal(a.severity, 'critical');
    assert.equal(a.url, 'https://logward.example/alerts/1');
    assert.deepEqual(a.fields, { user: hostileUser }, 'values are data: the receiver gets exactly what the log said');
    assert.equal(body.held_back, null);
    assert.equal(mod.listOutbox({ limit: 1 })[0]!.channel, 'webhook');
    await mod.stop();
  });

  it('a retry after a 500 carries the same delivery id, so a receiver can drop the copy', async () => {
    hook.requests.length = 0;
    const clock = new ManualClock();
    const mod = createAlertingModule({
      db: memoryDb(),
      config: alertingConfig({ digest: { enabled: false }, outbox: { backoff_initial_ms: 1000 }, channels: { webhook: { enabled: true, url: hook.url, secret: SECRET } } }),
      publicUrl: 'https://logward.example',
      clock,
      geo: null,
      random: () => 1,
      log: () => undefined,
    });
    hook.responses.push({ status: 500 });
    mod.emit(signal({ severity: 'high' }));
    await mod.flush();
    assert.equal(hook.requests.length, 1);
    assert.equal(mod.listOutbox({ limit: 1 })[0]!.status, 'pending');
    clock.advance(60_000);
    await mod.flush();
    assert.equal(hook.requests.length, 2);
    assert.equal(mod.listOutbox({ limit: 1 })[0]!.status, 'sent');
    const [first, second] = hook.requests;
    assert.equal(first!.headers['x-logward-delivery'], second!.headers['x-logward-delivery']);
    assert.equal(JSON.parse(first!.body).id, JSON.parse(second!.body).id);
    assert.ok(verify(second!.headers, second!.body, SECRET));
    await mod.stop();
  });

  it('classifies answers: 429 honours Retry-After, 408/5xx retry, 4xx and redirects are permanent', async () => {
    const n = new WebhookNotifier({ url: hook.url, secret: SECRET, timeoutMs: 2000 });
    hook.responses.push({ status: 429, headers: { 'retry-after': '12' } });
    const e429 = await rejection(n.send(message()));
    assert.deepEqual([e429.retryable, e429.retryAfterMs, e429.uncertain], [true, 12_000, false]);
    hook.responses.push({ status: 408 });
    assert.equal((await rejection(n.send(message()))).retryable, true);
    hook.responses.push({ status: 503, body: 'down for maintenance' });
    const e503 = await rejection(n.send(message()));
    assert.equal(e503.retryable, true);
    assert.match(e503.message, /503 down for maintenance/);
    hook.responses.push({ status: 400, body: 'x'.repeat(10_000) });
    const e400 = await rejection(n.send(message()));
    assert.equal(e400.retryable, false);
    assert.ok(e400.message.length < 300, 'an error body is cut short');
    // A redirect would carry the signed body elsewhere: refused, and the target sees nothing.
    const target = await startFakeSlack();
    try {
      hook.responses.push({ status: 307, headers: { location: target.url } });
      const e307 = await rejection(n.send(message()));
      assert.equal(e307.retryable, false);
      assert.match(e307.message, /redirects are not followed/);
      assert.equal(target.requests.length, 0);
    } finally {
      await target.close();
    }
    await n.send(message());
  });

  it('unreachable is retryable and certain; a timeout is retryable and uncertain; the URL never shows in errors', async () => {
    const port = await closedPort();
    const down = await rejection(new WebhookNotifier({ url: `http://127.0.0.1:${port}/hook?token=SECRETTOKEN`, timeoutMs: 2000 }).send(message()));
    assert.deepEqual([down.retryable, down.uncertain], [true, false]);
    assert.doesNotMatch(down.message, /SECRETTOKEN/);
    const garbled = await rejection(new WebhookNotifier({ url: 'not a url SECRETTOKEN', timeoutMs: 2000 }).send(message()));
    assert.doesNotMatch(garbled.message, /SECRETTOKEN/);
    hook.responses.push({ status: 200, delayMs: 1500 });
    const slow = await rejection(new WebhookNotifier({ url: hook.url, timeoutMs: 200 }).send(message()));
    assert.deepEqual([slow.retryable, slow.uncertain], [true, true]);
  });

  it('without a secret the request is unsigned; the exported signature helper matches what receivers compute', async () => {
    hook.requests.length = 0;
    await new WebhookNotifier({ url: hook.url, timeoutMs: 2000 }).send(message('d-2'));
    const req = hook.requests[0]!;
    assert.equal(req.headers['x-logward-signature'], undefined);
    assert.equal(req.headers['x-logward-delivery'], 'd-2');
    assert.equal(webhookSignature('k'.repeat(16), '1700000000', '{}'), 'sha256=' + createHmac('sha256', 'k'.repeat(16)).update('1700000000.{}').digest('hex'));
  });

  it('a follow-up (an LLM summary) reaches the webhook as its own signed document', async () => {
    hook.requests.length = 0;
    const mod = createAlertingModule({
      db: memoryDb(),
      config: alertingConfig({ digest: { enabled: false }, channels: { webhook: { enabled: true, url: hook.url, secret: SECRET } } }),
      publicUrl: 'https://logward.example',
      clock: new ManualClock(),
      geo: null,
      log: () => undefined,
    });
    mod.emit(signal({ severity: 'critical' }));
    await mod.flush();
    assert.equal(mod.followUp(1, { label: 'Summary (test-model)', text: 'Brute force <b>from</b> one address', items: ['block 203.0.113.7'], facts: [{ key: 'severity', value: 'high' }] }), 'sent');
    await mod.flush();
    assert.equal(hook.requests.length, 2);
    const req = hook.requests[1]!;
    assert.ok(verify(req.headers, req.body, SECRET));
    const body = JSON.parse(req.body) as Record<string, unknown>;
    assert.equal(body.kind, 'follow_up');
    assert.equal(body.alert_id, 1);
    assert.equal(body.text, 'Brute force <b>from</b> one address');
    assert.notEqual(body.id, JSON.parse(hook.requests[0]!.body).id);
    await mod.stop();
  });

  it('config: url and secret are validated and masked in `logward config` output', () => {
    assert.throws(() => alertingConfig({ channels: { webhook: { enabled: true, url: 'file:///etc/passwd' } } }), /url/);
    assert.throws(() => alertingConfig({ channels: { webhook: { enabled: true, url: 'https://x.example', secret: 'short' } } }), /secret/);
    const cfg = alertingConfig({ channels: { webhook: { enabled: true, url: 'https://hooks.example/T/abc?token=SECRETTOKEN', secret: SECRET } } });
    const shown = JSON.stringify(maskSecrets({ alerting: cfg }));
    assert.doesNotMatch(shown, /SECRETTOKEN|whsec/);
    assert.match(shown, /"url":"\*\*\*"/);
  });
});
