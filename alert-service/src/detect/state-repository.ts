/**
 * Detection window state in SQLite, as a log of checkpoints written inside the transaction that
 * commits the detection consumer's pump cursor, so what is loaded at start-up is exactly the
 * state after the events up to that cursor.
 *
 * Each checkpoint appends what changed since the previous one as a few large rows of
 * detect_log (binary, at most PART_BYTES each, see checkpoint-codec below): the head and small
 * state of every changed group (rule, key, touch order, newest time, group values, quiet
 * period, suppressed count), the window entries created since (each written once, never again
 * while it stays in its window), the ords of entries windows dropped, and the groups dropped.
 * One row per group and checkpoint cost ~6.5 µs of B-tree work each (measured; a flood touches
 * thousands of groups between checkpoints, each once): appending a few large rows costs the
 * bytes alone. When the log has grown past twice the last snapshot (and LOG_MIN_BYTES), the
 * checkpoint is a snapshot of every open group instead, and the rows before it are deleted: the
 * log stays within a few times the live state.
 *
 * A row is binary with a string table of its own: every string (rule ids, keys, event ids,
 * messages, hosts, extracted values) is written once per row and referred to by index, so the
 * same event kept by several rules (the sshd rules each keep the failure) costs its text once.
 * It replaced rows of JSON text (format 4), which cost ~6 µs of main-thread CPU per saved entry
 * and group (JSON.stringify of every entry, joins, the text's GC) on the benchmark's sshd flood;
 * rows of that format are still folded, so an upgrade keeps its windows.
 *
 * Start-up folds the log in order (latest head wins, entries added and removed by ord, a
 * group's entries reset when it was re-created); the engine then takes the heads in touch order
 * and each group's body when an event first touches it (or when a snapshot needs it).
 */
import type { Db } from '../store/database.js';
import type { SavedGroupBody, SavedGroupChange, SavedGroupHead, StateChanges } from './engine.js';
import { windowEntry, type WindowEntry } from './windows.js';
import type { Extracted } from './rule.js';
import { Reader, Writer } from '../store/event-codec.js';

/**
 * Bumped when the saved layout changes. 5: binary rows. 4: JSON rows (still folded, so an
 * upgrade keeps its windows; the next save writes format 5). 3: a row per group with its whole
 * window (converted); others are dropped.
 */
const FORMAT = '5';
const JSON_LOG_FORMAT = '4';
const ROW_PER_GROUP_FORMAT = '3';
/** First byte of a binary log row. */
const ROW_TAG = 5;
/** Most bytes of groups in one log row (SQLite rows are cheaper moderate; start-up yields between rows). */
const PART_BYTES = 4 << 20;
/** The log is compacted into a snapshot only once it holds this much. */
const LOG_MIN_BYTES = 32 << 20;

export interface SavedMeta {
  watermark: number | null;
  touchCounter: number;
  /** Highest window entry ord handed out as of the saved state. */
  entryCounter: number;
  /** The saved state holds exactly the events up to this store seq. */
  stateSeq: number;
}

/** An entry in a JSON (format 4) row: an array, not an object (no key names repeated in every entry). */
type EntryJson = [ord: number, t: number, id: string, message: string, host: string, values: WindowEntry['values'], distinct: string | null, steps: readonly string[] | null];
/** A changed group in a JSON row: head, small state, fresh (0/1), entries added, ords removed. */
type GroupJson = [rule: string, key: string, touched: number, newest: number, values: string[], lastFire: number | null, suppressed: number, fresh: 0 | 1, added: EntryJson[], removed: number[]];
/** One JSON log row: changed groups and dropped groups ([rule, key]). */
interface LogPart {
  g: GroupJson[];
  d: Array<[string, string]>;
}

function entryOf(j: EntryJson): WindowEntry {
  return windowEntry(j[1], j[2], j[3], j[4], j[5], j[6] ?? undefined, j[7] ?? undefined, j[0]);
}

