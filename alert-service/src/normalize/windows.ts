/**
 * Windows Event Log records: Fluent Bit's winevtlog input (plugins/in_winevtlog/pack.c, with
 * event_data_as_map) and the older winlog input (classic Event Log API). Event time is
 * TimeCreated / TimeGenerated ("2026-11-21 10:14:01 +0100", host local time with its offset),
 * never the collection time.
 *
 * Host: the event's Computer / ComputerName (canonicalized like every host, see fields.ts).
 * Severity: Level (1 critical, 2 error, 3 warning, 0/4 info, 5 debug) or EventType; on the
 * Security channel Level is 0 and the outcome is in Keywords: audit failure (0x10000000000000)
 * → at least warning with fields.audit='failure', audit success (0x20000000000000) → audit='success'.
 */
import type { EventFields, Severity } from '../generated/schema-types.js';
import type { Draft, LineEnv } from './draft.js';
import { boundedScalarMap, canonicalHost, canonicalIp, cleanText, LIMITS, toUint, truncate } from './fields.js';
import { fromWindowsEventType, fromWindowsLevel, worst } from './severity.js';
import { parseIsoLike } from './time.js';

const AUDIT_FAILURE = 0x10000000000000n;
const AUDIT_SUCCESS = 0x20000000000000n;
const KEYWORDS = /^0x[0-9a-fA-F]{1,16}$/;

/**
 * EventData names of the insertion strings of the security-relevant events, in template order
 * (from the providers' manifests), so that winlog records and winevtlog records without
 * event_data_as_map get the same named fields. Later template versions only append names, so
 * fewer inserts map onto a prefix. Other events get param1..paramN.
 */
const SUBJECT = ['SubjectUserSid', 'SubjectUserName', 'SubjectDomainName', 'SubjectLogonId'];
const GROUP_MEMBER = ['MemberName', 'MemberSid', 'TargetUserName', 'TargetDomainName', 'TargetSid', ...SUBJECT, 'PrivilegeList'];
const TEMPLATES: ReadonlyMap<number, readonly string[]> = new Map<number, readonly string[]>([
  [4624, [...SUBJECT, 'TargetUserSid', 'TargetUserName', 'TargetDomainName', 'TargetLogonId', 'LogonType', 'LogonProcessName', 'AuthenticationPackageName', 'WorkstationName', 'LogonGuid', 'TransmittedServices', 'LmPackageName', 'KeyLength', 'ProcessId', 'ProcessName', 'IpAddress', 'IpPort', 'ImpersonationLevel', 'RestrictedAdminMode', 'TargetOutboundUserName', 'TargetOutboundDomainName', 'VirtualAccount', 'TargetLinkedLogonId', 'ElevatedToken']],
  [4625, [...SUBJECT, 'TargetUserSid', 'TargetUserName', 'TargetDomainName', 'Status', 'FailureReason', 'SubStatus', 'LogonType', 'LogonProcessName', 'AuthenticationPackageName', 'WorkstationName', 'TransmittedServices', 'LmPackageName', 'KeyLength', 'ProcessId', 'ProcessName', 'IpAddress', 'IpPort']],
  [4648, [...SUBJECT, 'LogonGuid', 'TargetUserName', 'TargetDomainName', 'TargetLogonGuid', 'TargetServerName', 'TargetInfo', 'ProcessId', 'ProcessName', 'IpAddress', 'IpPort']],
  [4672, [...SUBJECT, 'PrivilegeList']],
  [4688, [...SUBJECT, 'NewProcessId', 'NewProcessName', 'TokenElevationType', 'ProcessId', 'CommandLine', 'TargetUserSid', 'TargetUserName', 'TargetDomainName', 'TargetLogonId', 'ParentProcessName', 'MandatoryLabel']],
  [4720, ['TargetUserName', 'TargetDomainName', 'TargetSid', ...SUBJECT, 'PrivilegeList', 'SamAccountName', 'DisplayName', 'UserPrincipalName', 'HomeDirectory', 'HomePath', 'ScriptPath', 'ProfilePath', 'UserWorkstations', 'PasswordLastSet', 'AccountExpires', 'PrimaryGroupId', 'AllowedToDelegateTo', 'OldUacValue', 'NewUacValue', 'UserAccountControl', 'UserParameters', 'SidHistory', 'LogonHours']],
  [4726, ['TargetUserName', 'TargetDomainName', 'TargetSid', ...SUBJECT, 'PrivilegeList']],
  [4728, GROUP_MEMBER],
  [4732, GROUP_MEMBER],
  [4756, GROUP_MEMBER],
  [4740, ['TargetUserName', 'TargetDomainName', 'TargetSid', ...SUBJECT]],
  [7045, ['ServiceName', 'ImagePath', 'ServiceType', 'StartType', 'AccountName']],
]);

