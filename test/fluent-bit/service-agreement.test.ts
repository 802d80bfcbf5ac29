/**
 * fluent-bit/ configs agree with the service: route, auth header, date key, tag header, compression,
 * retries, keep-alive, source kinds, and the records they produce validate against schemas/records.
 * Also checked against the real captures in test/fixtures/fluent-bit-captures (same output settings
 * as the config that produced them) and the Windows samples.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { join } from 'node:path';
import {
  CAPTURES,
  WINDOWS_SAMPLES,
  TARGETS,
  type Target,
  type Section,
  loadConfig,
  loadYamlFile,
  isOn,
  isOff,
  seconds,
  bytes,
  list,
  envExample,
  substitute,
  keysAddedFor,
  filtersSetting,
  sampleTags,
  expandTailTag,
  pathGlobMatches,
  captureBodies,
} from './fluent-bit-config.js';
import { INGEST_PATH } from '../../alert-service/src/ingest/constants.js';
import { loadConfig as loadServiceConfig } from '../../alert-service/src/config/load.js';
import { schemaDocuments, validatorFor, describeErrors } from '../../alert-service/src/schema/registry.js';
import { kindFromTag } from '../../alert-service/src/normalize/source-kind.js';
import { classifyRecord } from '../../alert-service/src/normalize/index.js';
import { FIXTURES } from '../helpers/paths.js';

const targets = Object.keys(TARGETS) as Target[];
const service = loadServiceConfig({ env: {} });
const sourceKinds = (schemaDocuments().get('source-kind.schema.json') as { enum: string[] }).enum;
const exampleEnv = Object.fromEntries(envExample().set);

function httpOutput(target: Target): Section {
  const outs = loadConfig(target).pipeline.outputs.filter((o) => o.name === 'http');
  assert.equal(outs.length, 1, `${target}: one http output`);
  return outs[0]!;
}

for (const target of targets) {
  test(`${target}: http output posts what the ingest route expects`, () => {
    const out = httpOutput(target);
    assert.equal(out.match, '*');
    assert.equal(out.uri, INGEST_PATH, 'uri is the service route');
    assert.equal(out.format, 'json');
    assert.equal(out.compress, 'gzip');
    assert.ok(service.ingest.date_keys.includes(String(out.json_date_key)), `json_date_key ${String(out.json_date_key)} not in ingest.date_keys ${service.ingest.date_keys.join(',')}`);
    assert.equal(out.json_date_format, 'iso8601');
    assert.equal(String(out.header_tag).toLowerCase(), service.ingest.tag_header.toLowerCase(), 'header_tag = ingest.tag_header (case-insensitive)');
    const headers = (Array.isArray(out.header) ? out.header : [out.header]).map(String);
    const auth = headers.filter((h) => /^authorization\s/i.test(h));
    assert.equal(auth.length, 1, 'one Authorization header');
    assert.match(auth[0]!, /^Authorization Bearer \$\{[A-Z_][A-Z0-9_]*\}$/, 'Bearer token from an environment variable, never inline');
    assert.match(String(out.host), /^\$\{[A-Z_]+\}$/, 'host from the environment');
    assert.match(String(out.port), /^\$\{[A-Z_]+\}$/, 'port from the environment');
  });

  test(`${target}: http output retries forever, keeps connections shorter than the server, buffers on disk`, () => {
    const out = httpOutput(target);
    assert.equal(out.retry_limit, 'no_limits');
    assert.equal(Number(out.workers), 2);
    assert.ok(isOn(out['net.keepalive']));
    const idle = seconds(out['net.keepalive_idle_timeout']);
    assert.ok(idle < service.server.keep_alive_timeout_s, `net.keepalive_idle_timeout ${idle}s must be < server.keep_alive_timeout_s ${service.server.keep_alive_timeout_s}s`);
    assert.ok(bytes(out['storage.total_limit_size']) > 0);
    assert.ok(isOff(out.log_response_payload), 'service replies are not copied into the agent log');
    // TLS: options present, off by default, verification kept on for when it is turned on.
    assert.ok(isOff(out.tls), 'tls off by default');
    assert.ok(isOn(out['tls.verify']));
  });

  test(`${target}: the agent waits for an answer longer than the service holds a chunk, and retries soon`, () => {
    const out = httpOutput(target);
    const cfg = loadConfig(target);
    // A held chunk is answered within max_queue_wait_s plus its storing; the agent must not give up first.
    const responseTimeout = seconds(out['http.response_timeout'] ?? '60s');
    assert.ok(responseTimeout >= 2 * service.ingest.max_queue_wait_s, `http.response_timeout ${responseTimeout}s vs ingest.max_queue_wait_s ${service.ingest.max_queue_wait_s}s`);
    assert.ok(seconds(out['net.io_timeout'] ?? '0s') === 0 || seconds(out['net.io_timeout']) >= responseTimeout, 'net.io_timeout does not cut a held request before the response timeout');
    assert.equal(out['net.max_worker_connections'], undefined, 'no per-worker connection cap: past it a flush goes into the retry backoff');
    // A refused chunk comes back within seconds, and every chunk within minutes of the service recovering.
    const base = Number(cfg.service['scheduler.base'] ?? 5);
    const cap = Number(cfg.service['scheduler.cap'] ?? 2000);
    assert.ok(base >= 1 && base <= 3, `scheduler.base ${base}`);
    assert.ok(cap >= 30 && cap <= 300, `scheduler.cap ${cap}`);
  });

  test(`${target}: json_date_key cannot collide with a record field`, () => {
    const out = httpOutput(target);
    const cfg = loadConfig(target);
    const fields = new Set<string>(['log']);
    for (const input of cfg.pipeline.inputs) {
      for (const k of ['path_key', 'offset_key', 'key']) if (input[k] !== undefined) fields.add(String(input[k]));
      for (const { tag } of sampleTags(input, exampleEnv)) for (const k of keysAddedFor(cfg, tag).keys()) fields.add(k);
    }
    assert.ok(!fields.has(String(out.json_date_key)), `${String(out.json_date_key)} is also a record key`);
    if (target === 'windows') {
      const winKeys = Object.keys((schemaDocuments().get('records/winevtlog.schema.json') as { properties: object }).properties);
      assert.ok(!winKeys.includes(String(out.json_date_key)));
    }
  });

  test(`${target}: every tag gets exactly one source_kind from the enum, and a hostname`, () => {
    const cfg = loadConfig(target);
    let tags = 0;
    for (const input of cfg.pipeline.inputs) {
      for (const { tag } of sampleTags(input, exampleEnv)) {
        tags++;
        if (input.name === 'systemd') {
          // Journal entries: the service derives auth/syslog from facility and program (journald.ts).
          assert.equal(filtersSetting(cfg, tag, 'source_kind').length, 0, `${tag}: no source_kind`);
          assert.ok(keysAddedFor(cfg, tag).has('hostname'), `${tag}: hostname`);
          continue;
        }
        const setters = filtersSetting(cfg, tag, 'source_kind');
        assert.equal(setters.length, 1, `${tag}: ${setters.length} filters set source_kind`);
        const kind = keysAddedFor(cfg, tag).get('source_kind')!;
        assert.ok(sourceKinds.includes(kind), `${tag}: source_kind ${kind} not in ${sourceKinds.join(',')}`);
        assert.ok(keysAddedFor(cfg, tag).has('hostname'), `${tag}: hostname`);
      }
    }
    assert.ok(tags >= cfg.pipeline.inputs.length);
  });
}

test('linux kinds: auth, syslog, web_access, web_error, app; windows: windows; together the whole enum', () => {
  const kindsOf = (target: Target) => {
    const cfg = loadConfig(target);
    return new Set(cfg.pipeline.inputs.filter((i) => i.name !== 'systemd').flatMap((i) => sampleTags(i, exampleEnv).map(({ tag }) => keysAddedFor(cfg, tag).get('source_kind')!)));
  };
  const linux = kindsOf('linux');
  const windows = kindsOf('windows');
  assert.deepEqual([...linux].sort(), ['app', 'auth', 'syslog', 'web_access', 'web_error']);
  assert.deepEqual([...windows], ['windows']);
  assert.deepEqual([...new Set([...linux, ...windows])].sort(), [...sourceKinds].sort());
  // Each input's tag prefix maps to its kind (the tags the service sees in X-Fluent-Tag).
  const cfg = loadConfig('linux');
  const expected: Record<string, string> = { 'auth.*': 'auth', 'syslog.*': 'syslog', 'web.access.*': 'web_access', 'web.error.*': 'web_error', 'app.*': 'app' };
  for (const input of cfg.pipeline.inputs.filter((i) => i.name === 'tail')) {
    for (const { tag } of sampleTags(input, exampleEnv)) assert.equal(keysAddedFor(cfg, tag).get('source_kind'), expected[String(input.tag)], tag);
  }
});

test('the service infers the same source_kind from the X-Fluent-Tag these configs produce', () => {
  for (const target of targets) {
    const cfg = loadConfig(target);
    for (const input of cfg.pipeline.inputs) {
      for (const { tag, path } of sampleTags(input, exampleEnv)) {
        assert.equal(kindFromTag(tag, path), keysAddedFor(cfg, tag).get('source_kind'), `${target} ${tag}`);
      }
    }
  }
});

test('Linux and Windows output blocks are identical', () => {
  assert.deepEqual(httpOutput('linux'), httpOutput('windows'));
});

test('a record as the Linux config emits it validates against records/tail-raw.schema.json', () => {
  const validate = validatorFor('records/tail-raw.schema.json');
  const cfg = loadConfig('linux');
  const out = httpOutput('linux');
  const env = { ...exampleEnv, HOSTNAME: 'web1' };
  for (const input of cfg.pipeline.inputs.filter((i) => i.name === 'tail')) {
    for (const { tag, path } of sampleTags(input, env)) {
      const record: Record<string, unknown> = {
        [String(out.json_date_key)]: '2026-11-21T23:47:51.124409Z',
        [String(input.path_key)]: path,
        [String(input.offset_key)]: 104,
        [String(input.inode_key)]: 1311,
        log: 'Nov 21 10:00:01 web1 sshd[3101]: Invalid user admin from 203.0.113.7 port 40112',
      };
      for (const [k, v] of keysAddedFor(cfg, tag)) record[k] = substitute(v, env);
      assert.deepEqual(Object.keys(record).sort(), ['fb_time', 'file', 'hostname', 'inode', 'log', 'offset', 'source_kind']);
      assert.ok(validate(record), `${tag}: ${describeErrors(validate.errors)}`);
    }
  }
});

test('the captured raw requests, tagged and enriched by this config, validate against tail-raw', () => {
  const validate = validatorFor('records/tail-raw.schema.json');
  const cfg = loadConfig('linux');
  const tails = cfg.pipeline.inputs.filter((i) => i.name === 'tail');
  const covered = new Set<string>();
  let validated = 0;
  for (const req of captureBodies('raw-gzip-json')) {
    assert.equal(req.headers['Content-Encoding'], 'gzip');
    const records = JSON.parse(gunzipSync(req.body).toString('utf8')) as Array<Record<string, unknown>>;
    for (const rec of records) {
      const file = String(rec.file);
      const input = tails.find((t) => list(substitute(String(t.path), exampleEnv)).some((g) => pathGlobMatches(g, file)));
      if (!input) continue; // e.g. /var/log/db1/auth.log, a path only the capture set-up used
      covered.add(file);
      const tag = expandTailTag(String(input.tag), file);
      const enriched: Record<string, unknown> = { ...rec };
      for (const [k, v] of keysAddedFor(cfg, tag)) enriched[k] = substitute(v, { HOSTNAME: String(rec.hostname) });
      assert.ok(validate(enriched), `${req.name} ${file}@${String(rec.offset)}: ${describeErrors(validate.errors)}`);
      validated++;
    }
  }
  for (const f of ['/var/log/auth.log', '/var/log/syslog', '/var/log/nginx/access.log', '/var/log/nginx/error.log', '/var/log/myapp/orders.log', '/var/log/myapp/worker.log']) {
    assert.ok(covered.has(f), `${f} (captured) is tailed by linux/fluent-bit.yaml with LOG_DIRECTORY=${exampleEnv.LOG_DIRECTORY}`);
  }
  assert.ok(validated > 20);
});

test('the Windows samples, enriched by this config, validate against winevtlog', () => {
  const validate = validatorFor('records/winevtlog.schema.json');
  const cfg = loadConfig('windows');
  const [input] = cfg.pipeline.inputs;
  const records = JSON.parse(readFileSync(join(WINDOWS_SAMPLES, 'winevtlog-out-http-body.json'), 'utf8')) as Array<Record<string, unknown>>;
  assert.ok(records.length > 0);
  for (const rec of records) {
    const enriched: Record<string, unknown> = { ...rec };
    for (const [k, v] of keysAddedFor(cfg, String(input!.tag))) enriched[k] = substitute(v, { COMPUTERNAME: String(rec.hostname ?? 'FS01') });
    assert.equal(enriched.source_kind, 'windows');
    assert.ok(validate(enriched), `${String(rec.Channel)}#${String(rec.EventRecordID)}: ${describeErrors(validate.errors)}`);
    assert.ok(String(rec.fb_time).length > 0, 'sample carries the same date key as the config');
  }
});

test('output settings match the config that produced the raw captures', () => {
  const capture = loadYamlFile(join(CAPTURES, 'raw-gzip-json.fluent-bit.yaml')) as {
    service: Section;
    pipeline: { inputs: Section[]; outputs: Section[] };
  };
  for (const target of targets) {
    const cfg = loadConfig(target);
    for (const section of Object.keys(capture)) assert.ok(section in cfg, `${target} has the capture's top-level section ${section}`);
    for (const section of Object.keys(capture.pipeline)) assert.ok(section in cfg.pipeline, `${target} has pipeline.${section}`);
    for (const key of Object.keys(capture.service).filter((k) => k.startsWith('storage.'))) assert.ok(key in cfg.service, `${target} service sets ${key}`);
  }
  const [capOut] = capture.pipeline.outputs;
  const ours = httpOutput('linux');
  for (const key of ['uri', 'format', 'json_date_key', 'json_date_format', 'header_tag', 'compress', 'retry_limit']) {
    assert.equal(String(ours[key]), String(capOut![key]), `${key} as in the captures`);
  }
  assert.match(String((capOut!.header as string[])[0]), /^Authorization Bearer /);
  for (const input of capture.pipeline.inputs) {
    const ourTail = loadConfig('linux').pipeline.inputs[0]!;
    assert.equal(ourTail.path_key, input.path_key);
    assert.equal(ourTail.offset_key, input.offset_key);
    assert.equal(input['storage.type'], 'filesystem');
  }
  // The captured requests are what that config sends.
  for (const req of captureBodies('raw-gzip-json')) {
    assert.equal(req.path, INGEST_PATH);
    assert.ok(Object.keys(req.headers).some((h) => h.toLowerCase() === service.ingest.tag_header.toLowerCase()));
  }
  assert.ok(existsSync(join(CAPTURES, 'README.md')));
});

test('journal entries as the Linux config emits them (test/fixtures/journald) classify as journald and validate', () => {
  const validate = validatorFor('records/journald.schema.json');
  const cfg = loadConfig('linux');
  const input = cfg.pipeline.inputs.find((i) => i.name === 'systemd')!;
  const out = httpOutput('linux');
  const body = readFileSync(join(FIXTURES, 'journald', 'request.body'));
  const records = JSON.parse(gunzipSync(body).toString('utf8')) as Array<Record<string, unknown>>;
  assert.ok(records.length > 50);
  const tag = String(input.tag).replace('*', 'unknown');
  for (const rec of records) {
    const enriched: Record<string, unknown> = { ...rec };
    for (const [k, v] of keysAddedFor(cfg, tag)) enriched[k] = substitute(v, { HOSTNAME: 'vm' });
    assert.equal(enriched.hostname, rec.hostname, 'the fixture carries what record_modifier adds');
    assert.equal(Object.keys(rec)[0], out.json_date_key, 'date key first, as out_http writes it');
    const date = String(rec[String(out.json_date_key)]);
    delete enriched[String(out.json_date_key)];
    assert.match(date, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
    assert.equal(classifyRecord(enriched), 'journald');
    assert.ok(validate(enriched), describeErrors(validate.errors));
    assert.ok(!Object.keys(rec).some((k) => k.startsWith('__')), 'in_systemd sends data fields only');
  }
});
