/**
 * Rule engine benchmark: `npm run bench:rules [-- --events 1000000]`.
 *
 * Run 1 feeds a realistic mix (sshd, sudo, syslog, nginx, app JSON, Windows Security/System/
 * Application) through every built-in and shipped Sigma rule and prints events/s and peak RSS.
 * Run 2 feeds SSH failures and HTTP 401s from 1,000,000 distinct source addresses and prints RSS
 * as it goes: the per-rule group cap (rules.max_groups_per_rule) keeps it flat, evictions counted.
 *
 * Events are built from lines normalized once by the service's normalizer, then cloned with new
 * times, ids and addresses in batches outside the timed section; only engine.process() is timed.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { loadConfig } from '../src/config/load.js';
import type { LogEvent } from '../src/generated/schema-types.js';
import { normalizeRawLine } from '../src/normalize/index.js';
import { DetectionEngine } from '../src/detect/engine.js';
import { limitsFrom, loadRuleSet } from '../src/detect/ruleset.js';

// A gc() handle without a command-line flag, to report live heap (not garbage) in run 2.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MiB`;

const argIndex = process.argv.indexOf('--events');
const TOTAL = argIndex > 0 ? Number(process.argv[argIndex + 1]) : 1_000_000;
const BATCH = 10_000;
const T0 = Date.UTC(2026, 10, 21, 0, 0, 0);

// --rules N: only the first N rules of the set (how cost grows with the rule count); --sigma-dir D:
// a community rule set (e.g. a SigmaHQ checkout) loaded beside the shipped rules; --hosts N: run 2's
// events spread over N hosts (default 1); --flood-only skips run 1; --ips N: run 2's source addresses cycle over N (default: each new).
const flag = (name: string) => (process.argv.indexOf(name) > 0 ? process.argv[process.argv.indexOf(name) + 1] : undefined);
const RULE_LIMIT = flag('--rules') ? Number(flag('--rules')) : Infinity;
const HOSTS = Number(flag('--hosts') ?? 1);
const IPS = flag('--ips') ? Number(flag('--ips')) : Infinity;
const config = loadConfig({ env: {}, ...(flag('--sigma-dir') ? { overrides: { rules: { sigma_dirs: [flag('--sigma-dir')!] } } } : {}) });
const receivedAt = new Date('2026-11-21T12:00:00Z');
const norm = (kind: LogEvent['source']['kind'], path: string, line: string) => normalizeRawLine(line, { path, offset: 0, host: 'web1', kind }, { receivedAt }, config.normalize);

/** Templates with a weight (per 100 events); `ip` marks where a source address is substituted. */
const TEMPLATES: Array<[number, LogEvent]> = [
  [12, norm('auth', '/var/log/auth.log', 'Nov 21 10:00:05 web1 sshd[3102]: Failed password for root from 203.0.113.7 port 40118 ssh2')],
  [5, norm('auth', '/var/log/auth.log', 'Nov 21 10:00:01 web1 sshd[3101]: Invalid user admin from 203.0.113.7 port 40112')],
  [5, norm('auth', '/var/log/auth.log', 'Nov 21 10:00:09 web1 sshd[3104]: pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=203.0.113.7  user=root')],
  [5, norm('auth', '/var/log/auth.log', 'Nov 21 10:01:30 web1 sshd[3120]: Accepted publickey for deploy from 198.51.100.20 port 51022 ssh2: ED25519 SHA256:Zx9Q0mUQ8l1bYd3c2Rk3lY8W0yq1r3Kx2bq7m8c2pXo')],
  [3, norm('auth', '/var/log/auth.log', 'Nov 21 10:00:12 web1 sshd[3104]: Connection closed by authenticating user root 203.0.113.7 port 40122 [preauth]')],
  [3, norm('auth', '/var/log/auth.log', 'Nov 21 10:03:15 web1 sudo:   deploy : TTY=pts/1 ; PWD=/srv/app ; USER=root ; COMMAND=/usr/bin/systemctl restart app')],
  [2, norm('auth', '/var/log/auth.log', 'Nov 21 10:02:09 web1 sudo:    alice : 3 incorrect password attempts ; TTY=pts/0 ; PWD=/home/alice ; USER=root ; COMMAND=/usr/bin/bash')],
  [2, norm('auth', '/var/log/auth.log', 'Nov 21 09:58:01 web1 CRON[2210]: pam_unix(cron:session): session opened for user root(uid=0) by (uid=0)')],
  [6, norm('syslog', '/var/log/syslog', 'Nov 21 10:00:00 web1 systemd[1]: Started Daily apt download activities.')],
  [3, norm('syslog', '/var/log/syslog', 'Nov 21 10:00:21 web1 systemd[1]: app.service: Main process exited, code=killed, status=9/KILL')],
  [2, norm('syslog', '/var/log/syslog', "Nov 21 10:00:21 web1 systemd[1]: app.service: Failed with result 'signal'.")],
  [3, norm('syslog', '/var/log/syslog', 'Nov 21 10:00:20 web1 kernel: [12345.678901] e1000e: eth0 NIC Link is Up 1000 Mbps Full Duplex, Flow Control: Rx/Tx')],
  [1, norm('syslog', '/var/log/syslog', 'Nov 21 10:00:22 web1 kernel: [12346.000001] EXT4-fs error (device sda1): ext4_find_entry:1455: inode #2: comm ls: reading directory lblock 0')],
  [16, norm('web_access', '/var/log/nginx/access.log', '198.51.100.20 - - [21/Nov/2026:10:00:01 +0000] "GET /api/items?page=2 HTTP/1.1" 200 612 "-" "Mozilla/5.0 (X11; Linux x86_64)"')],
  [4, norm('web_access', '/var/log/nginx/access.log', '203.0.113.50 - admin [21/Nov/2026:10:00:03 +0000] "POST /admin/login HTTP/1.1" 401 0 "-" "python-requests/2.31"')],
  [3, norm('web_access', '/var/log/nginx/access.log', '203.0.113.50 - - [21/Nov/2026:10:00:02 +0000] "GET /wp-login.php HTTP/1.1" 404 153 "-" "python-requests/2.31"')],
  [2, norm('web_access', '/var/log/nginx/access.log', '198.51.100.21 - - [21/Nov/2026:10:00:06 +0000] "GET /api/items?id=1%27%20OR%201=1-- HTTP/1.1" 500 35 "https://example.com/" "Mozilla/5.0"')],
  [3, norm('web_access', '/var/log/nginx/access.log', '198.51.100.22 - - [21/Nov/2026:10:00:06 +0000] "GET /static/app.js HTTP/1.1" 304 0 "https://example.com/" "Mozilla/5.0"')],
  [2, norm('web_error', '/var/log/nginx/error.log', '2026/11/21 10:00:03 [error] 811#811: *19 open() "/usr/share/nginx/html/wp-login.php" failed (2: No such file or directory), client: 203.0.113.50, server: _, request: "GET /wp-login.php HTTP/1.1", host: "web1"')],
  [3, norm('app', '/var/log/myapp/orders.log', '{"time":"2026-11-21T10:00:01.120Z","level":"info","msg":"order created","order_id":"A-1001","user":"carol"}')],
  [2, norm('app', '/var/log/myapp/orders.log', '{"time":"2026-11-21T10:00:02.500Z","level":"error","msg":"payment gateway timeout after 30000ms","order_id":"A-1002"}')],
];

