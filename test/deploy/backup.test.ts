/** `logward backup`: an online copy of a running service's store, consistent while ingest goes on. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from '../../alert-service/src/store/sqlite-driver.js';
import { startTestService } from '../helpers/service.js';
import { replayFiles } from '../../alert-service/src/agent/replay.js';
import { backupDatabase } from '../../alert-service/src/cli/commands/backup.js';

const TOKEN = 'backup-test-token-0123456789';

test('a backup taken while the service ingests is a consistent, checked copy of the store', async () => {
  const t = await startTestService({ ingest: { tokens: [TOKEN] }, alerting: { geoip: { enabled: false } } as never });
  try {
    const base = `http://127.0.0.1:${await t.service.listen()}`;
    const lines = (from: number, n: number) => Array.from({ length: n }, (_, i) => `Nov 21 10:${String(Math.floor((from + i) / 60) % 60).padStart(2, '0')}:${String((from + i) % 60).padStart(2, '0')} web1 sshd[${from + i}]: Connection closed by 192.0.2.${(from + i) % 250} port ${1000 + i}`).join('\n') + '\n';
    writeFileSync(join(t.dir, 'auth.log'), lines(0, 2000));
    writeFileSync(join(t.dir, 'syslog'), lines(5000, 2000).replace(/sshd/g, 'cron'));
    await replayFiles([join(t.dir, 'auth.log')], { url: base, token: TOKEN, hostname: 'web1', settings: { flushMs: 20 } });
    const before = t.service.store.countEvents();
    assert.equal(before, 2000);

    // Ingest goes on during the backup: the copy holds a whole commit or none of it.
    const during = replayFiles([join(t.dir, 'syslog')], { url: base, token: TOKEN, hostname: 'web1', settings: { flushMs: 20 } });
    const target = join(t.dir, 'backup.db');
    const r = await backupDatabase(t.service.config.storage.path, target);
    await during;
    assert.equal(r.integrity, 'ok');
    assert.ok(r.pages > 0 && r.bytes > 0);
    assert.ok(!existsSync(`${target}.partial`));

    const copy = new Database(target, { readonly: true });
    try {
      const n = copy.prepare('SELECT count(*) FROM events').pluck().get() as number;
      assert.ok(n >= before && n <= before + 2000, `${n} events in the copy`);
      // One moment of the database: the events committed up to then, seq 1..n without a gap.
      assert.equal(copy.prepare('SELECT max(seq) FROM events').pluck().get(), n);
      // The copy is a database the service itself opens (its own WAL mode, every module's tables).
      const tables = copy.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all() as string[];
      for (const table of ['events', 'alert_records']) assert.ok(tables.includes(table), `${table} in the copy`);
    } finally {
      copy.close();
    }
    assert.equal(t.service.store.countEvents(), 4000);
    await assert.rejects(backupDatabase(t.service.config.storage.path, target), /exists/);
  } finally {
    await t.close();
  }
});
