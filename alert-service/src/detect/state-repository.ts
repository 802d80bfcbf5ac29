/**
 * Detection window state in SQLite: one row per open rule group (its window entries, quiet
 * period, suppressed count), written incrementally (only groups changed since the last save)
 * inside the transaction that commits the detection consumer's pump cursor. What is loaded at
 * start-up is therefore exactly the state after the events up to that cursor.
 */
import type { Db } from '../store/database.js';
import type { SavedGroup, StateChanges } from './engine.js';

/** Bumped when the saved row layout changes; rows of another format are not loaded. */
const FORMAT = '1';

export interface LoadedState {
  groups: SavedGroup[];
  watermark: number | null;
  touchCounter: number;
  /** False on a database that never saved a checkpoint (first start). */
  found: boolean;
}

type GroupBody = Omit<SavedGroup, 'rule' | 'key' | 'touched'>;

export class DetectStateRepository {
  private readonly upsert;
  private readonly remove;
  private readonly setMeta;
  private readonly getMeta;

  constructor(private readonly db: Db) {
    db.exec(`
      CREATE TABLE IF NOT EXISTS detect_groups (
        rule TEXT NOT NULL,
        key TEXT NOT NULL,
        touched INTEGER NOT NULL,
        body TEXT NOT NULL,
        PRIMARY KEY (rule, key)
      ) WITHOUT ROWID;
      CREATE TABLE IF NOT EXISTS detect_meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
    `);
    this.upsert = db.prepare('INSERT INTO detect_groups (rule, key, touched, body) VALUES (?, ?, ?, ?) ON CONFLICT(rule, key) DO UPDATE SET touched = excluded.touched, body = excluded.body');
    this.remove = db.prepare('DELETE FROM detect_groups WHERE rule = ? AND key = ?');
    this.setMeta = db.prepare('INSERT INTO detect_meta (name, value) VALUES (?, ?) ON CONFLICT(name) DO UPDATE SET value = excluded.value');
    this.getMeta = db.prepare('SELECT value FROM detect_meta WHERE name = ?');
  }

  /** Writes the changes; the caller runs it inside the cursor's transaction. */
  save(ch: StateChanges): void {
    for (const d of ch.deletes) this.remove.run(d.rule, d.key);
    for (const g of ch.upserts) {
      const body: GroupBody = { values: g.values, newest: g.newest, entries: g.entries, lastFire: g.lastFire, suppressed: g.suppressed };
      this.upsert.run(g.rule, g.key, g.touched, JSON.stringify(body));
    }
    this.setMeta.run('format', FORMAT);
    this.setMeta.run('watermark', ch.watermark === null ? '' : String(ch.watermark));
    this.setMeta.run('touch_counter', String(ch.touchCounter));
  }

  /**
   * The saved state, parsed in slices of `sliceRows` groups with a yield to the event loop in
   * between, so /healthz answers while a large state loads. Groups come sorted by touch order.
   */
  async load(sliceRows = 5000): Promise<LoadedState> {
    const format = this.meta('format');
    if (format !== FORMAT) return { groups: [], watermark: null, touchCounter: 0, found: false };
    // No ORDER BY: sorting the bodies inside SQLite costs more than sorting numbers here.
    const rows = this.db.prepare('SELECT rule, key, touched, body FROM detect_groups').raw().all() as Array<[string, string, number, string]>;
    const groups: SavedGroup[] = [];
    for (let i = 0; i < rows.length; i += sliceRows) {
      for (const [rule, key, touched, body] of rows.slice(i, i + sliceRows)) {
        const b = JSON.parse(body) as GroupBody;
        groups.push({ rule, key, touched, values: b.values, newest: b.newest, entries: b.entries, lastFire: b.lastFire, suppressed: b.suppressed });
      }
      if (i + sliceRows < rows.length) await new Promise<void>((r) => setImmediate(r));
    }
    groups.sort((a, b) => a.touched - b.touched);
    const wm = this.meta('watermark');
    return { groups, watermark: wm ? Number(wm) : null, touchCounter: Number(this.meta('touch_counter') ?? 0), found: true };
  }

  /** Forgets every saved group (rules.warmup: false starts with empty windows). */
  clear(): void {
    this.db.exec('DELETE FROM detect_groups; DELETE FROM detect_meta;');
  }

  private meta(name: string): string | undefined {
    return (this.getMeta.get(name) as { value: string } | undefined)?.value;
  }
}
