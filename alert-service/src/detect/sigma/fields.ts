/**
 * Sigma field names → LogEvent values, and Sigma logsource → which events a rule sees.
 *
 * Windows rules name EventData fields (TargetUserName, IpAddress, ServiceName, ...): those are
 * read from `fields.event_data` first, so any EventData field works without a mapping entry. A
 * few names also fall back to the normalized fields, which lets the same Sigma field work on
 * Linux events (User → fields.user). Web server rules use the W3C names of Sigma's webserver
 * taxonomy (c-ip, cs-uri-query, sc-status, ...).
 */
import type { LogEvent, SourceKind } from '../../generated/schema-types.js';

export type SigmaGetter = (e: LogEvent) => string | number | undefined;

function scalar(v: unknown): string | number | undefined {
  if (typeof v === 'string' || typeof v === 'number') return v;
  if (typeof v === 'boolean') return String(v);
  return undefined;
}

function query(e: LogEvent): string | undefined {
  const p = e.fields.http_path;
  if (p === undefined) return undefined;
  const q = p.indexOf('?');
  return q < 0 ? '' : p.slice(q);
}

function stem(e: LogEvent): string | undefined {
  const p = e.fields.http_path;
  if (p === undefined) return undefined;
  const q = p.indexOf('?');
  return q < 0 ? p : p.slice(0, q);
}

/** Names with a fixed meaning regardless of source. Lower-cased keys. */
const FIXED: Record<string, SigmaGetter> = {
  eventid: (e) => e.fields.event_id,
  channel: (e) => e.source.channel,
  provider_name: (e) => e.fields.provider ?? e.program,
  provider: (e) => e.fields.provider ?? e.program,
  computer: (e) => e.host,
  computername: (e) => e.host,
  hostname: (e) => e.host,
  host: (e) => e.host,
  message: (e) => e.message,
  msg: (e) => e.message,
  program: (e) => e.program,
  processname: (e) => e.program,
  // Names other Sigma backends map Linux logs to (ECS, CEF-style), accepted as aliases.
  'process.name': (e) => e.program,
  deviceprocessname: (e) => e.program,
  'host.name': (e) => e.host,
  'event.code': (e) => e.fields.event_id,
  pid: (e) => e.pid,
  severity: (e) => e.severity,
  'c-ip': (e) => e.fields.src_ip,
  'cs-method': (e) => e.fields.http_method,
  'cs-uri-stem': stem,
  'cs-uri-query': query,
  'cs-uri': (e) => e.fields.http_path,
  'sc-status': (e) => e.fields.http_status,
  'cs-user-agent': (e) => e.fields.user_agent,
  'cs-useragent': (e) => e.fields.user_agent,
  'cs-referer': (e) => e.fields.http_referer,
  'cs-username': (e) => e.fields.user,
};

/** EventData first, then this normalized field. Lower-cased keys. */
const FALLBACK: Record<string, keyof LogEvent['fields']> = {
  ipaddress: 'src_ip',
  sourceaddress: 'src_ip',
  src_ip: 'src_ip',
  sourceip: 'src_ip',
  ipport: 'src_port',
  src_port: 'src_port',
  targetusername: 'user',
  user: 'user',
  username: 'user',
  user_name: 'user',
  'user.name': 'user',
  client_ip: 'src_ip',
  clientip: 'src_ip',
  'source.ip': 'src_ip',
  'client.ip': 'src_ip',
  'source.port': 'src_port',
  subjectusername: 'actor',
  actor: 'actor',
  logontype: 'logon_type',
  logon_type: 'logon_type',
  audit: 'audit',
  http_status: 'http_status',
  http_path: 'http_path',
  http_method: 'http_method',
  user_agent: 'user_agent',
};

/** Event system properties: never read from EventData. Other fixed names yield to an EventData field of the same name (4625 has its own ProcessName). */
const SYSTEM = new Set(['eventid', 'channel', 'provider_name', 'provider', 'computer', 'computername', 'hostname', 'host']);

export function sigmaGetter(field: string): SigmaGetter {
  const lower = field.toLowerCase();
  const fixed = FIXED[lower];
  if (fixed && SYSTEM.has(lower)) return fixed;
  const fb = FALLBACK[lower];
  return (e) => {
    const data = e.fields.event_data;
    if (data && field in data) return scalar(data[field]);
    if (fixed) return fixed(e);
    if (fb) return scalar(e.fields[fb]);
    const extra = e.fields.extra as Record<string, unknown> | undefined;
    return extra ? scalar(extra[field]) : undefined;
  };
}

export interface LogsourceScope {
  kinds?: SourceKind[];
  programs?: string[];
  channels?: string[];
}

const WINDOWS_SERVICES: Record<string, string> = {
  security: 'Security',
  system: 'System',
  application: 'Application',
  sysmon: 'Microsoft-Windows-Sysmon/Operational',
  powershell: 'Microsoft-Windows-PowerShell/Operational',
  windefend: 'Microsoft-Windows-Windows Defender/Operational',
  'taskscheduler': 'Microsoft-Windows-TaskScheduler/Operational',
};

const LINUX_SERVICES: Record<string, LogsourceScope> = {
  auth: { kinds: ['auth'] },
  sshd: { kinds: ['auth'], programs: ['sshd'] },
  sudo: { kinds: ['auth'], programs: ['sudo'] },
  su: { kinds: ['auth'], programs: ['su'] },
  cron: { kinds: ['auth', 'syslog'], programs: ['cron', 'crond'] },
  syslog: { kinds: ['syslog', 'auth'] },
  useradd: { kinds: ['auth'], programs: ['useradd', 'usermod', 'groupadd', 'gpasswd', 'userdel'] },
};

/** Maps a Sigma logsource; throws with the reason when it is outside what Logward collects. */
export function mapLogsource(ls: unknown): LogsourceScope {
  if (typeof ls !== 'object' || ls === null) throw new Error('logsource is missing');
  const { product, service, category } = ls as Record<string, unknown>;
  const p = typeof product === 'string' ? product.toLowerCase() : undefined;
  const s = typeof service === 'string' ? service.toLowerCase() : undefined;
  const c = typeof category === 'string' ? category.toLowerCase() : undefined;
  if (c === 'webserver') {
    if (s) throw new Error(`logsource service ${s} with category webserver is not supported`);
    return { kinds: ['web_access'] };
  }
  if (c) throw new Error(`logsource category ${c} is not supported (Logward has no ${c} events)`);
  if (p === 'windows') {
    if (!s) return { kinds: ['windows'] };
    const channel = WINDOWS_SERVICES[s];
    if (!channel) throw new Error(`logsource windows service ${s} is not supported`);
    return { kinds: ['windows'], channels: [channel] };
  }
  if (p === 'linux') {
    if (!s) return { kinds: ['auth', 'syslog'] };
    const scope = LINUX_SERVICES[s];
    if (!scope) throw new Error(`logsource linux service ${s} is not supported`);
    return scope;
  }
  throw new Error(`logsource product ${String(product)} is not supported`);
}
