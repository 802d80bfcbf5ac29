/**
 * The stored form of a LogEvent: a compact binary body plus a few columns, about a quarter of
 * the event's JSON. Pure functions, so ingest encodes on its decode worker.
 *
 * What is not in the body:
 *   - host, source.kind, the stream (agent_host, source.tag, source.path, source.channel) and
 *     program are strings that repeat across events: the writing thread interns them in the
 *     store's dictionary and binds small integer ids (sqlite-event-store.ts);
 *   - time is the time_ms column whenever it is the canonical ISO text of that instant;
 *   - the first 16 bytes of the id are the idempotency key column whenever the key is the id,
 *     else the key holds id bytes 0..3 and the body the other 12 (see dedupeKey).
 * What is in it, in order: flags, id tail, literal time, received_at (a delta from time in ms, or
 * literal), severity and time_source (one byte), inline stream/program (only when the dictionary
 * is full), pid, source offset / record_id, the message, the fields, then anything else the event
 * carries as JSON, so an event with properties this codec does not know still round-trips.
 * A field whose string value occurs in the message is stored as a (start, length) reference into
 * it: sshd's user and address, nginx's path and user agent are not stored twice.
 *
 * The byte format is persistent: SEVERITIES and FIELD_KEYS may only be appended to.
 */
import { createHash } from 'node:crypto';
import type { LogEvent } from '../generated/schema-types.js';
import type { EncodedEvent } from './event-store.js';
import { IsoTimes, issuedTimeMs } from '../util/iso-times.js';
import { isLastIssuedId } from '../util/issued-id.js';

const SEVERITIES = ['emergency', 'alert', 'critical', 'error', 'warning', 'notice', 'info', 'debug'] as const;
const TIME_SOURCES = ['line', 'collector', 'received'] as const;
const FIELD_KEYS = [
  'src_ip', 'src_port', 'user', 'actor', 'http_method', 'http_path', 'http_status', 'http_bytes',
  'http_referer', 'user_agent', 'event_id', 'provider', 'audit', 'logon_type', 'event_data', 'extra',
] as const;
const FIELD_INDEX = new Map<string, number>(FIELD_KEYS.map((k, i) => [k, i]));
const SEVERITY_INDEX = new Map<string, number>(SEVERITIES.map((k, i) => [k, i]));
const TIME_SOURCE_INDEX = new Map<string, number>(TIME_SOURCES.map((k, i) => [k, i + 1]));

/** Properties the codec lays out itself; any other goes to the trailing JSON. */
const KNOWN_TOP = new Set(['id', 'time', 'time_source', 'received_at', 'host', 'agent_host', 'source', 'program', 'pid', 'severity', 'message', 'fields']);
const KNOWN_SOURCE = new Set(['kind', 'tag', 'path', 'offset', 'channel', 'record_id']);

const F_ID_TAIL = 1; // id = key[12..16] ‖ 12 body bytes (positional key); else id = key
const F_TIME_TEXT = 2; // time stored as text (not the canonical ISO form of time_ms)
const F_RECEIVED_TEXT = 4;
const F_STREAM_INLINE = 8;
const F_PROGRAM_INLINE = 16;
const F_PID = 32;
const F_OFFSET = 64;
const F_RECORD_ID = 128;
const F_REST = 256; // trailing JSON: unknown properties, or values this layout cannot hold
const F_ID_TEXT = 512; // id is not 32 lowercase hex: kept in the trailing JSON

const V_MESSAGE_REF = 0;
const V_STRING = 1;
const V_UINT = 2;
const V_JSON = 3;
const FIELD_NAMED = 255; // field key not in FIELD_KEYS: its name follows

/** What the writing thread needs beside the body: the strings it interns, the columns it binds. */
export interface EventColumns {
  timeMs: number;
  host: string;
  kind: string;
  /** JSON of [agent_host, source.tag, source.path, source.channel] (null where absent). */
  stream: string;
  program: string | undefined;
}

/** Interned strings as decode needs them back. */
export interface DecodeContext {
  key: Uint8Array;
  timeMs: number;
  host: string;
  kind: string;
  /** The stream's parsed JSON array, or undefined when it is inline in the body. */
  stream: StreamParts | undefined;
  program: string | undefined;
}

