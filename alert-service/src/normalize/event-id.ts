/**
 * Event ids: the idempotency key the store deduplicates on. 32 hex characters, the first 128
 * bits of a SHA-256 over what identifies the record at its origin, so a chunk Fluent Bit retries
 * or replays (it resends the same records) maps onto the same ids, and distinct lines do not
 * collide:
 *
 *   tail line with inode   "tail-inode" | agent host | file path | inode | byte offset | the line
 *       (in_tail `inode_key`). After rotation the new file has another inode, so a first line
 *       equal to the old file's first line is a new event. An inode is only reused once the old
 *       file is deleted; a line equal to the deleted file's line at the same offset would then
 *       still merge (the one case left; the collection time cannot be used, a re-read after an
 *       agent crash gets a new one and would be stored twice).
 *   tail line with offset  "tail" | agent host | file path | byte offset | the line itself
 *       Records without an inode (agents configured before inode_key) keep exactly this id, so
 *       a replay from such an agent still deduplicates against what it sent before.
 *   tail line, no offset   "tail-nooffset" | agent host | file path | collection time (date key, ms) | the line
 *   parsed / JSON record   same as a tail line, with the record's JSON text as "the line"
 *       (a retried chunk is resent byte for byte, so its JSON text is stable)
 *   winevtlog              "winevtlog-content" | Channel | EventRecordID | Computer | content hash
 *   winlog                 "winlog-content" | Channel | RecordNumber | ComputerName | content hash
 *       The record id is only unique within one event log: a VM reverted to a snapshot, a
 *       re-imaged machine or a non-persistent VDI desktop writes new, different events under ids
 *       it already used. The content hash (windowsContent below) tells them apart, while a resent
 *       or re-read record hashes the same. Ids of Windows events stored before this change were
 *       the key alone, so a record resent across the upgrade is stored once more (once).
 *   journald               "journald-cursor" | __CURSOR when the record has one; else
 *                          "journald-entry" | realtime timestamp (date key, ms) | the record's fields, sorted
 *       (see journald.ts: Fluent Bit's systemd input does not send the cursor)
 *
 * Each part is length-prefixed ("4:web1"), so no choice of contents can make two different
 * tuples hash the same text.
 */
import * as crypto from 'node:crypto';
import { noteIssuedId } from '../util/issued-id.js';

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
  const id = sha256hex(text).slice(0, 32);
  noteIssuedId(id);
  return id;
}

/**
 * Deterministic text of a decoded record for its id: keys and values in record order, every
 * string length-prefixed and written as is. Unlike JSON.stringify it never escapes (which is
 * slow for crafted strings full of lone surrogates) and it cannot overflow the stack (nesting is
 * cut at `maxDepth`; the ingest body parser already refuses deeper bodies).
 */
export function recordText(value: unknown, maxDepth = 64): string {
  return textOf(value, 0, maxDepth, false);
}

// String concatenation (V8 ropes, flattened once by the hash) is about twice as fast here as
// collecting parts in an array and joining them.
function textOf(v: unknown, depth: number, maxDepth: number, sorted: boolean): string {
  if (typeof v === 'string') return 's' + v.length + ':' + v;
  if (typeof v === 'number' || typeof v === 'boolean' || v === null) return 'p' + String(v) + ';';
  if (depth >= maxDepth) return '!';
  if (Array.isArray(v)) {
    let t = '[' + v.length + ':';
    for (const x of v) t += textOf(x, depth + 1, maxDepth, sorted);
    return t;
  }
  if (typeof v === 'object') {
    const keys = Object.keys(v as object);
    if (sorted) keys.sort();
    let t = '{' + keys.length + ':';
    for (const k of keys) t += k.length + ':' + k + textOf((v as Record<string, unknown>)[k], depth + 1, maxDepth, sorted);
    return t;
  }
  return 'u';
}

/**
 * Same text as recordText, with the keys of every object in sorted order: for records whose
 * producer does not promise a key order across re-reads (a journal entry re-read after an agent
 * restart).
 */
export function sortedRecordText(value: unknown, maxDepth = 64): string {
  return textOf(value, 0, maxDepth, true);
}

export function tailLineId(agentHost: string, path: string, inode: string | undefined, offset: number | undefined, collectedMs: number | undefined, line: string): string {
  if (offset === undefined) return eventId('tail-nooffset', agentHost, path, collectedMs ?? '', line);
  // eventId's text written out (every tail line and parsed record: no rest array, no String() of each part)
  const o = String(offset);
  const where = agentHost.length + ':' + agentHost + ';' + path.length + ':' + path + ';';
  const text = inode !== undefined
    ? '10:tail-inode;' + where + inode.length + ':' + inode + ';' + o.length + ':' + o + ';' + line.length + ':' + line + ';'
    : '4:tail;' + where + o.length + ':' + o + ';' + line.length + ':' + line + ';';
  const id = sha256hex(text).slice(0, 32);
  noteIssuedId(id);
  return id;
}

let lastPath: string | undefined;
let lastPathHex = '';

/**
 * An id for a line of a file read offline (test-rule, analyze with rules that read only the
 * message): 16 hex characters of the path's hash, then the byte offset in hex. Unique per line
 * across the files of a run, and no hash per line.
 */
export function positionalId(path: string, offset: number): string {
  if (path !== lastPath) {
    lastPath = path;
    lastPathHex = sha256hex('path;' + path).slice(0, 16);
    lastHigh = -1;
  }
  // offset.toString(16).padStart(16, '0'), in two parts: the 13 high digits change every 4 KB
  // (formatted then, with the path's hex), the 3 low ones come from a table. A radix conversion
  // and two strings per line were the most of an offline line's id.
  const high = Math.floor(offset / 4096);
  if (high !== lastHigh) {
    lastHigh = high;
    lastPrefix = lastPathHex + high.toString(16).padStart(13, '0');
  }
  return lastPrefix + LOW_HEX[offset % 4096]!;
}

let lastHigh = -1;
let lastPrefix = '';
/** 0 → "000" … 4095 → "fff". */
const LOW_HEX = Array.from({ length: 4096 }, (_, i) => i.toString(16).padStart(3, '0'));
