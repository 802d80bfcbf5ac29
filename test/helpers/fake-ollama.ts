/**
 * An HTTP server on loopback that speaks Ollama's API (/api/version, /api/tags, /api/chat streamed
 * as NDJSON or not), driven by the real `ollama` client in tests. Each chat request is answered
 * by the current `behaviour`; requests are recorded, and so are connections the client closed
 * before the answer was complete (how a cancelled request shows on the server side).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export type ChatBehaviour =
  | { kind: 'answer'; content: string; chunks?: number; delayMs?: number }
  | { kind: 'tool_calls'; calls: Array<{ name: string; arguments: Record<string, unknown> }> }
  | { kind: 'hang' }
  | { kind: 'endless' }
  | { kind: 'status'; code: number; body?: string }
  | { kind: 'truncated' };

export interface ChatRequestSeen {
  model: string;
  stream?: boolean;
  format?: unknown;
  tools?: unknown;
  messages: Array<{ role: string; content: string }>;
}

export class FakeOllama {
  readonly chats: ChatRequestSeen[] = [];
  cancelled = 0;
  models = ['llama3.1:8b'];
  behaviour: ChatBehaviour | ((req: ChatRequestSeen) => ChatBehaviour) = { kind: 'answer', content: '{}' };
  private server: Server | undefined;
  private timers = new Set<NodeJS.Timeout>();

  get url(): string {
    return `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}`;
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      let body = '';
      req.on('data', (d: Buffer) => (body += d));
      req.on('end', () => {
        if (req.method === 'GET' && req.url === '/api/version') return json(res, { version: '0.12.6' });
        if (req.method === 'GET' && req.url === '/api/tags') {
          return json(res, { models: this.models.map((name) => ({ name, model: name, modified_at: '2026-11-01T00:00:00Z', size: 1, digest: 'x', details: {} })) });
        }
        if (req.method === 'POST' && req.url === '/api/chat') return this.chat(JSON.parse(body) as ChatRequestSeen, res);
        res.statusCode = 404;
        res.end('{"error":"not found"}');
      });
    });
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    return this;
  }

  private chat(reqBody: ChatRequestSeen, res: import('node:http').ServerResponse): void {
    this.chats.push(reqBody);
    const b = typeof this.behaviour === 'function' ? this.behaviour(reqBody) : this.behaviour;
    let finished = false;
    res.on('close', () => {
      if (!finished) this.cancelled++;
    });
    const done = () => {
      finished = true;
      res.end();
    };
    const msg = (content: string, isDone: boolean, extra: Record<string, unknown> = {}) =>
      JSON.stringify({ model: reqBody.model, created_at: new Date().toISOString(), message: { role: 'assistant', content, ...extra }, done: isDone, ...(isDone ? { done_reason: 'stop' } : {}) });
    switch (b.kind) {
      case 'status':
        finished = true;
        res.writeHead(b.code, { 'Content-Type': 'application/json' });
        res.end(b.body ?? JSON.stringify({ error: `status ${b.code}` }));
        return;
      case 'hang':
        res.writeHead(200, { 'Content-Type': 'application/x-ndjson' });
        return; // headers only; never a body
      case 'truncated':
        res.writeHead(200, { 'Content-Type': 'application/x-ndjson' });
        res.write('{"model":"x","message":{"role":"assistant","content":"{\\"summ');
        finished = true;
        // Cut the connection once the partial line is on the wire.
        this.timers.add(setTimeout(() => res.destroy(), 30));
        return;
      case 'endless': {
        res.writeHead(200, { 'Content-Type': 'application/x-ndjson' });
        const t = setInterval(() => res.write(msg('blah blah blah blah ', false) + '\n'), 2);
        this.timers.add(t);
        res.on('close', () => clearInterval(t));
        return;
      }
      case 'tool_calls':
        if (reqBody.stream === false) {
          finished = true;
          return json(res, JSON.parse(msg('', true, { tool_calls: b.calls.map((c) => ({ function: c })) })) as object);
        }
        res.writeHead(200, { 'Content-Type': 'application/x-ndjson' });
        res.write(msg('', false, { tool_calls: b.calls.map((c) => ({ function: c })) }) + '\n');
        res.write(msg('', true) + '\n');
        return done();
      case 'answer': {
        if (reqBody.stream === false) {
          finished = true;
          return json(res, JSON.parse(msg(b.content, true)) as object);
        }
        res.writeHead(200, { 'Content-Type': 'application/x-ndjson' });
        const n = Math.max(1, b.chunks ?? 3);
        const size = Math.ceil(b.content.length / n);
        const parts = Array.from({ length: n }, (_, i) => b.content.slice(i * size, (i + 1) * size));
        const send = (i: number) => {
          if (i < parts.length) {
            res.write(msg(parts[i]!, false) + '\n');
            const t = setTimeout(() => send(i + 1), b.delayMs ?? 0);
            this.timers.add(t);
          } else {
            res.write(msg('', true) + '\n');
            done();
          }
        };
        send(0);
        return;
      }
    }
  }

  async close(): Promise<void> {
    for (const t of this.timers) clearTimeout(t);
    this.server?.closeAllConnections();
    await new Promise<void>((r) => this.server?.close(() => r()) ?? r());
  }
}

function json(res: import('node:http').ServerResponse, body: object): void {
  res.writeHead(200, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify(body));
}
