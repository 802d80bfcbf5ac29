/** The operations guide's files: the example config loads, the systemd unit runs the serve command with real settings, links resolve, LICENSE is Apache 2.0. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { environmentKeys, loadConfig } from '../../alert-service/src/config/load.js';

const root = join(import.meta.dirname, '..', '..');
const read = (p: string) => readFileSync(join(root, p), 'utf8');

test('the example config is a valid configuration for a server behind a proxy', () => {
  const config = loadConfig({ file: join(root, 'alert-service/deploy/logward.example.yaml'), env: {} });
  assert.equal(config.server.host, '127.0.0.1');
  assert.match(config.server.public_url, /^https:\/\//);
  assert.equal(config.storage.path, '/var/lib/logward/logward.db');
  assert.equal(config.alerting.channels.email.require_tls, true);
});

test('the systemd unit runs `logward serve` as its own user, writing only the store directory', () => {
  const unit = read('alert-service/deploy/logward.service');
  const exec = /^ExecStart=(\S+) \/opt\/logward\/(\S+) serve$/m.exec(unit);
  assert.ok(exec, 'ExecStart runs the serve command');
  assert.ok(existsSync(join(root, exec[2]!)), `${exec[2]} exists`);
  assert.match(unit, /^User=logward$/m);
  assert.match(unit, /^ProtectSystem=strict$/m);
  const config = loadConfig({ file: join(root, 'alert-service/deploy/logward.example.yaml'), env: {} });
  assert.match(unit, new RegExp(`^ReadWritePaths=${dirname(config.storage.path)}$`, 'm'));
  const keys = environmentKeys();
  for (const m of unit.matchAll(/^Environment=(LOGWARD_[A-Z_]+)=/gm)) assert.ok(keys.has(m[1]!) || m[1] === 'LOGWARD_CONFIG', `${m[1]} is a setting`);
  assert.match(unit, /^KillSignal=SIGTERM$/m);
});

test('every relative link of the operations guide points at a file in the repo', () => {
  const guide = read('alert-service/docs/operations.md');
  const links = [...guide.matchAll(/\]\((?!https?:|#)([^)#\s]+)(?:#[^)]*)?\)/g)].map((m) => m[1]!);
  assert.ok(links.length >= 3);
  for (const l of links) assert.ok(existsSync(join(root, 'alert-service/docs', l)), `${l} exists`);
  for (const m of guide.matchAll(/`(LOGWARD_[A-Z0-9_]+)`/g)) {
    assert.ok(environmentKeys().has(m[1]!) || ['LOGWARD_INGEST_TOKEN', 'LOGWARD_CONFIG', 'LOGWARD_HOST', 'LOGWARD_PORT', 'LOGWARD_LLM_MODEL'].includes(m[1]!), `${m[1]} in the guide is a setting`);
  }
});

test('LICENSE is the Apache License 2.0 that package.json names', () => {
  const pkg = JSON.parse(read('package.json')) as { license: string };
  assert.equal(pkg.license, 'Apache-2.0');
  const text = read('LICENSE');
  assert.match(text, /^\s+Apache License\n\s+Version 2\.0, January 2004\n/);
  assert.match(text, /TERMS AND CONDITIONS FOR USE, REPRODUCTION, AND DISTRIBUTION/);
  assert.match(text, /END OF TERMS AND CONDITIONS/);
  assert.ok(text.length > 11000, 'the full text');
});
