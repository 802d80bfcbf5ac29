/**
 * One small interface per delivery channel (as Alertmanager's notify/ package). A notifier only
 * delivers an already rendered message; retries, backoff and bookkeeping belong to the outbox.
 */
export type ChannelName = 'email' | 'slack' | 'forward' | 'webhook';
export const CHANNELS: readonly ChannelName[] = ['email', 'slack', 'forward', 'webhook'];

export interface EmailMessage {
  channel: 'email';
  subject: string;
  text: string;
  html: string;
  /** Overrides the configured recipients (the digest may go elsewhere). */
  to?: string[];
  /** Our Message-ID for an alert message, so a later follow-up can reply to it. */
  messageId?: string;
  /** A follow-up: the Message-ID of the alert message it answers (In-Reply-To and References). */
  inReplyTo?: string;
}

export interface SlackMessage {
  channel: 'slack';
  /** Fallback text for notifications and clients without Block Kit. */
  text: string;
  blocks: Record<string, unknown>[];
}

export interface ForwardMessage {
  channel: 'forward';
  /** One forward-protocol event per alert. */
  records: { time_ms: number; record: Record<string, unknown> }[];
}

export interface WebhookMessage {
  channel: 'webhook';
  /** The JSON body as posted; its `id` is fixed when rendered, so every retry carries the same one. */
  body: { version: '1'; id: string; kind: 'alert' | 'follow_up'; [key: string]: unknown };
}

export type ChannelMessage = EmailMessage | SlackMessage | ForwardMessage | WebhookMessage;

export interface Notifier {
  readonly name: ChannelName;
  send(msg: ChannelMessage): Promise<void>;
  close?(): Promise<void> | void;
}

/**
 * A delivery failure the outbox can act on: retryable ones are tried again once the channel's
 * pause is over (or after retryAfterMs when the server said so), permanent ones are marked failed
 * at once. `uncertain`: the request may have reached the receiver (a timeout or a connection lost
 * after it was written), so trying again may make a copy; the outbox bounds those (max_copies).
 * A refusal the receiver answered (HTTP status, SMTP reply) or a connection never made is certain.
 */
export class DeliveryError extends Error {
  override name = 'DeliveryError';
  constructor(
    message: string,
    readonly retryable: boolean,
    readonly retryAfterMs?: number,
    readonly uncertain = false,
  ) {
    super(message);
  }
}

/** Anything thrown that is not a DeliveryError is transient, and may have been delivered. */
export function asDeliveryError(err: unknown): DeliveryError {
  if (err instanceof DeliveryError) return err;
  return new DeliveryError(err instanceof Error ? err.message : String(err), true, undefined, true);
}

/** Network errors that mean no connection was made: nothing reached the receiver. */
const NOT_CONNECTED = /\b(ECONNREFUSED|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH|EADDRNOTAVAIL|UND_ERR_CONNECT_TIMEOUT)\b/;

export function neverConnected(err: unknown): boolean {
  for (let e = err as { code?: unknown; message?: unknown; cause?: unknown } | undefined, depth = 0; e && depth < 5; e = e.cause as typeof e, depth++) {
    if (NOT_CONNECTED.test(String(e.code ?? '')) || NOT_CONNECTED.test(String(e.message ?? ''))) return true;
  }
  return false;
}

export function wrongChannel(expected: ChannelName, msg: ChannelMessage): DeliveryError {
  return new DeliveryError(`${expected} notifier got a ${msg.channel} message`, false);
}
