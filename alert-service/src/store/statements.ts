import type { Statement } from 'better-sqlite3';
import type { Db } from './database.js';

/**
 * Statements prepared once per SQL text. better-sqlite3's prepare() costs more than most of the
 * small queries the repositories run, and queries are built at run time from their filters
 * (a handful of shapes), so a fixed set of fields would not do. Bounded: past 64 texts it starts
 * over, so no caller can grow it without limit.
 */
export class StatementCache {
  private readonly prepared = new Map<string, Statement>();
  constructor(private readonly db: Db) {}

  get(sql: string): Statement {
    let st = this.prepared.get(sql);
    if (!st) {
      if (this.prepared.size >= 64) this.prepared.clear();
      this.prepared.set(sql, (st = this.db.prepare(sql)));
    }
    return st;
  }
}
