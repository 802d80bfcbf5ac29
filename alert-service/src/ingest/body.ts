/**
 * Turns an out_http request body into records: size limits and receive timeouts, gzip with a
 * decoded-size cap, `format: json` (one array) or `json_lines` (one object per line), records
 * counted while parsing (a body past the limit stops there), and a nesting-depth check run
 * before JSON.parse so a crafted body cannot exhaust the stack in later stages.
 */
import { gunzip } from 'node:zlib';
import { promisify } from 'node:util';
import type { IncomingMessage } from 'node:http';
import { IngestError } from './errors.js';
import { exceedsDepth, valueExceedsDepth } from '../util/json-depth.js';

const gunzipAsync = promisify(gunzip);

export interface BodyLimits {
  maxBodyBytes: number;
  maxDecodedBytes: number;
  maxRecords: number;
  maxDepth: number;
}

/** Bytes of request bodies held in memory across all requests (ingest.max_queued_body_bytes). */
export class BodyBudget {
  private used = 0;
  constructor(readonly max: number) {}
  get held(): number {
    return this.used;
  }
  take(n: number): boolean {
    if (this.used + n > this.max) return false;
    this.used += n;
    return true;
  }
  give(n: number): void {
    this.used -= n;
  }
}

export interface BodyReadLimits {
  maxBytes: number;
  /** The whole body must have arrived this long after the headers. */
  timeoutMs: number;
  /** Average rate the body must keep once RATE_GRACE_MS have passed; 0: no rate check. */
  minBytesPerS: number;
}

/** A slow start (TCP slow start, a busy event loop on either side) is not held against a client. */
const RATE_GRACE_MS = 2000;

/** A received body and the share of the body budget it holds until release() (idempotent). */
export interface ReceivedBody {
  body: Buffer;
  release(): void;
}

/**
 * Reads the raw body, refusing early (by Content-Length) or as soon as the stream passes the
 * limit, and cutting a client that is too slow (408) so it holds nothing but its own socket.
 * Every byte counts against `budget` while held: past it the request gets 503, so the memory all
 * bodies take together is bounded whatever the number of connections. The body is returned in
 * a buffer of its own (not a slice of a pool), so it can be transferred to a decode worker.
 */
export function readBody(req: IncomingMessage, limits: BodyReadLimits, budget: BodyBudget): Promise<ReceivedBody> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limits.maxBytes) {
    req.resume();
    return Promise.reject(new IngestError(413, 'body_too_large', `body of ${declared} bytes exceeds the limit of ${limits.maxBytes} bytes`));
  }
  if (Number.isFinite(declared) && budget.held + declared > budget.max) {
    req.resume();
    return Promise.reject(new IngestError(503, 'busy', 'ingest is at capacity (request bodies held in memory); retry later', 5));
  }
  return new Promise<ReceivedBody>((resolve, reject) => {
    const started = Date.now();
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const cleanup = () => {
      settled = true;
      clearTimeout(deadline);
      if (rateCheck) clearInterval(rateCheck);
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('close', onClose);
    };
    const fail = (err: Error) => {
      if (settled) return;
      cleanup();
      budget.give(size);
      chunks.length = 0;
      req.resume(); // drain and discard the rest; the reply closes the connection
      reject(err);
    };
    const tooSlow = (why: string) => fail(new IngestError(408, 'body_timeout', `${why}; send the body faster`));
    const onData = (chunk: Buffer) => {
      if (settled) return;
      if (size + chunk.length > limits.maxBytes) return fail(new IngestError(413, 'body_too_large', `body exceeds the limit of ${limits.maxBytes} bytes`));
      if (!budget.take(chunk.length)) return fail(new IngestError(503, 'busy', 'ingest is at capacity (request bodies held in memory); retry later', 5));
      size += chunk.length;
      chunks.push(chunk);
    };
    const onEnd = () => {
      if (settled) return;
      cleanup();
      // One copy into a buffer of its own: transferable, and the socket's read buffers are freed.
      const body = Buffer.allocUnsafeSlow(size);
      let at = 0;
      for (const c of chunks) at += c.copy(body, at);
      chunks.length = 0;
      let held = size;
      resolve({ body, release: () => (budget.give(held), (held = 0)) });
    };
    const onError = (err: Error) => fail(new IngestError(400, 'body_error', `could not read the body: ${err.message}`));
    // 'close' before the body completed: the client went away (nobody is left to answer).
    const onClose = () => !req.complete && fail(new IngestError(400, 'body_aborted', 'the client closed the connection before the body was complete'));
    const deadline = setTimeout(() => tooSlow(`the body did not arrive within ${Math.round(limits.timeoutMs / 1000)} s`), limits.timeoutMs);
    const rateCheck = limits.minBytesPerS > 0
      ? setInterval(() => {
          const elapsed = Date.now() - started - RATE_GRACE_MS;
          if (elapsed > 0 && size < (limits.minBytesPerS * elapsed) / 1000) tooSlow(`the body arrives at less than ${limits.minBytesPerS} bytes/s`);
        }, 500)
      : undefined;
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('close', onClose);
    if (req.readableEnded) onEnd();
  });
}

