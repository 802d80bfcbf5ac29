/** The admission queue on its own: budgets, arrival order, clients that leave, and refusing a wait that would be too long. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AdmissionQueue, type Ticket } from '../../alert-service/src/ingest/admission.js';
import type { IngestError } from '../../alert-service/src/ingest/errors.js';

const tick = () => new Promise((r) => setImmediate(r));
const settled = async (p: Promise<unknown>) => {
  let done = false;
  void p.then(() => (done = true), () => (done = true));
  await tick();
  return done;
};

test('chunks are admitted within the byte and record budgets, in arrival order; one alone always fits', async () => {
  const q = new AdmissionQueue({ maxBytes: 1000, maxRecords: 10, maxWaitMs: 5000, maxQueued: 10 });
  const a = await q.acquire({ bytes: 800, records: 2 });
  const b = q.acquire({ bytes: 500, records: 2 });
  const c = q.acquire({ bytes: 100, records: 1 }); // would fit now, but waits behind b
  assert.equal(await settled(b), false);
  assert.equal(await settled(c), false);
  assert.equal(q.waiting, 2);
  a.release();
  const [tb, tc] = await Promise.all([b, c]);
  assert.deepEqual(q.inFlight, { bytes: 600, records: 3 });
  // Records are a budget too, and the real size replaces the estimate.
  const d = q.acquire({ bytes: 1, records: 8 });
  assert.equal(await settled(d), false);
  tb.resize({ bytes: 400, records: 1 }); // decoded: fewer records than estimated → room for d
  const td = await d;
  assert.deepEqual(q.inFlight, { bytes: 501, records: 10 });
  for (const t of [tb, tc, td]) t.release();
  // Bigger than the whole budget: clamped, admitted alone.
  const huge = await q.acquire({ bytes: 10_000, records: 1_000 });
  assert.deepEqual(q.inFlight, { bytes: 1000, records: 10 });
  huge.release();
  huge.release(); // idempotent
  assert.deepEqual(q.inFlight, { bytes: 0, records: 0 });
});

test('a client that goes away while waiting leaves the queue; the chunk behind it moves up', async () => {
  const q = new AdmissionQueue({ maxBytes: 100, maxRecords: 100, maxWaitMs: 5000, maxQueued: 2 });
  const a = await q.acquire({ bytes: 100, records: 1 });
  const gone = new AbortController();
  const b = q.acquire({ bytes: 100, records: 1 }, gone.signal);
  const c = q.acquire({ bytes: 100, records: 1 });
  await assert.rejects(q.acquire({ bytes: 1, records: 1 }), (e: IngestError) => e.status === 503 && e.code === 'busy' && e.retryAfterSeconds! >= 1);
  gone.abort();
  await assert.rejects(b, (e: IngestError) => e.status === 503 && e.code === 'client_gone');
  assert.equal(q.waiting, 1);
  a.release();
  (await c).release();
  assert.equal(q.waiting, 0);
  // Already gone before it queued: refused, and the count stays right.
  const a2 = await q.acquire({ bytes: 100, records: 1 });
  await assert.rejects(q.acquire({ bytes: 1, records: 1 }, AbortSignal.abort()), (e: IngestError) => e.code === 'client_gone');
  assert.equal(q.waiting, 0);
  a2.release();
});

test('a chunk the drain rate says would wait past max_queue_wait is refused at once, not after the wait', async () => {
  const q = new AdmissionQueue({ maxBytes: 100, maxRecords: 1_000, maxWaitMs: 400, maxQueued: 1_000 });
  // Saturate: one in flight, a queue behind it, completions every ~20 ms (≈ 5 bytes/ms).
  let current: Ticket = await q.acquire({ bytes: 100, records: 1 });
  const queued = Array.from({ length: 12 }, () => q.acquire({ bytes: 100, records: 1 }));
  for (let i = 0; i < 10; i++) {
    await new Promise((r) => setTimeout(r, 20));
    current.release();
    current = await queued[i]!;
  }
  // Keep queueing: once the work ahead exceeds 400 ms at the measured rate, the next is refused at once.
  const more: Array<Promise<Ticket>> = [];
  let refused: IngestError | undefined;
  const t0 = Date.now();
  while (!refused && more.length < 100) {
    const p = q.acquire({ bytes: 100, records: 1 });
    const r = await Promise.race([p.then(() => 'admitted', (e: IngestError) => e), tick().then(() => 'waiting')]);
    if (typeof r === 'string') more.push(p);
    else refused = r;
  }
  assert.ok(refused && refused.code === 'busy' && /would take/.test(refused.message), String(refused?.message));
  assert.ok(Date.now() - t0 < 200, 'refused without waiting');
  // 2 left in the queue + those accepted: about 400 ms of work at the measured rate, not the whole 100.
  assert.ok(more.length >= 1 && more.length < 40, `${more.length} accepted before the refusal`);
  // Clean up: let everything through.
  current.release();
  for (const p of [...queued.slice(10), ...more]) (await p).release();
  assert.deepEqual(q.inFlight, { bytes: 0, records: 0 });
});

test('while downstream has no room every chunk waits, even one alone; poke() admits what fits once it has; the wait stays bounded', async () => {
  let room = false;
  const q = new AdmissionQueue({ maxBytes: 1000, maxRecords: 100, maxWaitMs: 300, maxQueued: 10, downstreamRoom: () => room });
  const a = q.acquire({ bytes: 100, records: 1 });
  const b = q.acquire({ bytes: 100, records: 1 });
  assert.equal(await settled(a), false, 'alone, but downstream is full');
  assert.equal(q.waiting, 2);
  q.poke(); // no room yet: nothing moves
  assert.equal(await settled(a), false);
  room = true;
  q.poke();
  const [ta, tb] = await Promise.all([a, b]);
  assert.deepEqual(q.inFlight, { bytes: 200, records: 2 });
  ta.release();
  tb.release();
  // Downstream stays full: refused after maxWaitMs with the usual 503, not held forever.
  room = false;
  await assert.rejects(q.acquire({ bytes: 100, records: 1 }), (e: IngestError) => e.status === 503 && e.code === 'busy' && /no room/.test(e.message));
  assert.equal(q.waiting, 0);
});
