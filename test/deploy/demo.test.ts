/**
 * `npm run demo -- --check`: the service starts on a throwaway store, the bundled demo logs are
 * replayed into it, alerts are listed; serve's output says what to do next and logs each alert.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..', '..');

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as { port: number }).port;
  await new Promise((r) => s.close(r));
  return port;
}

test('the demo shows alerts from the bundled logs within its bound, and serve says what to do next', async () => {
  const port = await freePort();
  // LOGWARD_* from the environment would be taken as settings by the service the demo starts.
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('LOGWARD_')));
  const { code, stderr } = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', join(root, 'alert-service/scripts/demo.ts'), '--port', String(port), '--check'], { env: { ...env, LOGWARD_SERVER_LOG_FORMAT: 'json' }, cwd: root, timeout: 240_000, encoding: 'utf8' }, (err, _out, stderr) =>
      resolve({ code: err ? ((err as { code?: number }).code ?? null) : 0, stderr }),
    );
  });
  assert.equal(code, 0, stderr.slice(-3000));
  assert.match(stderr, /demo: replayed 44 lines of 6 sample logs/);
  const m = /demo: (\d+) alerts: (.*)/.exec(stderr);
  assert.ok(m && Number(m[1]) >= 5, stderr.slice(-3000));
  for (const rule of ['ssh-brute-force', 'web-scanner-paths', 'oom-kill', 'sudo-auth-failure']) assert.ok(m[2]!.includes(rule), `${rule} fired`);
  // serve's own JSON log: the next steps once listening, then one entry per alert as it fires.
  const entries = stderr.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as { level: number; msg: string; hint?: boolean; alert?: { rule_id: string } });
  const hints = entries.filter((e) => e.hint).map((e) => e.msg);
  assert.ok(hints.some((h) => h.startsWith(`dashboard: http://127.0.0.1:${port}/`)), hints.join('\n'));
  assert.ok(hints.some((h) => /channels on: none; off: .*email/.test(h)));
  assert.ok(hints.some((h) => h.startsWith('send logs: ') && h.includes('logward replay')));
  const fired = entries.filter((e) => e.alert).map((e) => e.alert!.rule_id);
  assert.ok(fired.includes('ssh-brute-force'));
  assert.ok(entries.filter((e) => e.alert).every((e) => e.level === 40 && e.msg.startsWith('alert: ')));
});
