import type { Statement } from 'better-sqlite3';
import type { Db } from './database.js';

/**
 * Statements prepared once per SQL text. better-sqlite3's prepare() costs more than most of the
 * small queries the repositories run, and a repository builds some of its SQL at run time
 * (column lists, optional filters), so a fixed set of fields would not do.
 */
export class StatementCache {
  private readonly prepared = new Map<string, Statement>();
  constructor(private readonly db: Db) {}

  get(sql: string): Statement {
    let st = this.prepared.get(sql);
    if (!st) this.prepared.set(sql, (st = this.db.prepare(sql)));
    return st;
  }
}
