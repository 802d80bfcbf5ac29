/**
 * docker-compose.yml, alert-service/Dockerfile, .dockerignore and the compose Fluent Bit config
 * agree with each other and with the service (its config schemas, ingest path, ports), since no
 * Docker engine runs here to try them: every path they reference exists, every LOGWARD_ variable
 * is a setting, the compose environment is a valid configuration, and the agent posts where the
 * service listens with the token it accepts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, posix } from 'node:path';
import { parseDocument } from 'yaml';
import { environmentKeys, loadConfig } from '../../alert-service/src/config/load.js';
import { INGEST_PATH } from '../../alert-service/src/ingest/constants.js';
import { httpOutput, keysAddedFor, readAgentConfig, substitute, type FluentBitConfig } from '../../alert-service/src/agent/fluent-bit-config.js';
import { inputFor } from '../../alert-service/src/agent/tail.js';
import { demoFiles } from '../../alert-service/demo/demo-logs.js';
import { parseYamlStrict } from '../fluent-bit/fluent-bit-config.js';

const root = join(import.meta.dirname, '..', '..');

interface Service {
  image?: string;
  build?: { context: string; dockerfile: string };
  command?: string[];
  entrypoint?: string[];
  environment?: Record<string, string>;
  ports?: string[];
  volumes?: string[];
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { disable?: boolean };
}
// Strict: a duplicate key or any YAML warning fails; merge keys (<<) resolved as compose does.
const composeDoc = parseDocument(readFileSync(join(root, 'docker-compose.yml'), 'utf8'), { uniqueKeys: true, merge: true });
assert.deepEqual([...composeDoc.errors, ...composeDoc.warnings], []);
const compose = composeDoc.toJS({ maxAliasCount: 100 }) as { services: Record<string, Service>; volumes: Record<string, unknown> };
const svc = compose.services;

/** ${VAR:-default} / ${VAR:?msg} / ${VAR} as compose interpolates them, with `env` as the shell's. */
function interpolate(value: string, env: Record<string, string> = {}): string {
  return value.replace(/\$\{(\w+)(?::([-?])([^}]*))?\}/g, (_m, name: string, op: string | undefined, arg: string | undefined) => {
    if (env[name]) return env[name]!;
    if (op === '?') throw new Error(`${name} must be set: ${arg}`);
    return op === '-' ? (arg ?? '') : '';
  });
}
const envOf = (s: Service, shell: Record<string, string> = {}) => Object.fromEntries(Object.entries(s.environment ?? {}).map(([k, v]) => [k, interpolate(String(v), shell)]));
/** The container-side mounts of a service: target → source (a named volume or a repo path). */
function mounts(s: Service): Map<string, string> {
  return new Map((s.volumes ?? []).map((v) => {
    const [source, target] = v.split(':');
    return [target!, source!];
  }));
}

test('every service has an image, named volumes are declared and bind mounts point at repo files', () => {
  assert.deepEqual(Object.keys(svc).sort(), ['fluent-bit', 'log-generator', 'logward', 'mailpit', 'ollama', 'ollama-model']);
  for (const [name, s] of Object.entries(svc)) {
    assert.ok(s.image, `${name} has an image`);
    for (const [target, source] of mounts(s)) {
      if (source.startsWith('./')) assert.ok(existsSync(join(root, source)), `${name}: ${source} exists in the repo`);
      else if (!source.startsWith('/')) assert.ok(source in compose.volumes, `${name}: volume ${source} is declared`);
      assert.ok(target.startsWith('/'), `${name}: mount target ${target}`);
    }
    for (const dep of Object.keys(s.depends_on ?? {})) assert.ok(svc[dep], `${name} depends on a service that exists: ${dep}`);
  }
  assert.equal(svc['fluent-bit']!.image!.split(':')[0], 'fluent/fluent-bit');
  assert.equal(svc.mailpit!.image!.split(':')[0], 'axllent/mailpit');
  assert.equal(svc.ollama!.image!.split(':')[0], 'ollama/ollama');
  // The host's logs reach the agent read-only.
  assert.ok(svc['fluent-bit']!.volumes!.includes('/var/log:/var/log:ro'));
});

test('every LOGWARD_ variable of the service is a setting, and together they form a valid configuration', () => {
  const keys = environmentKeys();
  const env = envOf(svc.logward!);
  for (const name of Object.keys(env)) assert.ok(keys.has(name) || name === 'LOGWARD_INGEST_TOKEN', `${name} is not a config key`);
  const config = loadConfig({ env });
  assert.equal(config.server.host, '0.0.0.0');
  assert.equal(config.server.port, 8080);
  assert.equal(config.storage.path, '/data/logward.db');
  assert.ok(mounts(svc.logward!).get('/data'), '/data is a volume');
  // From the host the API is reached through Docker's bridge, never loopback: it needs its tokens.
  assert.ok(config.server.api_read_token && config.server.api_write_token);
  assert.equal(config.ingest.tokens.length, 1);
  // The published port is the one the service listens on, on the host's loopback only (demo tokens).
  const published = svc.logward!.ports!.map((p) => p.split(':'));
  assert.deepEqual(published, [['127.0.0.1', '8080', String(config.server.port)]]);
  // A token set in the shell (or .env) replaces the demo one.
  assert.deepEqual(loadConfig({ env: envOf(svc.logward!, { LOGWARD_INGEST_TOKEN: 'y'.repeat(32) }) }).ingest.tokens, ['y'.repeat(32)]);
});