type Scalar = string | number | boolean | null;

function insertsToMap(eventId: number | undefined, inserts: unknown): Record<string, Scalar> | undefined {
  if (!Array.isArray(inserts) || inserts.length === 0) return undefined;
  const names = eventId === undefined ? undefined : TEMPLATES.get(eventId);
  const src: Record<string, unknown> = {};
  const n = Math.min(inserts.length, LIMITS.event_data_keys);
  for (let i = 0; i < n; i++) src[names?.[i] ?? `param${i + 1}`] = inserts[i];
  return boundedScalarMap(src);
}

function eventDataText(v: Scalar | undefined): string | undefined {
  if (typeof v === 'number') return String(v);
  return typeof v === 'string' ? v.trim() : undefined;
}

/** user/actor/src_ip/src_port/logon_type from the well-known EventData names. */
function fieldsFromEventData(data: Record<string, Scalar>, f: EventFields): void {
  const target = cleanText(eventDataText(data.TargetUserName), LIMITS.user);
  if (target !== undefined) f.user = target;
  const subject = cleanText(eventDataText(data.SubjectUserName), LIMITS.user);
  if (subject !== undefined) f.actor = subject;
  // "-" (no network logon) is not an address; loopback (::1, 127.0.0.1) is kept, it is one.
  const ip = canonicalIp(eventDataText(data.IpAddress));
  if (ip !== undefined) {
    f.src_ip = ip;
    const port = toUint(eventDataText(data.IpPort), 65535);
    if (port !== undefined) f.src_port = port;
  }
  const logonType = toUint(eventDataText(data.LogonType), 1000);
  if (logonType !== undefined) f.logon_type = logonType;
}

/** "CORP\\mallory" → "mallory"; SIDs and "" → undefined. */
function accountFromUserId(v: unknown): string | undefined {
  if (typeof v !== 'string' || v === '' || /^S-\d-/.test(v)) return undefined;
  const slash = v.lastIndexOf('\\');
  return cleanText(slash >= 0 ? v.slice(slash + 1) : v, LIMITS.user);
}

function auditFromKeywords(keywords: unknown): 'success' | 'failure' | undefined {
  if (typeof keywords !== 'string' || !KEYWORDS.test(keywords)) return undefined;
  const k = BigInt(keywords);
  if (k & AUDIT_FAILURE) return 'failure';
  if (k & AUDIT_SUCCESS) return 'success';
  return undefined;
}

/** Message: the rendered Message when Fluent Bit had one, else a short synthetic line. */
function windowsMessage(message: unknown, provider: string | undefined, eventId: number | undefined, data: Record<string, Scalar> | undefined): string {
  if (typeof message === 'string' && message.trim() !== '') return message;
  let text = `${provider ?? 'Windows'} event ${eventId ?? '?'}`;
  if (data) {
    const pairs: string[] = [];
    for (const [k, v] of Object.entries(data)) {
      if (pairs.length >= 16) break;
      pairs.push(`${k}=${String(v)}`);
    }
    if (pairs.length) text += ': ' + pairs.join(' ');
  }
  return truncate(text, 4096);
}

/** winevtlog record (already schema-valid) → Draft. */
export function fromWinEvtLog(rec: Record<string, unknown>, env: LineEnv): Draft {
  const f: EventFields = {};
  const d: Draft = { message: '', fields: f };
  const host = canonicalHost(rec.Computer, env.hostForm);
  if (host !== undefined) d.host = host;

  if (typeof rec.TimeCreated === 'string') {
    // TimeCreated carries the host's offset; a value without one is read in the host's zone.
    const ms = parseIsoLike(rec.TimeCreated, env.zoneFor(d.host));
    if (ms !== undefined) d.timeMs = ms;
  }

  const eventId = toUint(rec.EventID, 65535);
  if (eventId !== undefined) f.event_id = eventId;
  const provider = cleanText(rec.ProviderName, LIMITS.provider);
  if (provider !== undefined) {
    f.provider = provider;
    d.program = provider;
  }
  const pid = toUint(rec.ProcessID);
  if (pid !== undefined) d.pid = pid;

  const data =
    (typeof rec.EventData === 'object' && rec.EventData !== null && !Array.isArray(rec.EventData)
      ? boundedScalarMap(rec.EventData as Record<string, unknown>)
      : undefined) ?? insertsToMap(eventId, rec.StringInserts);
  if (data) {
    f.event_data = data;
    fieldsFromEventData(data, f);
  }
  if (f.actor === undefined) {
    const a = accountFromUserId(rec.UserID);
    if (a !== undefined) f.actor = a;
  }

  let severity: Severity = fromWindowsLevel(rec.Level);
  const audit = auditFromKeywords(rec.Keywords);
  if (audit) {
    f.audit = audit;
    if (audit === 'failure') severity = worst(severity, 'warning');
  }
  d.severity = severity;
  d.message = windowsMessage(rec.Message, provider, eventId, data);
  return d;
}