export type StreamParts = [agentHost: string | null, tag: string | null, path: string | null, channel: string | null];

const isUint = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;

/** streamOf's text parsed back, memoized: consecutive events mostly share their stream (bounded: attackers choose paths). */
const parsedStreams = new Map<string, StreamParts>();
export function streamParts(stream: string): StreamParts {
  let p = parsedStreams.get(stream);
  if (!p) {
    if (parsedStreams.size >= 10_000) parsedStreams.clear();
    p = JSON.parse(stream) as StreamParts;
    parsedStreams.set(stream, p);
  }
  return p;
}

/** The event of an encoded row (encodeEvent's inverse: the body, with the row's strings). */
export function decodeEncoded(row: EncodedEvent): LogEvent {
  return decodeBody(row.body, { key: row.key, timeMs: row.timeMs, host: row.host, kind: row.kind, stream: streamParts(row.stream), program: row.program });
}

/**
 * Stream texts by their parts (agent_host → path → tag → channel): the parts of a chunk's events
 * repeat (a few files on a few hosts), and then the same string object comes back with no
 * JSON.stringify per event (the writing thread's dictionary lookup and the packed rows then see
 * one string). Bounded: attackers choose paths.
 */
type Level<V> = Map<string | undefined, V>;
const streamTexts: Level<Level<Level<Level<string>>>> = new Map();
let streamTextCount = 0;

function level<V>(m: Level<V>, k: string | undefined, make: () => V): V {
  let v = m.get(k);
  if (v === undefined) m.set(k, (v = make()));
  return v;
}

export function streamOf(e: LogEvent): string {
  const s = e.source;
  const byChannel = streamTexts.get(e.agent_host)?.get(s.path)?.get(s.tag);
  const known = byChannel?.get(s.channel);
  if (known !== undefined) return known;
  const text = JSON.stringify([e.agent_host ?? null, s.tag ?? null, s.path ?? null, s.channel ?? null]);
  if (++streamTextCount > 10_000) {
    streamTexts.clear();
    streamTextCount = 1;
  }
  const newLevel = () => new Map();
  level(level(level(streamTexts, e.agent_host, newLevel), s.path, newLevel), s.tag, newLevel as () => Level<string>).set(s.channel, text);
  return text;
}

/** Strings up to this many units are copied by Writer#str itself when they are ASCII (below it, that beats a native call). */
const SHORT_STRING = 24;

/** Buffer#utf8Write, the native UTF-8 write Buffer#write(s, at, 'utf8') ends in (undocumented: should a Node lack it, Buffer#write). */
type Utf8Write = (this: Buffer, s: string, at: number, max: number) => number;
const utf8Write: Utf8Write =
  typeof (Buffer.prototype as unknown as { utf8Write?: Utf8Write }).utf8Write === 'function'
    ? (Buffer.prototype as unknown as { utf8Write: Utf8Write }).utf8Write
    : function (this: Buffer, s: string, at: number, max: number) {
        return this.write(s, at, max, 'utf8');
      };