/**
 * The entries one binary row added to a group, not read yet: where they start in the row, with
 * the row's string table. A restore reads them only for the groups an event touches (body()):
 * reading every saved entry at start-up (750,000 of them for 60,000 groups on the 1 M-event
 * restart benchmark) was most of the fold's time and garbage.
 */
interface UnreadEntries {
  buf: Buffer;
  strings: RowStrings;
  pos: number;
  count: number;
}

/**
 * A row's string table, each string decoded the first time a ref asks for it: most strings are
 * the ids and messages of entries that a restore leaves unread (UnreadEntries).
 */
class RowStrings {
  private readonly starts: Uint32Array;
  private readonly ends: Uint32Array;
  private readonly decoded: Array<string | undefined>;

  constructor(private readonly buf: Buffer, table: Reader, readonly length: number) {
    this.starts = new Uint32Array(length);
    this.ends = new Uint32Array(length);
    this.decoded = new Array<string | undefined>(length);
    for (let i = 0; i < length; i++) {
      const n = table.uint();
      const end = table.pos + n;
      if (end > buf.length) throw new Error('detect checkpoint: string table is truncated');
      this.starts[i] = table.pos;
      this.ends[i] = end;
      table.pos = end;
    }
  }

  get(i: number): string {
    let s = this.decoded[i];
    if (s === undefined) s = this.decoded[i] = this.buf.toString('utf8', this.starts[i]!, this.ends[i]!);
    return s;
  }
}

/** A group's change as folded: its entries read (JSON rows) or not yet (binary rows). */
type FoldChange = Omit<SavedGroupChange, 'added'> & { added: WindowEntry[] | UnreadEntries };

/** A group as the fold of the log holds it until the engine takes it. */
interface FoldedGroup {
  head: SavedGroupHead;
  values: string[];
  lastFire: number | null;
  suppressed: number;
  /** Its window's changes since it was last fresh, in log order: applied when the body is asked for. */
  changes: Array<{ added: WindowEntry[] | UnreadEntries; removed: number[] }>;
}

const groupId = (rule: string, key: string) => `${rule}\u0000${key}`;

// ---------------------------------------------------------------------------------------------
// Binary log rows. Layout: ROW_TAG, uint string count, uint group count, uint byte length of the
// groups and deletes, the groups, uint delete count and (rule, key) string refs, then the string
// table (each string as event-codec's Writer#str writes it; a ref is its uint index).
//   group: rule, key (refs), uint touched, f64 newest, uint n + n refs (values), f64 lastFire
//          (NaN: none), uint suppressed, byte fresh, uint n + n entries, uint n + n uint ords removed
//   entry: uint ord, f64 t, id, message, host (refs), extracted values (below), distinct (uint 0:
//          none, 1: a ref follows), steps (uint 0: none, else count + 1, then refs)
//   values: per defined value a tag (1 string, 2 number, 3 other as JSON text), the key's ref and
//          the value (a ref, f64 for a number), ended by tag 0. Undefined values are left out,
//          as JSON.stringify left them out.

const V_END = 0;
const V_STRING = 1;
const V_NUMBER = 2;
const V_JSON = 3;

/** PartWriter's ref positions (refAt). */
const SLOT_ID = 0;
const SLOT_MESSAGE = 1;
const SLOT_HOST = 2;
const SLOT_RULE = 3;
const SLOT_KEY = 4;
const SLOT_VALUES = 5;
const SLOTS = SLOT_VALUES + 2 * 8;

/** Writes one checkpoint row: groups into a body, their strings once each into the row's table. */
class PartWriter {
  private readonly body = new Writer();
  private readonly table = new Writer();
  private readonly strings = new Map<string, number>();
  private readonly f64Bytes = Buffer.allocUnsafe(8);
  private groups = 0;

  /** Bytes so far. */
  get size(): number {
    return this.body.pos + this.table.pos;
  }

