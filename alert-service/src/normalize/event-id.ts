/**
 * Event ids: the idempotency key the store deduplicates on. 32 hex characters, the first 128
 * bits of a SHA-256 over what identifies the record at its origin, so a chunk Fluent Bit retries
 * or replays (it resends the same records) maps onto the same ids, and distinct lines do not
 * collide:
 *
 *   tail line with offset  "tail" | agent host | file path | byte offset | the line itself
 *       The line is included so that a rotated/truncated file restarting at offset 0 does not
 *       collide with the old file's first line.
 *   tail line, no offset   "tail" | agent host | file path | collection time (date key, ms) | the line
 *   parsed / JSON record   same as a tail line, with the record's JSON text as "the line"
 *       (a retried chunk is resent byte for byte, so its JSON text is stable)
 *   winevtlog              "winevtlog" | Channel | EventRecordID | Computer
 *   winlog                 "winlog" | Channel | RecordNumber | ComputerName
 *
 * Each part is length-prefixed ("4:web1"), so no choice of contents can make two different
 * tuples hash the same text.
 */
import * as crypto from 'node:crypto';

// crypto.hash (Node ≥ 20.12) is a one-shot digest about twice as fast as createHash().update().digest().
const oneShot = (crypto as unknown as { hash?: (alg: string, data: string, enc: 'hex') => string }).hash;
function sha256hex(data: string): string {
  return oneShot ? oneShot('sha256', data, 'hex') : crypto.createHash('sha256').update(data).digest('hex');
}

export function eventId(...parts: ReadonlyArray<string | number>): string {
  let text = '';
  for (const p of parts) {
    const s = String(p);
    text += s.length + ':' + s + ';';
  }
  return sha256hex(text).slice(0, 32);
}

/**
 * Deterministic text of a decoded record for its id: keys and values in record order, every
 * string length-prefixed and written as is. Unlike JSON.stringify it never escapes (which is
 * slow for crafted strings full of lone surrogates) and it cannot overflow the stack (nesting is
 * cut at `maxDepth`; the ingest body parser already refuses deeper bodies).
 */
export function recordText(value: unknown, maxDepth = 64): string {
  const parts: string[] = [];
  writeText(value, 0, maxDepth, parts);
  return parts.join('');
}

function writeText(v: unknown, depth: number, maxDepth: number, parts: string[]): void {
  if (typeof v === 'string') parts.push('s', String(v.length), ':', v);
  else if (typeof v === 'number' || typeof v === 'boolean' || v === null) parts.push('p', String(v), ';');
  else if (depth >= maxDepth) parts.push('!');
  else if (Array.isArray(v)) {
    parts.push('[', String(v.length), ':');
    for (const x of v) writeText(x, depth + 1, maxDepth, parts);
  } else if (typeof v === 'object') {
    const keys = Object.keys(v as object);
    parts.push('{', String(keys.length), ':');
    for (const k of keys) {
      parts.push(String(k.length), ':', k);
      writeText((v as Record<string, unknown>)[k], depth + 1, maxDepth, parts);
    }
  } else parts.push('u');
}

export function tailLineId(agentHost: string, path: string, offset: number | undefined, collectedMs: number | undefined, line: string): string {
  return offset !== undefined
    ? eventId('tail', agentHost, path, offset, line)
    : eventId('tail-nooffset', agentHost, path, collectedMs ?? '', line);
}