const GZIP_TRAILER_BYTES = 4;

/**
 * Decoded size to reserve before decoding: exact for an identity body; for gzip the size its
 * trailer declares (ISIZE, the length mod 2^32 of the last member: exact for what Fluent Bit
 * sends). A trailer that understates it (a crafted or multi-member body) still decodes only up
 * to max_decoded_bytes, on a worker that decodes one chunk at a time, and the reservation is
 * corrected to the real size right after; so the error is bounded by one chunk per worker.
 */
export function estimateDecodedBytes(raw: Uint8Array, contentEncoding: string | undefined, maxDecodedBytes: number): number {
  const enc = (contentEncoding ?? 'identity').trim().toLowerCase();
  if (enc !== 'gzip' && enc !== 'x-gzip') return Math.min(raw.byteLength, maxDecodedBytes);
  if (raw.byteLength < 18) return Math.min(1024, maxDecodedBytes); // not gzip: decoding will say so
  const at = raw.byteOffset + raw.byteLength - GZIP_TRAILER_BYTES;
  const isize = new DataView(raw.buffer, at, GZIP_TRAILER_BYTES).getUint32(0, true);
  return Math.max(1, Math.min(isize, maxDecodedBytes));
}

/**
 * Decompresses (gzip) and decodes to text; zlib counts the decoded bytes as it goes and stops
 * past maxDecodedBytes (413), so a gzip bomb costs at most that much memory and time.
 */
export async function decodeBody(raw: Buffer, contentEncoding: string | undefined, maxDecodedBytes: number): Promise<string> {
  const enc = (contentEncoding ?? 'identity').trim().toLowerCase();
  if (enc === 'identity' || enc === '') {
    if (raw.length > maxDecodedBytes) throw new IngestError(413, 'decoded_too_large', `body of ${raw.length} bytes exceeds the limit of ${maxDecodedBytes} bytes`);
    return raw.toString('utf8');
  }
  if (enc !== 'gzip' && enc !== 'x-gzip') throw new IngestError(415, 'unsupported_encoding', `Content-Encoding "${enc.slice(0, 40)}" is not supported (use gzip or none)`);
  try {
    // maxOutputLength makes zlib stop at the limit: a gzip bomb is an error, not an allocation.
    // chunkSize: the output in one buffer of the size the trailer declares (at most the limit),
    // instead of 16 KB pieces, each its own callback, stream event and buffer, and a concat of
    // them all (measured: ~1.3-2 µs CPU per bench record down to ~0.3-0.5). A trailer that
    // understates the size only means more pieces, as before.
    const chunkSize = estimateDecodedBytes(raw, enc, maxDecodedBytes) + 64;
    return (await gunzipAsync(raw, { maxOutputLength: maxDecodedBytes, chunkSize })).toString('utf8');
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'ERR_BUFFER_TOO_LARGE' || /buffer|too large|maxOutputLength/i.test(e.message)) {
      throw new IngestError(413, 'decoded_too_large', `gzip body decodes to more than ${maxDecodedBytes} bytes`);
    }
    throw new IngestError(400, 'bad_gzip', `body is not valid gzip: ${e.message}`);
  }
}

export interface ParsedBody {
  records: unknown[];
  /**
   * Records refused before JSON.parse (a json_lines line that is not JSON, a record nested deeper
   * than max_depth), with their 1-based line or array position. Reported as dead letters; the rest is kept.
   */
  badLines: Array<{ line: number; text: string; reason: string }>;
}

function firstNonSpace(text: string, from = 0, to = text.length): number {
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c !== 32 && c !== 9 && c !== 10 && c !== 13 && c !== 0xfeff) return i;
  }
  return -1;
}

const badJson = (detail: string) => new IngestError(400, 'bad_json', `body is not valid JSON: ${detail.slice(0, 200)}`);

/**
 * Fluent Bit `format: json` sends one array; `json_lines` one object per line. The
 * Content-Type says which, but a proxy may drop it, so the first character decides.
 */
export function parseBody(text: string, limits: BodyLimits): ParsedBody {
  const start = firstNonSpace(text);
  if (start < 0) throw new IngestError(400, 'empty_body', 'body is empty: expected a JSON array or JSON lines');
  return text.charCodeAt(start) === 91 /* [ */ ? parseArray(text, start, limits) : parseLines(text, limits);
}

/**
 * Whether an array body may hold more than `max` elements. Each element but the last ends at a
 * comma, so fewer commas (anywhere, counted natively) than `max` proves it cannot; the text
 * length settles most bodies without even that. Only a body that may be over the limit takes the
 * exact, slower scan, which stops at the limit instead of materializing millions of values.
 */
function mayExceedRecords(text: string, max: number): boolean {
  if (text.length <= 2 * max + 1) return false; // an element and its comma take at least 2 characters
  let commas = 0;
  for (let i = text.indexOf(','); i >= 0; i = text.indexOf(',', i + 1)) if (++commas >= max) return true;
  return false;
}

