/**
 * POST /v1/ingest: what Fluent Bit's out_http sends. Replies 204 only once the chunk's events
 * are durably stored (Fluent Bit counts 200-205 as success and logs any body it gets).
 * Status codes follow its retry rules: 503/429 are retried, other 4xx drop the chunk.
 */
import type { Request, Response } from 'express';
import type { IngestConfig } from '../generated/schema-types.js';
import type { EventStore, StoredEncoded } from '../store/event-store.js';
import type { IngestMetrics } from '../server/metrics.js';
import { createTokenCheck } from './auth.js';
import { readBody } from './body.js';
import { IngestError } from './errors.js';
import type { ChunkDecoder } from './decode-pool.js';

export interface IngestDeps {
  config: IngestConfig;
  store: EventStore;
  /** Turns a body into events and dead letters (on worker threads, or inline). */
  decoder: ChunkDecoder;
  metrics: IngestMetrics;
  /** Stored events not yet through every consumer; above config.max_backlog ingest pushes back. */
  backlog: () => number;
  /** Called with what a batch newly stored, so the pipeline pump takes it on. */
  onStored: (stored: readonly StoredEncoded[]) => void;
  log?: (msg: string) => void;
}

export function createIngestHandler(deps: IngestDeps) {
  const { config, metrics } = deps;
  const tokenOk = config.tokens.length ? createTokenCheck(config.tokens) : () => true;
  const tagHeader = config.tag_header.toLowerCase();
  let inFlight = 0;

  const reply = (res: Response, err: IngestError) => {
    metrics.rejected.inc({ reason: err.code });
    metrics.requests.inc({ status: String(err.status) });
    if (err.retryAfterSeconds) res.setHeader('Retry-After', String(err.retryAfterSeconds));
    // Connection: close on errors: the unread rest of a refused body must not poison a kept-alive socket.
    if (err.status === 413) res.setHeader('Connection', 'close');
    res.status(err.status).json({ error: err.code, message: err.message });
  };

  return async function ingest(req: Request, res: Response): Promise<void> {
    const started = process.hrtime.bigint();
    if (!tokenOk(req.headers.authorization)) {
      req.resume();
      return reply(res, new IngestError(401, 'unauthorized', 'missing or wrong Bearer token'));
    }
    if (inFlight >= config.max_concurrent) {
      req.resume();
      return reply(res, new IngestError(503, 'busy', `more than ${config.max_concurrent} requests in progress; retry later`, 1));
    }
    const backlog = deps.backlog();
    if (backlog > config.max_backlog) {
      req.resume();
      return reply(res, new IngestError(503, 'backlog', `${backlog} events are waiting for detection; retry later`, 5));
    }
    inFlight++;
    try {
      const raw = await readBody(req, config.max_body_bytes);
      metrics.bytes.inc(raw.length);
      const tagValue = req.headers[tagHeader];
      const tag = typeof tagValue === 'string' ? tagValue.slice(0, 512) : undefined;
      const encoding = req.headers['content-encoding'];
      const { rows, deadLetters, deadLetterCount, blank } = await deps.decoder.decode({
        body: raw,
        receivedAtMs: Date.now(),
        ...(tag !== undefined ? { tag } : {}),
        ...(encoding !== undefined ? { contentEncoding: encoding } : {}),
      });
      const { inserted, duplicates, stored } = deps.store.insertEncoded(rows, deadLetters);
      metrics.records.inc({ outcome: 'stored' }, inserted);
      metrics.records.inc({ outcome: 'duplicate' }, duplicates);
      metrics.records.inc({ outcome: 'dead_letter' }, deadLetterCount);
      metrics.records.inc({ outcome: 'blank' }, blank);
      if (inserted) deps.onStored(stored);
      metrics.latency.observe(Number(process.hrtime.bigint() - started) / 1e9);
      metrics.requests.inc({ status: '204' });
      res.status(204).end();
    } catch (err) {
      if (err instanceof IngestError) return reply(res, err);
      // Storage failures (disk full, locked) are ours, not the sender's: 503 so Fluent Bit keeps the chunk.
      deps.log?.(`ingest failed: ${(err as Error).message}`);
      reply(res, new IngestError(503, 'storage_unavailable', 'events could not be stored; retry later', 5));
    } finally {
      inFlight--;
    }
  };
}
