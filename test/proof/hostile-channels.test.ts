/**
 * Attacker-written log text from ingest all the way to every channel, end to end (the channel
 * renderers' own escaping is unit-tested in test/alerting/template.test.ts and channels.test.ts;
 * this proves nothing on the way from a Fluent Bit chunk undoes it): an SSH brute force whose
 * lines carry HTML, Slack mrkdwn, mentions, links and template syntax in the user name (which
 * ends up in the alert's samples and fields), plus lines with a CR/LF header injection after them
 * (those are not counted as sshd failures, so they reach no alert: CR/LF in a subject is covered
 * by test/alerting/channels.test.ts).
 * Email: no injected header, HTML escaped, no clickable attacker link. Slack: no mention, link
 * or formatting outside code. Forward: a structured record whose tag and typed fields the text
 * cannot change. The generic webhook too, when this build has it (alerting.channels.webhook).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { startTestService } from '../helpers/service.js';
import { parseMail, startFakeForward, startFakeSmtp } from '../alerting/helpers.js';
import { post, startReceiver, waitFor } from './helpers.js';

const ROOT = join(import.meta.dirname, '..', '..');
const hasWebhook = (() => {
  const schema = JSON.parse(readFileSync(join(ROOT, 'schemas', 'config', 'alerting.schema.json'), 'utf8')) as { properties: { channels: { properties: Record<string, unknown> } } };
  return 'webhook' in schema.properties.channels.properties;
})();

const IP = '198.51.100.99';
const WEBHOOK_SECRET = 'proof-webhook-secret-0123456789';
const USER = '<script>alert(1)</script>*BOLD*_it_~st~<!channel><https://evil.example|click>https://evil.example/login{{constructor}}```';
const TAIL = '\r\nBcc: victim@evil.example\r\nX-Injected: yes\r\nSubject: pwned';

test('hostile log text through ingest reaches email, Slack, forward (and webhook) inert', { timeout: 120_000 }, async () => {
  const smtp = await startFakeSmtp();
  const slack = await startReceiver();
  const hook = await startReceiver();
  const fwd = await startFakeForward();
  const roomy = { rate_limit: { burst: 100, per_minute: 100 } };
  const t = await startTestService({
    anomaly: { enabled: false },
    server: { public_url: 'https://logward.example' } as never,
    alerting: {
      geoip: { enabled: false },
      digest: { enabled: false },
      channels: {
        slack: { enabled: true, webhook_url: slack.url, ...roomy },
        email: { enabled: true, host: '127.0.0.1', port: smtp.port, secure: false, require_tls: false, tls_reject_unauthorized: false, from: 'Logward <alerts@logward.test>', to: ['soc@example.com'], ...roomy },
        forward: { enabled: true, host: '127.0.0.1', port: fwd.port, timeout_ms: 3000, ...roomy },
        ...(hasWebhook ? { webhook: { enabled: true, url: hook.url, secret: WEBHOOK_SECRET, ...roomy } } : {}),
      },
    } as never,
  });
  try {
    const base = `http://127.0.0.1:${await t.service.listen()}`;
    const now = Date.now();
    const recs = Array.from({ length: 15 }, (_, i) => {
      const d = new Date(now - 30_000 + i * 1000);
      const stamp = `${d.toLocaleString('en-US', { month: 'short', timeZone: 'UTC' })} ${String(d.getUTCDate()).padStart(2, ' ')} ${d.toISOString().slice(11, 19)}`;
      return { file: '/var/log/auth.log', offset: i * 400, hostname: 'web1', source_kind: 'auth', log: `${stamp} web1 sshd[${700 + i}]: Failed password for invalid user ${USER} from ${IP} port ${50000 + i} ssh2${i % 3 === 0 ? TAIL : ''}` };
    });
    const res = await post(`${base}/v1/ingest`, { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip', 'X-Fluent-Tag': 'auth.var.log.auth.log' }, gzipSync(JSON.stringify(recs)));
    assert.equal(res.status, 204, res.text);

    const slackMsgs = () => slack.received.filter((r) => r.body.includes(IP));
    await waitFor('Slack', () => slackMsgs().length > 0).catch(async (err: Error) => {
      throw new Error(`${err.message}: ${slack.received.length} posts ${slack.received.map((r) => r.body.slice(0, 300)).join(' | ')}; alerts ${JSON.stringify(await (await fetch(`${base}/api/alerts`)).json()).slice(0, 1500)}`);
    });
    await waitFor('email', () => smtp.mails.length > 0);
    await waitFor('forward', () => fwd.events.some((e) => JSON.stringify(e.record).includes(IP)));
    if (hasWebhook) await waitFor('webhook', () => hook.received.some((r) => r.body.includes(IP)));

    // The alert carries the attacker's text as evidence (so the checks below are not vacuous).
    const alerts = ((await (await fetch(`${base}/api/alerts?rule=ssh-brute-force`)).json()) as { alerts: unknown[] }).alerts;
    assert.ok(JSON.stringify(alerts).includes('<script>alert(1)</script>'), 'the samples keep what was written');

    // Slack: nothing clickable, no mention, no formatting outside code.
    const all = slackMsgs().map((r) => r.body).join('\n');
    for (const bad of ['<!channel>', '<https://evil', 'https://evil', 'evil.example', '<script>']) assert.ok(!all.includes(bad), `Slack: raw ${bad}`);
    for (const r of slackMsgs()) {
      const body = JSON.parse(r.body) as { blocks?: unknown[] };
      const texts = (JSON.stringify(body.blocks ?? []).match(/"type":"mrkdwn","text":"((?:[^"\\]|\\.)*)"/g) ?? []).map((m) => JSON.parse(m.slice(m.indexOf('"text":') + 7)) as string);
      for (const text of texts) {
        const outsideCode = text.split('```').filter((_, i) => i % 2 === 0).join('').split('`').filter((_, i) => i % 2 === 0).join('');
        assert.ok(!outsideCode.includes('*BOLD*') && !outsideCode.includes('_it_') && !outsideCode.includes('~st~'), `Slack: formatting outside code: ${text}`);
      }
    }

    // Email: no header injected, HTML escaped, the only link ours.
    for (const m of smtp.mails) {
      const { headers, parts } = parseMail(m.raw);
      assert.doesNotMatch(headers, /^(Bcc|X-Injected):/im, 'no injected header');
      assert.doesNotMatch(headers, /^Subject:.*pwned/im);
      assert.deepEqual(m.to, ['soc@example.com'], 'no injected recipient');
      const html = parts.find((p) => p.type === 'text/html')?.body ?? '';
      const text = parts.find((p) => p.type === 'text/plain')?.body ?? '';
      for (const [name, body] of [['headers', headers], ['text', text], ['html', html]] as const) for (const bad of ['https://evil', 'evil.example']) assert.ok(!body.includes(bad), `email ${name}: raw ${bad}`);
      assert.doesNotMatch(html, /<script>|<a href="https:\/\/evil|<!channel>/);
      assert.ok(!/<a href="(?!https:\/\/logward\.example\/)/.test(html), 'email: every link is ours');
    }

    // Forward: structured; the text stays a string value and cannot change the tag or the typed fields.
    for (const e of fwd.events) {
      assert.equal(e.tag, 'logward.alert');
      assert.equal(typeof e.record.severity, 'string');
      assert.ok(['critical', 'high', 'medium', 'low', 'informational'].includes(e.record.severity as string));
      for (const [k, v] of Object.entries(e.record)) assert.ok(!/[\r\n]/.test(k) && !k.includes('<'), `forward key ${JSON.stringify(k)}`), void v;
    }

    if (hasWebhook) {
      for (const r of hook.received.filter((x) => x.body.includes(IP))) {
        const body = JSON.parse(r.body) as unknown; // well-formed JSON whatever the text
        assert.equal(typeof body, 'object');
        for (const [name, value] of Object.entries(r.headers)) assert.ok(!String(value).includes('evil') && !String(value).includes('<script>'), `webhook header ${name}`);
        assert.match(String(r.headers['content-type']), /application\/json/);
        // Signed over the raw body as sent, whatever bytes the attacker's text became.
        const ts = String(r.headers['x-logward-timestamp']);
        assert.equal(r.headers['x-logward-signature'], 'sha256=' + createHmac('sha256', WEBHOOK_SECRET).update(`${ts}.${r.body}`).digest('hex'));
      }
    }
  } finally {
    await t.close();
    await smtp.close();
    await slack.close();
    await hook.close();
    await fwd.close();
  }
});
