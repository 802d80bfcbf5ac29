/**
 * Helpers for the proof suite: the service as a real child process (`logward serve`, so SIGKILL
 * is a real SIGKILL) on a fixed port that survives restarts, a sender that retries a chunk the way
 * Fluent Bit's out_http does, and small HTTP receivers.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, request, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { mulberry32 } from '../../alert-service/src/anomaly/forest/rng.js';

export const BIN = join(import.meta.dirname, '..', '..', 'alert-service', 'bin', 'logward.js');
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A seeded PRNG (the project's mulberry32): each fuzz test's cases are fixed by its seed. */
export const seededRandom = (seed: number): (() => number) => mulberry32(seed).next;

/** A port that was free a moment ago (the child binds it; a restart binds it again). */
export { closedPort as freePort } from '../alerting/helpers.js';

export interface ChildService {
  child: ChildProcess;
  base: string;
  /** Everything the process wrote to stdout and stderr so far. */
  output: () => string;
  kill(signal: 'SIGTERM' | 'SIGKILL'): Promise<void>;
}

/** Starts `logward serve` with exactly this environment (plus PATH/HOME) and waits for "listening". */
export async function startChild(env: Record<string, string>, cwd: string, args: string[] = []): Promise<ChildService> {
  const child = spawn(process.execPath, [BIN, 'serve', ...args], { cwd, env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const deadline = Date.now() + 60_000;
  for (;;) {
    const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
    if (m) {
      return {
        child,
        base: m[1]!,
        output: () => out,
        async kill(signal) {
          if (child.exitCode === null && child.signalCode === null) child.kill(signal);
          await exited;
        },
      };
    }
    if (child.exitCode !== null) throw new Error(`service exited: ${out}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`service did not start: ${out}`);
    }
    await sleep(20);
  }
}

/** Waits until the service answers /readyz 200 (its modules started). */
export async function ready(base: string, timeoutMs = 30_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    try {
      if ((await fetch(`${base}/readyz`)).status === 200) return;
    } catch {
      /* not up yet */
    }
    if (Date.now() > end) throw new Error('service not ready');
    await sleep(50);
  }
}

export interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
}

/** One POST over a fresh connection; status 0 for a connection error or no answer within timeoutMs. */
export function post(url: string, headers: Record<string, string>, body: Buffer | string, timeoutMs = 30_000): Promise<Answer> {
  const u = new URL(url);
  return new Promise((resolve) => {
    const req = request({ host: u.hostname, port: u.port, path: u.pathname + u.search, method: 'POST', agent: false, headers: { ...headers, 'Content-Length': String(Buffer.byteLength(body)) } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }));
      res.on('error', () => resolve({ status: 0, headers: {}, text: '' }));
    });
    req.on('error', () => resolve({ status: 0, headers: {}, text: '' }));
    req.setTimeout(timeoutMs, () => req.destroy(new Error('response timeout')));
    req.end(body);
  });
}

/**
 * Sends one chunk as Fluent Bit's out_http does: the whole chunk again after a 5xx, 408, 429, a
 * connection error or no answer, until a 2xx; another 4xx drops the chunk (thrown here, since no
 * test chunk should be dropped). The backoff is short (Fluent Bit's is seconds) so tests stay fast.
 */
export async function sendLikeFluentBit(url: string, headers: Record<string, string>, body: Buffer | string, opts: { maxAttempts?: number; onAttempt?: (a: Answer) => void } = {}): Promise<{ attempts: number }> {
  const max = opts.maxAttempts ?? 400;
  for (let attempt = 1; attempt <= max; attempt++) {
    const a = await post(url, headers, body);
    opts.onAttempt?.(a);
    if (a.status >= 200 && a.status < 300) return { attempts: attempt };
    if (a.status >= 400 && a.status < 500 && a.status !== 408 && a.status !== 429) throw new Error(`chunk dropped: HTTP ${a.status} ${a.text}`);
    await sleep(Math.min(500, 25 * 2 ** Math.min(attempt, 5)));
  }
  throw new Error(`chunk not accepted after ${max} attempts`);
}

/** Reads every stored event through the public events API, page by page. */
export async function allEvents(base: string, headers: Record<string, string> = {}, query = ''): Promise<Array<{ id: string; host: string; message: string }>> {
  const out: Array<{ id: string; host: string; message: string }> = [];
  let after: string | undefined;
  for (;;) {
    const res = await fetch(`${base}/api/events?limit=10000${query}${after ? `&after=${encodeURIComponent(after)}` : ''}`, { headers });
    if (res.status !== 200) throw new Error(`GET /api/events: ${res.status} ${await res.text()}`);
    const page = (await res.json()) as { events: Array<{ id: string; host: string; message: string }>; next?: string };
    out.push(...page.events);
    if (!page.next) return out;
    after = page.next;
  }
}

/** A metric's value (summed over its series when the name has no labels given). */
export async function metric(base: string, name: string, headers: Record<string, string> = {}): Promise<number> {
  const text = await (await fetch(`${base}/metrics`, { headers })).text();
  const re = new RegExp(`^${name.replace(/[{}"]/g, (c) => '\\' + c)}(?:\\{[^}]*\\})? (\\S+)$`, 'gm');
  return [...text.matchAll(re)].reduce((a, m) => a + Number(m[1]), 0);
}

export interface Receiver {
  url: string;
  port: number;
  /** Requests received, in arrival order, with the time each arrived and the status it was answered. */
  received: Array<{ at: number; path: string; headers: IncomingHttpHeaders; body: string; status: number }>;
  /** How the next requests are answered. */
  mode: { status: number; delayMs: number };
  /** Stops listening: connections are refused (what a receiver that is down looks like). */
  down(): Promise<void>;
  /** Listens again on the same port. */
  up(): Promise<void>;
  close(): Promise<void>;
}

/** An HTTP receiver (a Slack webhook, a generic webhook) whose answers a test switches at will. */
export async function startReceiver(port = 0): Promise<Receiver> {
  let server: Server | undefined;
  const r: Receiver = {
    url: '',
    port,
    received: [],
    mode: { status: 200, delayMs: 0 },
    async up() {
      if (server) return;
      const s = createServer((req, res) => {
        let body = '';
        req.on('data', (d: Buffer) => (body += d.toString()));
        req.on('end', () => {
          const mode = r.mode;
          r.received.push({ at: Date.now(), path: req.url ?? '', headers: req.headers, body, status: mode.status });
          setTimeout(() => {
            res.statusCode = mode.status;
            res.end(mode.status < 300 ? 'ok' : 'unavailable');
          }, mode.delayMs);
        });
      });
      await new Promise<void>((resolve) => s.listen(r.port, '127.0.0.1', resolve));
      r.port = (s.address() as AddressInfo).port;
      r.url = `http://127.0.0.1:${r.port}/services/T000/B000/XXXX`;
      server = s;
    },
    async down() {
      const s = server;
      server = undefined;
      if (!s) return;
      s.closeAllConnections();
      await new Promise((res) => s.close(res));
    },
    close: () => r.down(),
  };
  await r.up();
  return r;
}

/** Until cond() holds; fails naming what it waited for. */
export async function waitFor(what: string, cond: () => boolean | Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(25);
  }
}
