/**
 * Detection window state in SQLite, as a log of checkpoints written inside the transaction that
 * commits the detection consumer's pump cursor, so what is loaded at start-up is exactly the
 * state after the events up to that cursor.
 *
 * Each checkpoint appends what changed since the previous one as a few large rows of
 * detect_log (JSON, at most PART_CHARS each): the head and small state of every changed group
 * (rule, key, touch order, newest time, group values, quiet period, suppressed count), the
 * window entries created since (each written once, never again while it stays in its window),
 * the ords of entries windows dropped, and the groups dropped. One row per group and checkpoint
 * cost ~6.5 µs of B-tree work each (measured; a flood touches thousands of groups between
 * checkpoints, each once): appending a few large rows costs the bytes alone. When the log
 * has grown past twice the last snapshot (and LOG_MIN_CHARS), the checkpoint is a snapshot of
 * every open group instead, and the rows before it are deleted: the log stays within a few
 * times the live state.
 *
 * Start-up folds the log in order (latest head wins, entries added and removed by ord, a
 * group's entries reset when it was re-created); the engine then takes the heads in touch order
 * and each group's body when an event first touches it (or when a snapshot needs it).
 */
import type { Db } from '../store/database.js';
import type { SavedGroupBody, SavedGroupHead, StateChanges } from './engine.js';
import type { WindowEntry } from './windows.js';

/** Bumped when the saved layout changes. 3: a row per group with its whole window (converted); others are dropped. */
const FORMAT = '4';
const ROW_PER_GROUP_FORMAT = '3';
/** Most characters of JSON in one log row (V8 strings have a length limit; SQLite rows are cheaper moderate). */
const PART_CHARS = 4 << 20;
/** The log is compacted into a snapshot only once it holds this much. */
const LOG_MIN_CHARS = 32 << 20;

export interface SavedMeta {
  watermark: number | null;
  touchCounter: number;
  /** Highest window entry ord handed out as of the saved state. */
  entryCounter: number;
  /** The saved state holds exactly the events up to this store seq. */
  stateSeq: number;
}

/** An entry in the log: a JSON array, not an object (no key names repeated in every entry). */
type EntryJson = [ord: number, t: number, id: string, message: string, host: string, values: WindowEntry['values'], distinct: string | null, steps: readonly string[] | null];
/** A changed group in the log: head, small state, fresh (0/1), entries added, ords removed. */
type GroupJson = [rule: string, key: string, touched: number, newest: number, values: string[], lastFire: number | null, suppressed: number, fresh: 0 | 1, added: EntryJson[], removed: number[]];
/** One log row: changed groups and dropped groups ([rule, key]). */
interface LogPart {
  g: GroupJson[];
  d: Array<[string, string]>;
}

function entryJson(e: WindowEntry): string {
  const row: EntryJson = [e.ord!, e.t, e.id, e.message, e.host, e.values, e.distinct ?? null, e.steps ?? null];
  return JSON.stringify(row);
}

function entryOf(j: EntryJson): WindowEntry {
  const e: WindowEntry = { t: j[1], id: j[2], message: j[3], host: j[4], values: j[5], ord: j[0] };
  if (j[6] !== null) e.distinct = j[6];
  if (j[7] !== null) e.steps = j[7];
  return e;
}

/** A group as the fold of the log holds it until the engine takes it. */
interface FoldedGroup {
  head: SavedGroupHead;
  values: string[];
  lastFire: number | null;
  suppressed: number;
  entries: Map<number, WindowEntry>;
}

const groupId = (rule: string, key: string) => `${rule}\u0000${key}`;

export class DetectStateRepository {
  private readonly append;
  private readonly setMeta;
  private readonly getMeta;
  private readonly selectPart;
  /** Characters in the log now, and in its last snapshot (persisted in detect_meta). */
  private logChars: number;
  private snapshotChars: number;
  /** The folded log (load()), bodies given out as the engine asks for them. */
  private folded = new Map<string, FoldedGroup>();

  /** `minLogChars`: the log is compacted only past this size (LOG_MIN_CHARS; tests make it small). */
  constructor(private readonly db: Db, private readonly minLogChars = LOG_MIN_CHARS) {
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
    else if (format !== undefined && format !== FORMAT) this.clear();
    this.logChars = Number(this.metaValue('log_chars') ?? 0);
    this.snapshotChars = Number(this.metaValue('snapshot_chars') ?? 0);
  }

