/**
 * StoredBatch for the SQLite store: the seq and the input position of every row an insert
 * stored, in typed arrays over the rows it was given. Ingest's rows are views into the chunk
 * bytes the decode worker sent, so the pump's hand-off of up to 200,000 just-stored events holds
 * those bytes and two numbers per event instead of a {seq, row} object, the row object and two
 * byte views per event, which all lived long enough to be copied by every scavenge and promoted.
 */
import type { EncodedEvent, EncodedRows, StoredBatch, StoredEncoded } from './event-store.js';

export class StoredRows implements StoredBatch {
  private readonly seqs: Float64Array;
  private readonly positions: Uint32Array;
  /** Rows stored other than given (re-encoded inline strings, re-keyed), by their k: rare. */
  private rewritten: Map<number, EncodedEvent> | undefined;
  private n = 0;

  /** `rows`: what the insert was given; each of them is stored at most once, so `rows.length` bounds the batch. */
  constructor(private readonly rows: EncodedRows) {
    this.seqs = new Float64Array(rows.length);
    this.positions = new Uint32Array(rows.length);
  }

  get length(): number {
    return this.n;
  }

  get bytes(): number | undefined {
    const rows = this.rows.bytes;
    return rows === undefined ? undefined : rows + this.seqs.byteLength + this.positions.byteLength;
  }

  /** rows.at(position) was stored under `seq`; `asStored` when the store wrote it differently. */
  add(seq: number, position: number, asStored?: EncodedEvent): void {
    const k = this.n;
    if (k >= this.seqs.length) throw new Error('stored rows: more rows stored than given');
    if (k && seq <= this.seqs[k - 1]!) throw new Error('stored rows: seqs must ascend');
    this.n = k + 1;
    this.seqs[k] = seq;
    this.positions[k] = position;
    if (asStored) (this.rewritten ??= new Map()).set(k, asStored);
  }

  seq(k: number): number {
    if (k >>> 0 !== k || k >= this.n) throw new RangeError(`stored rows: no row ${k} of ${this.n}`);
    return this.seqs[k]!;
  }

  row(k: number): EncodedEvent {
    if (k >>> 0 !== k || k >= this.n) throw new RangeError(`stored rows: no row ${k} of ${this.n}`);
    return this.rewritten?.get(k) ?? this.rows.at(this.positions[k]!)!;
  }
}

/** Several row lists read as one (the chunks a group commit stores together), without copying. */
export class ConcatRows implements EncodedRows {
  readonly length: number;
  readonly bytes: number | undefined;
  private readonly starts: number[];
  /** The part the last at() read: rows are read in order, so the next is mostly in it. */
  private last = 0;

  constructor(private readonly parts: readonly EncodedRows[]) {
    this.starts = [];
    let n = 0;
    for (const p of parts) {
      this.starts.push(n);
      n += p.length;
    }
    this.length = n;
    let bytes: number | undefined = 0;
    for (const p of parts) bytes = p.bytes === undefined || bytes === undefined ? undefined : bytes + p.bytes;
    this.bytes = bytes;
  }

  at(i: number): EncodedEvent | undefined {
    if (i >>> 0 !== i || i >= this.length) return undefined; // not a row index
    let p = this.last;
    if (i < this.starts[p]! || i >= this.starts[p]! + this.parts[p]!.length) {
      p = 0;
      while (i >= this.starts[p]! + this.parts[p]!.length) p++;
      this.last = p;
    }
    return this.parts[p]!.at(i - this.starts[p]!);
  }
}

/** The batch as {seq, row} objects (tests, tools; not the ingest path, which keeps it compact). */
export function storedEncoded(b: StoredBatch): StoredEncoded[] {
  const out = new Array<StoredEncoded>(b.length);
  for (let k = 0; k < b.length; k++) out[k] = { seq: b.seq(k), row: b.row(k) };
  return out;
}
