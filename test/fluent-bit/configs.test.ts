/**
 * fluent-bit/ configs are well-formed and internally consistent: sections, plugin names and
 * option names, parsers referenced, buffering and resumability on every input, ${VAR}s documented.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join, posix, win32 } from 'node:path';
import {
  FB_DIR,
  TARGETS,
  type Target,
  type Section,
  loadConfig,
  loadYamlFile,
  readText,
  isOn,
  isOff,
  bytes,
  list,
  envVarsIn,
  envExample,
  recordItems,
} from './fluent-bit-config.js';
import { schemaDocuments } from '../../alert-service/src/schema/registry.js';

const targets = Object.keys(TARGETS) as Target[];

// Option names from the Fluent Bit docs/source (v5.1) for the plugins these configs use. A typo in
// an option name is not an error in every Fluent Bit version, so check it here.
const SERVICE_KEYS = new Set([
  'flush', 'grace', 'daemon', 'log_level', 'log_file', 'parsers_file', 'plugins_file', 'streams_file',
  'http_server', 'http_listen', 'http_port', 'health_check', 'hc_errors_count', 'hc_retry_failure_count', 'hc_period',
  'hot_reload', 'coro_stack_size', 'scheduler.base', 'scheduler.cap', 'json.convert_nan_to_null', 'json.escape_unicode',
  'dns.mode', 'dns.resolver', 'dns.prefer_ipv4', 'dns.prefer_ipv6', 'windows.maxstdio',
  'storage.path', 'storage.sync', 'storage.checksum', 'storage.max_chunks_up', 'storage.backlog.mem_limit',
  'storage.backlog.flush_on_shutdown', 'storage.metrics', 'storage.keep.rejected', 'storage.rejected.path',
  'storage.delete_irrecoverable_chunks', 'storage.trim_files', 'storage.inherit', 'storage.type',
]);
const INPUT_COMMON = ['name', 'tag', 'alias', 'log_level', 'mem_buf_limit', 'storage.type', 'storage.pause_on_chunks_overlimit', 'threaded'];
const FILTER_COMMON = ['name', 'match', 'match_regex', 'alias', 'log_level'];
const OUTPUT_COMMON = ['name', 'match', 'match_regex', 'alias', 'log_level', 'retry_limit', 'workers', 'storage.total_limit_size'];
const NET_TLS = /^(net\.(connect_timeout|connect_timeout_log_error|io_timeout|keepalive|keepalive_idle_timeout|keepalive_max_recycle|dns\.mode|dns\.prefer_ipv4|dns\.prefer_ipv6|dns\.resolver|max_worker_connections|proxy_env_ignore|source_address|tcp_keepalive|tcp_keepalive_time|tcp_keepalive_interval|tcp_keepalive_probes)|tls|tls\.(verify|verify_hostname|debug|ca_file|ca_path|crt_file|key_file|key_passwd|vhost))$/;
const PLUGIN_KEYS: Record<string, Set<string>> = {
  tail: new Set([
    ...INPUT_COMMON, 'path', 'exclude_path', 'path_key', 'offset_key', 'inode_key', 'key', 'db', 'db.sync', 'db.locking', 'db.journal_mode',
    'db.compare_filename', 'read_from_head', 'refresh_interval', 'rotate_wait', 'watcher_interval', 'ignore_older',
    'skip_long_lines', 'skip_empty_lines', 'buffer_chunk_size', 'buffer_max_size', 'exit_on_eof', 'parser', 'tag_regex',
    'multiline.parser', 'inotify_watcher', 'static_batch_size', 'file_cache_advise',
  ]),
  winevtlog: new Set([
    ...INPUT_COMMON, 'channels', 'interval_sec', 'interval_nsec', 'read_existing_events', 'db', 'string_inserts',
    'render_event_as_xml', 'render_event_as_text', 'render_event_text_key', 'use_ansi', 'ignore_missing_channels',
    'event_query', 'read_limit_per_cycle', 'event_data_as_map', 'event_template_cache_size',
  ]),
  // plugins/in_systemd/systemd.c config_map
  systemd: new Set([
    ...INPUT_COMMON, 'path', 'max_fields', 'max_entries', 'systemd_filter', 'systemd_filter_type', 'read_from_tail',
    'read_since_minutes_ago', 'lowercase', 'strip_underscores', 'db', 'db.sync',
  ]),
  // plugins/filter_lua/lua_config.c
  lua: new Set([...FILTER_COMMON, 'script', 'call', 'code', 'type_int_key', 'type_array_key', 'protected_mode', 'time_as_table', 'enable_flb_null']),
  record_modifier: new Set([...FILTER_COMMON, 'record', 'remove_key', 'allowlist_key', 'whitelist_key', 'uuid_key']),
  http: new Set([
    ...OUTPUT_COMMON, 'host', 'port', 'uri', 'format', 'json_date_key', 'json_date_format', 'compress', 'header', 'header_tag',
    'headers_key', 'body_key', 'http_method', 'http_user', 'http_passwd', 'proxy', 'allow_duplicated_headers',
    'log_response_payload', 'http.response_timeout', 'http.read_idle_timeout',
  ]),
};
// Fluent Bit's built-in multiline parsers (src/multiline/flb_ml_parser.c).
const BUILTIN_MULTILINE = new Set(['docker', 'cri', 'go', 'python', 'java', 'ruby']);

function allSections(cfg: ReturnType<typeof loadConfig>): Array<{ kind: string; s: Section }> {
  return [
    ...cfg.pipeline.inputs.map((s) => ({ kind: 'input', s })),
    ...cfg.pipeline.filters.map((s) => ({ kind: 'filter', s })),
    ...cfg.pipeline.outputs.map((s) => ({ kind: 'output', s })),
  ];
}

const parsersFile = loadYamlFile(join(FB_DIR, 'parsers.yaml'));
const definedParsers = new Set(((parsersFile.parsers as Section[] | undefined) ?? []).map((p) => String(p.name)));
const definedMultiline = new Set(((parsersFile.multiline_parsers as Section[] | undefined) ?? []).map((p) => String(p.name)));

for (const target of targets) {
  test(`${target}: config is well-formed YAML with the Fluent Bit sections`, () => {
    const cfg = loadConfig(target);
    assert.deepEqual(Object.keys(cfg).filter((k) => !['service', 'pipeline', 'env', 'includes', 'parsers', 'multiline_parsers'].includes(k)), []);
    assert.equal(typeof cfg.service, 'object');
    assert.deepEqual(Object.keys(cfg.pipeline).sort(), ['filters', 'inputs', 'outputs']);
    for (const part of ['inputs', 'filters', 'outputs'] as const) assert.ok(Array.isArray(cfg.pipeline[part]) && cfg.pipeline[part].length > 0, part);
  });

  test(`${target}: every input/filter/output has a name, known options, and filters/outputs a match`, () => {
    const cfg = loadConfig(target);
    for (const key of Object.keys(cfg.service)) assert.ok(SERVICE_KEYS.has(key), `${target} service: unknown option ${key}`);
    for (const { kind, s } of allSections(cfg)) {
      assert.equal(typeof s.name, 'string', `${kind} without a name`);
      const known = PLUGIN_KEYS[s.name as string];
      assert.ok(known, `${target}: no option list for plugin ${String(s.name)} (add it to this test after checking the docs)`);
      for (const key of Object.keys(s)) assert.ok(known.has(key) || (kind === 'output' && NET_TLS.test(key)), `${target} ${String(s.name)}: unknown option ${key}`);
      if (kind !== 'input') assert.equal(typeof s.match, 'string', `${target} ${String(s.name)} has no match`);
      else assert.equal(typeof s.tag, 'string', `${target} input ${String(s.alias ?? s.name)} has no tag`);
    }
    const aliases = allSections(cfg).map(({ s }) => s.alias).filter(Boolean);
    assert.equal(new Set(aliases).size, aliases.length, 'aliases are unique');
  });

  test(`${target}: parsers_file is this folder's parsers.yaml, deployed next to the config`, () => {
    const cfg = loadConfig(target);
    const { deployedDir } = TARGETS[target];
    const p = String(cfg.service.parsers_file);
    const lib = target === 'windows' ? win32 : posix;
    const resolved = lib.resolve(deployedDir, p);
    assert.equal(lib.dirname(resolved), lib.resolve(deployedDir), `${p} is not next to ${deployedDir}/fluent-bit.yaml`);
    assert.ok(existsSync(join(FB_DIR, lib.basename(resolved))), `fluent-bit/${lib.basename(resolved)} does not exist`);
  });

  test(`${target}: every parser and multiline parser referenced exists`, () => {
    const cfg = loadConfig(target);
    let checked = 0;
    for (const { s } of allSections(cfg)) {
      if (s.parser !== undefined) {
        for (const name of list(s.parser)) assert.ok(definedParsers.has(name), `parser ${name} is not defined in parsers.yaml`);
        checked++;
      }
      if (s['multiline.parser'] !== undefined) {
        for (const name of list(s['multiline.parser'])) assert.ok(BUILTIN_MULTILINE.has(name) || definedMultiline.has(name), `multiline parser ${name} is neither built in nor in parsers.yaml`);
        checked++;
      }
    }
    if (target === 'linux') assert.ok(checked > 0, 'the app input uses multiline parsers');
  });

  test(`${target}: every input is resumable and buffered on disk`, () => {
    const cfg = loadConfig(target);
    assert.ok(String(cfg.service['storage.path'] ?? '').length > 0, 'service storage.path');
    assert.ok(isOn(cfg.service['storage.keep.rejected']), 'storage.keep.rejected on');
    assert.equal(String(cfg.service['storage.sync']), 'normal');
    assert.ok(bytes(cfg.service['storage.backlog.mem_limit']) > 0);
    assert.ok(Number(cfg.service['storage.max_chunks_up']) > 0);
    const dbs = new Set<string>();
    for (const input of cfg.pipeline.inputs) {
      const label = String(input.alias ?? input.name);
      assert.equal(input['storage.type'], 'filesystem', `${label}: storage.type filesystem`);
      assert.ok(typeof input.db === 'string' && input.db.length > 0, `${label}: db`);
      assert.ok(!dbs.has(input.db as string), `${label}: db shared with another input`);
      dbs.add(input.db as string);
      assert.ok(!String(input.db).startsWith(String(cfg.service['storage.path']) + TARGETS[target].sep), `${label}: keep the db outside storage.path`);
      assert.ok(bytes(input.mem_buf_limit) > 0, `${label}: mem_buf_limit`);
    }
    for (const output of cfg.pipeline.outputs) assert.ok(bytes(output['storage.total_limit_size']) >= bytes('1G'), 'storage.total_limit_size bounds the disk buffer');
  });
}

test('linux: tail inputs send raw lines with path, offset and inode, bounded, rotated files excluded', () => {
  const cfg = loadConfig('linux');
  const logMax = ((schemaDocuments().get('records/tail-raw.schema.json') as { properties: { log: { maxLength: number } } }).properties.log.maxLength);
  const tails = cfg.pipeline.inputs.filter((i) => i.name === 'tail');
  assert.deepEqual(cfg.pipeline.inputs.filter((i) => i.name !== 'tail').map((i) => i.name), ['systemd'], 'every Linux input but the journal is tail');
  const tailRaw = schemaDocuments().get('records/tail-raw.schema.json') as { properties: Record<string, unknown> };
  for (const t of tails) {
    const label = String(t.alias);
    assert.equal(t.parser, undefined, `${label}: no parser (parsing lives in the service)`);
    assert.equal(t.key, undefined, `${label}: the line stays under "log"`);
    assert.equal(t.path_key, 'file');
    assert.equal(t.offset_key, 'offset');
    // The inode tells a rotated file from the old one (event-id.ts); the record schemas accept it.
    assert.equal(t.inode_key, 'inode', `${label}: inode_key`);
    assert.ok(String(t.inode_key) in tailRaw.properties);
    assert.ok(isOff(t.read_from_head), `${label}: read_from_head false (documented trade-off)`);
    assert.ok(isOn(t.skip_long_lines), `${label}: skip_long_lines, so one huge line does not stop the file`);
    assert.ok(bytes(t.buffer_max_size) <= logMax, `${label}: buffer_max_size ${String(t.buffer_max_size)} > log maxLength ${logMax}`);
    assert.ok(bytes(t.buffer_chunk_size) <= bytes(t.buffer_max_size));
    const excluded = list(t.exclude_path);
    for (const pattern of ['*.gz', '*.[0-9]']) assert.ok(excluded.includes(pattern), `${label}: exclude_path ${pattern}`);
    assert.ok(!String(t.path).includes('.gz'));
  }
  const paths = tails.flatMap((t) => list(t.path));
  for (const p of [
    '/var/log/auth.log', '/var/log/secure', '/var/log/syslog', '/var/log/messages',
    '/var/log/nginx/access.log', '/var/log/apache2/access.log', '/var/log/httpd/access_log',
    '/var/log/nginx/error.log', '/var/log/apache2/error.log', '/var/log/httpd/error_log', '${LOG_DIRECTORY}/*.log',
  ]) assert.ok(paths.includes(p), `${p} is tailed`);
});

test('windows: winevtlog reads System, Application, Security with named EventData; the operational channels beside them', () => {
  const cfg = loadConfig('windows');
  const [core, operational, ...rest] = cfg.pipeline.inputs;
  assert.equal(rest.length, 0);
  for (const ev of [core!, operational!]) {
    const label = String(ev.alias);
    assert.equal(ev.name, 'winevtlog', label);
    assert.ok(isOn(ev.event_data_as_map), `${label}: event_data_as_map`);
    assert.ok(isOn(ev.string_inserts), `${label}: string_inserts`);
    assert.ok(isOff(ev.use_ansi), `${label}: use_ansi off`);
    assert.ok(isOff(ev.render_event_as_xml), `${label}: records, not XML`);
    assert.ok(isOff(ev.read_existing_events), `${label}: read_existing_events off (documented)`);
    assert.ok(String(ev.tag).startsWith('win.'), `${label}: a win.* tag gets source_kind windows`);
  }
  assert.deepEqual(list(core!.channels), ['System', 'Application', 'Security']);
  // A core channel that cannot be subscribed (Security without admin rights) must stop the agent,
  // not be skipped: in_winevtlog only skips missing channels with ignore_missing_channels on.
  assert.ok(core!.ignore_missing_channels === undefined || isOff(core!.ignore_missing_channels), 'core channels fail loudly');
  // The channels detection rules read (issue 14), on by default; optional ones skipped where absent.
  assert.deepEqual(list(operational!.channels), [
    'Microsoft-Windows-Sysmon/Operational',
    'Microsoft-Windows-PowerShell/Operational',
    'Windows PowerShell',
    'Microsoft-Windows-Windows Defender/Operational',
    'Microsoft-Windows-TaskScheduler/Operational',
  ]);
  assert.ok(isOn(operational!.ignore_missing_channels), 'Sysmon or Defender missing on a host must not stop the agent');
  // in_winevtlog errors out (or idles) when no listed channel exists: keep one present on every Windows.
  assert.ok(list(operational!.channels).includes('Windows PowerShell'));
  const allChannels = cfg.pipeline.inputs.flatMap((i) => list(i.channels));
  assert.equal(new Set(allChannels).size, allChannels.length, 'no channel read by two inputs (each would ship it)');
  // The channel names the built-in rules match on are collected.
  for (const ch of ['Microsoft-Windows-Windows Defender/Operational', 'Security', 'System', 'Application']) assert.ok(allChannels.includes(ch), ch);
});

test('README documents the Windows channels: missing-channel behaviour, Sysmon install, PowerShell logging, audit policy', () => {
  const readme = readFileSync(join(FB_DIR, 'README.md'), 'utf8');
  const operational = list(loadConfig('windows').pipeline.inputs[1]!.channels);
  for (const channel of operational) assert.ok(readme.includes(`\`${channel}\``), `README names ${channel}`);
  for (const needle of [
    'ignore_missing_channels', 'cannot subscribe', 'Restart-Service fluent-bit', 'Get-WinEvent -ListLog',
    'Sysmon64.exe\' -accepteula -i', 'SwiftOnSecurity/sysmon-config', 'olafhartong/sysmon-modular',
    'EnableScriptBlockLogging', 'EnableModuleLogging', 'Microsoft-Windows-TaskScheduler/Operational /e:true',
    'auditpol /set /subcategory:"Kerberos Authentication Service"', 'auditpol /set /subcategory:"Directory Service Access"',
    'auditpol /set /subcategory:"Detailed File Share"', 'Replicating Directory Changes All', 'Login auditing',
  ]) assert.ok(readme.includes(needle), `README mentions ${JSON.stringify(needle)}`);
});

test('parsers.yaml: well-formed, only parser sections, multiline rules consistent', () => {
  assert.deepEqual(Object.keys(parsersFile).filter((k) => !['parsers', 'multiline_parsers'].includes(k)), []);
  for (const p of (parsersFile.parsers as Section[] | undefined) ?? []) {
    assert.equal(typeof p.name, 'string');
    assert.ok(['regex', 'json', 'logfmt', 'ltsv'].includes(String(p.format)));
  }
  const mls = (parsersFile.multiline_parsers as Section[] | undefined) ?? [];
  for (const ml of mls) {
    assert.equal(ml.type, 'regex');
    assert.ok(!BUILTIN_MULTILINE.has(String(ml.name)), 'does not shadow a built-in');
    const rules = ml.rules as Array<{ state: string; regex: string; next_state: string }>;
    assert.equal(rules[0]!.state, 'start_state', 'first rule is start_state');
    const states = new Set(rules.flatMap((r) => r.state.split(',').map((s) => s.trim())));
    for (const r of rules) {
      assert.ok(states.has(r.next_state), `${String(ml.name)}: next_state ${r.next_state} is not a state`);
      const m = /^\/(.*)\/([a-z]*)$/.exec(r.regex);
      assert.ok(m, `${String(ml.name)}: regex ${r.regex} must be written /.../`);
      assert.doesNotThrow(() => new RegExp(m[1]!), `${String(ml.name)}: ${r.regex}`);
    }
  }
  // The rules do what the comment says on typical lines.
  const byName = new Map(mls.map((ml) => [String(ml.name), ml.rules as Array<{ state: string; regex: string }>]));
  const indented = byName.get('multiline_app_indented');
  if (indented) {
    const re = (state: string) => new RegExp(/^\/(.*)\/$/.exec(indented.find((r) => r.state === state)!.regex)![1]!);
    for (const l of ['2026-11-21 10:00:05,113 ERROR [worker-3] Job failed', '2026-11-21T10:00:05.113Z ERROR x', '[2026-11-21 10:00:05] x', 'Nov 21 10:00:05 x']) assert.ok(re('start_state').test(l), l);
    for (const l of ['    at com.example.App.main(App.java:6)', '\tat x', 'Caused by: java.io.IOException: boom', '... 12 more', '  File "app.py", line 3, in <module>']) assert.ok(re('cont').test(l), l);
    assert.ok(!re('cont').test('2026-11-21 10:00:06,001 INFO next record'));
  }
});

test('every ${VAR} used is documented in logward.env.example (or is HOSTNAME/COMPUTERNAME)', () => {
  const { set, documented } = envExample();
  const used = new Set<string>();
  for (const target of targets) for (const v of envVarsIn(readText(TARGETS[target].file))) used.add(v);
  assert.ok(used.size > 0);
  for (const v of used) {
    if (v === 'HOSTNAME' || v === 'COMPUTERNAME') continue;
    assert.ok(set.has(v) && set.get(v)!.length > 0, `${v} is used but has no example value in logward.env.example`);
  }
  for (const v of set.keys()) assert.ok(used.has(v), `${v} is in logward.env.example but no config uses it`);
  assert.ok(documented.has('HOSTNAME'), 'HOSTNAME override documented');
  // The example token satisfies the service's token rule.
  const minLength = ((schemaDocuments().get('config/ingest.schema.json') as { properties: { tokens: { items: { minLength: number } } } }).properties.tokens.items.minLength);
  assert.ok(set.get('LOGWARD_INGEST_TOKEN')!.length >= minLength);
  // EnvironmentFile= takes no quotes, export or command substitution.
  for (const [k, v] of set) assert.doesNotMatch(v, /^["']|\$\(|`/, `${k}: plain value for systemd EnvironmentFile=`);
  assert.doesNotMatch(readText('logward.env.example'), /^\s*export\s/m);
});

test('record_modifier items are "key value" and hostname comes from the platform variable', () => {
  for (const target of targets) {
    const cfg = loadConfig(target);
    for (const f of cfg.pipeline.filters.filter((x) => x.name === 'record_modifier')) assert.ok(recordItems(f).size > 0);
    const hostVar = target === 'windows' ? '${COMPUTERNAME}' : '${HOSTNAME}';
    const setters = cfg.pipeline.filters.filter((f) => f.name === 'record_modifier' && recordItems(f).get('hostname') === hostVar);
    assert.equal(setters.length, 1, `${target}: one filter adds hostname ${hostVar}`);
    assert.equal(setters[0]!.match, '*');
  }
});

test('README covers install, the systemd override, the Windows service, TLS, delivery and troubleshooting', () => {
  const readme = readFileSync(join(FB_DIR, 'README.md'), 'utf8');
  for (const needle of [
    'ExecStart=\n', 'ExecStart=/opt/fluent-bit/bin/fluent-bit -c /etc/fluent-bit/fluent-bit.yaml', 'EnvironmentFile=',
    'systemctl daemon-reload', 'sc.exe create fluent-bit', 'LOGWARD_HOST', 'LOGWARD_PORT', 'LOGWARD_INGEST_TOKEN', 'LOG_DIRECTORY',
    'HOSTNAME', 'COMPUTERNAME', 'tls.ca_file', 'tls.vhost', 'retry_limit', 'read_from_head', 'read_existing_events',
    'storage.total_limit_size', 'rejected', 'apt-get install', 'yum install', '--dry-run',
    'logward-journal.lua', 'inode_key', 'json.escape_unicode', 'systemd-journal',
  ]) assert.ok(readme.includes(needle), `README mentions ${JSON.stringify(needle)}`);
});

test('linux: the journal input: own db, from the tail, journal field names, de-duplicated against rsyslog files', () => {
  const cfg = loadConfig('linux');
  const journals = cfg.pipeline.inputs.filter((i) => i.name === 'systemd');
  assert.equal(journals.length, 1);
  const j = journals[0]!;
  assert.ok(isOn(j.read_from_tail), 'read_from_tail: the first start ships only new entries');
  assert.ok(isOff(j.strip_underscores), 'strip_underscores off: the service reads _HOSTNAME, _PID');
  assert.ok(isOff(j.lowercase ?? 'off'), 'lowercase off');
  assert.equal(j.systemd_filter, undefined, 'no filter: the service classifies auth entries itself');
  assert.match(String(j.db), /logward-journal\.db$/);
  assert.ok(String(j.tag).endsWith('*'), 'tag expanded with the unit');
  // The Lua filter that drops entries rsyslog also writes to a tailed file.
  const lua = cfg.pipeline.filters.filter((f) => f.name === 'lua');
  assert.equal(lua.length, 1);
  assert.equal(lua[0]!.match, String(j.tag));
  assert.equal(posix.dirname(String(lua[0]!.script)), TARGETS.linux.deployedDir, 'script deployed next to the config');
  const script = readText(`linux/${posix.basename(String(lua[0]!.script))}`);
  assert.match(script, new RegExp(`^function ${String(lua[0]!.call)}\\(tag, timestamp, record\\)`, 'm'));
  for (const f of ['/var/log/auth.log', '/var/log/secure', '/var/log/syslog', '/var/log/messages']) {
    assert.ok(script.includes(`"${f}"`), `${f} checked`);
    assert.ok(cfg.pipeline.inputs.some((i) => i.name === 'tail' && list(i.path).includes(f)), `${f} is tailed`);
  }
});

test('linux: JSON strings are written raw, so invalid UTF-8 bytes arrive as U+FFFD instead of vanishing', () => {
  assert.ok(isOff(loadConfig('linux').service['json.escape_unicode']));
});