  /**
   * The ref last written in each position (the entry's id, message, host, its n-th value key and
   * value, the group's rule and key), with its string: consecutive groups of a row mostly hold the
   * same event (the sshd rules each keep the failure, and their groups change together) and
   * the same keys, so most refs are found by a string compare, not a Map lookup that hashes a new
   * string. The same index the Map gives: the table is unchanged.
   */
  private readonly lastStr = new Array<string | undefined>(SLOTS).fill(undefined);
  private readonly lastRef = new Array<number>(SLOTS).fill(0);

  private refAt(w: Writer, s: string, slot: number): void {
    if (s === this.lastStr[slot]) {
      w.uint(this.lastRef[slot]!);
      return;
    }
    const i = this.index(s);
    this.lastStr[slot] = s;
    this.lastRef[slot] = i;
    w.uint(i);
  }

  private ref(w: Writer, s: string): void {
    w.uint(this.index(s));
  }

  private index(s: string): number {
    let i = this.strings.get(s);
    if (i === undefined) {
      i = this.strings.size;
      this.strings.set(s, i);
      this.table.str(s);
    }
    return i;
  }

  private f64(v: number): void {
    this.f64Bytes.writeDoubleLE(v, 0);
    this.body.bytes(this.f64Bytes);
  }

  private values(values: Extracted): void {
    const w = this.body;
    let slot = SLOT_VALUES;
    for (const k in values) {
      const v = values[k];
      if (v === undefined) continue;
      if (typeof v === 'string') {
        w.byte(V_STRING);
        if (slot < SLOTS) {
          this.refAt(w, k, slot++);
          this.refAt(w, v, slot++);
        } else {
          this.ref(w, k);
          this.ref(w, v);
        }
      } else if (typeof v === 'number') {
        w.byte(V_NUMBER);
        this.ref(w, k);
        this.f64(v);
      } else {
        // Rule code outside its types (a boolean, null): kept as the JSON rows kept it.
        w.byte(V_JSON);
        this.ref(w, k);
        this.ref(w, JSON.stringify(v));
      }
    }
    w.byte(V_END);
  }

  private entry(e: WindowEntry): void {
    const w = this.body;
    w.uint(e.ord!);
    this.f64(e.t);
    this.refAt(w, e.id, SLOT_ID);
    this.refAt(w, e.message, SLOT_MESSAGE);
    this.refAt(w, e.host, SLOT_HOST);
    this.values(e.values);
    if (e.distinct === undefined) w.uint(0);
    else {
      w.uint(1);
      this.ref(w, e.distinct);
    }
    if (!e.steps) w.uint(0);
    else {
      w.uint(e.steps.length + 1);
      for (const s of e.steps) this.ref(w, s);
    }
  }

  group(g: SavedGroupChange): void {
    const w = this.body;
    this.refAt(w, g.rule, SLOT_RULE);
    this.refAt(w, g.key, SLOT_KEY);
    w.uint(g.touched);
    this.f64(g.newest);
    w.uint(g.values.length);
    for (const v of g.values) this.ref(w, v);
    this.f64(g.lastFire ?? NaN);
    w.uint(g.suppressed);
    w.byte(g.fresh ? 1 : 0);
    w.uint(g.added.length);
    for (const e of g.added) this.entry(e);
    w.uint(g.removed.length);
    for (const o of g.removed) w.uint(o);
    this.groups++;
  }

  /** The row: the groups written and `deletes`. */
  finish(deletes: ReadonlyArray<{ rule: string; key: string }>): Buffer {
    const tail = new Writer();
    tail.uint(deletes.length);
    for (const d of deletes) {
      this.ref(tail, d.rule);
      this.ref(tail, d.key);
    }
    const head = new Writer();
    head.byte(ROW_TAG);
    head.uint(this.strings.size);
    head.uint(this.groups);
    head.uint(this.body.pos + tail.pos);
    return Buffer.concat([head.buf.subarray(0, head.pos), this.body.buf.subarray(0, this.body.pos), tail.buf.subarray(0, tail.pos), this.table.buf.subarray(0, this.table.pos)]);
  }
}

