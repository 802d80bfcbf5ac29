/**
 * `logward backup <file>`: a consistent copy of the SQLite store while the service runs. It uses
 * SQLite's online backup API (better-sqlite3's backup()), which copies pages from a read
 * transaction of its own: the copy is one moment of the database, WAL content included, and the
 * service keeps ingesting (a page written meanwhile restarts the step, never corrupts the copy).
 * Copying the .db file with cp is not safe: it misses the -wal file and can tear mid-write.
 */
import { existsSync, renameSync, rmSync } from 'node:fs';
import type { Command } from 'commander';
import type { LogwardConfig } from '../../generated/schema-types.js';
import { loadConfigOrExit } from './load-config.js';
import Database from '../../store/sqlite-driver.js';

export interface BackupResult {
  pages: number;
  bytes: number;
  integrity: string;
}

/** Copies `source` to `target` (written as target.partial, renamed once checked). */
export async function backupDatabase(source: string, target: string): Promise<BackupResult> {
  if (!existsSync(source)) throw new Error(`${source} does not exist (storage.path)`);
  if (existsSync(target)) throw new Error(`${target} exists: give a new file name`);
  const partial = `${target}.partial`;
  rmSync(partial, { force: true });
  const db = new Database(source, { readonly: true, fileMustExist: true });
  try {
    db.pragma('busy_timeout = 5000');
    const { totalPages } = await db.backup(partial);
    const copy = new Database(partial, { readonly: true });
    try {
      const integrity = String(copy.pragma('quick_check', { simple: true }));
      if (integrity !== 'ok') throw new Error(`the copy fails SQLite's quick_check: ${integrity}`);
      const pageSize = Number(copy.pragma('page_size', { simple: true }));
      renameSync(partial, target);
      return { pages: totalPages, bytes: totalPages * pageSize, integrity };
    } finally {
      copy.close();
    }
  } catch (err) {
    rmSync(partial, { force: true });
    throw err;
  } finally {
    db.close();
  }
}

export function register(program: Command, deps: { loadConfig: () => LogwardConfig }): void {
  program
    .command('backup')
    .description('copy the SQLite store (storage.path) to <file> while the service runs (SQLite online backup; WAL-safe), then check the copy')
    .argument('<file>', 'the backup file to write (must not exist)')
    .action(async (file: string) => {
      const config = loadConfigOrExit(deps.loadConfig);
      if (config.storage.path === ':memory:') {
        console.error('storage.path is :memory:, nothing to back up');
        process.exit(2);
      }
      try {
        const r = await backupDatabase(config.storage.path, file);
        console.error(`backed up ${config.storage.path} to ${file}: ${r.pages} pages, ${(r.bytes / 1048576).toFixed(1)} MiB, quick_check ${r.integrity}`);
      } catch (err) {
        console.error(`backup failed: ${(err as Error).message}`);
        process.exit(2);
      }
    });
}
