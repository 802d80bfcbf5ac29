/**
 * Fluent forward protocol through @fluent-org/logger: each alert becomes one structured event
 * tagged <tag_prefix>.<tag>, sent with acknowledgements (chunk/ack) so a send only counts once the
 * receiver (Fluent Bit / Fluentd `forward` input) confirmed it.
 *
 * A client is created per message and shut down afterwards: FluentClient keeps unsent events in
 * memory and retries on its own, which would duplicate what the durable outbox already retries
 * (and lose it on restart). Alert volume is rate limited, so a connection per message is cheap.
 */
import { FluentClient, FluentSocketEvent } from '@fluent-org/logger';
import { DeliveryError, neverConnected, wrongChannel, type ChannelMessage, type Notifier } from './notifier.js';

export interface ForwardNotifierOptions {
  host: string;
  port: number;
  tagPrefix: string;
  tag: string;
  timeoutMs: number;
}

export class ForwardNotifier implements Notifier {
  readonly name = 'forward' as const;

  constructor(private readonly opts: ForwardNotifierOptions) {}

  async send(msg: ChannelMessage): Promise<void> {
    if (msg.channel !== 'forward') throw wrongChannel('forward', msg);
    const client = new FluentClient(this.opts.tagPrefix, {
      eventMode: 'Message',
      socket: { host: this.opts.host, port: this.opts.port, timeout: this.opts.timeoutMs, disableReconnect: true },
      ack: { ackTimeout: this.opts.timeoutMs },
      milliseconds: true,
      disableAutoconnect: true,
      sendQueueMaxLimit: { length: 1000 },
    });
    let socketError: Error | undefined;
    client.socketOn(FluentSocketEvent.ERROR, (e: Error) => (socketError = e));
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      // No ack in time: the receiver may have the records (uncertain) unless we never got connected.
      timer = setTimeout(
        () => reject(new DeliveryError(`forward: no ack within ${this.opts.timeoutMs} ms${socketError ? ` (${socketError.message})` : ''}`, true, undefined, !neverConnected(socketError))),
        this.opts.timeoutMs,
      );
    });
    try {
      const sends = (async () => {
        await client.connect();
        await Promise.all(msg.records.map((r) => client.emit(this.opts.tag, r.record, r.time_ms)));
      })();
      sends.catch(() => undefined);
      await Promise.race([sends, timeout]);
    } catch (err) {
      if (err instanceof DeliveryError) throw err;
      throw new DeliveryError(`forward: ${socketError?.message ?? (err as Error).message ?? String(err)}`, true, undefined, !neverConnected(socketError ?? err));
    } finally {
      clearTimeout(timer);
      // shutdown rejects whatever is still queued, so nothing is re-sent behind the outbox's back.
      await client.shutdown().catch(() => undefined);
    }
  }
}
