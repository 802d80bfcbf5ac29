/**
 * One small interface per delivery channel (as Alertmanager's notify/ package). A notifier only
 * delivers an already rendered message; retries, backoff and bookkeeping belong to the outbox.
 */
export type ChannelName = 'email' | 'slack' | 'forward';
export const CHANNELS: readonly ChannelName[] = ['email', 'slack', 'forward'];

export interface EmailMessage {
  channel: 'email';
  subject: string;
  text: string;
  html: string;
  /** Overrides the configured recipients (the digest may go elsewhere). */
  to?: string[];
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

export type ChannelMessage = EmailMessage | SlackMessage | ForwardMessage;

export interface Notifier {
  readonly name: ChannelName;
  send(msg: ChannelMessage): Promise<void>;
  close?(): Promise<void> | void;
}

/**
 * A delivery failure the outbox can act on: retryable ones are tried again with backoff
 * (or after retryAfterMs when the server said so), permanent ones are marked failed at once.
 */
export class DeliveryError extends Error {
  override name = 'DeliveryError';
  constructor(
    message: string,
    readonly retryable: boolean,
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}

/** Anything thrown that is not a DeliveryError is treated as transient (network, timeout). */
export function asDeliveryError(err: unknown): DeliveryError {
  if (err instanceof DeliveryError) return err;
  return new DeliveryError(err instanceof Error ? err.message : String(err), true);
}

export function wrongChannel(expected: ChannelName, msg: ChannelMessage): DeliveryError {
  return new DeliveryError(`${expected} notifier got a ${msg.channel} message`, false);
}