test('the email channel sends to Mailpit, the LLM to the Ollama service, and their UIs are published', () => {
  const config = loadConfig({ env: envOf(svc.logward!) });
  const email = config.alerting.channels.email;
  assert.equal(email.enabled, true);
  assert.equal(email.host, 'mailpit');
  assert.equal(email.port, 1025); // Mailpit's SMTP port
  assert.equal(email.require_tls, false);
  assert.ok(email.to.length > 0);
  assert.ok(svc.mailpit!.ports!.includes('127.0.0.1:8025:8025')); // Mailpit's web UI
  assert.equal(config.llm.host, 'http://ollama:11434');
  // The model the one-shot puller fetches is the one the service asks for.
  assert.equal(interpolate(svc['ollama-model']!.command![1]!), config.llm.model);
  assert.equal(envOf(svc['ollama-model']!).OLLAMA_HOST, config.llm.host);
});

const agentMounts = mounts(svc['fluent-bit']!);
/** The file a container path of the agent is, in the repo. */
function agentFile(containerPath: string): string {
  for (const [target, source] of agentMounts) if (target === containerPath && source.startsWith('./')) return join(root, source);
  throw new Error(`${containerPath} is not a file mounted into the fluent-bit container`);
}
const agentConfigPath = agentFile(svc['fluent-bit']!.command![svc['fluent-bit']!.command!.indexOf('-c') + 1]!);
const agent = parseYamlStrict(readFileSync(agentConfigPath, 'utf8'), agentConfigPath) as FluentBitConfig;

test('Fluent Bit posts to the service where it listens, on the ingest path, with a token the service accepts', () => {
  const service = loadConfig({ env: envOf(svc.logward!) });
  const fbEnv = envOf(svc['fluent-bit']!);
  const out = httpOutput(agent);
  assert.equal(substitute(String(out.host), fbEnv), 'logward'); // the service's name on the compose network
  assert.equal(Number(substitute(String(out.port), fbEnv)), service.server.port);
  assert.equal(out.uri, INGEST_PATH);
  assert.equal(String(out.header_tag).toLowerCase(), service.ingest.tag_header.toLowerCase());
  assert.ok(service.ingest.date_keys.includes(String(out.json_date_key)));
  const auth = (out.header as string[]).map((h) => substitute(h, fbEnv));
  assert.deepEqual(auth, [`Authorization Bearer ${service.ingest.tokens[0]}`]);
  // The agent starts once the service answers its health check.
  assert.equal(svc['fluent-bit']!.depends_on!.logward!.condition, 'service_healthy');
});

test('the compose agent is the Linux agent: same service settings, filters and output; only inputs differ', () => {
  const linux = readAgentConfig();
  const { parsers_file: composeParsers, ...composeService } = agent.service;
  const { parsers_file: _linuxParsers, ...linuxService } = linux.service;
  assert.deepEqual(composeService, linuxService);
  assert.ok(existsSync(agentFile(String(composeParsers))), 'parsers_file is mounted from the repo');
  assert.deepEqual(agent.pipeline.outputs, linux.pipeline.outputs);
  // The journal input is not in the container, nor its dedup filter; every other filter is the same.
  assert.deepEqual(agent.pipeline.filters, linux.pipeline.filters.filter((f) => f.name !== 'lua'));
  for (const input of agent.pipeline.inputs.filter((i) => String(i.path).startsWith('/var/log/'))) {
    assert.deepEqual(input, linux.pipeline.inputs.find((i) => i.alias === input.alias), `${String(input.alias)} as on a host`);
  }
  // Every path the agent reads or writes is mounted.
  for (const input of agent.pipeline.inputs) {
    for (const p of String(input.path).split(',')) assert.ok([...agentMounts.keys()].some((t) => p.startsWith(t + '/')), `${p} is mounted`);
    assert.ok(String(input.db).startsWith('/var/lib/fluent-bit/'));
  }
  assert.equal(agentMounts.get('/var/lib/fluent-bit'), 'fluent-bit-state');
  assert.ok(String(agent.service['storage.path']).startsWith('/var/lib/fluent-bit/'));
});

