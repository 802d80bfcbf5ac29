/**
 * The one place that talks to Ollama, through the `ollama` npm client. The client has no timeout
 * of its own, so every call gets an AbortController that fires after `timeoutMs` and cancels the
 * HTTP request (the socket is closed, Ollama stops generating). Chat answers are streamed so a
 * runaway answer is cut off at `maxOutputChars` instead of being read to the end.
 */
import { Ollama, type Message, type Tool, type ToolCall } from 'ollama';

export interface GatewayOptions {
  host: string;
  model: string;
  timeoutMs: number;
  maxOutputChars: number;
  temperature: number;
}

/** bad_response: the answer broke off or was not Ollama's NDJSON. busy: too many requests already waiting. */
export type LlmFailure = 'timeout' | 'unreachable' | 'http_error' | 'bad_response' | 'too_long' | 'aborted' | 'busy';

export class LlmError extends Error {
  override name = 'LlmError';
  constructor(
    readonly kind: LlmFailure,
    message: string,
  ) {
    super(message);
  }
}

export interface ChatAnswer {
  content: string;
  toolCalls: ToolCall[];
  durationMs: number;
}

export interface LlmHealth {
  reachable: boolean;
  version: string | null;
  model: string;
  model_present: boolean;
  last_error: string | null;
  checked_at: string | null;
}

/** Requests waiting for the model beyond the one running; past it a caller gets LlmError('busy'). */
const MAX_WAITING = 16;

export class OllamaGateway {
  private health: LlmHealth;
  /**
   * One chat at a time: a local model serves requests one after another anyway, and a request
   * queued inside Ollama would spend its timeout waiting. The timeout starts when our turn does.
   */
  private turn: Promise<void> = Promise.resolve();
  private waiting = 0;

  constructor(private readonly opts: GatewayOptions) {
    this.health = { reachable: false, version: null, model: opts.model, model_present: false, last_error: null, checked_at: null };
  }

  get model(): string {
    return this.opts.model;
  }

  /** A client whose every request carries `signal` (the library passes its own signal for streams; both apply). */
  private client(signal: AbortSignal, progress: { answered: boolean }): Ollama {
    return new Ollama({
      host: this.opts.host,
      fetch: async (input: Parameters<typeof fetch>[0], init?: RequestInit) => {
        const res = await fetch(input, { ...init, signal: init?.signal ? AbortSignal.any([init.signal, signal]) : signal });
        progress.answered = true;
        return res;
      },
    });
  }

  /** Runs `fn` with a client that is aborted after the timeout or when `outer` aborts. */
  private async withDeadline<T>(outer: AbortSignal | undefined, fn: (client: Ollama, signal: AbortSignal) => Promise<T>): Promise<T> {
    const ctrl = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      ctrl.abort();
    }, this.opts.timeoutMs);
    const onOuter = () => ctrl.abort();
    // A failure after Ollama started answering is a broken answer, not an unreachable server.
    const progress = { answered: false };
    outer?.addEventListener('abort', onOuter, { once: true });
    try {
      return await fn(this.client(ctrl.signal, progress), ctrl.signal);
    } catch (err) {
      if (err instanceof LlmError) throw err;
      if (timedOut) throw new LlmError('timeout', `no complete answer within ${this.opts.timeoutMs} ms (request cancelled)`);
      if (ctrl.signal.aborted) throw new LlmError('aborted', 'request cancelled');
      throw classify(err, progress.answered);
    } finally {
      clearTimeout(timer);
      outer?.removeEventListener('abort', onOuter);
    }
  }

  /**
   * One chat turn, streamed. `format` is a JSON Schema for structured output; `tools` enables
   * tool calling. Throws LlmError; the caller validates the content.
   */
  async chat(messages: Message[], opts: { format?: object; tools?: Tool[]; signal?: AbortSignal } = {}): Promise<ChatAnswer> {
    if (this.waiting >= MAX_WAITING) throw new LlmError('busy', `${MAX_WAITING} model requests already waiting`);
    this.waiting++;
    const previous = this.turn;
    let release!: () => void;
    this.turn = new Promise<void>((r) => (release = r));
    try {
      await previous;
      this.waiting--;
      if (opts.signal?.aborted) throw new LlmError('aborted', 'request cancelled');
      return await this.chatNow(messages, opts);
    } finally {
      release();
    }
  }

  private async chatNow(messages: Message[], opts: { format?: object; tools?: Tool[]; signal?: AbortSignal }): Promise<ChatAnswer> {
    const started = Date.now();
    try {
      const answer = await this.withDeadline(opts.signal, async (client) => {
        const stream = await client.chat({
          model: this.opts.model,
          messages,
          stream: true,
          ...(opts.format ? { format: opts.format } : {}),
          ...(opts.tools ? { tools: opts.tools } : {}),
          options: { temperature: this.opts.temperature },
        });
        let content = '';
        const toolCalls: ToolCall[] = [];
        for await (const part of stream) {
          content += part.message?.content ?? '';
          if (part.message?.tool_calls) toolCalls.push(...part.message.tool_calls);
          if (content.length > this.opts.maxOutputChars) {
            stream.abort();
            throw new LlmError('too_long', `answer longer than ${this.opts.maxOutputChars} characters (cut off)`);
          }
          if (part.done) break;
        }
        return { content, toolCalls };
      });
      this.markReachable();
      return { ...answer, durationMs: Date.now() - started };
    } catch (err) {
      const e = err as LlmError;
      if (e.kind === 'unreachable' || e.kind === 'timeout') this.markDown(e.message);
      else this.health.last_error = e.message;
      throw e;
    }
  }

  /** Asks /api/version and /api/tags: is Ollama up, and is the configured model pulled. */
  async checkHealth(): Promise<LlmHealth> {
    try {
      const { version, models } = await this.withDeadline(undefined, async (client) => {
        const v = await client.version();
        const tags = await client.list();
        return { version: v.version, models: tags.models.map((m) => m.name) };
      });
      const wanted = this.opts.model.includes(':') ? this.opts.model : `${this.opts.model}:latest`;
      const present = models.includes(this.opts.model) || models.includes(wanted);
      this.health = {
        reachable: true,
        version: String(version).slice(0, 64),
        model: this.opts.model,
        model_present: present,
        last_error: present ? this.health.last_error : `model ${this.opts.model} is not pulled (ollama pull ${this.opts.model})`,
        checked_at: new Date().toISOString(),
      };
    } catch (err) {
      this.markDown((err as Error).message);
    }
    return this.status();
  }

  status(): LlmHealth {
    return { ...this.health };
  }

  private markReachable(): void {
    this.health.reachable = true;
    this.health.checked_at = new Date().toISOString();
  }

  private markDown(message: string): void {
    this.health = { ...this.health, reachable: false, last_error: message.slice(0, 500), checked_at: new Date().toISOString() };
  }
}

/** Maps what fetch and the client throw onto the failure kinds counted in metrics. */
function classify(err: unknown, answered: boolean): LlmError {
  const e = err as { name?: string; status_code?: number; message?: string; cause?: { code?: string } };
  if (typeof e.status_code === 'number') return new LlmError('http_error', `Ollama answered ${e.status_code}: ${String(e.message).slice(0, 300)}`);
  if (answered || e.name === 'SyntaxError') return new LlmError('bad_response', `the answer broke off or is not Ollama's format: ${String(e.message).slice(0, 200)}`);
  const code = e.cause?.code ?? '';
  return new LlmError('unreachable', `Ollama unreachable${code ? ` (${code})` : ''}: ${String(e.message).slice(0, 300)}`);
}
