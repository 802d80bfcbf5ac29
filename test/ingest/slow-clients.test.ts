/**
 * Slow and stalled clients hold nothing another agent needs: a body is read before it takes any
 * admission room, and one that trickles (1 byte/s) or stops is cut with 408. Raw sockets over
 * loopback against the real service, so the timing is the server's, not a client library's.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { gzipSync } from 'node:zlib';
import { postRaw, startTestService, type TestService } from '../helpers/service.js';

let t: TestService;
let port: number;
before(async () => {
  // No rate check and a short body timeout, so the slow clients are still connected, for a bounded
  // time, while the agent's chunk goes through; headers_timeout_s at its minimum for the slow-headers case.
  t = await startTestService({ ingest: { headers_timeout_s: 1, body_timeout_s: 5, min_body_rate_bytes_per_s: 0 } });
  port = await t.service.listen();
  // The decode worker loads its TypeScript on start: wait for it, so what is timed below is ingest.
  const warm = await postRaw(`http://127.0.0.1:${port}`, '/v1/ingest', { 'Content-Type': 'application/json' }, JSON.stringify([record(999_999)]));
  assert.equal(warm.status, 204);
});
after(() => t.close());

const record = (offset: number) => ({ fb_time: '2026-11-21T23:47:51.124425Z', file: '/var/log/auth.log', offset, log: `Nov 21 10:00:03 web1 sshd[3101]: Failed password for root from 203.0.113.7 port ${40000 + offset} ssh2`, hostname: 'web1', source_kind: 'auth' });

interface SlowClient { socket: Socket; answer: Promise<{ status: number; atMs: number }>; closed: () => boolean; stop(): void }

/** Sends its headers at once, then its body one byte every `everyMs` (never, when everyMs is 0). */
function slowClient(bodyLength: number, everyMs: number): SlowClient {
  return slowBodyTo(port, everyMs, bodyLength);
}

function slowBodyTo(toPort: number, everyMs: number, bodyLength = 100_000): SlowClient {
  const t0 = Date.now();
  const socket = connect(toPort, '127.0.0.1');
  let closed = false;
  let text = '';
  socket.setEncoding('utf8');
  socket.on('data', (d: string) => (text += d));
  const answer = new Promise<{ status: number; atMs: number }>((resolve) => {
    const done = () => ((closed = true), resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0), atMs: Date.now() - t0 }));
    socket.on('close', done);
    socket.on('error', () => {});
  });
  socket.write(`POST /v1/ingest HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${bodyLength}\r\n\r\n`);
  const timer = everyMs > 0 ? setInterval(() => socket.writable && socket.write('['), everyMs) : undefined;
  return { socket, answer, closed: () => closed, stop: () => (clearInterval(timer), socket.destroy()) };
}

test('16 clients trickling (1 byte/s) or stalled do not delay an agent\'s chunk; they are cut with 408', async () => {
  const slow = [...Array.from({ length: 8 }, () => slowClient(100_000, 1000)), ...Array.from({ length: 8 }, () => slowClient(100_000, 0))];
  try {
    await new Promise((r) => setTimeout(r, 300)); // their headers are in, their bodies are not
    const before = t.service.store.countEvents();
    const body = gzipSync(JSON.stringify(Array.from({ length: 500 }, (_, i) => record(i))));
    const t0 = Date.now();
    const res = await postRaw(`http://127.0.0.1:${port}`, '/v1/ingest', { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip' }, body);
    const agentMs = Date.now() - t0;
    assert.equal(res.status, 204, res.text);
    // It did not wait for them: answered before body_timeout_s (5 s), while every slow client is
    // still connected (the proof that does not depend on how loaded the machine is).
    assert.ok(agentMs < 5000, `the agent's chunk took ${agentMs} ms`);
    assert.ok(slow.every((c) => !c.closed()), 'the slow clients were still connected when the agent got its 204');
    assert.equal(t.service.store.countEvents(), before + 500);

    const answers = await Promise.all(slow.map((c) => c.answer));
    for (const a of answers) {
      assert.equal(a.status, 408);
      assert.ok(a.atMs < 9000, `cut after ${a.atMs} ms`);
    }
  } finally {
    // Always: a failed assertion must not leave their timers running (the test process would never exit).
    for (const c of slow) c.stop();
  }
});

test('with the default minimum receive rate, trickling and stalled bodies are cut after about 2 s', async () => {
  const d = await startTestService({});
  const p = await d.service.listen();
  try {
    const clients = [slowBodyTo(p, 1000), slowBodyTo(p, 0)];
    try {
      const answers = await Promise.all(clients.map((c) => c.answer));
      for (const a of answers) {
        assert.equal(a.status, 408);
        assert.ok(a.atMs >= 1900 && a.atMs < 6000, `cut after ${a.atMs} ms`);
      }
    } finally {
      for (const c of clients) c.stop();
    }
  } finally {
    await d.close();
  }
});

test('a client that stops in the middle of its headers is cut with 408 after headers_timeout_s', async () => {
  const t0 = Date.now();
  const socket = connect(port, '127.0.0.1');
  let text = '';
  socket.setEncoding('utf8');
  socket.on('data', (d: string) => (text += d));
  socket.on('error', () => {});
  socket.write('POST /v1/ingest HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: appl');
  await new Promise((r) => socket.on('close', r));
  const ms = Date.now() - t0;
  assert.match(text, /^HTTP\/1\.1 408/);
  assert.ok(ms >= 900 && ms < 4000, `cut after ${ms} ms`);
});

test('a client that goes away while its chunk waits frees its place; the others are stored', async () => {
  const before = t.service.store.countEvents();
  const bodies = Array.from({ length: 6 }, (_, k) => gzipSync(JSON.stringify(Array.from({ length: 200 }, (_, i) => record(10_000 + k * 1000 + i)))));
  const sent = bodies.map((b) => postRaw(`http://127.0.0.1:${port}`, '/v1/ingest', { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip' }, b));
  const leaver = slowClient(10, 0);
  leaver.socket.end('[{"a":1}]'); // a body shorter than declared, then gone
  const answers = await Promise.all(sent);
  assert.deepEqual(answers.map((a) => a.status), Array(6).fill(204));
  assert.equal(t.service.store.countEvents(), before + 6 * 200);
  leaver.stop();
});