/** winlog (classic API) record → Draft. EventID there may carry qualifier bits above 16. */
export function fromWinLog(rec: Record<string, unknown>, env: LineEnv): Draft {
  const f: EventFields = {};
  const d: Draft = { message: '', fields: f };
  const host = canonicalHost(rec.ComputerName, env.hostForm);
  if (host !== undefined) d.host = host;

  for (const key of ['TimeGenerated', 'TimeWritten']) {
    const v = rec[key];
    if (typeof v !== 'string') continue;
    // "%Y-%m-%d %H:%M:%S %z"; should %z come out as a zone name, read the wall clock in the host's zone.
    const zone = env.zoneFor(d.host);
    const ms = parseIsoLike(v, zone) ?? (v.length > 19 && v.charCodeAt(19) === 32 ? parseIsoLike(v.slice(0, 19), zone) : undefined);
    if (ms !== undefined) {
      d.timeMs = ms;
      break;
    }
  }

  const rawId = toUint(rec.EventID);
  const eventId = rawId === undefined ? undefined : rawId & 0xffff;
  if (eventId !== undefined) f.event_id = eventId;
  const provider = cleanText(rec.SourceName, LIMITS.provider);
  if (provider !== undefined) {
    f.provider = provider;
    d.program = provider;
  }

  const data = insertsToMap(eventId, rec.StringInserts);
  if (data) {
    f.event_data = data;
    fieldsFromEventData(data, f);
  }
  if (f.actor === undefined) {
    const a = accountFromUserId(rec.Sid);
    if (a !== undefined) f.actor = a;
  }

  const type = typeof rec.EventType === 'string' ? rec.EventType.toLowerCase() : '';
  if (type === 'failureaudit' || type === 'auditfailure') f.audit = 'failure';
  else if (type === 'successaudit' || type === 'auditsuccess') f.audit = 'success';
  d.severity = fromWindowsEventType(rec.EventType);
  d.message = windowsMessage(rec.Message, provider, eventId, data);
  return d;
}

/**
 * What a Windows record says, for its id (event-id.ts): every field of the event itself, none that
 * Fluent Bit renders at read time. A chunk Fluent Bit retries is resent byte for byte, but a record
 * read again after an agent crash (bookmark not yet saved) is rendered again, so these stay out:
 *   Message      EvtFormatMessage/FormatMessage from the provider's message files at read time:
 *                "" when they are missing (provider not yet loaded, uninstalled), and per locale;
 *   UserID, Sid  LookupAccountSid at read time: "DOMAIN\\user", or the SID string when the
 *                lookup fails (domain controller unreachable);
 *   the text of TimeCreated/TimeGenerated/TimeWritten: local time in the zone in force when read
 *                (the instant is kept, as UTC ms);
 *   hostname, source_kind, the date key: added by the agent, not the event.
 * Kept: provider, event id, qualifiers, version, level, task, opcode, keywords, the event's time
 * (as parsed for the event, UTC ms), activity ids, process and thread ids, and the event's own
 * values: EventData when Fluent Bit sent it (event_data_as_map), else StringInserts (the same
 * values, positional), and winlog's Data.
 */
export function windowsContent(shape: 'winevtlog' | 'winlog', rec: Record<string, unknown>, timeMs: number | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const keys = shape === 'winevtlog' ? WINEVTLOG_CONTENT : WINLOG_CONTENT;
  for (const k of keys) if (rec[k] !== undefined) out[k] = rec[k];
  out.values = rec.EventData ?? rec.StringInserts;
  // The instant, not the text (rendered in the zone in force when read); the text when it does not parse.
  out.time = timeMs ?? rec.TimeCreated ?? rec.TimeGenerated;
  if (shape === 'winlog') out.data = rec.Data;
  return out;
}

const WINEVTLOG_CONTENT = ['ProviderName', 'ProviderGuid', 'Qualifiers', 'EventID', 'Version', 'Level', 'Task', 'Opcode', 'Keywords', 'ActivityID', 'RelatedActivityID', 'ProcessID', 'ThreadID'] as const;
const WINLOG_CONTENT = ['SourceName', 'EventID', 'Qualifiers', 'EventType', 'EventCategory'] as const;
