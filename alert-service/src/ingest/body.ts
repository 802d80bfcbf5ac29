/**
 * Turns an out_http request body into records: size limits, gzip with a decoded-size cap,
 * `format: json` (one array) or `json_lines` (one object per line), and a nesting-depth check
 * run before JSON.parse so a crafted body cannot exhaust the stack in later stages.
 */
import { gunzip } from 'node:zlib';
import { promisify } from 'node:util';
import type { IncomingMessage } from 'node:http';
import { IngestError } from './errors.js';
import { exceedsDepth } from '../util/json-depth.js';

const gunzipAsync = promisify(gunzip);

export interface BodyLimits {
  maxBodyBytes: number;
  maxDecodedBytes: number;
  maxRecords: number;
  maxDepth: number;
}

/** Reads the raw body, refusing early (by Content-Length) or as soon as the stream passes the limit. */
export async function readBody(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) {
    req.resume();
    throw new IngestError(413, 'body_too_large', `body of ${declared} bytes exceeds the limit of ${maxBytes} bytes`);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes) {
      req.resume();
      throw new IngestError(413, 'body_too_large', `body exceeds the limit of ${maxBytes} bytes`);
    }
    chunks.push(chunk);
  }
  return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size);
}

export async function decodeBody(raw: Buffer, contentEncoding: string | undefined, maxDecodedBytes: number): Promise<string> {
  const enc = (contentEncoding ?? 'identity').trim().toLowerCase();
  if (enc === 'identity' || enc === '') return raw.toString('utf8');
  if (enc !== 'gzip' && enc !== 'x-gzip') throw new IngestError(415, 'unsupported_encoding', `Content-Encoding "${enc.slice(0, 40)}" is not supported (use gzip or none)`);
  try {
    // maxOutputLength turns a gzip bomb into an error instead of an allocation.
    return (await gunzipAsync(raw, { maxOutputLength: maxDecodedBytes })).toString('utf8');
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

function parseArray(text: string, start: number, limits: BodyLimits): ParsedBody {
  if (exceedsDepth(text, limits.maxDepth + 1, start)) return parseArrayByRecord(text, start, limits);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw badJson((err as Error).message);
  }
  const records = parsed as unknown[];
  if (records.length > limits.maxRecords) throw new IngestError(413, 'too_many_records', `${records.length} records exceed the limit of ${limits.maxRecords}`);
  return { records, badLines: [] };
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
    if (exceedsDepth(line, limits.maxDepth)) {
      badLines.push({ line: lineNo, text: line, reason: `JSON nesting deeper than ${limits.maxDepth} levels` });
      continue;
    }
    try {
      records.push(JSON.parse(line));
    } catch (err) {
      badLines.push({ line: lineNo, text: line, reason: `line ${lineNo} is not valid JSON: ${(err as Error).message.slice(0, 200)}` });
    }
  }
  if (records.length === 0 && badLines.length > 0) {
    throw new IngestError(400, 'bad_json', `no line of the body is valid JSON (first: ${badLines[0]!.reason})`);
  }
  return { records, badLines };
}