const winEvent = (eventId: number, channel: string, data: Record<string, string | number>, fields: LogEvent['fields'] = {}): LogEvent => ({
  id: '0'.repeat(32), time: new Date(T0).toISOString(), received_at: new Date(T0).toISOString(), host: 'fs01', program: 'Microsoft-Windows-Security-Auditing',
  source: { kind: 'windows', channel }, severity: 'info', message: 'An account failed to log on.', fields: { event_id: eventId, event_data: data, ...fields },
});
TEMPLATES.push(
  [7, winEvent(4625, 'Security', { TargetUserName: 'administrator', TargetDomainName: 'CORP', IpAddress: '203.0.113.66', LogonType: 3 }, { src_ip: '203.0.113.66', user: 'administrator', audit: 'failure', logon_type: 3 })],
  [5, winEvent(4624, 'Security', { TargetUserName: 'svc', IpAddress: '10.0.0.5', LogonType: 3 }, { src_ip: '10.0.0.5', user: 'svc', audit: 'success', logon_type: 3 })],
  [1, winEvent(1000, 'Application', { AppName: 'backup.exe', ModuleName: 'ntdll.dll' })],
  [1, winEvent(7036, 'System', { param1: 'Print Spooler', param2: 'running' })],
);

const pool: LogEvent[] = TEMPLATES.flatMap(([w, e]) => Array.from({ length: w }, () => e));