/**
 * Bytes of a log row read, or groups of it folded, between two yields of the fold: a row is up to
 * PART_BYTES (4 MiB), whose read and fold took 0.3-0.75 s in one go (1 M-event restart
 * benchmark, loaded 2-core VM), the time /healthz then waited.
 */
const FOLD_SLICE_BYTES = 256 << 10;
const FOLD_SLICE_GROUPS = 4000;

/** Reads the refs, numbers, values and entries of one binary row. */
class RowReader {
  constructor(private readonly r: Reader, private readonly buf: Buffer, private readonly strings: RowStrings) {}

  ref(): string {
    const i = this.r.uint();
    if (i >= this.strings.length) throw new Error('detect checkpoint: bad string reference');
    return this.strings.get(i);
  }

  f64(): number {
    const v = this.buf.readDoubleLE(this.r.pos);
    this.r.pos += 8;
    return v;
  }

  values(): Extracted {
    const r = this.r;
    const out: Extracted = {};
    for (let tag = r.byte(); tag !== V_END; tag = r.byte()) {
      const k = this.ref();
      if (tag === V_STRING) out[k] = this.ref();
      else if (tag === V_NUMBER) out[k] = this.f64();
      else if (tag === V_JSON) out[k] = JSON.parse(this.ref()) as string;
      else throw new Error('detect checkpoint: bad value tag');
    }
    return out;
  }

  entry(): WindowEntry {
    const r = this.r;
    const ord = r.uint();
    const t = this.f64();
    const id = this.ref();
    const message = this.ref();
    const host = this.ref();
    const values = this.values();
    const distinct = r.uint() ? this.ref() : undefined;
    const n = r.uint();
    let steps: string[] | undefined;
    if (n) {
      steps = new Array<string>(n - 1);
      for (let k = 0; k < steps.length; k++) steps[k] = this.ref();
    }
    return windowEntry(t, id, message, host, values, distinct, steps, ord);
  }

  /** A ref's index checked, its string not decoded. */
  private skipRef(): void {
    if (this.r.uint() >= this.strings.length) throw new Error('detect checkpoint: bad string reference');
  }

  /**
   * Past one entry without building it, checking what the fold checked when it built every entry
   * (tags, refs, length), so a damaged row still fails the restore rather than a later batch.
   */
  skipEntry(): void {
    const r = this.r;
    r.uint();
    r.pos += 8;
    this.skipRef();
    this.skipRef();
    this.skipRef();
    for (let tag = r.byte(); tag !== V_END; tag = r.byte()) {
      this.skipRef();
      if (tag === V_NUMBER) r.pos += 8;
      else if (tag === V_STRING || tag === V_JSON) this.skipRef();
      else throw new Error('detect checkpoint: bad value tag');
    }
    if (r.uint()) this.skipRef();
    for (let steps = r.uint(); steps > 1; steps--) this.skipRef();
    if (r.pos > this.buf.length) throw new Error('detect checkpoint: log row is truncated');
  }
}

/** The entries a binary row added to a group, read now. */
function readEntries(u: UnreadEntries): WindowEntry[] {
  const r = new Reader(u.buf);
  r.pos = u.pos;
  const rr = new RowReader(r, u.buf, u.strings);
  const out = new Array<WindowEntry>(u.count);
  for (let i = 0; i < u.count; i++) out[i] = rr.entry();
  return out;
}

/**
 * Reads a row PartWriter wrote, calling back per group (its entries left unread: UnreadEntries)
 * and per delete (the fold); yields after about every FOLD_SLICE_BYTES read, so the caller can
 * let the event loop turn in between.
 */
