/** Test doubles that speak the real protocols on loopback, plus a controllable clock. */
import { createServer as createHttpServer, type IncomingMessage, type Server } from 'node:http';
import { createServer as createNetServer, type Server as NetServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { decodeMulti, decodeMultiStream, encode } from '@msgpack/msgpack';
import { openDatabase } from '../../alert-service/src/store/database.js';
import type { AlertSignal } from '../../alert-service/src/generated/schema-types.js';
import type { ChannelMessage, Notifier, ChannelName } from '../../alert-service/src/alerting/notify/notifier.js';
import { DeliveryError } from '../../alert-service/src/alerting/notify/notifier.js';

export class ManualClock {
  constructor(public t = Date.parse('2026-11-20T10:00:00Z')) {}
  now = () => this.t;
  advance(ms: number): void {
    this.t += ms;
  }
}

export const memoryDb = () => openDatabase({ path: ':memory:' });

let seq = 0;
export function signal(over: Partial<AlertSignal> = {}): AlertSignal {
  seq++;
  return {
    rule_id: 'ssh-bruteforce',
    title: 'SSH brute force',
    severity: 'high',
    source: 'rule',
    host: 'web-1',
    group: { src_ip: '203.0.113.7' },
    first_seen: '2026-11-20T09:59:00Z',
    last_seen: '2026-11-20T09:59:30Z',
    count: 5,
    summary: '5 failed logins',
    fields: { user: 'root' },
    event_ids: [`e${seq}`],
    samples: [`Failed password for root from 203.0.113.7 port 22 #${seq}`],
    ...over,
  };
}

/** A Notifier that records what it is asked to send; `fail` decides per call. */
export class RecordingNotifier implements Notifier {
  sent: ChannelMessage[] = [];
  calls = 0;
  fail: ((msg: ChannelMessage, call: number) => DeliveryError | undefined) | undefined;
  delayMs = 0;
  constructor(readonly name: ChannelName) {}
  async send(msg: ChannelMessage): Promise<void> {
    this.calls++;
    if (this.delayMs) await new Promise((r) => setTimeout(r, this.delayMs));
    const err = this.fail?.(msg, this.calls);
    if (err) throw err;
    this.sent.push(msg);
  }
}

// ------------------------------------------------------------------ HTTP (Slack webhook stand-in)

export interface RecordedRequest {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

export interface FakeSlack {
  url: string;
  requests: RecordedRequest[];
  /** Responses to give, in order; when empty: 200 "ok". */
  responses: { status: number; body?: string; headers?: Record<string, string>; delayMs?: number }[];
  /** The response once `responses` is used up (default: 200 "ok" at once). */
  setDefault(r: { status: number; body?: string; delayMs?: number }): void;
  close(): Promise<void>;
}

/** `port`: listen on a given port (a receiver coming back after an outage). */
export async function startFakeSlack(port = 0): Promise<FakeSlack> {
  const requests: RecordedRequest[] = [];
  const responses: FakeSlack['responses'] = [];
  const defaults: { next?: FakeSlack['responses'][number] } = {};
  const pending = new Set<NodeJS.Timeout>();
  const server: Server = createHttpServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      const r = responses.shift() ?? defaults.next ?? { status: 200, body: 'ok' };
      const t = setTimeout(() => {
        pending.delete(t);
        res.writeHead(r.status, { 'content-type': 'text/plain', ...(r.headers ?? {}) });
        res.end(r.body ?? (r.status === 200 ? 'ok' : 'error'));
      }, r.delayMs ?? 0);
      pending.add(t);
    });
  });
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
  const bound = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${bound}/services/T000/B000/XXXX`,
    requests,
    responses,
    setDefault: (r) => (defaults.next = r),
    close: () =>
      new Promise<void>((r) => {
        for (const t of pending) clearTimeout(t);
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

// ------------------------------------------------------------------ SMTP

export interface ReceivedMail {
  from: string;
  to: string[];
  raw: string;
  secure: boolean;
  user?: string;
}

export interface FakeSmtp {
  port: number;
  mails: ReceivedMail[];
  /** Reply code for the next DATA command(s); undefined: accept. */
  rejectWith: { code: number; message: string }[];
  close(): Promise<void>;
}

export async function startFakeSmtp(opts: { secure?: boolean; auth?: { user: string; pass: string }; port?: number } = {}): Promise<FakeSmtp> {
  const mails: ReceivedMail[] = [];
  const rejectWith: FakeSmtp['rejectWith'] = [];
  const server = new SMTPServer({
    secure: opts.secure ?? false,
    // smtp-server ships a self-signed certificate, used for implicit TLS and STARTTLS here.
    authOptional: !opts.auth,
    allowInsecureAuth: true,
    disabledCommands: opts.auth ? [] : ['AUTH'],
    logger: false,
    onAuth(auth, _session, cb) {
      if (opts.auth && auth.username === opts.auth.user && auth.password === opts.auth.pass) cb(null, { user: auth.username });
      else cb(Object.assign(new Error('Invalid username or password'), { responseCode: 535 }));
    },
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const reject = rejectWith.shift();
        if (reject) return cb(Object.assign(new Error(reject.message), { responseCode: reject.code }));
        mails.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks).toString('utf8'),
          secure: session.secure,
          user: session.user as string | undefined,
        });
        cb(null);
      });
    },
  });
  // TLS handshakes the test makes fail on purpose surface here; they are not test failures.
  server.on('error', () => undefined);
  await new Promise<void>((r) => server.listen(opts.port ?? 0, '127.0.0.1', r));
  const port = (server.server.address() as AddressInfo).port;
  return { port, mails, rejectWith, close: () => new Promise<void>((r) => server.close(() => r())) };
}

/** Splits a MIME message into its headers and decoded text parts (quoted-printable / base64 / 7bit). */
export function parseMail(raw: string): { headers: string; parts: { type: string; body: string }[] } {
  const [folded = '', ...rest] = raw.split(/\r?\n\r?\n/);
  const headers = folded.replace(/\r?\n[ \t]+/g, ' '); // unfold long header lines
  const body = rest.join('\r\n\r\n');
  const boundary = /boundary="?([^";\r\n]+)"?/i.exec(headers)?.[1];
  const decode = (partHeaders: string, content: string) => {
    const enc = /content-transfer-encoding:\s*([\w-]+)/i.exec(partHeaders)?.[1]?.toLowerCase();
    if (enc === 'base64') return Buffer.from(content.replace(/\s+/g, ''), 'base64').toString('utf8');
    if (enc === 'quoted-printable')
      return Buffer.from(
        content
          .replace(/=\r?\n/g, '')
          .replace(/=([0-9A-F]{2})/gi, (_, h: string) => String.fromCharCode(parseInt(h, 16))),
        'latin1',
      ).toString('utf8');
    return content;
  };
  if (!boundary) return { headers, parts: [{ type: /content-type:\s*([^;\r\n]+)/i.exec(headers)?.[1] ?? 'text/plain', body: decode(headers, body) }] };
  const parts = body
    .split('--' + boundary)
    .slice(1, -1)
    .map((p) => {
      const trimmed = p.replace(/^\r?\n/, '');
      const [ph = '', ...pb] = trimmed.split(/\r?\n\r?\n/);
      return { type: /content-type:\s*([^;\r\n]+)/i.exec(ph)?.[1] ?? '', body: decode(ph, pb.join('\r\n\r\n')) };
    });
  return { headers, parts };
}

// ------------------------------------------------------------------ Fluent forward receiver

export interface ForwardEvent {
  tag: string;
  time: unknown;
  record: Record<string, unknown>;
}

export interface FakeForward {
  port: number;
  events: ForwardEvent[];
  /** When false, messages are read but never acknowledged. */
  ack: boolean;
  close(): Promise<void>;
}

/**
 * Forward protocol v1 receiver: decodes the msgpack stream (Message, Forward and PackedForward
 * modes) and answers {ack: chunk} when the client asked for an acknowledgement.
 */
export async function startFakeForward(port = 0): Promise<FakeForward> {
  const events: ForwardEvent[] = [];
  const sockets = new Set<Socket>();
  const state = { ack: true };
  const handle = async (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    try {
      for await (const msg of decodeMultiStream(socket)) {
        if (!Array.isArray(msg)) continue;
        const [tag, second, third, fourth] = msg as [string, unknown, unknown, unknown];
        let option: Record<string, unknown> | undefined;
        if (Array.isArray(second)) {
          for (const entry of second as [unknown, Record<string, unknown>][]) events.push({ tag, time: entry[0], record: entry[1] });
          option = third as Record<string, unknown> | undefined;
        } else if (second instanceof Uint8Array) {
          for (const entry of decodeMulti(second)) {
            const [time, record] = entry as [unknown, Record<string, unknown>];
            events.push({ tag, time, record });
          }
          option = third as Record<string, unknown> | undefined;
        } else {
          events.push({ tag, time: second, record: third as Record<string, unknown> });
          option = fourth as Record<string, unknown> | undefined;
        }
        if (state.ack && option && typeof option.chunk === 'string') socket.write(encode({ ack: option.chunk }));
      }
    } catch {
      socket.destroy();
    }
  };
  const server: NetServer = createNetServer((s) => void handle(s));
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
  const fake = {
    port: (server.address() as AddressInfo).port,
    events,
    get ack() {
      return state.ack;
    },
    set ack(v: boolean) {
      state.ack = v;
    },
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
  return fake;
}

/** A loopback port with nothing listening (bound then released). */
export async function closedPort(): Promise<number> {
  const s = createNetServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}
