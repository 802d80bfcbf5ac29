/**
 * Opens the embedded SQLite file shared by every module. Each module creates its own tables
 * (CREATE TABLE IF NOT EXISTS) through its own repository class; the event store is only one of them.
 */
import type BetterSqlite3 from 'better-sqlite3';
import Database from './sqlite-driver.js';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

export type Db = BetterSqlite3.Database;

export interface OpenOptions {
  path: string;
  synchronous?: 'FULL' | 'NORMAL';
}

export function openDatabase({ path, synchronous = 'FULL' }: OpenOptions): Db {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  // WAL: readers (API, dashboard) never block the ingest writer.
  db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${synchronous}`);
  db.pragma('busy_timeout = 5000');
  // 64 MiB page cache: the random-id unique index stays in memory far longer than with the 2 MiB default.
  db.pragma('cache_size = -65536');
  db.pragma('foreign_keys = ON');
  return db;
}
