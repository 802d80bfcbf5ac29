/**
 * SQLite tables of the anomaly module (all prefixed anomaly_). Hourly summaries are the training
 * history; open buckets, template state and the consumed-through store seq are written in one
 * transaction per consume() so a crash leaves them consistent with each other.
 */
import type { Db } from '../store/database.js';
import type { BucketState } from './hour-bucket.js';
import { FEATURES, type FeatureVector } from './features.js';
import type { TemplateCluster } from './templates/drain.js';

export interface HourRow {
  host: string;
  source: string;
  hour: number;
  features: FeatureVector;
  score: number | null;
  isAnomaly: boolean | null;
  explanation: string | null;
}

export interface StoredModel {
  id: number;
  trainedAt: number;
  info: string;
  forest: string;
}

const FEATURE_COLUMNS = FEATURES.join(', ');

export class AnomalyRepository {
  constructor(readonly db: Db) {
    db.exec(`
      CREATE TABLE IF NOT EXISTS anomaly_open_buckets (
        host TEXT NOT NULL, source TEXT NOT NULL, hour INTEGER NOT NULL, state TEXT NOT NULL,
        PRIMARY KEY (host, source, hour)) WITHOUT ROWID;
      CREATE TABLE IF NOT EXISTS anomaly_hours (
        host TEXT NOT NULL, source TEXT NOT NULL, hour INTEGER NOT NULL,
        ${FEATURES.map((f) => `${f} REAL NOT NULL`).join(', ')},
        score REAL, is_anomaly INTEGER, explanation TEXT,
        PRIMARY KEY (host, source, hour)) WITHOUT ROWID;
      CREATE INDEX IF NOT EXISTS anomaly_hours_by_hour ON anomaly_hours (hour);
      CREATE TABLE IF NOT EXISTS anomaly_templates (
        id INTEGER PRIMARY KEY, template TEXT NOT NULL, count INTEGER NOT NULL,
        first_seen INTEGER NOT NULL, last_seen INTEGER NOT NULL);
      CREATE TABLE IF NOT EXISTS anomaly_template_hours (
        host TEXT NOT NULL, source TEXT NOT NULL, hour INTEGER NOT NULL, template_id INTEGER NOT NULL, count INTEGER NOT NULL,
        PRIMARY KEY (host, source, hour, template_id)) WITHOUT ROWID;
      CREATE INDEX IF NOT EXISTS anomaly_template_hours_by_hour ON anomaly_template_hours (hour, host);
      CREATE TABLE IF NOT EXISTS anomaly_state (key TEXT PRIMARY KEY, value TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS anomaly_models (
        id INTEGER PRIMARY KEY, trained_at INTEGER NOT NULL, info TEXT NOT NULL, forest TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS anomaly_model_series (
        model_id INTEGER NOT NULL, host TEXT NOT NULL, source TEXT NOT NULL, baseline TEXT NOT NULL,
        PRIMARY KEY (model_id, host, source)) WITHOUT ROWID;
    `);
  }

  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }

  // --- open buckets ---
  loadOpenBuckets(): Array<{ host: string; source: string; hour: number; state: BucketState }> {
    return (this.db.prepare('SELECT host, source, hour, state FROM anomaly_open_buckets').all() as Array<{ host: string; source: string; hour: number; state: string }>).map(
      (r) => ({ ...r, state: JSON.parse(r.state) as BucketState }),
    );
  }

  private upsertBucketStmt = this.lazy(() =>
    this.db.prepare('INSERT INTO anomaly_open_buckets (host, source, hour, state) VALUES (?, ?, ?, ?) ON CONFLICT (host, source, hour) DO UPDATE SET state = excluded.state'),
  );
  saveOpenBucket(host: string, source: string, hour: number, state: BucketState): void {
    this.upsertBucketStmt().run(host, source, hour, JSON.stringify(state));
  }

  private deleteBucketStmt = this.lazy(() => this.db.prepare('DELETE FROM anomaly_open_buckets WHERE host = ? AND source = ? AND hour = ?'));
  deleteOpenBucket(host: string, source: string, hour: number): void {
    this.deleteBucketStmt().run(host, source, hour);
  }

  // --- closed hours ---
  private insertHourStmt = this.lazy(() =>
    this.db.prepare(
      `INSERT INTO anomaly_hours (host, source, hour, ${FEATURE_COLUMNS}) VALUES (?, ?, ?, ${FEATURES.map(() => '?').join(', ')})
       ON CONFLICT (host, source, hour) DO UPDATE SET ${FEATURES.map((f) => `${f} = excluded.${f}`).join(', ')}, score = NULL, is_anomaly = NULL, explanation = NULL`,
    ),
  );
  /** Writes an hour's features; a rewritten hour loses its old score (it was for other features). */
  insertHour(host: string, source: string, hour: number, f: FeatureVector): void {
    this.insertHourStmt().run(host, source, hour, ...FEATURES.map((k) => f[k]));
  }

  private insertSilentHourStmt = this.lazy(() =>
    this.db.prepare(`INSERT OR IGNORE INTO anomaly_hours (host, source, hour, ${FEATURE_COLUMNS}) VALUES (?, ?, ?, ${FEATURES.map(() => '0').join(', ')})`),
  );
  /** An all-zero row for an hour without events, unless the hour already has one (live closing may have written it). */
  insertSilentHour(host: string, source: string, hour: number): boolean {
    return this.insertSilentHourStmt().run(host, source, hour).changes > 0;
  }

  private scoreStmt = this.lazy(() => this.db.prepare('UPDATE anomaly_hours SET score = ?, is_anomaly = ?, explanation = ? WHERE host = ? AND source = ? AND hour = ?'));
  saveScore(host: string, source: string, hour: number, score: number | null, isAnomaly: boolean, explanation: string): void {
    this.scoreStmt().run(score, isAnomaly ? 1 : 0, explanation, host, source, hour);
  }

  hoursAt(hour: number): HourRow[] {
    return this.hoursQuery('WHERE hour = ?', [hour]);
  }

  /** Closed hours in [fromMs, toMs), newest first, optionally one host. */
  hoursBetween(fromMs: number, toMs: number, host: string | undefined, limit: number): HourRow[] {
    return host
      ? this.hoursQuery('WHERE hour >= ? AND hour < ? AND host = ? ORDER BY hour DESC, source LIMIT ?', [fromMs, toMs, host, limit])
      : this.hoursQuery('WHERE hour >= ? AND hour < ? ORDER BY hour DESC, host, source LIMIT ?', [fromMs, toMs, limit]);
  }

  private hoursQuery(where: string, params: unknown[]): HourRow[] {
    const rows = this.db.prepare(`SELECT host, source, hour, ${FEATURE_COLUMNS}, score, is_anomaly, explanation FROM anomaly_hours ${where}`).all(...params) as Array<Record<string, unknown>>;
    return rows.map((r) => ({
      host: r.host as string,
      source: r.source as string,
      hour: r.hour as number,
      features: Object.fromEntries(FEATURES.map((f) => [f, r[f] as number])) as FeatureVector,
      score: (r.score as number | null) ?? null,
      isAnomaly: r.is_anomaly === null || r.is_anomaly === undefined ? null : r.is_anomaly === 1,
      explanation: (r.explanation as string | null) ?? null,
    }));
  }

  /** Rows and distinct hours of history in [fromMs, toMs). */
  historyExtent(fromMs: number, toMs: number): { rows: number; hours: number } {
    const r = this.db.prepare('SELECT COUNT(*) AS rows, COUNT(DISTINCT hour) AS hours FROM anomaly_hours WHERE hour >= ? AND hour < ?').get(fromMs, toMs) as { rows: number; hours: number };
    return r;
  }

  /** Series with history in [fromMs, toMs), sorted by host, source. */
  historySeries(fromMs: number, toMs: number): Array<[string, string]> {
    return this.db.prepare('SELECT host, source FROM anomaly_hours WHERE hour >= ? AND hour < ? GROUP BY host, source ORDER BY host, source').raw(true).all(fromMs, toMs) as Array<[string, string]>;
  }

  private seriesHistoryStmt = this.lazy(() =>
    this.db.prepare(`SELECT hour, ${FEATURE_COLUMNS} FROM anomaly_hours WHERE host = ? AND source = ? AND hour >= ? AND hour < ? ORDER BY hour`).raw(true),
  );
  /**
   * One series' history as raw rows [hour, ...features]. Reading series by series (a primary-key
   * range each) avoids materialising host/source strings for each of millions of rows: ~35% faster
   * than one ordered scan, and memory stays at one series.
   */
  seriesHistory(host: string, source: string, fromMs: number, toMs: number): number[][] {
    return this.seriesHistoryStmt().all(host, source, fromMs, toMs) as number[][];
  }

  /** Last hour with any events per series since `sinceMs` (silence tracking after restart). */
  seriesLastSeen(sinceMs: number): Array<{ host: string; source: string; hour: number }> {
    return this.db.prepare('SELECT host, source, MAX(hour) AS hour FROM anomaly_hours WHERE hour >= ? AND total > 0 GROUP BY host, source').all(sinceMs) as Array<{
      host: string;
      source: string;
      hour: number;
    }>;
  }

  // --- templates ---
  loadTemplates(): TemplateCluster[] {
    return (this.db.prepare('SELECT id, template, count, first_seen, last_seen FROM anomaly_templates ORDER BY id').all() as Array<{ id: number; template: string; count: number; first_seen: number; last_seen: number }>).map(
      (r) => ({ id: r.id, tokens: r.template.split(' '), count: r.count, firstSeen: r.first_seen, lastSeen: r.last_seen }),
    );
  }

  private upsertTemplateStmt = this.lazy(() =>
    this.db.prepare(
      'INSERT INTO anomaly_templates (id, template, count, first_seen, last_seen) VALUES (?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET template = excluded.template, count = excluded.count, first_seen = excluded.first_seen, last_seen = excluded.last_seen',
    ),
  );
  saveTemplate(c: TemplateCluster): void {
    this.upsertTemplateStmt().run(c.id, c.tokens.join(' '), c.count, c.firstSeen, c.lastSeen);
  }

  private addTemplateHourStmt = this.lazy(() =>
    this.db.prepare(
      'INSERT INTO anomaly_template_hours (host, source, hour, template_id, count) VALUES (?, ?, ?, ?, ?) ON CONFLICT (host, source, hour, template_id) DO UPDATE SET count = count + excluded.count',
    ),
  );
  addTemplateHour(host: string, source: string, hour: number, templateId: number, count: number): void {
    this.addTemplateHourStmt().run(host, source, hour, templateId, count);
  }

  /** (host, template) pairs seen since `sinceMs`: which templates are not new for a host. */
  hostTemplates(sinceMs: number): Array<{ host: string; template_id: number }> {
    return this.db.prepare('SELECT DISTINCT host, template_id FROM anomaly_template_hours WHERE hour >= ?').all(sinceMs) as Array<{ host: string; template_id: number }>;
  }

  /** (host, template) pairs with counts in [fromMs, toMs): what a rebuild knows was seen before the hour it rebuilds. */
  hostTemplatesBetween(fromMs: number, toMs: number): Array<{ host: string; template_id: number }> {
    if (toMs <= fromMs) return [];
    return this.db.prepare('SELECT DISTINCT host, template_id FROM anomaly_template_hours WHERE hour >= ? AND hour < ?').all(fromMs, toMs) as Array<{ host: string; template_id: number }>;
  }

  private firstTemplateHourAfterStmt = this.lazy(() => this.db.prepare('SELECT MIN(hour) AS hour FROM anomaly_template_hours WHERE host = ? AND template_id = ? AND hour > ?'));
  /** The first hour after `afterMs` with counts of the host's template (in any of its sources): the hour that counted it as new. */
  firstTemplateHourAfter(host: string, templateId: number, afterMs: number): number | undefined {
    const r = this.firstTemplateHourAfterStmt().get(host, templateId, afterMs) as { hour: number | null } | undefined;
    return r?.hour ?? undefined;
  }

  private deleteTemplateHoursStmt = this.lazy(() => this.db.prepare('DELETE FROM anomaly_template_hours WHERE host = ? AND source = ? AND hour = ?'));
  deleteTemplateHours(host: string, source: string, hour: number): void {
    this.deleteTemplateHoursStmt().run(host, source, hour);
  }

  topTemplates(host: string, source: string, hour: number, limit: number): Array<{ template_id: number; count: number }> {
    return this.db
      .prepare('SELECT template_id, count FROM anomaly_template_hours WHERE host = ? AND source = ? AND hour = ? ORDER BY count DESC, template_id LIMIT ?')
      .all(host, source, hour, limit) as Array<{ template_id: number; count: number }>;
  }

  /** Template counts per host over [fromMs, toMs). */
  templateCounts(fromMs: number, toMs: number, host: string | undefined): Array<{ template_id: number; host: string; count: number; first_hour: number; last_hour: number }> {
    const sql = `SELECT template_id, host, SUM(count) AS count, MIN(hour) AS first_hour, MAX(hour) AS last_hour FROM anomaly_template_hours
      WHERE hour >= ? AND hour < ? ${host ? 'AND host = ?' : ''} GROUP BY template_id, host ORDER BY count DESC LIMIT 20000`;
    return this.db.prepare(sql).all(...(host ? [fromMs, toMs, host] : [fromMs, toMs])) as Array<{ template_id: number; host: string; count: number; first_hour: number; last_hour: number }>;
  }

  // --- key/value state ---
  getState(key: string): string | undefined {
    return (this.db.prepare('SELECT value FROM anomaly_state WHERE key = ?').pluck().get(key) as string | undefined) ?? undefined;
  }
  setState(key: string, value: string): void {
    this.db.prepare('INSERT INTO anomaly_state (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run(key, value);
  }

  // --- models ---
  saveModel(trainedAt: number, info: string, forest: string, baselines: Iterable<{ host: string; source: string; baseline: string }>): number {
    return this.transaction(() => {
      const id = Number(this.db.prepare('INSERT INTO anomaly_models (trained_at, info, forest) VALUES (?, ?, ?)').run(trainedAt, info, forest).lastInsertRowid);
      const ins = this.db.prepare('INSERT INTO anomaly_model_series (model_id, host, source, baseline) VALUES (?, ?, ?, ?)');
      for (const b of baselines) ins.run(id, b.host, b.source, b.baseline);
      // Only the newest model is ever used; keep one previous for inspection.
      const old = this.db.prepare('SELECT id FROM anomaly_models WHERE id < ? ORDER BY id DESC LIMIT -1 OFFSET 1').pluck().all(id) as number[];
      for (const o of old) {
        this.db.prepare('DELETE FROM anomaly_model_series WHERE model_id = ?').run(o);
        this.db.prepare('DELETE FROM anomaly_models WHERE id = ?').run(o);
      }
      return id;
    });
  }

  latestModel(): StoredModel | undefined {
    const r = this.db.prepare('SELECT id, trained_at, info, forest FROM anomaly_models ORDER BY id DESC LIMIT 1').get() as
      | { id: number; trained_at: number; info: string; forest: string }
      | undefined;
    return r && { id: r.id, trainedAt: r.trained_at, info: r.info, forest: r.forest };
  }

  modelBaselines(modelId: number): IterableIterator<{ host: string; source: string; baseline: string }> {
    return this.db.prepare('SELECT host, source, baseline FROM anomaly_model_series WHERE model_id = ?').iterate(modelId) as IterableIterator<{ host: string; source: string; baseline: string }>;
  }

  // --- retention ---
  prune(beforeMs: number): number {
    return this.transaction(
      () =>
        this.db.prepare('DELETE FROM anomaly_hours WHERE hour < ?').run(beforeMs).changes +
        this.db.prepare('DELETE FROM anomaly_template_hours WHERE hour < ?').run(beforeMs).changes,
    );
  }

  private lazy<T>(make: () => T): () => T {
    let v: T | undefined;
    return () => (v ??= make());
  }
}