/**
 * A body nested deeper than max_depth takes the per-record path. The depth is checked on what
 * JSON.parse returns (valueExceedsDepth: V8's parser keeps its own stack, so a deep body cannot
 * exhaust ours, and the walk over parsed values is cheaper than exceedsDepth's scan of the text);
 * a body JSON.parse refuses is scanned as before, so the outcome for every body is what checking
 * the text first gave.
 */
function parseArray(text: string, start: number, limits: BodyLimits): ParsedBody {
  if (mayExceedRecords(text, limits.maxRecords)) return parseArrayByRecord(text, start, limits);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    if (exceedsDepth(text, limits.maxDepth + 1, start)) return parseArrayByRecord(text, start, limits);
    throw badJson((err as Error).message);
  }
  if (valueExceedsDepth(parsed, limits.maxDepth + 1)) return parseArrayByRecord(text, start, limits);
  return { records: parsed as unknown[], badLines: [] };
}

/**
 * The slow path for an array holding something nested too deeply. One record that deep is log
 * content an attacker may write (a JSON app log line), so it is dead-lettered like any invalid
 * record instead of refusing (and so dropping) the whole chunk; only a body with nothing else
 * in it is refused. Records are found by a linear scan and each is parsed on its own.
 */
function parseArrayByRecord(text: string, start: number, limits: BodyLimits): ParsedBody {
  const records: unknown[] = [];
  const badLines: ParsedBody['badLines'] = [];
  const tooDeep = `JSON nesting deeper than ${limits.maxDepth} levels`;
  for (const [from, to] of arrayElements(text, start)) {
    const position = records.length + badLines.length + 1;
    if (position > limits.maxRecords) throw new IngestError(413, 'too_many_records', `more than ${limits.maxRecords} records in one body`);
    if (exceedsDepth(text, limits.maxDepth, from, to)) {
      badLines.push({ line: position, text: text.slice(from, to).trim(), reason: `record ${position - 1}: ${tooDeep}` });
      continue;
    }
    try {
      records.push(JSON.parse(text.slice(from, to)));
    } catch (err) {
      throw badJson(`record ${position - 1}: ${(err as Error).message}`);
    }
  }
  if (records.length === 0) throw new IngestError(400, 'too_deep', tooDeep);
  return { records, badLines };
}

/**
 * [from, to) of each element of the top-level array opening at `start`, lazily, so the caller's
 * record limit stops a body of millions of tiny elements early; throws bad_json if the array is malformed.
 */
function* arrayElements(text: string, start: number): Generator<[number, number]> {
  let depth = 0;
  let inString = false;
  let from = start + 1;
  let count = 0;
  for (let i = from; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92 /* \ */) i++;
      else if (c === 34 /* " */) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 91 || c === 123) depth++;
    else if ((c === 93 || c === 125) && depth > 0) depth--;
    else if (c === 93 || c === 125) {
      if (c !== 93) throw badJson('unexpected "}" in the array');
      // The array's own "]": its last element, unless the array is empty ("[]", "[ ]").
      if (count > 0 || firstNonSpace(text, from, i) >= 0) yield [from, i];
      if (firstNonSpace(text, i + 1) >= 0) throw badJson('unexpected text after the array');
      return;
    } else if (c === 44 /* , */ && depth === 0) {
      count++;
      yield [from, i];
      from = i + 1;
    }
  }
  throw badJson('unexpected end of the array');
}

const tooDeep = (limits: BodyLimits) => `JSON nesting deeper than ${limits.maxDepth} levels`;

function parseLines(text: string, limits: BodyLimits): ParsedBody {
  const records: unknown[] = [];
  const badLines: ParsedBody['badLines'] = [];
  let lineNo = 0;
  let pos = 0;
  while (pos < text.length) {
    let end = text.indexOf('\n', pos);
    if (end < 0) end = text.length;
    lineNo++;
    const lineStart = pos;
    pos = end + 1;
    const line = text.slice(lineStart, end).trim();
    if (line === '') continue;
    if (records.length + badLines.length >= limits.maxRecords) throw new IngestError(413, 'too_many_records', `more than ${limits.maxRecords} records in one body`);
    // Parsed first, depth checked after (as parseArray does): the verdict exceedsDepth(line) first gave.
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (err) {
      if (exceedsDepth(line, limits.maxDepth)) badLines.push({ line: lineNo, text: line, reason: tooDeep(limits) });
      else badLines.push({ line: lineNo, text: line, reason: `line ${lineNo} is not valid JSON: ${(err as Error).message.slice(0, 200)}` });
      continue;
    }
    if (valueExceedsDepth(value, limits.maxDepth)) badLines.push({ line: lineNo, text: line, reason: tooDeep(limits) });
    else records.push(value);
  }
  if (records.length === 0 && badLines.length > 0) {
    throw new IngestError(400, 'bad_json', `no line of the body is valid JSON (first: ${badLines[0]!.reason})`);
  }
  return { records, badLines };
}