  /**
   * Appends the changes and the seq the state is as of; the caller runs it inside the cursor's
   * transaction. `all` exports every open group: called instead when the log is due for a
   * snapshot (then the changes are not written: the snapshot holds them).
   */
  save(ch: StateChanges, stateSeq: number, all?: () => StateChanges): void {
    let state = ch;
    let snapshot = false;
    if (all && this.logChars > Math.max(this.minLogChars, 2 * this.snapshotChars)) {
      state = all();
      snapshot = true;
    }
    const firstId = this.writeParts(state, snapshot);
    if (snapshot) {
      this.db.prepare('DELETE FROM detect_log WHERE id < ?').run(firstId);
      this.snapshotChars = this.logChars;
      this.folded.clear(); // every body was taken for the snapshot
    }
    this.setMeta.run('format', FORMAT);
    this.setMeta.run('watermark', state.watermark === null ? '' : String(state.watermark));
    this.setMeta.run('touch_counter', String(state.touchCounter));
    this.setMeta.run('entry_counter', String(state.entryCounter));
    this.setMeta.run('state_seq', String(stateSeq));
    this.setMeta.run('log_chars', String(this.logChars));
    this.setMeta.run('snapshot_chars', String(this.snapshotChars));
  }

  /** Writes the changes as log rows of at most ~PART_CHARS; returns the first row's id. (A snapshot restarts the count.) */
  private writeParts(ch: StateChanges, snapshot: boolean): number {
    let firstId = 0;
    let groups: string[] = [];
    let chars = 0;
    const flush = (deletes: string) => {
      const body = `{"g":[${groups.join(',')}],"d":${deletes}}`;
      const id = Number(this.append.run(body).lastInsertRowid);
      if (!firstId) firstId = id;
      if (snapshot && firstId === id) this.logChars = 0;
      this.logChars += body.length;
      groups = [];
      chars = 0;
    };
    for (const g of ch.upserts) {
      const added = g.added.map(entryJson).join(',');
      const text = `[${JSON.stringify(g.rule)},${JSON.stringify(g.key)},${g.touched},${g.newest},${JSON.stringify(g.values)},${g.lastFire === null ? 'null' : g.lastFire},${g.suppressed},${g.fresh ? 1 : 0},[${added}],[${g.removed.join(',')}]]`;
      groups.push(text);
      chars += text.length;
      if (chars >= PART_CHARS) flush('[]');
    }
    const deletes = JSON.stringify(ch.deletes.map((d) => [d.rule, d.key]));
    flush(deletes);
    return firstId;
  }

  /** The engine's saved watermark and counters; undefined on a database that never saved a checkpoint. */
  meta(): SavedMeta | undefined {
    if (this.metaValue('format') !== FORMAT) return undefined;
    const wm = this.metaValue('watermark');
    return {
      watermark: wm ? Number(wm) : null,
      touchCounter: Number(this.metaValue('touch_counter') ?? 0),
      entryCounter: Number(this.metaValue('entry_counter') ?? 0),
      stateSeq: Number(this.metaValue('state_seq') ?? 0),
    };
  }

  /**
   * Folds the next log row (after row id `after`) into the state to restore; returns its id, or
   * undefined at the end. The caller yields between rows, so /healthz and ingest run while a
   * large state loads.
   */
  foldNext(after: number): number | undefined {
    const row = this.selectPart.get(after) as [number, string] | undefined;
    if (!row) return undefined;
    const part = JSON.parse(row[1]) as LogPart;
    for (const [rule, key] of part.d) this.folded.delete(groupId(rule, key));
    for (const [rule, key, touched, newest, values, lastFire, suppressed, fresh, added, removed] of part.g) {
      const id = groupId(rule, key);
      let f = this.folded.get(id);
      if (!f || fresh) this.folded.set(id, (f = { head: { rule, key, touched, newest }, values, lastFire, suppressed, entries: new Map() }));
      else {
        f.head = { rule, key, touched, newest };
        f.values = values;
        f.lastFire = lastFire;
        f.suppressed = suppressed;
      }
      for (const ord of removed) f.entries.delete(ord);
      for (const e of added) f.entries.set(e[0], entryOf(e));
    }
    return row[0];
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
    const entries = [...f.entries.values()].sort((a, b) => a.t - b.t || a.ord! - b.ord!);
    return { values: f.values, entries, lastFire: f.lastFire, suppressed: f.suppressed };
  }

  /** Forgets every saved group (rules.warmup: false starts with empty windows). */
  clear(): void {
    this.db.exec('DELETE FROM detect_log; DELETE FROM detect_meta;');
    this.folded.clear();
    this.logChars = 0;
    this.snapshotChars = 0;
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
      this.snapshotChars = this.logChars;
      if (exists) this.db.exec('DROP TABLE detect_groups');
      this.setMeta.run('entry_counter', String(ord));
      this.setMeta.run('log_chars', String(this.logChars));
      this.setMeta.run('snapshot_chars', String(this.snapshotChars));
      this.setMeta.run('format', FORMAT);
    })();
  }

  private metaValue(name: string): string | undefined {
    return (this.getMeta.get(name) as { value: string } | undefined)?.value;
  }
}
