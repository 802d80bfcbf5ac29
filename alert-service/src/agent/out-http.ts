/**
 * A sender that behaves as Fluent Bit's engine + out_http do (read from their source and docs,
 * and seen in test/fixtures/fluent-bit-captures): records are cut into chunks of ~256 KB of JSON,
 * one tag per chunk; every `flush` seconds the engine dispatches every chunk that is ready, each
 * as its own concurrent flush on one of `workers` output workers (their own keep-alive
 * connections), up to storage.max_chunks_up chunks held at once. A chunk is posted as one gzip
 * JSON array with the tag in header_tag; 200-205 is success; 400-499 other than 408 and 429 drop
 * the chunk; anything else (5xx, 408, 429, 206-399, a connection error, no answer within
 * http.response_timeout) retries the whole chunk after the scheduler's backoff:
 * uniform(base, min(cap, base * 2^n)) + 1 s for the n-th retry (flb_scheduler.c
 * backoff_full_jitter). Retry-After is ignored, as Fluent Bit ignores it.
 *
 * Used by `logward replay` and by bench:ingest, so the benchmark and the replay tool model one agent.
 */
import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { gzipSync } from 'node:zlib';
import { httpOutput, isOff, readAgentConfig, seconds, type FluentBitConfig } from './fluent-bit-config.js';

export interface OutHttpSettings {
  flushMs: number;
  maxChunksUp: number;
  workers: number;
  schedulerBase: number;
  schedulerCap: number;
  responseTimeoutMs: number;
  /** The record key of the collection time ('' for none). */
  jsonDateKey: string;
  /** Retries of one chunk before it is dropped; Infinity for `no_limits`. */
  retryLimit: number;
  uri: string;
  headerTag: string | undefined;
  gzip: boolean;
}

/** Bytes of record JSON per chunk: in_tail appends records to a chunk until it holds about this much. */
export const CHUNK_BYTES = 256 * 1024;

/** The settings as the agent config sets them (Fluent Bit's own defaults where it sets none). */
export function settingsFrom(cfg: FluentBitConfig = readAgentConfig()): OutHttpSettings {
  const out = httpOutput(cfg);
  const s = cfg.service;
  const num = (v: unknown, dflt: number) => (v === undefined ? dflt : seconds(v));
  const limit = out.retry_limit;
  return {
    flushMs: num(s.flush, 1) * 1000,
    maxChunksUp: Number(s['storage.max_chunks_up'] ?? 128),
    workers: Number(out.workers ?? 2),
    schedulerBase: num(s['scheduler.base'], 5),
    schedulerCap: num(s['scheduler.cap'], 2000),
    responseTimeoutMs: num(out['http.response_timeout'], 60) * 1000,
    retryLimit: limit === undefined ? 1 : /^(no_limits|false|off)$/i.test(String(limit)) ? Infinity : Number(limit),
    uri: String(out.uri ?? '/'),
    headerTag: out.header_tag === undefined ? undefined : String(out.header_tag),
    gzip: String(out.compress ?? '') === 'gzip',
    // json_date_key false/off: no date key at all.
    jsonDateKey: out.json_date_key === undefined ? 'date' : isOff(out.json_date_key) ? '' : String(out.json_date_key),
  };
}

export const isSuccess = (status: number) => status >= 200 && status <= 205;
/** 4xx other than 408 and 429: Fluent Bit drops the chunk ("will not be retried"). */
export const isDropped = (status: number) => status >= 400 && status < 500 && status !== 408 && status !== 429;

/** Seconds before the n-th retry (n ≥ 1): random_uniform(base, min(cap, base·2^n)) + 1, in whole seconds. */
export function backoffSeconds(n: number, base: number, cap: number, random: () => number = Math.random): number {
  const upper = Math.max(base, Math.min(cap, base * 2 ** n));
  return base + Math.floor(random() * (upper - base + 1)) + 1;
}

export interface Chunk {
  tag: string;
  body: Buffer;
  records: number;
  /** Seconds after the send starts when the tail has read this chunk (a paced producer); absent: at once. */
  readyS?: number;
}

/**
 * Records (already JSON) of one tag into chunks of about CHUNK_BYTES of JSON each, or at most
 * `maxRecords` (what a paced tail reads in one flush interval: Fluent Bit flushes a chunk that is not full).
 */
export function chunkRecords(tag: string, records: Iterable<string>, gzip: boolean, chunkBytes = CHUNK_BYTES, maxRecords = Infinity): Chunk[] {
  const chunks: Chunk[] = [];
  let recs: string[] = [];
  let size = 2;
  const close = () => {
    if (!recs.length) return;
    const json = '[' + recs.join(',') + ']';
    chunks.push({ tag, body: gzip ? gzipSync(json) : Buffer.from(json), records: recs.length });
    recs = [];
    size = 2;
  };
  for (const r of records) {
    recs.push(r);
    size += r.length + 1;
    if (size >= chunkBytes || recs.length >= maxRecords) close();
  }
  close();
  return chunks;
}

export interface Target {
  /** Base URL of the service (http or https); its path, if not '/', replaces the config's uri. */
  url: string;
  token?: string;
}