function ipv4(n: number): string {
  return `${10 + ((n >>> 24) & 0x3f)}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
}

/** A clone of a template at time t with a fresh id and, where it has one, another source address. */
function clone(t: LogEvent, i: number, ms: number, ip: string): LogEvent {
  const fields = t.fields.src_ip !== undefined ? { ...t.fields, src_ip: ip } : t.fields;
  const fieldsWithData = fields.event_data?.IpAddress !== undefined ? { ...fields, event_data: { ...fields.event_data, IpAddress: ip } } : fields;
  return { ...t, id: i.toString(16).padStart(32, '0'), time: new Date(ms).toISOString(), fields: fieldsWithData };
}

async function run(label: string, make: (i: number) => LogEvent, reportEvery: number): Promise<void> {
  const loaded = await loadRuleSet(config.rules);
  const set = { ...loaded, rules: loaded.rules.slice(0, RULE_LIMIT) };
  let now = T0;
  let signals = 0;
  const engine = new DetectionEngine(set.rules, { emit: () => void signals++ }, { now: () => now }, limitsFrom(config.rules));
  let engineMs = 0;
  let peakRss = process.memoryUsage().rss;
  const batch: LogEvent[] = new Array(BATCH);
  for (let done = 0; done < TOTAL; done += BATCH) {
    const n = Math.min(BATCH, TOTAL - done);
    batch.length = n;
    for (let i = 0; i < n; i++) batch[i] = make(done + i);
    now = Date.parse(batch[n - 1]!.time);
    const started = performance.now();
    engine.process(batch);
    engineMs += performance.now() - started;
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
    if ((done + n) % reportEvery === 0) {
      gc();
      const mem = process.memoryUsage();
      console.log(`  ${label}: ${(done + n).toLocaleString('en-US')} events, live heap ${mib(mem.heapUsed)}, rss ${mib(mem.rss)}, open groups ${engine.groupCount().toLocaleString('en-US')}, evicted ${engine.metrics.groups_evicted_total.toLocaleString('en-US')}`);
    }
  }
  const m = engine.metrics;
  console.log(`${label}: ${TOTAL.toLocaleString('en-US')} events through ${set.rules.length} rules (${set.rules.filter((r) => r.source === 'sigma').length} Sigma) in ${(engineMs / 1000).toFixed(2)} s → ${Math.round(TOTAL / (engineMs / 1000)).toLocaleString('en-US')} events/s`);
  console.log(`  matches ${m.matches_total.toLocaleString('en-US')}, signals ${signals.toLocaleString('en-US')}, suppressed ${m.suppressed_total.toLocaleString('en-US')}, groups evicted ${m.groups_evicted_total.toLocaleString('en-US')}, expired ${m.groups_expired_total.toLocaleString('en-US')}, open groups ${engine.groupCount().toLocaleString('en-US')}`);
  console.log(`  peak RSS ${mib(peakRss)} (max RSS of the process so far ${mib(process.resourceUsage().maxRSS * 1024)})`);
}

console.log(`node ${process.version}, ${TOTAL.toLocaleString('en-US')} events per run, one thread`);

const mixed = (i: number) => clone(pool[i % pool.length]!, i, T0 + i * 20, ipv4((i * 2654435761) % 5000));

if (process.argv.includes('--per-rule')) {
  // Diagnostic: the cost of each rule alone over the same 100,000 mixed events.
  const events = Array.from({ length: 100_000 }, (_, i) => mixed(i));
  const set = await loadRuleSet(config.rules);
  const rows: Array<[string, number]> = [];
  for (const rule of set.rules) {
    const engine = new DetectionEngine([rule], { emit: () => {} }, { now: () => T0 + 3_600_000 }, limitsFrom(config.rules));
    const started = performance.now();
    engine.process(events);
    rows.push([rule.id, performance.now() - started]);
  }
  const empty = new DetectionEngine([], { emit: () => {} }, { now: () => T0 }, limitsFrom(config.rules));
  const started = performance.now();
  empty.process(events);
  console.log(`no rules: ${(performance.now() - started).toFixed(0)} ms`);
  for (const [id, ms] of rows.sort((a, b) => b[1] - a[1])) console.log(`${ms.toFixed(0).padStart(6)} ms  ${id}`);
  process.exit(0);
}

// Run 1: mixed traffic; 5,000 attacking/client addresses; one event every 20 ms of event time.
// (--flood-only: run 2 alone, for the memory figure at 10 M events.)
if (!process.argv.includes('--flood-only')) await run('mixed', mixed, TOTAL);

if (process.argv.includes('--mixed-only')) process.exit(0);

// Run 2: every event from a new source address (SSH failures, HTTP 401s, Windows 4625s), 1 ms apart.
const flood = [TEMPLATES[0]![1], TEMPLATES[14]![1], TEMPLATES[TEMPLATES.length - 4]![1]];
await run('distinct-ips', (i) => {
  const e = clone(flood[i % 3]!, i, T0 + i, ipv4((i % IPS) + 1));
  return HOSTS > 1 ? { ...e, host: `host${i % HOSTS}` } : e;
}, TOTAL / 10);
