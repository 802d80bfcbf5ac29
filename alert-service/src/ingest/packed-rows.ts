/**
 * The decode worker's rows, packed for the trip to the main thread: every distinct string of the
 * rows concatenated into one, every byte field (key, body) into one buffer, with their lengths and the
 * row times in typed arrays that are moved, not copied. Structured clone of a thousand row
 * objects builds (and later collects) thousands of values on the main thread, the one that also
 * stores and runs detection; this is one string copy, and the fields come back as substrings and
 * subarrays (measured: about 0.5-1.5 µs a row on the main thread instead of 3.5-4).
 */
import type { EncodedEvent, EncodedRows } from '../store/event-store.js';
import type { LogEvent } from '../generated/schema-types.js';
import { appendEvent, Writer, type AppendedEvent } from '../store/event-codec.js';

export interface PackedRows {
  /** Every distinct string of the rows (host, kind, stream, program) once, concatenated. */
  text: string;
  /**
   * Per row: the string table index + 1 of its host, kind, stream and program (0: no program);
   * then the length of each string of the table (UTF-16 units), in table order.
   */
  lengths: Uint32Array;
  bytes: Uint8Array;
  /** Per row: key and body lengths in bytes. */
  byteLengths: Uint32Array;
  timesMs: Float64Array;
}

const STRINGS = 4;

/**
 * Packs rows one at a time, copying each row's key and body as it comes: a row whose body is a
 * view of the codec's scratch buffer (encodeEventScratch) is packed before the next encode
 * overwrites it, so no row needs a buffer of its own.
 *
 * Each distinct string goes into the pack once (a chunk's rows share a few hosts, kinds, streams
 * and programs): the main thread then cuts one string per distinct value instead of four per
 * row, and every row of a value holds the same string object, whose hash the store's dictionary,
 * the stream parser and the consumers' maps compute once instead of once per row.
 */
export class RowPacker {
  private readonly refs: Uint32Array;
  private readonly table = new Map<string, number>();
  private readonly strings: string[] = [];
  private readonly byteLengths: Uint32Array;
  private readonly timesMs: Float64Array;
  /** Every row's key and body, one after the other. */
  private readonly w: Writer;
  private readonly appended: AppendedEvent = { keyLength: 0, timeMs: 0, stream: '' };
  private n = 0;

  /** `rows`: at most how many rows will be added; `expectedBytes`: a guess of their key and body bytes (it grows). */
  constructor(private readonly rows: number, expectedBytes: number) {
    this.refs = new Uint32Array(rows * STRINGS);
    this.byteLengths = new Uint32Array(rows * 2);
    this.timesMs = new Float64Array(rows);
    this.w = new Writer(Math.max(1024, expectedBytes));
  }

  /** The string's table index + 1, adding it on first sight. */
  private ref(s: string): number {
    let i = this.table.get(s);
    if (i === undefined) {
      i = this.strings.length;
      this.table.set(s, i);
      this.strings.push(s);
    }
    return i + 1;
  }

  private next(host: string, kind: string, stream: string, program: string | undefined): number {
    const i = this.n++;
    if (i >= this.rows) throw new Error('packed rows: more rows than announced');
    const j = i * STRINGS;
    const refs = this.refs;
    refs[j] = this.ref(host);
    refs[j + 1] = this.ref(kind);
    refs[j + 2] = this.ref(stream);
    refs[j + 3] = program === undefined ? 0 : this.ref(program);
    return i;
  }

  add(r: EncodedEvent): void {
    const i = this.next(r.host, r.kind, r.stream, r.program);
    this.w.bytes(r.key);
    this.w.bytes(r.body);
    this.byteLengths[2 * i] = r.key.length;
    this.byteLengths[2 * i + 1] = r.body.length;
    this.timesMs[i] = r.timeMs;
  }

  /**
   * The row encodeEventScratch makes of `e`, encoded straight into the pack (appendEvent): the
   * same bytes and strings as add(encodeEventScratch(e)), without a row object or a copy per event.
   */
  addEvent(e: LogEvent): void {
    const w = this.w;
    const start = w.pos;
    const a = this.appended;
    appendEvent(w, e, a);
    // The strings after the bytes, as add(encodeEventScratch(e)) takes them (an encoder failure fails the chunk).
    const i = this.next(e.host, e.source.kind, a.stream, e.program);
    this.byteLengths[2 * i] = a.keyLength;
    this.byteLengths[2 * i + 1] = w.pos - start - a.keyLength;
    this.timesMs[i] = a.timeMs;
  }

