/**
 * Sigma field names → LogEvent values, and Sigma logsource → which events a rule sees.
 *
 * Windows rules name EventData fields (TargetUserName, IpAddress, ServiceName, ...): those are
 * read from `fields.event_data` first, so any EventData field works without a mapping entry. A
 * few names also fall back to the normalized fields, which lets the same Sigma field work on
 * Linux events (User → fields.user). Web server rules use the W3C names of Sigma's webserver
 * taxonomy (c-ip, cs-uri-query, sc-status, ...).
 */
import type { LogEvent } from '../../generated/schema-types.js';

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
  // Own entries only: `constructor` or `__proto__` would find Object.prototype's members.
  const fixed = Object.hasOwn(FIXED, lower) ? FIXED[lower] : undefined;
  if (fixed && SYSTEM.has(lower)) return fixed;
  const fb = Object.hasOwn(FALLBACK, lower) ? FALLBACK[lower] : undefined;
  return (e) => {
    const data = e.fields.event_data;
    if (data) {
      // One property read for a field the event has (most reads); `in` only for one it lacks.
      const v = data[field];
      if (v !== undefined || field in data) return scalar(v);
    }
    if (fixed) return fixed(e);
    if (fb) return scalar(e.fields[fb]);
    const extra = e.fields.extra as Record<string, unknown> | undefined;
    return extra ? scalar(extra[field]) : undefined;
  };
}

/**
 * Lower-cased text of a field value, computed once per event and field however many rules test
 * it (a process-creation event meets ~1,400 SigmaHQ rules, most reading CommandLine or Image).
 * The memo holds one event: the engine evaluates every rule on an event before the next one.
 * Each key (field name, with the getter's prefix) gets a slot number when a rule is compiled, so
 * a lookup per evaluation is two array reads: no hashing, and nothing to clear per event (a Map
 * cleared per event reallocated its table every time: a tenth of the benchmark was GC).
 */
const slotOf = new Map<string, number>();
/** Per slot: the event stamp its value was computed for, and the value. */
let slotStamp = new Uint32Array(64);
const slotValue: string[] = [];
let memoEvent: LogEvent | undefined;
let stamp = 0;
/** The event's lower-cased keyword texts (message + EventData strings), built on first use. */
let memoKeywords: string[] | undefined;
/** The same texts joined by newlines and lower-cased (keywordHaystack), built on first use. */
let memoHaystack: string | undefined;
/** The same texts joined by newlines as they are (keywordRaw), built on first use. */
let memoRaw: string | undefined;

/** The memo slot of a field key; call once at compile time and pass it to lowerAt(). */
export function memoSlot(key: string): number {
  let slot = slotOf.get(key);
  if (slot === undefined) {
    slot = slotOf.size;
    slotOf.set(key, slot);
    slotValue.push('');
    if (slot >= slotStamp.length) {
      const grown = new Uint32Array(slotStamp.length * 2);
      grown.set(slotStamp);
      slotStamp = grown;
    }
  }
  return slot;
}

function memoFor(e: LogEvent): void {
  if (e !== memoEvent) {
    memoEvent = e;
    memoKeywords = undefined;
    memoHaystack = undefined;
    memoRaw = undefined;
    if (++stamp === 0xffffffff) {
      slotStamp.fill(0);
      stamp = 1;
    }
  }
}

/** Lower-cased `v`, the value of the field whose memo slot is `slot` on event `e`. */
export function lowerAt(e: LogEvent, slot: number, v: string | number): string {
  if (typeof v === 'number') return String(v);
  memoFor(e);
  if (slotStamp[slot] === stamp) return slotValue[slot]!;
  const l = v.toLowerCase();
  slotStamp[slot] = stamp;
  slotValue[slot] = l;
  return l;
}

/**
 * Records `lower` as the lower-cased value of slot `slot` on event `e`, as lowerAt() would have
 * computed it (the index's value cache knows it without lower-casing again). `lower` must be
 * exactly `v.toLowerCase()` of the value lowerAt() would be given.
 */
export function seedLower(e: LogEvent, slot: number, lower: string): void {
  memoFor(e);
  if (slotStamp[slot] === stamp) return;
  slotStamp[slot] = stamp;
  slotValue[slot] = lower;
}

/**
 * Texts keyword selections search: the message and every EventData string value (lower-cased
 * unless `cased`). The lower-cased list is built once per event for every keyword rule and the
 * index: do not modify it.
 */
export function keywordTexts(e: LogEvent, lower: boolean): readonly string[] {
  if (lower) {
    memoFor(e);
    if (memoKeywords) return memoKeywords;
  }
  const out: string[] = [lower ? e.message.toLowerCase() : e.message];
  const data = e.fields.event_data;
  if (data) {
    for (const k in data) {
      const v = data[k];
      if (typeof v === 'string' && v) out.push(lower ? v.toLowerCase() : v);
    }
  }
  if (lower) memoKeywords = out;
  return out;
}

/** What separates the texts in keywordHaystack(): a keyword without it is found there iff some text holds it. */
export const HAYSTACK_SEPARATOR = '\n';

/**
 * The keyword texts (message, then every EventData string value) joined by HAYSTACK_SEPARATOR
 * and lower-cased in one native call, once per event for every keyword rule and the index: a
 * keyword scan is then one pass (or a few native `includes`) over one string instead of a
 * JS-stepped walk over each of a Sysmon event's ~25 values.
 */
export function keywordHaystack(e: LogEvent): string {
  memoFor(e);
  if (memoHaystack !== undefined) return memoHaystack;
  return (memoHaystack = keywordRaw(e).toLowerCase());
}

/**
 * The keyword texts joined by HAYSTACK_SEPARATOR as they are (not lower-cased), once per event:
 * a case-insensitive probe (literal-gate.ts keywordProbe) then runs once over the event instead
 * of once per text (~25 regex calls on a Sysmon event, each costing more than its scan). A probe
 * that holds on some text holds on the joined text; one may also hold across a separator, which
 * only sends the caller to its exact per-text test.
 */
export function keywordRaw(e: LogEvent): string {
  memoFor(e);
  if (memoRaw !== undefined) return memoRaw;
  let t = e.message;
  const data = e.fields.event_data;
  if (data) {
    for (const k in data) {
      const v = data[k];
      if (typeof v === 'string' && v) t += HAYSTACK_SEPARATOR + v;
    }
  }
  return (memoRaw = t);
}
