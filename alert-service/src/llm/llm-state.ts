/**
 * The LLM module's positions (the alert scan cursor, the review position) in one key → integer
 * table. Writes run inside the caller's transaction when it has one, so a position moves
 * together with the work it covers.
 */
import type { Db } from '../store/database.js';

export type LlmStateKey = 'scan_cursor' | 'review_seq';

export class LlmState {
  private readonly getStmt;
  private readonly setStmt;
  private readonly initStmt;

  constructor(db: Db) {
    db.exec('CREATE TABLE IF NOT EXISTS llm_state (key TEXT PRIMARY KEY, value INTEGER NOT NULL)');
    this.getStmt = db.prepare('SELECT value FROM llm_state WHERE key = ?').pluck();
    this.setStmt = db.prepare('INSERT INTO llm_state (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value');
    this.initStmt = db.prepare('INSERT INTO llm_state (key, value) VALUES (?, ?) ON CONFLICT(key) DO NOTHING');
  }

  get(key: LlmStateKey): number | undefined {
    return this.getStmt.get(key) as number | undefined;
  }

  set(key: LlmStateKey, value: number): void {
    this.setStmt.run(key, value);
  }

  /** Sets the value unless one is stored already (a first start). */
  init(key: LlmStateKey, value: number): void {
    this.initStmt.run(key, value);
  }
}