  finish(): PackedRows {
    const n = this.n;
    // Fewer rows than records (dead letters, blank lines): the arrays cut to fit, in buffers of their own.
    const refs = n === this.rows ? this.refs : this.refs.subarray(0, n * STRINGS);
    const byteLengths = n === this.rows ? this.byteLengths : this.byteLengths.slice(0, 2 * n);
    const timesMs = n === this.rows ? this.timesMs : this.timesMs.slice(0, n);
    const { strings } = this;
    const lengths = new Uint32Array(refs.length + strings.length);
    lengths.set(refs);
    for (let k = 0; k < strings.length; k++) lengths[refs.length + k] = strings[k]!.length;
    // The bytes sized to fit, in a buffer of their own (transferred, not copied, to the main thread).
    const bytes = new Uint8Array(this.w.pos);
    bytes.set(this.w.buf.subarray(0, this.w.pos));
    return { text: strings.join(''), lengths, bytes, byteLengths, timesMs };
  }
}

export function packRows(rows: readonly EncodedEvent[]): PackedRows {
  let total = 0;
  for (const r of rows) total += r.key.length + r.body.length;
  const packer = new RowPacker(rows.length, total);
  for (const r of rows) packer.add(r);
  return packer.finish();
}

/**
 * The rows of a pack read in place: a row's object (with views of its key and body) is made
 * when it is asked for and dropped by whoever asked (the store's insert, the pump's decode), so
 * a chunk waiting for its commit or in the pump's hand-off is its bytes and a few typed arrays,
 * not a thousand objects. Checked whole when made (lengths, string references), as unpackRows
 * checked each row: a malformed pack is refused before anything reads it.
 */
export class PackedRowView implements EncodedRows {
  readonly length: number;
  readonly bytes: number;
  private readonly strings: string[];
  /** Per row: where its key starts in `bytes` (its body follows the key). */
  private readonly starts: Uint32Array;

  constructor(private readonly p: PackedRows) {
    const { text, lengths, bytes, byteLengths, timesMs } = p;
    const n = timesMs.length;
    const refCount = n * STRINGS;
    if (lengths.length < refCount || byteLengths.length !== n * 2) throw new Error('packed rows: lengths and times disagree');
    const strings = new Array<string>(lengths.length - refCount);
    let at = 0;
    for (let k = 0; k < strings.length; k++) strings[k] = text.substring(at, (at += lengths[refCount + k]!));
    if (at !== text.length) throw new Error('packed rows: lengths do not add up');
    for (let j = 0; j < refCount; j++) {
      const ref = lengths[j]!;
      // host, kind and stream are required (ref >= 1); program may be absent (0).
      if (ref > strings.length || (ref === 0 && j % STRINGS !== 3)) throw new Error('packed rows: a string reference is out of range');
    }
    const starts = new Uint32Array(n);
    let b = 0;
    for (let i = 0; i < n; i++) {
      starts[i] = b;
      b += byteLengths[2 * i]! + byteLengths[2 * i + 1]!;
    }
    if (b !== bytes.length) throw new Error('packed rows: lengths do not add up');
    this.length = n;
    this.strings = strings;
    this.starts = starts;
    this.bytes = bytes.byteLength + text.length * 2 + lengths.byteLength + byteLengths.byteLength + timesMs.byteLength + starts.byteLength;
  }

  at(i: number): EncodedEvent | undefined {
    if (i >>> 0 !== i || i >= this.length) return undefined; // not a row index
    const { lengths, bytes, byteLengths, timesMs } = this.p;
    const strings = this.strings;
    const j = i * STRINGS;
    const b = this.starts[i]!;
    const keyEnd = b + byteLengths[2 * i]!;
    const key = bytes.subarray(b, keyEnd);
    const body = bytes.subarray(keyEnd, keyEnd + byteLengths[2 * i + 1]!);
    const host = strings[lengths[j]! - 1]!;
    const kind = strings[lengths[j + 1]! - 1]!;
    const stream = strings[lengths[j + 2]! - 1]!;
    const programRef = lengths[j + 3]!;
    const timeMs = timesMs[i]!;
    // Two literals rather than a spread of { program }: one object per row, of one of two shapes.
    return programRef ? { key, timeMs, host, kind, stream, program: strings[programRef - 1]!, body } : { key, timeMs, host, kind, stream, body };
  }
}

/** Every row of a pack as an object (tests, tools; ingest reads a PackedRowView in place). */
export function unpackRows(p: PackedRows): EncodedEvent[] {
  const view = new PackedRowView(p);
  const rows = new Array<EncodedEvent>(view.length);
  for (let i = 0; i < rows.length; i++) rows[i] = view.at(i)!;
  return rows;
}
