/**
 * silence_entries: silences created through the API. Active ones are cached in memory (compiled
 * matchers) because emit() checks every signal against them; the cache is rebuilt on every change
 * and on each tick so silences starting or ending later take effect on time.
 */
import type { Db } from '../../store/database.js';
import type { Silence, SilenceMatcher, SilenceRequest } from '../../generated/schema-types.js';
import { compileMatcher, compileMatchers, type CompiledMatcher, type Matchable } from './matcher.js';

/** An alert with every attribute empty: what a matcher on a key the alert lacks sees. */
const NOTHING: Matchable = { rule_id: '', host: '', severity: '', source: '', group: {} };

interface SilenceRow {
  id: number;
  matchers_json: string;
  starts_ms: number;
  ends_ms: number;
  comment: string;
  created_by: string;
  created_ms: number;
}

const iso = (ms: number) => new Date(ms).toISOString();

export class SilenceRepository {
  private active: { id: number; matcher: CompiledMatcher }[] = [];

  constructor(private readonly db: Db) {
    db.exec(`
      CREATE TABLE IF NOT EXISTS silence_entries (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        matchers_json TEXT NOT NULL,
        starts_ms INTEGER NOT NULL,
        ends_ms INTEGER NOT NULL,
        comment TEXT NOT NULL,
        created_by TEXT NOT NULL,
        created_ms INTEGER NOT NULL
      );
      CREATE INDEX IF NOT EXISTS silence_entries_ends ON silence_entries(ends_ms);
    `);
  }

  private toSilence(r: SilenceRow, nowMs: number): Silence {
    return {
      id: r.id,
      matchers: JSON.parse(r.matchers_json) as SilenceMatcher[],
      starts_at: iso(r.starts_ms),
      ends_at: iso(r.ends_ms),
      comment: r.comment,
      created_by: r.created_by,
      created_at: iso(r.created_ms),
      status: nowMs < r.starts_ms ? 'pending' : nowMs >= r.ends_ms ? 'expired' : 'active',
    };
  }

  /** Validates regexes (throws SyntaxError) and the matcher set (RangeError) before storing. */
  create(req: SilenceRequest, nowMs: number): Silence {
    // As Alertmanager: matchers that all match the empty string (`src_ip=""`, `host=~".*"`, a misspelt key with
    // `!=`) would silence every alert.
    const compiled = req.matchers.map(compileMatcher);
    if (compiled.every((m) => m.test(NOTHING))) throw new RangeError('at least one matcher must not match the empty string');
    const starts = req.starts_at ? Date.parse(req.starts_at) : nowMs;
    const ends = Date.parse(req.ends_at);
    if (!(ends > starts)) throw new RangeError('ends_at must be after starts_at');
    const matchers = req.matchers.map((m) => ({ name: m.name, value: m.value, is_regex: m.is_regex ?? false, is_equal: m.is_equal ?? true }));
    const info = this.db
      .prepare('INSERT INTO silence_entries (matchers_json, starts_ms, ends_ms, comment, created_by, created_ms) VALUES (?, ?, ?, ?, ?, ?)')
      .run(JSON.stringify(matchers), starts, ends, req.comment, req.created_by, nowMs);
    this.refresh(nowMs);
    return this.get(Number(info.lastInsertRowid), nowMs)!;
  }

  get(id: number, nowMs: number): Silence | undefined {
    const r = this.db.prepare('SELECT * FROM silence_entries WHERE id = ?').get(id) as SilenceRow | undefined;
    return r && this.toSilence(r, nowMs);
  }

  list(nowMs: number, includeExpired: boolean): Silence[] {
    const rows = (
      includeExpired
        ? this.db.prepare('SELECT * FROM silence_entries ORDER BY id DESC LIMIT 1000').all()
        : this.db.prepare('SELECT * FROM silence_entries WHERE ends_ms > ? ORDER BY id DESC').all(nowMs)
    ) as SilenceRow[];
    return rows.map((r) => this.toSilence(r, nowMs));
  }

  /** Expires a silence now (kept for the record, as Alertmanager does); a pending one starts now too, or it would read as pending for ever. */
  expire(id: number, nowMs: number): Silence | undefined {
    const changed = this.db.prepare('UPDATE silence_entries SET ends_ms = MIN(ends_ms, ?), starts_ms = MIN(starts_ms, ?) WHERE id = ?').run(nowMs, nowMs, id).changes;
    this.refresh(nowMs);
    return changed ? this.get(id, nowMs) : undefined;
  }

  refresh(nowMs: number): void {
    const rows = this.db.prepare('SELECT * FROM silence_entries WHERE starts_ms <= ? AND ends_ms > ?').all(nowMs, nowMs) as SilenceRow[];
    this.active = rows.flatMap((r) => {
      try {
        return [{ id: r.id, matcher: compileMatchers(JSON.parse(r.matchers_json) as SilenceMatcher[]) }];
      } catch {
        // Stored before create() rejected it (e.g. an unbalanced regex): skip it rather than fail every tick.
        return [];
      }
    });
  }

  activeIds(): number[] {
    return this.active.map((s) => s.id);
  }

  /** Ids of the active silences matching the alert (from the cache; call refresh() as time passes). */
  matching(alert: Matchable): number[] {
    return this.active.filter((s) => s.matcher.test(alert)).map((s) => s.id);
  }

  pruneExpiredBefore(cutoffMs: number): void {
    this.db.prepare('DELETE FROM silence_entries WHERE ends_ms < ?').run(cutoffMs);
  }
}
