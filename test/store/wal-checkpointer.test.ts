/**
 * WAL checkpoints on a thread of their own (wal-checkpointer.ts), on a real database file: the
 * main connection stops checkpointing, the worker keeps the log small while rows keep coming,
 * and when the worker dies or is closed the main connection checkpoints itself again.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Worker } from 'node:worker_threads';
import { openDatabase, type Db } from '../../alert-service/src/store/database.js';
import { WalCheckpointer } from '../../alert-service/src/store/wal-checkpointer.js';

const autocheckpoint = (db: Db) => db.pragma('wal_autocheckpoint', { simple: true }) as number;

async function until(what: string, ok: () => boolean, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

function withDb(fn: (db: Db, path: string) => Promise<void>): () => Promise<void> {
  return async () => {
    const dir = mkdtempSync(join(tmpdir(), 'logward-checkpointer-'));
    const path = join(dir, 'x.db');
    const db = openDatabase({ path, synchronous: 'NORMAL' });
    try {
      db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, body BLOB NOT NULL)');
      await fn(db, path);
    } finally {
      if (db.open) db.close();
      rmSync(dir, { recursive: true, force: true });
    }
  };
}

const insert = (db: Db, rows: number) => {
  const ins = db.prepare('INSERT INTO t (body) VALUES (?)');
  const body = Buffer.alloc(1000, 7);
  db.transaction(() => {
    for (let i = 0; i < rows; i++) ins.run(body);
  })();
};

test('the worker checkpoints instead of the main connection, and the log stays small while rows keep coming', withDb(async (db, path) => {
  const c = new WalCheckpointer(db, { intervalMs: 20 });
  assert.equal(autocheckpoint(db), 0, 'the main connection no longer checkpoints');
  let written = 0;
  for (let round = 0; round < 12; round++) {
    insert(db, 2000); // ~2 MB of rows
    written += 2000 * 1000;
    const seen = c.runs;
    await until('a checkpoint after the round', () => c.runs > seen + 1);
  }
  insert(db, 1); // the writer restarts the log once everything in it was copied
  const wal = statSync(`${path}-wal`).size;
  assert.ok(wal < written / 3, `WAL ${wal} bytes after ${written} bytes written: checkpoints kept it small`);
  const [r] = db.pragma('wal_checkpoint(PASSIVE)') as Array<{ log: number; checkpointed: number }>;
  assert.ok(r!.log - r!.checkpointed <= 2, 'little or nothing left to copy');
  await c.close();
  assert.equal(autocheckpoint(db), 1000, 'closed: the main connection checkpoints itself again');
}));

test('a checkpoint thread that dies hands checkpointing back to the main connection', withDb(async (db) => {
  const logs: string[] = [];
  const c = new WalCheckpointer(db, { intervalMs: 20, log: (m) => logs.push(m) });
  await until('a first checkpoint', () => c.runs > 0);
  await (c as unknown as { worker: Worker }).worker.terminate();
  await until('the fallback', () => autocheckpoint(db) === 1000);
  assert.match(logs.join('\n'), /checkpoint thread exited.*main connection checkpoints again/);
  await c.close();
}));

test('an in-memory database has no log and starts no thread', async () => {
  const db = openDatabase({ path: ':memory:' });
  const c = new WalCheckpointer(db);
  assert.equal((c as unknown as { worker?: Worker }).worker, undefined);
  await c.close();
  db.close();
});