/** Growable byte writer; one per thread, reused, so encoding allocates only the result. */
export class Writer {
  buf: Buffer;
  pos = 0;
  /** `initial`: bytes to start with (a writer that collects a whole chunk's rows starts big). */
  constructor(initial = 4096) {
    this.buf = Buffer.allocUnsafe(initial);
  }
  reset(): void {
    this.pos = 0;
  }
  /** Makes room for n more bytes at pos (for a caller that writes buf itself). */
  room(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + n));
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }
  byte(b: number): void {
    this.room(1);
    this.buf[this.pos++] = b;
  }
  /** LEB128 of a non-negative safe integer (arithmetic, not bit operators: those are 32-bit). */
  uint(v: number): void {
    this.room(8);
    while (v >= 0x80) {
      this.buf[this.pos++] = (v % 0x80) | 0x80;
      v = Math.floor(v / 0x80);
    }
    this.buf[this.pos++] = v;
  }
  /** Zigzag: small negative and positive deltas both take few bytes. */
  int(v: number): void {
    this.uint(v >= 0 ? v * 2 : -v * 2 - 1);
  }
  str(s: string): void {
    const len = s.length;
    if (len <= SHORT_STRING) {
      // Short ASCII (keys, addresses, user names) is cheaper copied here than through a native call.
      this.room(len + 1);
      const buf = this.buf;
      let p = this.pos + 1;
      let i = 0;
      for (; i < len; i++) {
        const c = s.charCodeAt(i);
        if (c > 0x7f) break;
        buf[p++] = c;
      }
      if (i === len) {
        buf[this.pos] = len;
        this.pos = p;
        return;
      }
    }
    // At most 3 bytes per UTF-16 unit; written in place after room for the length as if each
    // unit were one byte (exact for ASCII, most of a log message), moved once if the UTF-8 is
    // longer than that prefix can say. Buffer's native UTF-8 write, called directly: a message
    // copied a unit at a time here cost ~5 ns a character, the native write ~1 plus its call.
    const max = len * 3;
    this.room(max + 5);
    const lenAt = this.pos;
    const guess = len < 0x80 ? 1 : len < 0x4000 ? 2 : len < 0x200000 ? 3 : 4;
    const start = lenAt + guess;
    const n = utf8Write.call(this.buf, s, start, max);
    const lenBytes = n < 0x80 ? 1 : n < 0x4000 ? 2 : n < 0x200000 ? 3 : 4;
    if (lenBytes !== guess) this.buf.copyWithin(lenAt + lenBytes, start, start + n);
    this.uint(n);
    this.pos = lenAt + lenBytes + n;
  }
  /** b[from..] */
  bytes(b: Uint8Array, from = 0): void {
    const n = b.length - from;
    this.room(n);
    if (n > 32) this.buf.set(from === 0 ? b : b.subarray(from), this.pos);
    else for (let i = 0; i < n; i++) this.buf[this.pos + i] = b[from + i]!;
    this.pos += n;
  }
  /** What was written: a view of the scratch buffer, overwritten by the next event. */
  view(): Uint8Array {
    return this.buf.subarray(0, this.pos);
  }
}

/**
 * Reads what Writer wrote, from any Uint8Array: a stored body is a view into its chunk's packed
 * bytes (packed-rows.ts) or into a row SQLite returned, and wrapping each in a Buffer of its own
 * cost an object per event on the thread that decodes them for the consumers. Strings are cut
 * with Buffer's native UTF-8 slice called on the array itself.
 */
export class Reader {
  pos = 0;
  buf: Uint8Array;
  constructor(b: Uint8Array) {
    this.buf = b;
  }
  /** Reads `b` from its start (one reader reused for many bodies). */
  reset(b: Uint8Array): this {
    this.buf = b;
    this.pos = 0;
    return this;
  }
  byte(): number {
    if (this.pos >= this.buf.length) throw new Error('stored event body is truncated');
    return this.buf[this.pos++]!;
  }
  uint(): number {
    let v = 0;
    let mul = 1;
    for (;;) {
      const b = this.byte();
      v += (b & 0x7f) * mul;
      if (b < 0x80) return v;
      mul *= 0x80;
    }
  }
  int(): number {
    const z = this.uint();
    return z % 2 ? -(z + 1) / 2 : z / 2;
  }
  str(): string {
    const n = this.uint();
    const end = this.pos + n;
    if (end > this.buf.length) throw new Error('stored event body is truncated');
    const s = utf8Slice.call(this.buf, this.pos, end);
    this.pos = end;
    return s;
  }
  bytes(n: number): Uint8Array {
    const end = this.pos + n;
    if (end > this.buf.length) throw new Error('stored event body is truncated');
    const b = this.buf.subarray(this.pos, end);
    this.pos = end;
    return b;
  }
  /** Skips n bytes (checked), returning where they start: for a caller that reads them from buf itself. */
  skip(n: number): number {
    const at = this.pos;
    if (at + n > this.buf.length) throw new Error('stored event body is truncated');
    this.pos = at + n;
    return at;
  }
}

// Buffer's native slices, called on a plain Uint8Array (they take any ArrayBufferView): no Buffer
// object made to read a view. They are not documented API: should a Node lack them, the same
// result through a Buffer view.
type Slice = (this: Uint8Array, start: number, end: number) => string;
const bufferProto = Buffer.prototype as unknown as { utf8Slice?: Slice; hexSlice?: Slice };
const viaBuffer = (encoding: 'utf8' | 'hex'): Slice =>
  function (this: Uint8Array, start: number, end: number) {
    return Buffer.from(this.buffer, this.byteOffset, this.byteLength).toString(encoding, start, end);
  };
