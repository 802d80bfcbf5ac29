/**
 * Email through nodemailer over SMTP: implicit TLS (secure, port 465) or STARTTLS required
 * (require_tls, port 587), password or OAuth2 (XOAUTH2, for Gmail) auth, text + HTML bodies.
 * SMTP reply codes classify failures: 4xx is transient, 5xx permanent; no reply code means the
 * connection failed, which is transient.
 */
import nodemailer, { type Transporter } from 'nodemailer';
import type SMTPTransport from 'nodemailer/lib/smtp-transport/index.js';
import type { AlertingConfig } from '../../generated/schema-types.js';
import { DeliveryError, neverConnected, wrongChannel, type ChannelMessage, type Notifier } from './notifier.js';
import { sanitizeHeader } from '../template/escape.js';

export type EmailChannelConfig = AlertingConfig['channels']['email'];

export function smtpOptions(cfg: EmailChannelConfig): SMTPTransport.Options {
  const auth: SMTPTransport.Options['auth'] = !cfg.auth.user
    ? undefined
    : cfg.auth.type === 'oauth2'
      ? {
          type: 'OAuth2',
          user: cfg.auth.user,
          clientId: cfg.auth.client_id,
          clientSecret: cfg.auth.client_secret,
          refreshToken: cfg.auth.refresh_token,
          accessToken: cfg.auth.access_token,
        }
      : { user: cfg.auth.user, pass: cfg.auth.pass ?? '' };
  return {
    host: cfg.host,
    port: cfg.port,
    secure: cfg.secure,
    requireTLS: !cfg.secure && cfg.require_tls,
    auth,
    tls: { rejectUnauthorized: cfg.tls_reject_unauthorized },
    connectionTimeout: cfg.timeout_ms,
    greetingTimeout: cfg.timeout_ms,
    socketTimeout: cfg.timeout_ms,
    // nodemailer's own logger would print envelopes; credentials stay out of our logs too.
    logger: false,
    debug: false,
  };
}

export function classifySmtpError(err: unknown): DeliveryError {
  const e = err as { message?: string; responseCode?: number; code?: string; command?: string };
  const message = `smtp: ${e.code ?? 'error'}${e.responseCode ? ` ${e.responseCode}` : ''}: ${sanitizeHeader(e.message ?? String(err), 300)}`;
  // A reply code is the server's answer: the message was not accepted.
  if (typeof e.responseCode === 'number') return new DeliveryError(message, e.responseCode < 500);
  // EAUTH without a reply code: the server refused the mechanism; not going to improve by retrying.
  if (e.code === 'EAUTH' || e.code === 'EENVELOPE' || e.code === 'EMESSAGE') return new DeliveryError(message, false);
  // No connection, or lost before the message was written (connect/greeting/TLS phase): certainly not delivered.
  // Lost or timed out later (after DATA the server may have queued it without our seeing the 250): uncertain.
  const beforeData = neverConnected(err) || e.code === 'ECONNECTION' || e.code === 'EDNS' || e.code === 'ETLS' || e.command === 'CONN' || e.command === 'EHLO' || e.command === 'STARTTLS';
  return new DeliveryError(message, true, undefined, !beforeData);
}

export class EmailNotifier implements Notifier {
  readonly name = 'email' as const;
  private readonly transport: Transporter<SMTPTransport.SentMessageInfo>;

  constructor(private readonly cfg: EmailChannelConfig) {
    this.transport = nodemailer.createTransport(smtpOptions(cfg));
  }

  async send(msg: ChannelMessage): Promise<void> {
    if (msg.channel !== 'email') throw wrongChannel('email', msg);
    const to = msg.to?.length ? msg.to : this.cfg.to;
    if (!to.length) throw new DeliveryError('email: no recipients configured', false);
    let info: SMTPTransport.SentMessageInfo;
    try {
      info = await this.transport.sendMail({
        from: this.cfg.from,
        to,
        // Built from rule title/host by the renderer; sanitized again here as the last line of defence.
        subject: sanitizeHeader(msg.subject),
        text: msg.text,
        html: msg.html,
        ...(msg.messageId ? { messageId: msg.messageId } : {}),
        ...(msg.inReplyTo ? { inReplyTo: msg.inReplyTo, references: [msg.inReplyTo] } : {}),
        // Our own messages must not trigger auto-replies or be threaded with attacker mail.
        headers: { 'Auto-Submitted': 'auto-generated', 'X-Auto-Response-Suppress': 'All' },
        disableFileAccess: true,
        disableUrlAccess: true,
      });
    } catch (err) {
      throw classifySmtpError(err);
    }
    if (info.accepted.length === 0) throw new DeliveryError(`smtp: every recipient rejected`, false);
  }

  close(): void {
    this.transport.close();
  }
}
