/**
 * Detection window state in SQLite: one row per open rule group (its window entries, quiet
 * period, suppressed count), written incrementally (only groups changed since the last save)
 * inside the transaction that commits the detection consumer's pump cursor. What is loaded at
 * start-up is therefore exactly the state after the events up to that cursor. Start-up reads
 * only each group's head (rule, key, touch order, newest time); a body is read by primary key
 * when an event first touches its group.
 */
import type { Db } from '../store/database.js';
import type { SavedGroupBody, SavedGroupHead, StateChanges } from './engine.js';

/** Bumped when the saved row layout changes; rows of another format are not loaded. */
const FORMAT = '3';

export interface SavedMeta {
  watermark: number | null;
  touchCounter: number;
  /** The saved state holds exactly the events up to this store seq. */
  stateSeq: number;
}

export class DetectStateRepository {
  private readonly upsert;
  private readonly remove;
  private readonly setMeta;
  private readonly getMeta;
  private readonly getBody;
  private readonly selectHeads;

  constructor(private readonly db: Db) {
    db.exec(`
      -- A rowid table (bodies are ~1 KB: WITHOUT ROWID measured twice the upsert cost).
      CREATE TABLE IF NOT EXISTS detect_groups (
        id INTEGER PRIMARY KEY,
        rule TEXT NOT NULL,
        key TEXT NOT NULL,
        touched INTEGER NOT NULL,
        newest INTEGER NOT NULL,
        body TEXT NOT NULL,
        UNIQUE (rule, key)
      );
      -- Covering index for start-up: heads are read in touch order without reading any body.
      CREATE INDEX IF NOT EXISTS detect_groups_heads ON detect_groups(touched, newest, rule, key);
      CREATE TABLE IF NOT EXISTS detect_meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
    `);
    this.upsert = db.prepare(
      'INSERT INTO detect_groups (rule, key, touched, newest, body) VALUES (?, ?, ?, ?, ?) ON CONFLICT(rule, key) DO UPDATE SET touched = excluded.touched, newest = excluded.newest, body = excluded.body',
    );
    this.getBody = db.prepare('SELECT body FROM detect_groups WHERE rule = ? AND key = ?').pluck();
    this.selectHeads = db.prepare('SELECT rule, key, touched, newest FROM detect_groups WHERE touched > ? ORDER BY touched LIMIT ?').raw();
    this.remove = db.prepare('DELETE FROM detect_groups WHERE rule = ? AND key = ?');
    this.setMeta = db.prepare('INSERT INTO detect_meta (name, value) VALUES (?, ?) ON CONFLICT(name) DO UPDATE SET value = excluded.value');
    this.getMeta = db.prepare('SELECT value FROM detect_meta WHERE name = ?');
  }

  /** Writes the changes and the seq the state is as of; the caller runs it inside the cursor's transaction. */
  save(ch: StateChanges, stateSeq: number): void {
    for (const d of ch.deletes) this.remove.run(d.rule, d.key);
    for (const g of ch.upserts) {
      const body: SavedGroupBody = { values: g.values, entries: g.entries, lastFire: g.lastFire, suppressed: g.suppressed };
      this.upsert.run(g.rule, g.key, g.touched, g.newest, JSON.stringify(body));
    }
    this.setMeta.run('format', FORMAT);
    this.setMeta.run('watermark', ch.watermark === null ? '' : String(ch.watermark));
    this.setMeta.run('touch_counter', String(ch.touchCounter));
    this.setMeta.run('state_seq', String(stateSeq));
  }

  /** The engine's saved watermark and touch counter; undefined on a database that never saved a checkpoint. */
  meta(): SavedMeta | undefined {
    if (this.metaValue('format') !== FORMAT) return undefined;
    const wm = this.metaValue('watermark');
    return { watermark: wm ? Number(wm) : null, touchCounter: Number(this.metaValue('touch_counter') ?? 0), stateSeq: Number(this.metaValue('state_seq') ?? 0) };
  }

  /**
   * Saved group heads in touch order (least recently touched first), `limit` at a time after the
   * touch ordinal `after` (keyset paging over the covering index: the caller yields between
   * pages, so /healthz and ingest run while a large state loads).
   */
  heads(after: number, limit: number): SavedGroupHead[] {
    return (this.selectHeads.all(after, limit) as Array<[string, string, number, number]>).map(([rule, key, touched, newest]) => ({ rule, key, touched, newest }));
  }

  /** One group's body, when an event first touches it after a restart. */
  body(rule: string, key: string): SavedGroupBody | undefined {
    const raw = this.getBody.get(rule, key) as string | undefined;
    return raw === undefined ? undefined : (JSON.parse(raw) as SavedGroupBody);
  }

  /** Forgets every saved group (rules.warmup: false starts with empty windows). */
  clear(): void {
    this.db.exec('DELETE FROM detect_groups; DELETE FROM detect_meta;');
  }

  private metaValue(name: string): string | undefined {
    return (this.getMeta.get(name) as { value: string } | undefined)?.value;
  }
}
