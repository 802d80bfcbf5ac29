/**
 * Slack through @slack/webhook (Incoming Webhooks, Block Kit). The library's own retries are off:
 * the durable outbox retries. HTTP status classifies failures: 429 honours Retry-After, 5xx and
 * network errors are transient, other 4xx (bad payload, revoked webhook) permanent. A timeout
 * is uncertain (Slack may have posted it): the outbox caps how often that is repeated.
 */
import { IncomingWebhook, IncomingWebhookHTTPError, type FetchFunction } from '@slack/webhook';
import { DeliveryError, neverConnected, wrongChannel, type ChannelMessage, type Notifier } from './notifier.js';

export interface SlackNotifierOptions {
  webhookUrl: string;
  timeoutMs: number;
}

/** Retry-After is seconds or an HTTP date. */
export function parseRetryAfter(value: string | null, nowMs: number): number | undefined {
  if (!value) return undefined;
  const secs = Number(value);
  if (Number.isFinite(secs)) return Math.max(0, secs * 1000);
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}

export class SlackNotifier implements Notifier {
  readonly name = 'slack' as const;

  constructor(private readonly opts: SlackNotifierOptions) {}

  async send(msg: ChannelMessage): Promise<void> {
    if (msg.channel !== 'slack') throw wrongChannel('slack', msg);
    // The webhook error does not carry response headers: capture Retry-After on the way through.
    let retryAfter: string | null = null;
    const fetchFn: FetchFunction = async (url, init) => {
      const res = await fetch(url, init as RequestInit);
      retryAfter = res.headers.get('retry-after');
      return res;
    };
    const webhook = new IncomingWebhook(this.opts.webhookUrl, { fetch: fetchFn, timeout: this.opts.timeoutMs, retryConfig: { retries: 0 } });
    try {
      await webhook.send({ text: msg.text, blocks: msg.blocks as never, unfurl_links: false, unfurl_media: false });
    } catch (err) {
      if (err instanceof IncomingWebhookHTTPError) {
        const status = err.statusCode;
        // Never echo the URL (it is the secret); the body is Slack's short error code.
        const detail = `slack: HTTP ${status} ${String(err.body).slice(0, 200)}`;
        if (status === 429) return Promise.reject(new DeliveryError(detail, true, parseRetryAfter(retryAfter, Date.now())));
        return Promise.reject(new DeliveryError(detail, status >= 500));
      }
      const cause = (err as { original?: Error }).original ?? (err as Error);
      // fetch quotes a URL it cannot parse ("Failed to parse URL from …"): never let the secret reach logs or GET /outbox.
      const detail = (e: unknown) => String((e as Error | undefined)?.message ?? e).split(this.opts.webhookUrl).join('<webhook url>');
      const reason = detail(cause) + (cause?.cause ? ` (${detail(cause.cause)})` : '');
      // A timeout or a connection lost mid-request may still have posted the message; a connection never made did not.
      throw new DeliveryError(`slack: request failed: ${reason}`, true, undefined, !neverConnected(cause));
    }
  }
}
