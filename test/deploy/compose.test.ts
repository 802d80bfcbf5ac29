/** docker-compose.yml and the Dockerfile agree with the service, since Docker is not available to run them here. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { environmentKeys, loadConfig } from '../../alert-service/src/config/load.js';

const root = join(import.meta.dirname, '..', '..');
const compose = parse(readFileSync(join(root, 'docker-compose.yml'), 'utf8')) as {
  services: Record<string, { build?: { context: string; dockerfile: string }; environment?: Record<string, string>; ports?: string[]; volumes?: string[] }>;
};

test('every LOGWARD_* variable in docker-compose.yml is a real setting', () => {
  const keys = environmentKeys();
  const env = compose.services.logward!.environment!;
  for (const name of Object.keys(env)) {
    if (!name.startsWith('LOGWARD_')) continue;
    assert.ok(keys.has(name) || name === 'LOGWARD_INGEST_TOKEN', `${name} is not a config key`);
  }
});

test('the compose environment forms a valid configuration that listens beyond loopback with a token', () => {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(compose.services.logward!.environment!)) {
    // Resolve ${VAR:?msg} / ${VAR:-default} as compose would with LOGWARD_INGEST_TOKEN set.
    env[k] = String(v).replace(/\$\{(\w+)(?::[-?]([^}]*))?\}/g, (_m, name: string, dflt: string | undefined) => (name === 'LOGWARD_INGEST_TOKEN' ? 'x'.repeat(32) : /:-/.test(_m) ? (dflt ?? '') : ''));
  }
  const config = loadConfig({ env });
  assert.equal(config.server.host, '0.0.0.0');
  assert.equal(config.server.port, 8080);
  assert.deepEqual(config.ingest.tokens, ['x'.repeat(32)]);
  assert.equal(config.storage.path, '/data/logward.db');
  const published = compose.services.logward!.ports!.map((p) => p.split(':').pop());
  assert.ok(published.includes(String(config.server.port)));
});

test('the Dockerfile the compose file builds exists and runs the serve command on the data volume', () => {
  const build = compose.services.logward!.build!;
  const dockerfile = readFileSync(join(root, build.context, build.dockerfile), 'utf8');
  assert.match(dockerfile, /CMD \["node", "alert-service\/bin\/logward\.js", "serve"\]/);
  assert.match(dockerfile, /LOGWARD_STORAGE_PATH=\/data\/logward\.db/);
  for (const copied of dockerfile.matchAll(/^COPY (?!--from)(\S+)/gm)) assert.ok(existsSync(join(root, copied[1]!)), `${copied[1]} copied by the Dockerfile exists`);
  assert.ok(compose.services.logward!.volumes!.some((v) => v.endsWith(':/data')));
});
