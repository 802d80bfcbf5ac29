/**
 * POST /v1/ingest: what Fluent Bit's out_http sends. Replies 204 only once the chunk's events
 * are durably stored (Fluent Bit counts 200-205 as success and logs any body it gets).
 * Status codes follow its retry rules: 503/429/408 are retried, other 4xx drop the chunk.
 *
 * Flow control, in the order a request meets it:
 *   1. the body is read first, holding nothing but its own bytes (bounded across all requests by
 *      max_queued_body_bytes) and cut with 408 when it arrives too slowly: a stalled client never
 *      holds room another agent's chunk needs;
 *   2. the received chunk then waits for admission by decoded bytes and records in flight
 *      (admission.ts), and while detection's handoff is full, held rather than refused, for at
 *      most max_queue_wait_s;
 *   3. decoded (a worker thread counts bytes and records as it goes, stopping early at a limit),
 *      stored (chunks decoded together share one commit: commit-batch.ts), answered.
 */
import type { Request, Response } from 'express';
import type { IngestConfig } from '../generated/schema-types.js';
import type { EventStore, StoredBatch } from '../store/event-store.js';
import type { IngestFlowState, IngestMetrics } from '../server/metrics.js';
import { createTokenCheck } from './auth.js';
import { BodyBudget, estimateDecodedBytes, readBody } from './body.js';
import { IngestError } from './errors.js';
import { AdmissionQueue, type Ticket } from './admission.js';
import type { ChunkDecoder } from './decode-pool.js';
import { createCommitBatcher } from './commit-batch.js';

export interface IngestDeps {
  config: IngestConfig;
  store: EventStore;
  /** Turns a body into events and dead letters (on worker threads, or inline). */
  decoder: ChunkDecoder;
  metrics: IngestMetrics;
  /** Stored events not yet through every consumer; above config.max_backlog ingest pushes back. */
  backlog: () => number;
  /** Called with what a batch newly stored, so the pipeline pump takes it on. */
  onStored: (stored: StoredBatch) => void;
  /** False while the pump's handoff is full: chunks wait for admission (call the handler's poke() once it has room). */
  downstreamRoom?: () => boolean;
  log?: (msg: string) => void;
}

/**
 * Decoded bytes assumed per record to reserve records before the real count is known: real
 * records are 150-400 bytes of JSON, so a typical chunk is over-reserved about twice until decoded.
 */
const ESTIMATED_BYTES_PER_RECORD = 128;

export interface IngestHandler {
  (req: Request, res: Response): Promise<void>;
  /** What is held right now, for metrics and tests. */
  readonly state: () => IngestFlowState;
  /** Downstream has room again: admit the chunks that wait for it. */
  readonly poke: () => void;
}