const utf8Slice: Slice = typeof bufferProto.utf8Slice === 'function' ? bufferProto.utf8Slice : viaBuffer('utf8');
const hexSlice: Slice = typeof bufferProto.hexSlice === 'function' ? bufferProto.hexSlice : viaBuffer('hex');

const writer = new Writer();
const HEX = /^[0-9a-f]{32}$/;

// One per role: event times and receive times alternate, and each keeps its own second.
const eventTimes = new IsoTimes();
const receiveTimes = new IsoTimes();

/**
 * Date.parse of a time text and whether it is the canonical text of that instant, for the last
 * text seen: every event of a chunk carries the same received_at, and events of one second
 * mostly the same time (the normalizer hands the same string object again).
 */
class TimeMemo {
  private text = '';
  private ms = Number.NaN;
  private canonicalMs = Number.NaN;
  private canonical = false;
  /** `takesIssued`: the role is event times, which the normalizer notes as it issues them (noteIssuedTime). */
  constructor(private readonly times: IsoTimes, private readonly takesIssued = false) {}
  parse(text: string): number {
    const issued = this.takesIssued ? issuedTimeMs(text) : Number.NaN;
    if (!Number.isNaN(issued)) {
      // The time the normalizer just issued: its instant, and canonical (see util/iso-times.ts).
      this.text = text;
      this.ms = this.canonicalMs = issued;
      this.canonical = true;
      return issued;
    }
    if (text !== this.text) {
      this.text = text;
      const ms = this.times.msOf(text);
      if (Number.isNaN(ms)) {
        this.ms = Date.parse(text);
        this.canonicalMs = Number.NaN;
      } else {
        // toISOString(ms) is `text`: Date.parse would give ms, and it is the canonical form.
        this.ms = this.canonicalMs = ms;
        this.canonical = true;
      }
    }
    return this.ms;
  }
  /** times.is(text, ms), remembered for the last (text, ms). */
  is(text: string, ms: number): boolean {
    if (text !== this.text) this.parse(text);
    if (ms !== this.canonicalMs) {
      if (Number.isNaN(ms)) return false;
      this.canonicalMs = ms;
      this.canonical = this.times.is(text, ms);
    }
    return this.canonical;
  }
}
const eventTimeMemo = new TimeMemo(eventTimes, true);
const receiveTimeMemo = new TimeMemo(receiveTimes);

/**
 * The body of `e`, given its idempotency key (dedupeKey): everything the columns and the
 * dictionary do not hold. `inlineStream` / `inlineProgram` put those strings in the body
 * (the writer decides: its dictionary may be full).
 */
export function encodeBody(e: LogEvent, key: Uint8Array, timeMs: number, inline?: { stream?: string; program?: string }, idBytes?: Buffer): Buffer {
  // A copy sized to fit: the scratch buffer is reused for the next event.
  return Buffer.from(encodeBodyScratch(e, key, timeMs, inline, idBytes));
}

/** encodeBody's bytes in the codec's scratch buffer: valid only until the next encode on this thread. */
function encodeBodyScratch(e: LogEvent, key: Uint8Array, timeMs: number, inline?: { stream?: string; program?: string }, idBytes?: Uint8Array, idIsHex = HEX.test(e.id)): Uint8Array {
  let idTail: Uint8Array | undefined; // id bytes 4..15 follow
  if (idIsHex) {
    const id = idBytes ?? Buffer.from(e.id, 'hex');
    if (key.length !== 16 || !sameBytes16(id, key)) {
      // dedupeKey's positional form ends in id bytes 0..3: store the rest of the id.
      if (key.length !== 16 || key[12] !== id[0] || key[13] !== id[1] || key[14] !== id[2] || key[15] !== id[3]) {
        throw new Error('the idempotency key does not belong to this event');
      }
      idTail = id;
    }
  }
  writer.reset();
  writeBody(writer, e, timeMs, inline, idIsHex, idTail);
  return writer.view();
}

