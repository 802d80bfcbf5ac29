/**
 * Every ingest limit hit at the same time, against the whole service over real sockets, while
 * ordinary agents keep sending the way Fluent Bit does: a flood past the admission queue, bodies
 * past max_body_bytes, gzip past max_decoded_bytes, chunks past max_records, bodies that trickle
 * or stall, headers that stall. Each abuser gets its limit's answer (413, 408, or 503 with
 * Retry-After; JSON where the service writes a body), and the agents lose nothing: every record
 * they sent is stored exactly once. The single-limit tests are in test/ingest/; memory under
 * these limits is a benchmark figure (`npm run bench:ingest -- --mode limits`), not asserted here.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { gzipSync } from 'node:zlib';
import { startTestService } from '../helpers/service.js';
import { allEvents, post, sendLikeFluentBit, type Answer } from './helpers.js';

const LIMITS = { max_body_bytes: 512 * 1024, max_decoded_bytes: 1024 * 1024, max_records: 1000, max_inflight_records: 1500, max_inflight_decoded_bytes: 2 * 1024 * 1024, max_queued_requests: 6, max_queue_wait_s: 3, headers_timeout_s: 2, body_timeout_s: 10 };

function records(agent: string, from: number, n: number): Buffer {
  return gzipSync(JSON.stringify(Array.from({ length: n }, (_, i) => ({ file: '/var/log/syslog', offset: from + i, hostname: agent, source_kind: 'syslog', log: `Nov 21 10:00:00 ${agent} app[1]: ${agent} seq=${from + i}` }))));
}

/** A raw client: headers, then `body` at `bytesPerTick` every 250 ms (0: never); resolves with the status line's code. */
function rawClient(port: number, head: string, body: string, bytesPerTick: number): Promise<number> {
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1');
    let text = '';
    let timer: NodeJS.Timeout | undefined;
    s.setEncoding('utf8');
    s.on('data', (d: string) => (text += d));
    s.on('error', () => {});
    s.on('close', () => {
      clearInterval(timer);
      resolve(Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0));
    });
    s.write(head);
    let sent = 0;
    if (bytesPerTick > 0) timer = setInterval(() => s.writable && sent < body.length && s.write(body.slice(sent, (sent += bytesPerTick))), 250);
  });
}

test('every limit hit at once: each abuser gets its answer, the agents lose nothing', { timeout: 180_000 }, async () => {
  const t = await startTestService({ ingest: LIMITS, anomaly: { enabled: false }, alerting: { geoip: { enabled: false } } as never });
  try {
    const port = await t.service.listen();
    const url = `http://127.0.0.1:${port}/v1/ingest`;
    const H = { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip', 'X-Fluent-Tag': 'syslog' };
    const answers: Array<{ who: string; a: Answer }> = [];

    // Three agents, each 10 chunks of 200 records, resent whole until 2xx (Fluent Bit's retry).
    const agents = ['agent-a', 'agent-b', 'agent-c'].map(async (agent) => {
      for (let c = 0; c < 10; c++) await sendLikeFluentBit(url, H, records(agent, c * 200, 200), { onAttempt: (a) => a.status !== 204 && answers.push({ who: agent, a }) });
    });
    // A flooding agent: 40 chunks of 900 records at once, also resent until accepted.
    const flood = Promise.all(Array.from({ length: 40 }, (_, c) => sendLikeFluentBit(url, H, records('flooder', c * 900, 900), { onAttempt: (a) => a.status !== 204 && answers.push({ who: 'flooder', a }) })));

    // The abusers, all at once, each refused at its limit.
    const big = Buffer.alloc(LIMITS.max_body_bytes + 1, 0x20);
    const abusers = await Promise.all([
      post(url, { 'Content-Type': 'application/json' }, big).then((a) => ['body > max_body_bytes', a.status, a] as const),
      post(url, H, gzipSync(Buffer.alloc(8 * 1024 * 1024, 0x20))).then((a) => ['gzip > max_decoded_bytes', a.status, a] as const),
      post(url, H, records('abuser', 0, LIMITS.max_records + 1)).then((a) => ['records > max_records', a.status, a] as const),
      rawClient(port, `POST /v1/ingest HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n`, '['.repeat(100_000), 2).then((s) => ['trickling body', s, undefined] as const),
      rawClient(port, `POST /v1/ingest HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n[`, '', 0).then((s) => ['stalled body', s, undefined] as const),
      rawClient(port, `POST /v1/ingest HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: appl`, '', 0).then((s) => ['stalled headers', s, undefined] as const),
    ]);
    // A body's size is known from its length; its decoded size and record count only while it is
    // decoded, after admission: with the queue full, those two may be told 503 (retry) first.
    const expected: Record<string, number[]> = { 'body > max_body_bytes': [413], 'gzip > max_decoded_bytes': [413, 503], 'records > max_records': [413, 503], 'trickling body': [408], 'stalled body': [408], 'stalled headers': [408] };
    for (const [who, status, a] of abusers) {
      assert.ok(expected[who]!.includes(status), `${who}: ${status} ${a?.text ?? ''}`);
      if (a) assert.equal(typeof (JSON.parse(a.text) as { error?: unknown }).error, 'string', `${who}: JSON error`);
      if (a && status === 503) assert.ok(Number(a.headers['retry-after']) > 0, `${who}: 503 without Retry-After`);
    }

    await Promise.all([...agents, flood]);
    // What the senders were told while the service was saturated: only retryable answers, 503s with Retry-After and JSON.
    for (const { who, a } of answers) {
      assert.ok(a.status === 503 || a.status === 408 || a.status === 0, `${who}: ${a.status} ${a.text}`);
      if (a.status === 503) {
        assert.ok(Number(a.headers['retry-after']) > 0, `${who}: 503 without Retry-After`);
        assert.equal(typeof (JSON.parse(a.text) as { error?: unknown }).error, 'string');
      }
    }
    assert.ok(answers.some((x) => x.a.status === 503), `the flood reached the admission limit (${answers.length} refusals)`);

    for (const [agent, n] of [['agent-a', 2000], ['agent-b', 2000], ['agent-c', 2000], ['flooder', 36_000]] as const) {
      const events = await allEvents(`http://127.0.0.1:${port}`, {}, `&host=${agent}`);
      const seqs = new Set(events.map((e) => /seq=(\d+)/.exec(e.message)?.[1]));
      assert.equal(events.length, n, `${agent}: every record stored`);
      assert.equal(seqs.size, n, `${agent}: none twice`);
    }
    assert.equal((await allEvents(`http://127.0.0.1:${port}`, {}, '&host=abuser')).length, 0, 'nothing of a refused chunk is stored');
  } finally {
    await t.close();
  }
});