function* readPart(buf: Buffer, onGroup: (g: FoldChange) => void, onDelete: (rule: string, key: string) => void): Generator<void, void> {
  const r = new Reader(buf);
  if (r.byte() !== ROW_TAG) throw new Error('detect checkpoint: unknown log row format');
  const nStrings = r.uint();
  const nGroups = r.uint();
  const sectionBytes = r.uint();
  const table = new Reader(buf);
  table.pos = r.pos + sectionBytes;
  const strings = new RowStrings(buf, table, nStrings);
  const rr = new RowReader(r, buf, strings);
  let sliceEnd = r.pos + FOLD_SLICE_BYTES;
  for (let gi = 0; gi < nGroups; gi++) {
    const rule = rr.ref();
    const key = rr.ref();
    const touched = r.uint();
    const newest = rr.f64();
    const gv = new Array<string>(r.uint());
    for (let i = 0; i < gv.length; i++) gv[i] = rr.ref();
    const lastFire = rr.f64();
    const suppressed = r.uint();
    const fresh = r.byte() === 1;
    const count = r.uint();
    const added: UnreadEntries = { buf, strings, pos: r.pos, count };
    for (let i = 0; i < count; i++) rr.skipEntry();
    const removed = new Array<number>(r.uint());
    for (let i = 0; i < removed.length; i++) removed[i] = r.uint();
    onGroup({ rule, key, touched, newest, values: gv, lastFire: Number.isNaN(lastFire) ? null : lastFire, suppressed, fresh, added: count ? added : [], removed });
    if (r.pos >= sliceEnd) {
      sliceEnd = r.pos + FOLD_SLICE_BYTES;
      yield;
    }
  }
  for (let n = r.uint(); n > 0; n--) onDelete(rr.ref(), rr.ref());
}

export class DetectStateRepository {
  private readonly append;
  private readonly setMeta;
  private readonly getMeta;
  private readonly selectPart;
  /** Bytes in the log now, and in its last snapshot (persisted in detect_meta; characters for JSON rows). */
  private logBytes: number;
  private snapshotBytes: number;
  /** The folded log (load()), bodies given out as the engine asks for them. */
  private folded = new Map<string, FoldedGroup>();
  /** The binary row being folded in slices (foldNext), and its id. */
  private folding: { id: number; steps: Generator<void, void> } | undefined;

  /** `minLogBytes`: the log is compacted only past this size (LOG_MIN_BYTES; tests make it small). */
  constructor(private readonly db: Db, private readonly minLogBytes = LOG_MIN_BYTES) {
    db.exec(`
      CREATE TABLE IF NOT EXISTS detect_log (id INTEGER PRIMARY KEY, body TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS detect_meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
    `);
    this.append = db.prepare('INSERT INTO detect_log (body) VALUES (?)');
    this.selectPart = db.prepare('SELECT id, body FROM detect_log WHERE id > ? ORDER BY id LIMIT 1').raw();
    this.setMeta = db.prepare('INSERT INTO detect_meta (name, value) VALUES (?, ?) ON CONFLICT(name) DO UPDATE SET value = excluded.value');
    this.getMeta = db.prepare('SELECT value FROM detect_meta WHERE name = ?');
    const format = this.metaValue('format');
    if (format === ROW_PER_GROUP_FORMAT) this.convertRowPerGroup();
    else if (format !== undefined && format !== FORMAT && format !== JSON_LOG_FORMAT) this.clear();
    this.logBytes = Number(this.metaValue('log_chars') ?? 0);
    this.snapshotBytes = Number(this.metaValue('snapshot_chars') ?? 0);
  }

