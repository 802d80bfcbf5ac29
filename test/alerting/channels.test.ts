/**
 * The three channels over real protocols on loopback: nodemailer → smtp-server (plain + AUTH,
 * STARTTLS, implicit TLS), @slack/webhook → a local HTTP server, @fluent-org/logger → a forward
 * protocol receiver decoding msgpack. Content, escaping, headers and error classification.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createAlertingModule, alertingConfig } from '../../alert-service/src/alerting/index.js';
import { EmailNotifier } from '../../alert-service/src/alerting/notify/email.js';
import { SlackNotifier } from '../../alert-service/src/alerting/notify/slack.js';
import { ForwardNotifier } from '../../alert-service/src/alerting/notify/forward.js';
import { DeliveryError, type EmailMessage } from '../../alert-service/src/alerting/notify/notifier.js';
import { ManualClock, closedPort, memoryDb, parseMail, signal, startFakeForward, startFakeSlack, startFakeSmtp, type FakeSlack } from './helpers.js';

/** Log text an attacker writes to be rendered: formatting, mentions, links of every kind, markup. */
const HOSTILE = ['*BOLD*_it_~st~', '<!channel>', '<https://evil.example|click>', 'https://evil.example/login', 'www.evil.example', '> quote', '<script>alert(1)</script>', '<a href="https://evil.example/x">x</a>'];

const ATTACKER = {
  user: '<script>alert(1)</script> <!channel> <@U123> <http://evil.example|click me> @here',
  title: 'Login failed for admin\r\nBcc: victim@evil.example\r\nX-Injected: yes',
};

function emailCfg(port: number, extra: Record<string, unknown> = {}) {
  return {
    enabled: true,
    host: '127.0.0.1',
    port,
    secure: false,
    require_tls: false,
    tls_reject_unauthorized: false,
    from: 'Logward <alerts@logward.test>',
    to: ['soc@example.com', 'oncall@example.com'],
    timeout_ms: 5000,
    ...extra,
  };
}

const mail = (subject = 'Test subject'): EmailMessage => ({ channel: 'email', subject, text: 'plain body', html: '<p>html body</p>' });

async function rejection(p: Promise<unknown>): Promise<DeliveryError> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof DeliveryError, `expected DeliveryError, got ${String(err)}`);
    return err;
  }
  assert.fail('expected the send to fail');
}

