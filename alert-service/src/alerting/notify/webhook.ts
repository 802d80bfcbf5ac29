/**
 * A generic HTTP webhook: one JSON POST per notification, for receivers of one's own (a ticket
 * system, a SOAR, a chat bridge). The request is signed so the receiver can tell it came from us
 * and is fresh:
 *
 *   X-Logward-Timestamp: <unix seconds>
 *   X-Logward-Signature: sha256=<hex HMAC-SHA256(secret, "<timestamp>.<raw body>")>
 *   X-Logward-Delivery:  <the body's id, the same on every retry>
 *
 * (the Stripe/Slack-signing scheme: the timestamp inside the MAC lets a receiver refuse replays
 * older than a few minutes). Failures are classified as the Slack channel's: 429 honours
 * Retry-After, 408 and 5xx are transient, other 4xx and redirects permanent (a redirect is never
 * followed: it would carry the signed body to a host nobody configured), a timeout uncertain.
 */
import { createHmac } from 'node:crypto';
import { parseRetryAfter } from './slack.js';
import { DeliveryError, neverConnected, wrongChannel, type ChannelMessage, type Notifier } from './notifier.js';

export interface WebhookNotifierOptions {
  url: string;
  /** HMAC key; without one requests go unsigned (the receiver then cannot authenticate them). */
  secret?: string;
  timeoutMs: number;
}

/** What a receiver computes to check a request: exported for receivers written in TypeScript and for tests. */
export function webhookSignature(secret: string, timestamp: string, rawBody: string): string {
  return 'sha256=' + createHmac('sha256', secret).update(`${timestamp}.${rawBody}`).digest('hex');
}

/** Bytes of an error answer kept for the outbox's last_error: enough for a reason, never a flood. */
const MAX_ERROR_BODY = 200;

export class WebhookNotifier implements Notifier {
  readonly name = 'webhook' as const;

  constructor(private readonly opts: WebhookNotifierOptions) {}

  async send(msg: ChannelMessage): Promise<void> {
    if (msg.channel !== 'webhook') throw wrongChannel('webhook', msg);
    const body = JSON.stringify(msg.body);
    const timestamp = String(Math.floor(Date.now() / 1000));
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'user-agent': 'logward-webhook/1',
      'x-logward-delivery': msg.body.id,
      'x-logward-timestamp': timestamp,
    };
    if (this.opts.secret) headers['x-logward-signature'] = webhookSignature(this.opts.secret, timestamp, body);
    let res: Response;
    try {
      res = await fetch(this.opts.url, { method: 'POST', headers, body, redirect: 'manual', signal: AbortSignal.timeout(this.opts.timeoutMs) });
    } catch (err) {
      // fetch may quote the URL (it can carry a token): never let it reach logs or GET /outbox.
      const hide = (e: unknown) => String((e as Error | undefined)?.message ?? e).split(this.opts.url).join('<webhook url>');
      const cause = (err as Error).cause;
      const reason = hide(err) + (cause ? ` (${hide(cause)})` : '');
      // A connection never made delivered nothing; a timeout or a connection lost mid-request may have.
      throw new DeliveryError(`webhook: request failed: ${reason}`, true, undefined, !neverConnected(err));
    }
    if (res.status >= 200 && res.status < 300) {
      await res.body?.cancel();
      return;
    }
    const text = await readBounded(res, MAX_ERROR_BODY);
    const detail = `webhook: HTTP ${res.status} ${text.replace(/[\r\n]+/g, ' ')}`.trim();
    if (res.status === 429) throw new DeliveryError(detail, true, parseRetryAfter(res.headers.get('retry-after'), Date.now()));
    if (res.status === 408 || res.status >= 500) throw new DeliveryError(detail, true);
    throw new DeliveryError(res.status >= 300 && res.status < 400 ? `${detail} (redirects are not followed)` : detail, false);
  }
}

/** The first `max` characters of an answer, without reading a receiver's endless body. */
async function readBounded(res: Response, max: number): Promise<string> {
  if (!res.body) return '';
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  let out = '';
  try {
    while (out.length < max) {
      const { done, value } = await reader.read();
      if (done) break;
      out += decoder.decode(value, { stream: true });
    }
  } catch {
    // An answer cut short still classifies by its status.
  } finally {
    void reader.cancel().catch(() => undefined);
  }
  return out.slice(0, max);
}