  /**
   * Appends the changes and the seq the state is as of; the caller runs it inside the cursor's
   * transaction. `all` exports every open group: called instead when the log is due for a
   * snapshot (then the changes are not written: the snapshot holds them).
   */
  save(ch: StateChanges, stateSeq: number, all?: () => StateChanges): void {
    let state = ch;
    let snapshot = false;
    if (all && this.logBytes > Math.max(this.minLogBytes, 2 * this.snapshotBytes)) {
      state = all();
      snapshot = true;
    }
    const firstId = this.writeParts(state, snapshot);
    if (snapshot) {
      this.db.prepare('DELETE FROM detect_log WHERE id < ?').run(firstId);
      this.snapshotBytes = this.logBytes;
      this.folded.clear(); // every body was taken for the snapshot
    }
    this.setMeta.run('format', FORMAT);
    this.setMeta.run('watermark', state.watermark === null ? '' : String(state.watermark));
    this.setMeta.run('touch_counter', String(state.touchCounter));
    this.setMeta.run('entry_counter', String(state.entryCounter));
    this.setMeta.run('state_seq', String(stateSeq));
    this.setMeta.run('log_chars', String(this.logBytes));
    this.setMeta.run('snapshot_chars', String(this.snapshotBytes));
  }

  /** Writes the changes as log rows of at most ~PART_BYTES; returns the first row's id. (A snapshot restarts the count.) */
  private writeParts(ch: StateChanges, snapshot: boolean): number {
    let firstId = 0;
    let part = new PartWriter();
    const flush = (deletes: StateChanges['deletes']) => {
      const body = part.finish(deletes);
      const id = Number(this.append.run(body).lastInsertRowid);
      if (!firstId) firstId = id;
      if (snapshot && firstId === id) this.logBytes = 0;
      this.logBytes += body.length;
      part = new PartWriter();
    };
    for (const g of ch.upserts) {
      part.group(g);
      if (part.size >= PART_BYTES) flush([]);
    }
    flush(ch.deletes);
    return firstId;
  }

  /** The engine's saved watermark and counters; undefined on a database that never saved a checkpoint. */
  meta(): SavedMeta | undefined {
    const format = this.metaValue('format');
    if (format !== FORMAT && format !== JSON_LOG_FORMAT) return undefined;
    const wm = this.metaValue('watermark');
    return {
      watermark: wm ? Number(wm) : null,
      touchCounter: Number(this.metaValue('touch_counter') ?? 0),
      entryCounter: Number(this.metaValue('entry_counter') ?? 0),
      stateSeq: Number(this.metaValue('state_seq') ?? 0),
    };
  }

  /**
   * Folds the next slice of the log after row id `after` into the state to restore: a row, or a
   * part of a large one. Returns the id of the last row folded whole (`after` itself while a row
   * is still being folded), or undefined at the end. The caller yields between calls, so
   * /healthz and ingest run while a large state loads.
   */
  foldNext(after: number): number | undefined {
    if (this.folding) {
      const { id, steps } = this.folding;
      if (!steps.next().done) return after;
      this.folding = undefined;
      return id;
    }
    const row = this.selectPart.get(after) as [number, string | Buffer] | undefined;
    if (!row) return undefined;
    const body = row[1];
    // Deletes first, as in the JSON rows: a row's deletes are of groups dropped before its upserts re-created any.
    if (typeof body === 'string') {
      const part = JSON.parse(body) as LogPart;
      for (const [rule, key] of part.d) this.folded.delete(groupId(rule, key));
      for (const [rule, key, touched, newest, values, lastFire, suppressed, fresh, added, removed] of part.g) {
        this.foldGroup({ rule, key, touched, newest, values, lastFire, suppressed, fresh: fresh === 1, added: added.map(entryOf), removed });
      }
      return row[0];
    }
    this.folding = { id: row[0], steps: this.foldRow(body) };
    return this.foldNext(after);
  }

  /** A binary row: read (deletes applied as read, before any of the row's groups), then folded; yields between slices. */
  private *foldRow(body: Buffer): Generator<void, void> {
    const groups: FoldChange[] = [];
    yield* readPart(body, (g) => groups.push(g), (rule, key) => this.folded.delete(groupId(rule, key)));
    for (let i = 0; i < groups.length; i++) {
      this.foldGroup(groups[i]!);
      if (i % FOLD_SLICE_GROUPS === FOLD_SLICE_GROUPS - 1) yield;
    }
  }