describe('email over SMTP (nodemailer → smtp-server)', () => {
  it('delivers an alert as text + HTML to several recipients with AUTH, escaping attacker content, no header injection', async () => {
    const smtp = await startFakeSmtp({ auth: { user: 'logward', pass: 's3cret-app-password' } });
    try {
      const clock = new ManualClock();
      const mod = createAlertingModule({
        db: memoryDb(),
        config: alertingConfig({ digest: { enabled: false }, channels: { email: emailCfg(smtp.port, { auth: { user: 'logward', pass: 's3cret-app-password' } }) } }),
        publicUrl: 'https://logward.example/',
        clock,
        geo: null,
        log: () => undefined,
      });
      mod.emit(signal({ severity: 'critical', title: ATTACKER.title, fields: { user: ATTACKER.user }, samples: ['Failed password for <b>root</b> & friends'] }));
      await mod.flush();
      assert.equal(smtp.mails.length, 1, JSON.stringify(mod.listOutbox({ limit: 5 })));
      const m = smtp.mails[0]!;
      assert.equal(m.user, 'logward');
      assert.deepEqual(m.to.sort(), ['oncall@example.com', 'soc@example.com']);
      const { headers, parts } = parseMail(m.raw);
      assert.doesNotMatch(headers, /^(Bcc|X-Injected):/im, 'CR/LF in the title cannot add headers');
      const subject = /^Subject: (.*)$/im.exec(headers)?.[1] ?? '';
      assert.match(subject, /^\[FIRING\] Login failed for admin Bcc: victim@evil\[\.\]example X-Injected: yes on web-1$/);
      assert.match(headers, /^Auto-Submitted: auto-generated/im);
      assert.match(headers, /multipart\/alternative/i);
      const text = parts.find((p) => p.type === 'text/plain')!.body;
      const html = parts.find((p) => p.type === 'text/html')!.body;
      assert.match(text, /user: <script>alert\(1\)<\/script>/, 'plain text keeps the value as is (it is not markup)');
      assert.match(text, /https:\/\/logward\.example\/alerts\/1/);
      assert.match(html, /&lt;script&gt;alert\(1\)&lt;\/script&gt;/);
      assert.doesNotMatch(html, /<script>/);
      assert.match(html, /Failed password for &lt;b&gt;root&lt;\/b&gt; &amp; friends/);
      assert.match(html, /<a href="https:\/\/logward\.example\/alerts\/1">/);
      assert.match(text, /source IP: 203\.0\.113\.7 \(documentation/);
      await mod.stop();
    } finally {
      await smtp.close();
    }
  });

  it('hostile log text in email: HTML escaped, no clickable attacker links in HTML or text, our own link intact', async () => {
    const smtp = await startFakeSmtp();
    try {
      const mod = createAlertingModule({
        db: memoryDb(),
        config: alertingConfig({ digest: { enabled: false }, channels: { email: emailCfg(smtp.port) } }),
        publicUrl: 'https://logward.example',
        clock: new ManualClock(),
        geo: null,
        log: () => undefined,
      });
      const text = HOSTILE.join(' ');
      mod.emit(signal({ severity: 'critical', title: 'Visit https://evil.example/login', summary: text, fields: { user: text }, samples: HOSTILE as never }));
      await mod.flush();
      const { headers, parts } = parseMail(smtp.mails[0]!.raw);
      const plain = parts.find((p) => p.type === 'text/plain')!.body;
      const html = parts.find((p) => p.type === 'text/html')!.body;
      for (const [name, body] of [['subject', headers], ['text', plain], ['html', html]] as const) {
        for (const bad of ['https://evil', 'evil.example', 'www.evil']) assert.ok(!body.includes(bad), `${name}: raw ${bad}`);
        assert.ok(body.includes('hxxps://evil[.]example/login'), `${name} keeps what was written, defanged`);
      }
      assert.doesNotMatch(html, /<script>|<a href="https:\/\/evil/);
      assert.match(html, /&lt;script&gt;alert\(1\)&lt;\/script&gt;/);
      assert.equal((html.match(/<a href="/g) ?? []).length, 1, 'the only link is our own');
      assert.match(html, /<a href="https:\/\/logward\.example\/alerts\/1">/);
      assert.match(plain, /https:\/\/logward\.example\/alerts\/1/);
      await mod.stop();
    } finally {
      await smtp.close();
    }
  });

  it('upgrades with STARTTLS when require_tls is set, and speaks implicit TLS when secure is set', async () => {
    const plain = await startFakeSmtp();
    const tls = await startFakeSmtp({ secure: true });
    try {
      await new EmailNotifier(alertingConfig({ channels: { email: emailCfg(plain.port, { require_tls: true }) } }).channels.email).send(mail());
      assert.equal(plain.mails[0]!.secure, true, 'STARTTLS upgraded the session');
      await new EmailNotifier(alertingConfig({ channels: { email: emailCfg(tls.port, { secure: true }) } }).channels.email).send(mail());
      assert.equal(tls.mails[0]!.secure, true);
      // With verification on (the default), the self-signed test certificate is refused.
      const err = await rejection(new EmailNotifier(alertingConfig({ channels: { email: emailCfg(tls.port, { secure: true, tls_reject_unauthorized: true }) } }).channels.email).send(mail()));
      assert.match(err.message, /certificate/i);
    } finally {
      await plain.close();
      await tls.close();
    }
  });

  it('classifies SMTP failures: 4xx retry, 5xx permanent, bad credentials permanent, connection refused retry', async () => {
    const smtp = await startFakeSmtp({ auth: { user: 'u', pass: 'p' } });
    try {
      const notifier = new EmailNotifier(alertingConfig({ channels: { email: emailCfg(smtp.port, { auth: { user: 'u', pass: 'p' } }) } }).channels.email);
      smtp.rejectWith.push({ code: 451, message: 'try again later' });
      const e451 = await rejection(notifier.send(mail()));
      assert.equal(e451.retryable, true);
      assert.match(e451.message, /451/);
      smtp.rejectWith.push({ code: 554, message: 'rejected as spam' });
      const e554 = await rejection(notifier.send(mail()));
      assert.equal(e554.retryable, false);
      const badAuth = new EmailNotifier(alertingConfig({ channels: { email: emailCfg(smtp.port, { auth: { user: 'u', pass: 'wrong' } }) } }).channels.email);
      const eAuth = await rejection(badAuth.send(mail()));
      assert.equal(eAuth.retryable, false);
      assert.doesNotMatch(eAuth.message, /wrong/, 'the password never appears in errors');
      const down = new EmailNotifier(alertingConfig({ channels: { email: emailCfg(await closedPort()) } }).channels.email);
      const eDown = await rejection(down.send(mail()));
      assert.equal(eDown.retryable, true);
      notifier.close();
    } finally {
      await smtp.close();
    }
  });
});

describe('Slack (@slack/webhook → local HTTP server)', () => {
  let slack: FakeSlack;
  before(async () => (slack = await startFakeSlack()));
  after(() => slack.close());

  it('posts Block Kit with severity, host, rule, counts, key fields and a link; attacker mrkdwn is inert', async () => {
    slack.requests.length = 0;
    const clock = new ManualClock();
    const mod = createAlertingModule({
      db: memoryDb(),
      config: alertingConfig({ digest: { enabled: false }, channels: { slack: { enabled: true, webhook_url: slack.url } } }),
      publicUrl: 'https://logward.example',
      clock,
      geo: null,
      log: () => undefined,
    });
    mod.emit(signal({ severity: 'critical', host: 'web-<!here>', title: 'Brute force by <!channel>', fields: { user: ATTACKER.user }, samples: ['```boom``` <!everyone>'] }));
    await mod.flush();
    assert.equal(slack.requests.length, 1);
    const req = slack.requests[0]!;
    assert.equal(req.url, '/services/T000/B000/XXXX');
    assert.match(String(req.headers['content-type']), /application\/json/);
    const body = JSON.parse(req.body) as { text: string; blocks: { type: string; text?: { type: string; text: string }; fields?: { text: string }[]; elements?: { text: string }[] }[] };
    assert.equal(body.blocks[0]!.type, 'header');
    assert.equal(body.blocks[0]!.text!.type, 'plain_text');
    const section = body.blocks.find((b) => b.fields)!;
    const fields = section.fields!.map((f) => f.text);
    assert.ok(fields.includes('*Severity*\n:red_circle: critical'));
    assert.ok(fields.includes('*Host*\n`web-&lt;!here&gt;`'), fields.join(' | '));
    assert.ok(fields.includes('*Rule*\n`ssh-bruteforce`'));
    assert.ok(fields.includes('*Count*\n5 events (firing)'));
    assert.ok(fields.includes('*user*\n`&lt;script&gt;alert(1)&lt;/script&gt; &lt;!channel&gt; &lt;@U123&gt; &lt;hxxp://evil[.]example|click me&gt; @\u200dhere`'), fields.join(' | '));
    const all = JSON.stringify(body);
    for (const bad of ['<!channel>', '<!here>', '<!everyone>', '<@U123>', '<http://evil']) assert.ok(!all.includes(bad), `no raw ${bad}`);
    assert.ok(!/```boom```/.test(all), 'samples cannot close the code block');
    assert.ok(all.includes('<https://logward.example/alerts/1|Open alert #1>'));
    assert.ok(!body.text.includes('<!channel>'));
    await mod.stop();
  });

  it('hostile log text in every part of the message stays inert: no formatting, mentions or clickable attacker links', async () => {
    slack.requests.length = 0;
    const mod = createAlertingModule({
      db: memoryDb(),
      config: alertingConfig({ digest: { enabled: false }, channels: { slack: { enabled: true, webhook_url: slack.url } } }),
      publicUrl: 'https://logward.example',
      clock: new ManualClock(),
      geo: null,
      log: () => undefined,
    });
    const text = HOSTILE.join(' ');
    mod.emit(signal({ severity: 'critical', host: 'h-*x*', summary: text, group: { src_ip: '203.0.113.7', user: text }, fields: { user: text, url: 'https://evil.example/login' }, samples: HOSTILE as never }));
    await mod.flush();
    const body = JSON.parse(slack.requests[0]!.body) as { text: string; blocks: unknown[] };
    const all = JSON.stringify(body);
    for (const bad of ['<!channel>', '<https://evil', 'https://evil', 'evil.example', 'www.evil', '<script>', '<a href']) assert.ok(!all.includes(bad), `no raw ${bad}`);
    // Every mrkdwn text: attacker formatting only inside code spans/blocks, or swapped for look-alikes.
    const texts = (JSON.stringify(body.blocks).match(/"type":"mrkdwn","text":"((?:[^"\\]|\\.)*)"/g) ?? []).map((m) => JSON.parse(m.slice(m.indexOf('"text":') + 7)) as string);
    for (const t of texts) {
      const outsideCode = t.split('```').filter((_, i) => i % 2 === 0).join('').split('`').filter((_, i) => i % 2 === 0).join('');
      assert.ok(!outsideCode.includes('*BOLD*') && !outsideCode.includes('_it_') && !outsideCode.includes('~st~'), `formatting outside code: ${t}`);
      assert.ok(!/^>/m.test(t), `a line starting a quote: ${t}`);
    }
    assert.ok(all.includes('`*BOLD*_it_~st~ &lt;!channel&gt; &lt;hxxps://evil[.]example|click&gt; hxxps://evil[.]example/login'), 'shown as written inside code');
    assert.ok(all.includes('<https://logward.example/alerts/1|Open alert #1>'), 'our own link still works');
    await mod.stop();
  });

  it('429 honours Retry-After, 5xx retries, 4xx is permanent, unreachable retries', async () => {
    const notifier = new SlackNotifier({ webhookUrl: slack.url, timeoutMs: 2000 });
    const msg = { channel: 'slack' as const, text: 'x', blocks: [] };
    slack.responses.push({ status: 429, body: 'rate_limited', headers: { 'retry-after': '7' } });
    const e429 = await rejection(notifier.send(msg));
    assert.equal(e429.retryable, true);
    assert.equal(e429.retryAfterMs, 7000);
    slack.responses.push({ status: 500, body: 'internal_error' });
    assert.equal((await rejection(notifier.send(msg))).retryable, true);
    slack.responses.push({ status: 400, body: 'invalid_blocks' });
    const e400 = await rejection(notifier.send(msg));
    assert.equal(e400.retryable, false);
    assert.match(e400.message, /400 invalid_blocks/);
    assert.doesNotMatch(e400.message, /XXXX/, 'the webhook URL (a secret) is not in errors');
    const down = new SlackNotifier({ webhookUrl: `http://127.0.0.1:${await closedPort()}/x`, timeoutMs: 2000 });
    assert.equal((await rejection(down.send(msg))).retryable, true);
    // A webhook URL fetch cannot parse is quoted in fetch's own error: it must not reach logs or GET /outbox.
    const garbled = await rejection(new SlackNotifier({ webhookUrl: 'hooks.slack.com/services/T0/B0/SECRETTOKEN', timeoutMs: 2000 }).send(msg));
    assert.equal(garbled.retryable, true);
    assert.doesNotMatch(garbled.message, /SECRETTOKEN/);
    await notifier.send(msg);
  });

  it('through the outbox: 429 pauses the channel for Retry-After, 500 for the backoff, then delivers exactly once', async () => {
    slack.requests.length = 0;
    const clock = new ManualClock();
    const mod = createAlertingModule({
      db: memoryDb(),
      config: alertingConfig({ digest: { enabled: false }, outbox: { backoff_initial_ms: 2000, probe_interval_max_ms: 5000 }, channels: { slack: { enabled: true, webhook_url: slack.url } } }),
      publicUrl: 'https://logward.example',
      clock,
      geo: null,
      random: () => 1,
      log: () => undefined,
    });
    slack.responses.push({ status: 429, headers: { 'retry-after': '30' } }, { status: 500 });
    mod.emit(signal({ severity: 'critical' }));
    await mod.flush();
    const [row] = mod.listOutbox({ limit: 1 });
    assert.equal(row!.status, 'pending');
    clock.advance(29_999);
    await mod.flush();
    assert.equal(slack.requests.length, 1, 'Retry-After: 30 is honoured');
    clock.advance(1);
    await mod.flush();
    assert.equal(slack.requests.length, 2);
    clock.advance(3999);
    await mod.flush();
    assert.equal(slack.requests.length, 2, 'second failure: 2 s × 2, full jitter at random()=1');
    clock.advance(1);
    await mod.flush();
    assert.equal(slack.requests.length, 3);
    assert.equal(mod.listOutbox({ limit: 1 })[0]!.status, 'sent');
    clock.advance(60_000);
    await mod.flush();
    assert.equal(slack.requests.length, 3);
    await mod.stop();
  });
});

describe('Fluent forward (@fluent-org/logger → msgpack receiver)', () => {
  it('sends each alert as a structured, acknowledged record tagged <prefix>.<tag>', async () => {
    const fwd = await startFakeForward();
    try {
      const clock = new ManualClock();
      const mod = createAlertingModule({
        db: memoryDb(),
        config: alertingConfig({ digest: { enabled: false }, channels: { forward: { enabled: true, port: fwd.port, tag_prefix: 'logward', tag: 'alert', timeout_ms: 3000 } } }),
        publicUrl: 'https://logward.example',
        clock,
        geo: null,
        log: () => undefined,
      });
      mod.emit(signal({ severity: 'critical', group: { src_ip: '203.0.113.7' } }));
      mod.emit(signal({ severity: 'critical', group: { src_ip: '10.0.0.5' } }));
      await mod.flush();
      // Two source IPs: two alerts, each notified on its own (first_notify), one record each.
      assert.equal(mod.listOutbox({ status: 'sent', limit: 5 }).length, 2, JSON.stringify(mod.listOutbox({ limit: 5 })));
      assert.equal(fwd.events.length, 2);
      const e = fwd.events[0]!;
      assert.equal(e.tag, 'logward.alert');
      assert.equal(e.record.type, 'alert');
      assert.equal(e.record.rule_id, 'ssh-bruteforce');
      assert.equal(e.record.severity, 'critical');
      assert.equal(e.record.host, 'web-1');
      assert.equal(e.record.count, 5);
      assert.equal(e.record.url, 'https://logward.example/alerts/1');
      assert.deepEqual((e.record.ips as { ip: string; scope: string }[]).map((i) => [i.ip, i.scope]), [['203.0.113.7', 'documentation']]);
      assert.equal((fwd.events[1]!.record.ips as { scope: string }[])[0]!.scope, 'private');
      await mod.stop();
    } finally {
      await fwd.close();
    }
  });

  it('a receiver that is down or never acknowledges is a retryable failure; it is delivered once the receiver is back', async () => {
    const port = await closedPort();
    const notifier = new ForwardNotifier({ host: '127.0.0.1', port, tagPrefix: 'logward', tag: 'alert', timeoutMs: 500 });
    const msg = { channel: 'forward' as const, records: [{ time_ms: Date.now(), record: { type: 'alert', alert_id: 1 } }] };
    assert.equal((await rejection(notifier.send(msg))).retryable, true);
    const fwd = await startFakeForward(port);
    try {
      fwd.ack = false;
      const eNoAck = await rejection(notifier.send(msg));
      assert.equal(eNoAck.retryable, true);
      assert.match(eNoAck.message, /ack/i);
      fwd.ack = true;
      const before = fwd.events.length;
      await notifier.send(msg);
      assert.equal(fwd.events.length, before + 1);
      assert.equal(fwd.events.at(-1)!.record.alert_id, 1);
    } finally {
      await fwd.close();
    }
  });
});

describe('SMTP options', () => {
  it('maps Gmail OAuth2 (XOAUTH2) and app-password settings onto nodemailer', async () => {
    const { smtpOptions } = await import('../../alert-service/src/alerting/notify/email.js');
    const oauth = smtpOptions(
      alertingConfig({
        channels: {
          email: {
            host: 'smtp.gmail.com',
            port: 465,
            secure: true,
            auth: { type: 'oauth2', user: 'soc@example.com', client_id: 'cid', client_secret: 'csecret', refresh_token: 'rtoken' },
          },
        },
      }).channels.email,
    );
    assert.equal(oauth.secure, true);
    assert.equal(oauth.requireTLS, false, 'implicit TLS needs no STARTTLS');
    assert.deepEqual(oauth.auth, { type: 'OAuth2', user: 'soc@example.com', clientId: 'cid', clientSecret: 'csecret', refreshToken: 'rtoken', accessToken: undefined });
    const app = smtpOptions(alertingConfig({ channels: { email: { host: 'smtp.gmail.com', port: 587, auth: { user: 'soc@example.com', pass: 'abcd efgh' } } } }).channels.email);
    assert.equal(app.secure, false);
    assert.equal(app.requireTLS, true, 'port 587 must upgrade with STARTTLS');
    assert.deepEqual(app.auth, { user: 'soc@example.com', pass: 'abcd efgh' });
    assert.equal(app.tls?.rejectUnauthorized, true);
  });
});