export function createIngestHandler(deps: IngestDeps): IngestHandler {
  const { config, metrics } = deps;
  const tokenOk = config.tokens.length ? createTokenCheck(config.tokens) : () => true;
  const tagHeader = config.tag_header.toLowerCase();
  const bodies = new BodyBudget(config.max_queued_body_bytes);
  const admission = new AdmissionQueue({
    maxBytes: config.max_inflight_decoded_bytes,
    maxRecords: config.max_inflight_records,
    maxWaitMs: config.max_queue_wait_s * 1000,
    maxQueued: config.max_queued_requests,
    ...(deps.downstreamRoom ? { downstreamRoom: deps.downstreamRoom } : {}),
  });
  const commits = createCommitBatcher(deps.store, ({ inserted, duplicates }, stored) => {
    metrics.records.inc({ outcome: 'stored' }, inserted);
    metrics.records.inc({ outcome: 'duplicate' }, duplicates);
    if (inserted) deps.onStored(stored);
  });
  const bodyLimits = { maxBytes: config.max_body_bytes, timeoutMs: config.body_timeout_s * 1000, minBytesPerS: config.min_body_rate_bytes_per_s };

  const reply = (res: Response, err: IngestError) => {
    metrics.rejected.inc({ reason: err.code });
    metrics.requests.inc({ status: String(err.status) });
    if (res.headersSent || res.destroyed) return;
    if (err.retryAfterSeconds) res.setHeader('Retry-After', String(err.retryAfterSeconds));
    // Connection: close when the body was not read to its end: its unread rest must not poison a kept-alive socket.
    if (err.status === 413 || err.status === 408 || err.code === 'busy' && !res.req.readableEnded) res.setHeader('Connection', 'close');
    res.status(err.status).json({ error: err.code, message: err.message });
    // A client too slow to send its body may be as slow to read: do not keep its socket for it.
    if (err.status === 408) res.once('finish', () => res.req.socket.destroy());
  };

  const handler = async function ingest(req: Request, res: Response): Promise<void> {
    const started = process.hrtime.bigint();
    if (!tokenOk(req.headers.authorization)) {
      req.resume();
      return reply(res, new IngestError(401, 'unauthorized', 'missing or wrong Bearer token'));
    }
    const backlog = deps.backlog();
    if (backlog > config.max_backlog) {
      req.resume();
      return reply(res, new IngestError(503, 'backlog', `${backlog} events are waiting for detection; retry later`, 5));
    }
    // Fluent Bit gives up on a response after 60 s and resends: stop working for a request nobody waits for.
    const gone = new AbortController();
    const onClose = () => !res.writableFinished && gone.abort();
    res.once('close', onClose);
    let received: Awaited<ReturnType<typeof readBody>> | undefined;
    let ticket: Ticket | undefined;
    try {
      received = await readBody(req, bodyLimits, bodies);
      const raw = received.body;
      metrics.bytes.inc(raw.length);
      const estimate = estimateDecodedBytes(raw, req.headers['content-encoding'], config.max_decoded_bytes);
      const records = Math.min(config.max_records, Math.max(1, Math.ceil(estimate / ESTIMATED_BYTES_PER_RECORD)));
      ticket = await admission.acquire({ bytes: estimate, records }, gone.signal);
      const tagValue = req.headers[tagHeader];
      const tag = typeof tagValue === 'string' ? tagValue.slice(0, 512) : undefined;
      const encoding = req.headers['content-encoding'];
      const chunk = await deps.decoder.decode({
        body: raw, // moved to the worker thread, not copied: do not touch it after this
        receivedAtMs: Date.now(),
        ...(tag !== undefined ? { tag } : {}),
        ...(encoding !== undefined ? { contentEncoding: encoding } : {}),
      });
      received.release(); // what is held now is the decoded rows, accounted by the ticket
      ticket.resize({ bytes: chunk.decodedBytes, records: chunk.records });
      await commits.commit(chunk.rows, chunk.deadLetters);
      metrics.records.inc({ outcome: 'dead_letter' }, chunk.deadLetterCount);
      metrics.records.inc({ outcome: 'blank' }, chunk.blank);
      metrics.latency.observe(Number(process.hrtime.bigint() - started) / 1e9);
      metrics.requests.inc({ status: '204' });
      res.status(204).end();
    } catch (err) {
      if (err instanceof IngestError) return reply(res, err);
      // Storage failures (disk full, locked) are ours, not the sender's: 503 so Fluent Bit keeps the chunk.
      deps.log?.(`ingest failed: ${(err as Error).message}`);
      reply(res, new IngestError(503, 'storage_unavailable', 'events could not be stored; retry later', 5));
    } finally {
      received?.release();
      ticket?.release();
      res.off('close', onClose);
    }
  } as IngestHandler;
  const state = () => ({ bodyBytes: bodies.held, inFlightBytes: admission.inFlight.bytes, inFlightRecords: admission.inFlight.records, waiting: admission.waiting });
  Object.defineProperty(handler, 'state', { value: state });
  Object.defineProperty(handler, 'poke', { value: () => admission.poke() });
  metrics.observeFlow(state);
  return handler;
}