  private foldGroup(g: FoldChange): void {
    const id = groupId(g.rule, g.key);
    const head = { rule: g.rule, key: g.key, touched: g.touched, newest: g.newest };
    let f = this.folded.get(id);
    if (!f || g.fresh) this.folded.set(id, (f = { head, values: g.values, lastFire: g.lastFire, suppressed: g.suppressed, changes: [] }));
    else {
      f.head = head;
      f.values = g.values;
      f.lastFire = g.lastFire;
      f.suppressed = g.suppressed;
    }
    if (g.removed.length || !Array.isArray(g.added) || g.added.length) f.changes.push({ added: g.added, removed: g.removed });
  }

  /** The heads of the folded log, least recently touched first. */
  heads(): SavedGroupHead[] {
    return [...this.folded.values()].map((f) => f.head).sort((a, b) => a.touched - b.touched);
  }

  /** One group's body, when an event first touches it after a restart: entries in time order, equal times in creation order. */
  body(rule: string, key: string): SavedGroupBody | undefined {
    const id = groupId(rule, key);
    const f = this.folded.get(id);
    if (!f) return undefined;
    this.folded.delete(id); // the engine holds it from now on
    // The window's changes in log order: an entry is added once and removed at most once after.
    const window = new Map<number, WindowEntry>();
    for (const c of f.changes) {
      for (const ord of c.removed) window.delete(ord);
      for (const e of Array.isArray(c.added) ? c.added : readEntries(c.added)) window.set(e.ord!, e);
    }
    const entries = [...window.values()].sort((a, b) => a.t - b.t || a.ord! - b.ord!);
    return { values: f.values, entries, lastFire: f.lastFire, suppressed: f.suppressed };
  }

  /** Forgets every saved group (rules.warmup: false starts with empty windows). */
  clear(): void {
    this.db.exec('DELETE FROM detect_log; DELETE FROM detect_meta;');
    this.folded.clear();
    this.folding = undefined;
    this.logBytes = 0;
    this.snapshotBytes = 0;
  }

  /** Format 3 kept a row per group with its whole window: one snapshot of them, once, keeping the state. */
  private convertRowPerGroup(): void {
    const exists = this.db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'detect_groups'").get();
    this.db.transaction(() => {
      const upserts: StateChanges['upserts'] = [];
      let ord = 0;
      if (exists) {
        const page = this.db.prepare('SELECT id, rule, key, touched, newest, body FROM detect_groups WHERE id > ? ORDER BY id LIMIT 1000').raw();
        for (let after = 0; ; ) {
          const rows = page.all(after) as Array<[number, string, string, number, number, string]>;
          for (const [, rule, key, touched, newest, json] of rows) {
            const old = JSON.parse(json) as SavedGroupBody;
            const added = old.entries.map((e) => ({ ...e, ord: ++ord }));
            upserts.push({ rule, key, touched, newest, values: old.values, lastFire: old.lastFire, suppressed: old.suppressed, fresh: true, added, removed: [] });
          }
          if (rows.length < 1000) break;
          after = rows[rows.length - 1]![0];
        }
      }
      const wm = this.metaValue('watermark');
      this.writeParts({ upserts, deletes: [], watermark: wm ? Number(wm) : null, touchCounter: Number(this.metaValue('touch_counter') ?? 0), entryCounter: ord }, true);
      this.snapshotBytes = this.logBytes;
      if (exists) this.db.exec('DROP TABLE detect_groups');
      this.setMeta.run('entry_counter', String(ord));
      this.setMeta.run('log_chars', String(this.logBytes));
      this.setMeta.run('snapshot_chars', String(this.snapshotBytes));
      this.setMeta.run('format', FORMAT);
    })();
  }

  private metaValue(name: string): string | undefined {
    return (this.getMeta.get(name) as { value: string } | undefined)?.value;
  }
}