test('each demo log the generator writes is tailed by the agent with its source_kind', () => {
  const gen = svc['log-generator']!;
  assert.equal(gen.image, svc.logward!.image, 'the generator runs in the service image');
  const script = gen.command![gen.command!.indexOf('--import') + 2]!;
  assert.ok(existsSync(join(root, script)), `${script} exists`);
  const folder = gen.command![gen.command!.indexOf(script) + 1]!;
  assert.equal(mounts(gen).get(folder), 'demo-logs');
  assert.equal(agentMounts.get(folder), 'demo-logs');
  const expected: Record<string, string> = { 'auth.log': 'auth', syslog: 'syslog', 'nginx/access.log': 'web_access', 'nginx/error.log': 'web_error', 'myapp/orders.log': 'app', 'myapp/worker.log': 'app' };
  assert.deepEqual(demoFiles().sort(), Object.keys(expected).sort());
  for (const file of demoFiles()) {
    const path = posix.join(folder, file);
    const input = inputFor(agent, path, {});
    assert.ok(input && input.globs.some((g) => g.startsWith(folder)), `${path} is read by a demo input`);
    const kind = keysAddedFor(agent, input.tag.replace('*', path.slice(1).replace(/\//g, '.'))).get('source_kind');
    assert.equal(kind, expected[file], path);
  }
});

const dockerfile = readFileSync(join(root, svc.logward!.build!.context, svc.logward!.build!.dockerfile), 'utf8');

test('the Dockerfile: Node 24 slim, multi-stage, npm ci then the front-end build and a prune, non-root, a health check on /healthz', () => {
  const froms = [...dockerfile.matchAll(/^FROM (\S+)/gm)].map((m) => m[1]!);
  assert.ok(froms.length >= 2, 'multi-stage');
  for (const f of froms) assert.match(f, /^node:24(\.\d+)*-[a-z]+-slim$/);
  const stages = dockerfile.split(/^FROM /m).slice(1);
  const build = stages[0]!;
  const run = stages[stages.length - 1]!;
  assert.match(build, /^RUN npm ci\b/m);
  assert.ok(build.indexOf('npm ci') < build.indexOf('npm run build') && build.indexOf('npm run build') < build.indexOf('npm prune --omit=dev'));
  // The front-end build script it names must exist (an `--if-present` on a missing name builds nothing).
  const script = /npm run (build[\w:-]*)/.exec(build)?.[1];
  const scripts = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
  assert.ok(script && scripts[script], `package.json has the script the Dockerfile runs (${script})`);
  assert.doesNotMatch(build, /--if-present/);
  assert.match(run, /^USER node$/m);
  assert.doesNotMatch(run, /g\+\+|npm ci/, 'no compiler or install in the run stage');
  const env = Object.fromEntries([...run.matchAll(/(LOGWARD_[A-Z_]+)=(\S+)/g)].map((m) => [m[1]!, m[2]!]));
  for (const name of Object.keys(env)) assert.ok(environmentKeys().has(name), `${name} is a setting`);
  const config = loadConfig({ env: { ...env, LOGWARD_INGEST_TOKEN: 'x'.repeat(32) } });
  assert.match(run, new RegExp(`^EXPOSE ${config.server.port}$`, 'm'));
  assert.match(run, /HEALTHCHECK[\s\S]*\/healthz/);
  assert.equal(config.storage.path, '/data/logward.db');
  assert.match(run, /^VOLUME \/data$/m);
  assert.match(run, /CMD \["node", "alert-service\/bin\/logward\.js", "serve"\]/);
  assert.ok(existsSync(join(root, 'alert-service/bin/logward.js')));
  for (const copied of dockerfile.matchAll(/^COPY (?!--from)(.+)$/gm)) {
    const sources = copied[1]!.trim().split(/\s+/).slice(0, -1);
    for (const s of sources) assert.ok(existsSync(join(root, s)), `${s} copied by the Dockerfile exists`);
  }
  // The demo folder the generator writes is created for the node user (a new named volume takes its owner).
  assert.match(run, /mkdir -p \/data \/demo-logs && chown node:node \/data \/demo-logs/);
});

/** .dockerignore as Docker reads it: patterns relative to the context root, later ones win, ! re-includes. */
function ignored(path: string): boolean {
  const rules = readFileSync(join(root, '.dockerignore'), 'utf8').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
  let out = false;
  for (const rule of rules) {
    const negate = rule.startsWith('!');
    const pattern = negate ? rule.slice(1) : rule;
    const re = new RegExp('^' + pattern.split('/').map((seg) => (seg === '**' ? '(?:.*/)?' : seg.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*') + '/')).join('').replace(/\/$/, '') + '(?:/.*)?$');
    if (re.test(path)) out = !negate;
  }
  return out;
}

test('.dockerignore keeps out dependencies, databases, git and tests, and nothing the image needs', () => {
  for (const p of ['node_modules/x', 'plugin/node_modules/x', '.git/HEAD', 'data/logward.db', 'x.db', 'alert-service/x.db-wal', '.env', 'test/deploy/compose.test.ts', 'bench-out/a.json', 'alert-service/dashboard/dist/index.html']) {
    assert.ok(ignored(p), `${p} is ignored`);
  }
  const needed = ['package.json', 'package-lock.json', 'tsconfig.json', 'schemas/config.schema.json', 'plugin/rules/ssh-brute-force.ts', 'alert-service/bin/logward.js', 'alert-service/src/service.ts', 'alert-service/demo/logs/auth.log', 'alert-service/demo/generate.ts'];
  for (const p of needed) {
    assert.ok(existsSync(join(root, p)) && statSync(join(root, p)).isFile(), p);
    assert.ok(!ignored(p), `${p} is needed by the image`);
  }
});
