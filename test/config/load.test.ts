import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, environmentKeys, loadConfig } from '../../alert-service/src/config/load.js';

const dir = mkdtempSync(join(tmpdir(), 'logward-config-'));
const file = (name: string, text: string) => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};

test('an empty environment gives the documented defaults', () => {
  const c = loadConfig({ env: {} });
  assert.equal(c.server.host, '127.0.0.1');
  assert.equal(c.server.port, 8080);
  assert.equal(c.server.keep_alive_timeout_s, 65);
  assert.deepEqual(c.ingest.date_keys, ['fb_time', 'date']);
  assert.equal(c.storage.path, './data/logward.db');
  assert.equal(c.storage.synchronous, 'FULL');
});

test('file, then .env, then environment: later sources win', () => {
  const yaml = file('a.yaml', 'server:\n  port: 9001\n  host: 0.0.0.0\nstorage:\n  retention_days: 7\n');
  const dotenv = file('.env', 'LOGWARD_STORAGE_RETENTION_DAYS=14\nLOGWARD_SERVER_PORT=9002\n');
  const env: NodeJS.ProcessEnv = { LOGWARD_SERVER_PORT: '9003' };
  const c = loadConfig({ file: yaml, env, dotenvPath: dotenv });
  assert.equal(c.server.host, '0.0.0.0'); // file
  assert.equal(c.storage.retention_days, 14); // .env over file
  assert.equal(c.server.port, 9003); // real environment over .env
});

test('arrays from comma-separated variables, and the single-token shorthand', () => {
  assert.deepEqual(loadConfig({ env: { LOGWARD_INGEST_TOKENS: 'aaaaaaaaaaaa1, bbbbbbbbbbbb2' } }).ingest.tokens, ['aaaaaaaaaaaa1', 'bbbbbbbbbbbb2']);
  assert.deepEqual(loadConfig({ env: { LOGWARD_INGEST_TOKEN: 'cccccccccccc3' } }).ingest.tokens, ['cccccccccccc3']);
});

test('arrays of objects from a JSON array variable', () => {
  const policies = [{ match: { severity: ['high'] }, group_wait_s: 5 }];
  const c = loadConfig({ env: { LOGWARD_ALERTING_POLICIES: JSON.stringify(policies) } });
  assert.equal(c.alerting.policies?.[0]?.group_wait_s, 5);
});

test('every leaf setting has an environment name', () => {
  const keys = environmentKeys();
  for (const name of ['LOGWARD_SERVER_PORT', 'LOGWARD_INGEST_MAX_BODY_BYTES', 'LOGWARD_STORAGE_PATH', 'LOGWARD_NORMALIZE_TIMEZONE']) assert.ok(keys.has(name), name);
});

for (const [what, opts, message] of [
  ['a port out of range, naming the variable', { env: { LOGWARD_SERVER_PORT: '70000' } }, /server\.port must be <= 65535 \(from LOGWARD_SERVER_PORT\)/],
  ['a number that is not one', { env: { LOGWARD_SERVER_PORT: 'eighty' } }, /LOGWARD_SERVER_PORT must be a number/],
  ['an unknown variable', { env: { LOGWARD_SERVR_PORT: '1' } }, /unknown setting LOGWARD_SERVR_PORT/],
  ['a token too short to be safe', { env: { LOGWARD_INGEST_TOKEN: 'short' } }, /ingest\.tokens\.0 must NOT have fewer than 12 characters/],
  ['an array item, naming the variable that set the array', { env: { LOGWARD_INGEST_DATE_KEYS: '[1]' } }, /ingest\.date_keys\.0 must be string \(from LOGWARD_INGEST_DATE_KEYS\)/],
  ['an unknown key in the file, naming it', { file: 'typo.yaml:server:\n  prot: 1\n' }, /server: unknown key "prot"/],
  ['a wrong type in the file, naming the key and file', { file: 'type.yaml:storage:\n  retention_days: soon\n' }, /storage\.retention_days must be number \(in .*type\.yaml\)/],
  ['a file that is not YAML', { file: 'bad.yaml:server: [unclosed\n' }, /cannot parse/],
  ['an unknown time zone', { env: { LOGWARD_NORMALIZE_TIMEZONE: 'Mars/Olympus_Mons' } }, /normalize\.timezone/],
  ['a missing file', { file: '/nonexistent/logward.yaml' }, /does not exist/],
] as const) {
  test(`refuses ${what}`, () => {
    let o: Parameters<typeof loadConfig>[0] = { env: {} };
    if ('env' in opts) o = { env: { ...opts.env } };
    if ('file' in opts) {
      const [name, ...rest] = opts.file.split(':');
      o = { env: {}, file: rest.length ? file(name!, rest.join(':')) : opts.file };
    }
    assert.throws(() => loadConfig(o), (err: Error) => err instanceof ConfigError && message.test(err.message));
  });
}

test('empty variables count as unset (compose passes ${VAR:-} through as "")', () => {
  assert.equal(loadConfig({ env: { LOGWARD_SERVER_API_TOKEN: '' } }).server.api_token, undefined);
});

test('a YAML syntax error names the line, never quotes it (it may hold a token)', () => {
  const path = file('secret.yaml', 'server:\n  api_token: supersecret-token-123456: x\n');
  assert.throws(() => loadConfig({ env: {}, file: path }), (err: Error) => err instanceof ConfigError && /line 2, column 14/.test(err.message) && !err.message.includes('supersecret'));
});