export interface Answer {
  chunk: Chunk;
  /** HTTP status; 0 for a connection error or no answer within the response timeout. */
  status: number;
  timedOut: boolean;
  ms: number;
  /** 0 for the first send of the chunk. */
  attempt: number;
  /** Seconds until the next try when it is retried. */
  retryInS?: number;
  error?: string;
}

export interface SendResult {
  sent: number;
  sentRecords: number;
  dropped: Answer[];
  retries: number;
}

type Post = (body: Buffer, tag: string, timeoutMs: number) => Promise<{ status: number; timedOut: boolean; ms: number; error?: string }>;

function poster(target: Target, s: OutHttpSettings, agent: HttpAgent): Post {
  const url = new URL(target.url);
  const path = url.pathname && url.pathname !== '/' ? url.pathname : s.uri;
  const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return (body, tag, timeoutMs) => {
    const t0 = performance.now();
    const headers: Record<string, string | number> = { 'Content-Type': 'application/json', 'Content-Length': body.length, 'User-Agent': 'Fluent-Bit' };
    if (s.gzip) headers['Content-Encoding'] = 'gzip';
    if (s.headerTag) headers[s.headerTag] = tag;
    if (target.token) headers.Authorization = `Bearer ${target.token}`;
    return new Promise((resolve) => {
      let timedOut = false;
      const req = request({ protocol: url.protocol, hostname: url.hostname, port: url.port, path, method: 'POST', agent, headers }, (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode ?? 0, timedOut: false, ms: performance.now() - t0 }));
        res.on('error', (e) => resolve({ status: 0, timedOut, ms: performance.now() - t0, error: e.message }));
      });
      // A connection error or no answer in time: status 0, which Fluent Bit retries like a 5xx.
      req.on('error', (e) => resolve({ status: 0, timedOut, ms: performance.now() - t0, error: timedOut ? 'response timeout' : e.message }));
      if (timeoutMs) req.setTimeout(timeoutMs, () => ((timedOut = true), req.destroy(new Error('response timeout'))));
      req.end(body);
    });
  };
}

/**
 * Sends every chunk as Fluent Bit would, and resolves once each has succeeded or been dropped
 * (a 4xx, or retryLimit retries spent).
 */
export interface SendHooks {
  /** Every answer, retries included. */
  onAnswer?: (a: Answer) => void;
  /** A chunk is about to be posted (attempt 0 is its first send). */
  onPost?: (chunk: Chunk, attempt: number) => void;
  /** Backoff jitter source (tests pin it). */
  random?: () => number;
}

export async function sendChunks(chunks: readonly Chunk[], target: Target, s: OutHttpSettings, hooks: SendHooks = {}): Promise<SendResult> {
  const onAnswer = hooks.onAnswer ?? (() => {});
  const random = hooks.random ?? Math.random;
  const isHttps = new URL(target.url).protocol === 'https:';
  const agents = Array.from({ length: Math.max(1, s.workers) }, () => (isHttps ? new HttpsAgent({ keepAlive: true, maxSockets: Infinity }) : new HttpAgent({ keepAlive: true, maxSockets: Infinity })));
  const posts = agents.map((a) => poster(target, s, a));
  const result: SendResult = { sent: 0, sentRecords: 0, dropped: [], retries: 0 };
  if (!chunks.length) return result;
  let up = 0; // chunks held in memory (being flushed or waiting for a retry)
  let next = 0;
  let settled = 0;
  let rr = 0;
  const timers = new Set<NodeJS.Timeout>();
  let finished!: () => void;
  const allDone = new Promise<void>((r) => (finished = r));
  const settle = () => {
    up--;
    if (++settled === chunks.length) finished();
  };

  /** One flush of one chunk (a coroutine on an output worker); on a retryable failure the scheduler runs it again later. */
  const flush = async (chunk: Chunk, attempt: number): Promise<void> => {
    hooks.onPost?.(chunk, attempt);
    const r = await posts[rr++ % posts.length]!(chunk.body, chunk.tag, s.responseTimeoutMs);
    const answer: Answer = { chunk, attempt, ...r };
    if (isSuccess(r.status)) {
      result.sent++;
      result.sentRecords += chunk.records;
      onAnswer(answer);
      return settle();
    }
    if (isDropped(r.status) || attempt >= s.retryLimit) {
      result.dropped.push(answer);
      onAnswer(answer);
      return settle();
    }
    result.retries++;
    answer.retryInS = backoffSeconds(attempt + 1, s.schedulerBase, s.schedulerCap, random);
    onAnswer(answer);
    const t = setTimeout(() => {
      timers.delete(t);
      void flush(chunk, attempt + 1);
    }, answer.retryInS * 1000);
    timers.add(t);
  };

  // The engine's flush timer: every chunk read so far (and room for it in memory) is dispatched.
  const started = performance.now();
  const dispatch = () => {
    const elapsedS = (performance.now() - started) / 1000;
    while (next < chunks.length && up < s.maxChunksUp && (chunks[next]!.readyS ?? 0) <= elapsedS) {
      up++;
      void flush(chunks[next++]!, 0);
    }
  };
  const timer = setInterval(dispatch, s.flushMs);
  try {
    await allDone;
  } finally {
    clearInterval(timer);
    for (const t of timers) clearTimeout(t);
    for (const a of agents) a.destroy();
  }
  return result;
}