/** Whether two arrays of which `b` has 16 bytes hold the same bytes (Buffer.compare without its native call). */
function sameBytes16(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== 16) return false;
  for (let i = 0; i < 16; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * The body of `e` appended to `w` at its position. `idIsHex`: HEX.test(e.id); `idTail`: the id's
 * 16 bytes when the key is positional (the body holds bytes 4..15), undefined when the key is the id.
 */
function writeBody(w: Writer, e: LogEvent, timeMs: number, inline: { stream?: string; program?: string } | undefined, idIsHex: boolean, idTail: Uint8Array | undefined): void {
  let rest: Record<string, unknown> | undefined;
  let restSource: Record<string, unknown> | undefined;
  for (const k in e) {
    if (!KNOWN_TOP.has(k)) (rest ??= {})[k] = (e as unknown as Record<string, unknown>)[k];
  }
  for (const k in e.source) {
    if (!KNOWN_SOURCE.has(k)) (restSource ??= {})[k] = (e.source as Record<string, unknown>)[k];
  }

  let flags = 0;
  if (!idIsHex) {
    flags |= F_ID_TEXT;
    (rest ??= {}).id = e.id;
  } else if (idTail) flags |= F_ID_TAIL;
  const timeText = !eventTimeMemo.is(e.time, timeMs);
  if (timeText) flags |= F_TIME_TEXT;
  const receivedMs = receiveTimeMemo.parse(e.received_at);
  const receivedText = timeText || !receiveTimeMemo.is(e.received_at, receivedMs);
  if (receivedText) flags |= F_RECEIVED_TEXT;
  if (inline?.stream !== undefined) flags |= F_STREAM_INLINE;
  if (inline?.program !== undefined) flags |= F_PROGRAM_INLINE;
  if (e.pid !== undefined) {
    if (isUint(e.pid)) flags |= F_PID;
    else (rest ??= {}).pid = e.pid;
  }
  if (e.source.offset !== undefined) {
    if (isUint(e.source.offset)) flags |= F_OFFSET;
    else (restSource ??= {}).offset = e.source.offset;
  }
  if (e.source.record_id !== undefined) {
    if (isUint(e.source.record_id)) flags |= F_RECORD_ID;
    else (restSource ??= {}).record_id = e.source.record_id;
  }
  const sev = SEVERITY_INDEX.get(e.severity) ?? 15;
  if (sev === 15) (rest ??= {}).severity = e.severity;
  const ts = e.time_source === undefined ? 0 : (TIME_SOURCE_INDEX.get(e.time_source) ?? 15);
  if (ts === 15) (rest ??= {}).time_source = e.time_source;
  if (typeof e.message !== 'string') (rest ??= {}).message = e.message;
  if (restSource) (rest ??= {}).source = restSource;
  if (rest) flags |= F_REST;

  w.uint(flags);
  if (idTail) w.bytes(idTail, 4);
  if (timeText) w.str(e.time);
  if (receivedText) w.str(e.received_at);
  else w.int(receivedMs - timeMs);
  w.byte(sev | (ts << 4));
  if (inline?.stream !== undefined) w.str(inline.stream);
  if (inline?.program !== undefined) w.str(inline.program);
  if (flags & F_PID) w.uint(e.pid!);
  if (flags & F_OFFSET) w.uint(e.source.offset!);
  if (flags & F_RECORD_ID) w.uint(e.source.record_id!);
  const message = typeof e.message === 'string' ? e.message : '';
  w.str(message);
  writeFields(w, e.fields as Record<string, unknown>, message);
  if (rest) w.str(JSON.stringify(rest));
}

function writeFields(w: Writer, fields: Record<string, unknown>, message: string): void {
  let n = 0;
  for (const k in fields) if (fields[k] !== undefined) n++;
  w.uint(n);
  for (const k in fields) {
    if (fields[k] === undefined) continue;
    const idx = FIELD_INDEX.get(k);
    if (idx === undefined) {
      w.byte(FIELD_NAMED);
      w.str(k);
    } else w.byte(idx);
    const v = fields[k];
    if (typeof v === 'string') {
      // Short values cost less written out than as a reference.
      const at = v.length >= 4 ? message.indexOf(v) : -1;
      if (at >= 0) {
        w.byte(V_MESSAGE_REF);
        w.uint(at);
        w.uint(v.length);
      } else {
        w.byte(V_STRING);
        w.str(v);
      }
    } else if (isUint(v)) {
      w.byte(V_UINT);
      w.uint(v);
    } else {
      w.byte(V_JSON);
      w.str(JSON.stringify(v));
    }
  }
}

/**
 * The 16-byte id a stored row (key + body) holds, or undefined for a text id. The writer compares
 * it when a positional key is already taken (see dedupeKey).
 */
export function storedId(key: Uint8Array, body: Uint8Array): Buffer | undefined {
  const r = new Reader(body);
  const flags = r.uint();
  if (flags & F_ID_TEXT) return undefined;
  return flags & F_ID_TAIL ? joinIdTail(key, body, r.skip(12)) : Buffer.from(key);
}

/** A positional key's id (in `into` when given, else a new Buffer): its bytes 0..3 (key[12..16]) and the 12 the body holds from `tailAt` (see dedupeKey). */
function joinIdTail<T extends Uint8Array = Buffer>(key: Uint8Array, body: Uint8Array, tailAt: number, into?: T): T {
  const id = into ?? (Buffer.allocUnsafe(16) as Uint8Array as T);
  id[0] = key[12]!;
  id[1] = key[13]!;
  id[2] = key[14]!;
  id[3] = key[15]!;
  for (let k = 0; k < 12; k++) id[4 + k] = body[tailAt + k]!;
  return id;
}

/** decodeBody's reader (it does not re-enter) and its id bytes. */
const bodyReader = new Reader(new Uint8Array(0));
const idHexScratch = new Uint8Array(16);

/** The event encodeBody was given, exactly (property order as the normalizer writes it). */
export function decodeBody(body: Uint8Array, ctx: DecodeContext): LogEvent {
  const r = bodyReader.reset(body);
  const flags = r.uint();
  let id: string | undefined;
  if (flags & F_ID_TAIL) {
    // Joined in a scratch array and cut as one flat hex string: no Buffer per event.
    id = hexSlice.call(joinIdTail(ctx.key, body, r.skip(12), idHexScratch), 0, 16);
  } else if (!(flags & F_ID_TEXT)) id = hexSlice.call(ctx.key, 0, ctx.key.length);
  const time = flags & F_TIME_TEXT ? r.str() : eventTimes.text(ctx.timeMs);
  const received = flags & F_RECEIVED_TEXT ? r.str() : receiveTimes.text(ctx.timeMs + r.int());
  const st = r.byte();
  const sev = st & 15;
  const ts = st >> 4;
  let stream = ctx.stream;
  if (flags & F_STREAM_INLINE) stream = JSON.parse(r.str()) as StreamParts;
  let program = ctx.program;
  if (flags & F_PROGRAM_INLINE) program = r.str();
  const pid = flags & F_PID ? r.uint() : undefined;
  const offset = flags & F_OFFSET ? r.uint() : undefined;
  const recordId = flags & F_RECORD_ID ? r.uint() : undefined;
  const message = r.str();
  const fields = readFields(r, message);
  const rest = flags & F_REST ? (JSON.parse(r.str()) as Record<string, unknown>) : undefined;
  if (!stream) throw new Error('stored event has no stream');

  const source: Record<string, unknown> = { kind: ctx.kind };
  if (stream[1] !== null) source.tag = stream[1];
  if (stream[2] !== null) source.path = stream[2];
  if (offset !== undefined) source.offset = offset;
  if (stream[3] !== null) source.channel = stream[3];
  if (recordId !== undefined) source.record_id = recordId;
  const e: Record<string, unknown> = { id, time };
  if (ts && ts !== 15) e.time_source = TIME_SOURCES[ts - 1];
  else if (ts === 15) e.time_source = rest!.time_source;
  e.received_at = received;
  e.host = ctx.host;
  e.source = source;
  e.severity = sev === 15 ? rest!.severity : SEVERITIES[sev];
  e.message = message;
  e.fields = fields;
  if (stream[0] !== null) e.agent_host = stream[0];
  if (program !== undefined) e.program = program;
  if (pid !== undefined) e.pid = pid;
  if (rest) {
    for (const k in rest) {
      if (k === 'source') Object.assign(source, rest.source);
      else if (k !== 'time_source' && k !== 'severity') e[k] = rest[k];
    }
  }
  return e as unknown as LogEvent;
}

function readFields(r: Reader, message: string): Record<string, unknown> {
  const n = r.uint();
  const fields: Record<string, unknown> = {};
  for (let i = 0; i < n; i++) {
    const code = r.byte();
    const k = code === FIELD_NAMED ? r.str() : FIELD_KEYS[code];
    if (k === undefined) throw new Error(`stored event has an unknown field code ${code}`);
    const tag = r.byte();
    if (tag === V_MESSAGE_REF) {
      const at = r.uint();
      fields[k] = message.slice(at, at + r.uint());
    } else if (tag === V_STRING) fields[k] = r.str();
    else if (tag === V_UINT) fields[k] = r.uint();
    else if (tag === V_JSON) fields[k] = JSON.parse(r.str());
    else throw new Error(`stored event has an unknown value tag ${tag}`);
  }
  return fields;
}

/**
 * The unique index key that makes replays idempotent. Event ids are hashes, so inserting them
 * as they are scatters every batch over the whole index (measured: ~10 µs of the ~14 µs an
 * insert costs). Records that carry a position in their stream (file offset, EventRecordID)
 * are keyed as stream hash (6 bytes) + position (6 bytes) + id (4 bytes) instead: a batch from
 * one file appends to one region of the index. The key is a function of the id's own inputs,
 * so equal ids give equal keys. Different ids at the same position of the same stream (a
 * copytruncate rotation, a Windows log after a snapshot revert) share a key when 32 bits of their
 * hashes do: the writer then compares the whole ids and stores a distinct event under its id
 * instead (SqliteEventStore.keepDistinct), so only a true re-send is ever dropped.
 */
const streamPrefixes: Level<Level<Buffer>> = new Map();
let streamPrefixCount = 0;
/** sha256(`${who}\0${where}`)[0..6], by (who, where) with no text built per event. */
function streamPrefix(who: string, where: string): Buffer {
  let p = streamPrefixes.get(who)?.get(where);
  if (!p) {
    if (++streamPrefixCount > 10_000) {
      streamPrefixes.clear(); // bounded: attackers choose paths
      streamPrefixCount = 1;
    }
    p = createHash('sha256').update(`${who}\0${where}`).digest().subarray(0, 6);
    level(streamPrefixes, who, () => new Map<string | undefined, Buffer>()).set(where, p);
  }
  return p;
}

/** `into`: where to write a positional key (16 bytes), instead of a new buffer. */
export function dedupeKey(e: LogEvent, id: Buffer = Buffer.from(e.id, 'hex'), into?: Buffer): Buffer {
  const position = e.source.offset ?? e.source.record_id;
  if (position === undefined || position > 0xffff_ffff_ffff) return id;
  const key = into ?? Buffer.allocUnsafe(16);
  writePositionalKey(e, position, id, key, 0);
  return key;
}

/**
 * dedupeKey's positional form into out[at..at + 16): stream prefix (6 bytes), position (6 bytes,
 * big-endian), id bytes 0..3. Shared by dedupeKey and appendEvent, which writes it straight into a
 * chunk's pack, so the layout is stated once.
 */
function writePositionalKey(e: LogEvent, position: number, id: Uint8Array, out: Buffer, at: number): void {
  const prefix = streamPrefix(e.agent_host ?? e.host, e.source.path ?? e.source.channel ?? '');
  for (let k = 0; k < 6; k++) out[at + k] = prefix[k]!;
  out.writeUIntBE(position, at + 6, 6);
  // An id shorter than 4 bytes (never one the schema admits) must not leave stale scratch or
  // uninitialized bytes in the key: the key would differ on each encode and leak memory.
  const n = Math.min(id.length, 4);
  for (let k = 0; k < n; k++) out[at + 12 + k] = id[k]!;
  for (let k = n; k < 4; k++) out[at + 12 + k] = 0;
}

/**
 * Everything the insert needs, computed off the writing thread when the caller can (ingest calls
 * this on its decode worker): pure, no database access.
 */
export function encodeEvent(e: LogEvent): EncodedEvent {
  const row = encodeEventScratch(e);
  // out of the scratch buffers, sized to fit
  if (row.key === keyScratch) row.key = Buffer.from(keyScratch);
  row.body = Buffer.from(row.body);
  return row;
}

/**
 * encodeEvent with the body (and a positional key) left in the codec's scratch buffers: valid
 * only until the next encode on this thread. For a caller that copies them at once (the decode
 * worker packs every row's bytes into one buffer: no Buffer of its own per row, one copy less).
 */
export function encodeEventScratch(e: LogEvent): EncodedEvent {
  // An id of 32 hex characters (every id the normalizer makes) and a positional key go through
  // scratch buffers too: no two Buffers per event. Any other id takes the general path.
  const scratch = e.id.length === 32 && (isLastIssuedId(e.id) || HEX.test(e.id));
  const id = scratch ? idScratch : Buffer.from(e.id, 'hex');
  if (scratch) idScratch.write(e.id, 'hex');
  const key = dedupeKey(e, id, scratch ? keyScratch : undefined);
  if (key === idScratch) return encodeEventWith(e, Buffer.from(idScratch), id, scratch); // the key is the id: a buffer of its own
  return encodeEventWith(e, key, id, scratch);
}

const idScratch = Buffer.alloc(16);
const keyScratch = Buffer.alloc(16);

/** `idIsHex`: HEX.test(e.id), already known (the regex was 1.6 % of the worker's path, run twice). */
function encodeEventWith(e: LogEvent, key: Buffer, id: Buffer, idIsHex: boolean): EncodedEvent {
  const timeMs = eventTimeMemo.parse(e.time);
  const row: EncodedEvent = { key, timeMs, host: e.host, kind: e.source.kind, stream: streamOf(e), body: encodeBodyScratch(e, key, timeMs, undefined, id, idIsHex) };
  if (e.program !== undefined) row.program = e.program;
  return row;
}

/** What appendEvent reports beside the bytes it wrote (one object per caller, reused for every event). */
export interface AppendedEvent {
  /** The key's bytes, first of what was written; the body follows up to the writer's position. */
  keyLength: number;
  timeMs: number;
  stream: string;
}

/** Hex digit values by character code (lowercase only, as HEX accepts). */
const HEX_VALUE = new Uint8Array(128);
for (let i = 0; i < 16; i++) HEX_VALUE['0123456789abcdef'.charCodeAt(i)] = i;

/** The 16 bytes of a 32-character lowercase hex id, into `out` (what Buffer#write(id, 'hex') does, without the native call). */
function hexInto(id: string, out: Uint8Array): void {
  for (let i = 0; i < 16; i++) out[i] = (HEX_VALUE[id.charCodeAt(2 * i)]! << 4) | HEX_VALUE[id.charCodeAt(2 * i + 1)]!;
}

/**
 * encodeEventScratch's key and body appended to `w` (the key first, then the body), and its
 * columns in `out`: for the decode worker, which packs a chunk's rows into one buffer (RowPacker)
 * and so needs neither a row object nor a view of the scratch buffer per event, nor the copy
 * from the scratch buffer into the pack. The bytes are encodeEventScratch's, exactly: an id of
 * 32 hex characters (every id the normalizer makes) with no or a whole-number position has its
 * key written here (the id's bytes, or dedupeKey's positional form); any other event takes
 * encodeEventScratch and is copied in.
 */
export function appendEvent(w: Writer, e: LogEvent, out: AppendedEvent): void {
  const id = e.id;
  const position = e.source.offset ?? e.source.record_id;
  if (id.length !== 32 || !(isLastIssuedId(id) || HEX.test(id)) || (position !== undefined && !(Number.isSafeInteger(position) && position >= 0))) {
    const row = encodeEventScratch(e);
    out.keyLength = row.key.length;
    out.timeMs = row.timeMs;
    out.stream = row.stream;
    w.bytes(row.key);
    w.bytes(row.body);
    return;
  }
  const idBytes = idScratch;
  hexInto(id, idBytes);
  const timeMs = eventTimeMemo.parse(e.time);
  out.keyLength = 16;
  out.timeMs = timeMs;
  out.stream = streamOf(e);
  w.room(16);
  const buf = w.buf;
  const at = w.pos;
  let idTail: Uint8Array | undefined;
  if (position === undefined || position > 0xffff_ffff_ffff) {
    for (let k = 0; k < 16; k++) buf[at + k] = idBytes[k]!;
  } else {
    writePositionalKey(e, position, idBytes, buf, at);
    idTail = idBytes;
  }
  w.pos = at + 16;
  writeBody(w, e, timeMs, undefined, true, idTail);
}
