/**
 * Small, total helpers that turn untrusted values into values that satisfy
 * schemas/event-fields.schema.json: truncation to the schema's maxLengths, IP canonicalization,
 * host-name canonicalization and a bounded copy of free-form JSON (fields.extra, event_data).
 * None of them throws on any input.
 */
import { isIP } from 'node:net';

/** maxLength of each string in event.schema.json / event-fields.schema.json. */
export const LIMITS = {
  host: 255,
  tag: 512,
  path: 4096,
  channel: 512,
  unit: 256,
  program: 512,
  ip: 64,
  user: 256,
  http_method: 32,
  http_path: 16384,
  http_referer: 16384,
  user_agent: 4096,
  provider: 512,
  event_data_value: 4096,
  event_data_keys: 256,
} as const;

/**
 * Cut to at most `max` UTF-16 units without leaving half a surrogate pair (which would make the
 * stored JSON carry a lone surrogate).
 */
export function truncate(s: string, max: number): string {
  if (s.length <= max) return s;
  let end = max;
  const c = s.charCodeAt(end - 1);
  if (c >= 0xd800 && c <= 0xdbff) end--;
  return s.slice(0, end);
}

/** A non-empty, bounded string, or undefined for "", "-" and non-strings (log placeholders). */
export function cleanText(v: unknown, max: number): string | undefined {
  if (typeof v !== 'string') return undefined;
  if (v === '' || v === '-') return undefined;
  return truncate(v, max);
}

/** A non-negative integer from a number or a digit string ("3101"), or undefined. */
export function toUint(v: unknown, max = Number.MAX_SAFE_INTEGER): number | undefined {
  let n: number;
  if (typeof v === 'number') n = v;
  else if (typeof v === 'string' && v.length > 0 && v.length <= 16 && /^\d+$/.test(v)) n = Number(v);
  else return undefined;
  return Number.isSafeInteger(n) && n >= 0 && n <= max ? n : undefined;
}

/**
 * Canonical text form of an IP address, or undefined when `raw` is not one.
 * Accepts what logs write: bare v4/v6, "[v6]", v6 with a zone id ("fe80::1%eth0", the zone is
 * dropped), and v4-mapped v6 ("::ffff:203.0.113.7" → "203.0.113.7", as dual-stack servers log
 * IPv4 clients). IPv6 is compressed and lower-cased (RFC 5952) via the WHATWG URL serializer.
 */
export function canonicalIp(raw: unknown): string | undefined {
  if (typeof raw !== 'string' || raw.length < 2 || raw.length > 64) return undefined;
  let s = raw;
  if (s.charCodeAt(0) === 91 /* [ */ && s.endsWith(']')) s = s.slice(1, -1);
  const fam = isIP(s);
  if (fam === 4) return s;
  if (fam !== 6) return undefined;
  const pct = s.indexOf('%');
  if (pct >= 0) s = s.slice(0, pct);
  const lower = s.toLowerCase();
  if (lower.startsWith('::ffff:') && isIP(lower.slice(7)) === 4) return lower.slice(7);
  try {
    const host = new URL(`http://[${s}]/`).hostname;
    const v6 = host.slice(1, -1);
    return v6.startsWith('::ffff:') && v6.length <= 16 ? v4FromMapped(v6) ?? v6 : v6;
  } catch {
    return undefined;
  }
}

/** "::ffff:cb00:7107" (how the URL serializer writes v4-mapped) → "203.0.113.7". */
function v4FromMapped(v6: string): string | undefined {
  const m = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(v6);
  if (!m) return undefined;
  const hi = parseInt(m[1]!, 16);
  const lo = parseInt(m[2]!, 16);
  return `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
}

const HOST_CHARS = /^[A-Za-z0-9_][A-Za-z0-9_.:-]{0,254}$/;

/**
 * Host names are compared across sources (syslog header "web1", Windows Computer
 * "FS01.corp.example.com", agent hostname "FS01"), so they are written one way: lower-case, and in
 * 'short' form only the first DNS label. IP literals stay whole. Anything that does not look like
 * a host name (spaces, control characters, "-") → undefined, so the caller falls back.
 */
export function canonicalHost(raw: unknown, form: 'short' | 'full'): string | undefined {
  if (typeof raw !== 'string' || !HOST_CHARS.test(raw)) return undefined;
  const lower = raw.toLowerCase();
  if (form === 'full' || isIP(lower) !== 0) return lower;
  const dot = lower.indexOf('.');
  return dot > 0 ? lower.slice(0, dot) : lower;
}

/**
 * canonicalHost, remembered: an agent's chunk names its host on every record, and the check
 * (a regex, lower-casing, and isIP, whose IPv6 regex runs for every name that is not IPv4) was
 * repeated for each. The same string object comes back for a name, which the packers and
 * dictionaries downstream then hash once. Bounded: attackers choose names.
 */
const hostsByForm = { short: new Map<string, string | null>(), full: new Map<string, string | null>() };

export function canonicalHostCached(raw: unknown, form: 'short' | 'full'): string | undefined {
  if (typeof raw !== 'string') return undefined;
  const known = hostsByForm[form];
  const h = known.get(raw);
  if (h !== undefined) return h ?? undefined;
  const host = canonicalHost(raw, form);
  if (known.size >= 4096) known.clear();
  known.set(raw, host ?? null);
  return host;
}

type Json = string | number | boolean | null | Json[] | { [k: string]: Json };

/**
 * A bounded copy of a JSON object for fields.extra: at most `maxKeys` keys, each key cut to 128
 * characters, and about `budget` characters of JSON in total; a value that does not fit in what
 * is left is replaced by its JSON text, truncated. Keys in `skip` or `used` (already mapped onto
 * named fields) are left out. "__proto__" keys are dropped (assigning them
 * would change the copy's prototype instead of adding a key).
 */
export function boundedObject(src: Record<string, unknown>, skip: ReadonlySet<string>, used: readonly string[], maxKeys: number, budget: number): Record<string, Json> | undefined {
  const out: Record<string, Json> = {};
  let count = 0;
  let left = budget;
  for (const key of Object.keys(src)) {
    if (skip.has(key) || used.includes(key) || key === '__proto__') continue;
    if (count >= maxKeys || left <= 0) break;
    const k = truncate(key, 128);
    const v = src[key];
    let value: Json;
    if (v === null || typeof v === 'boolean') value = v;
    else if (typeof v === 'number') value = Number.isFinite(v) ? v : null;
    else if (typeof v === 'string') value = truncate(v, Math.max(0, left));
    else if (typeof v === 'object') {
      const json = boundedJson(v, Math.max(0, left));
      value = json.complete ? (JSON.parse(json.text) as Json) : json.text;
    } else continue;
    const cost = k.length + (typeof value === 'string' ? value.length + 2 : typeof value === 'object' && value !== null ? JSON.stringify(value).length : 8) + 4;
    left -= cost;
    out[k] = value;
    count++;
  }
  return count > 0 ? out : undefined;
}

/**
 * JSON text of `v`, written until `budget` characters are used: { complete: true } when all of it
 * fit, else the prefix written so far. Strings are cut before they are escaped, so the cost is
 * bounded by the budget, not by the value (JSON.stringify of a large string full of lone
 * surrogates takes tens of milliseconds). Nested "__proto__" keys are left out and nesting is cut
 * at 32 levels, so the parsed copy is a plain, shallow-enough object.
 */
export function boundedJson(v: unknown, budget: number): { text: string; complete: boolean } {
  const out: string[] = [];
  let left = budget;
  const put = (s: string): boolean => {
    out.push(s);
    left -= s.length;
    return left >= 0;
  };
  const write = (x: unknown, depth: number): boolean => {
    if (typeof x === 'string') {
      const cut = x.length > left;
      return put(JSON.stringify(cut ? x.slice(0, Math.max(0, left)) : x)) && !cut;
    }
    if (typeof x === 'number') return put(Number.isFinite(x) ? String(x) : 'null');
    if (typeof x === 'boolean' || x === null) return put(String(x));
    if (typeof x !== 'object' || depth >= 32) return put('null');
    if (Array.isArray(x)) {
      if (!put('[')) return false;
      for (let i = 0; i < x.length; i++) if ((i > 0 && !put(',')) || !write(x[i], depth + 1)) return false;
      return put(']');
    }
    if (!put('{')) return false;
    let first = true;
    for (const k of Object.keys(x)) {
      if (k === '__proto__') continue;
      const val = (x as Record<string, unknown>)[k];
      if (val === undefined || typeof val === 'function') continue;
      if ((!first && !put(',')) || !put(JSON.stringify(k.length > 128 ? k.slice(0, 128) : k) + ':') || !write(val, depth + 1)) return false;
      first = false;
    }
    return put('}');
  };
  const complete = write(v, 0);
  const text = out.join('');
  return complete ? { text, complete } : { text: truncate(text, Math.max(0, budget)), complete };
}

/** Windows EventData as a flat name → scalar map (strings bounded, at most 256 keys). */
export function boundedScalarMap(src: Record<string, unknown>): Record<string, string | number | boolean | null> | undefined {
  const out: Record<string, string | number | boolean | null> = {};
  let n = 0;
  for (const key of Object.keys(src)) {
    if (key === '__proto__') continue;
    if (n >= LIMITS.event_data_keys) break;
    const v = src[key];
    let value: string | number | boolean | null;
    if (typeof v === 'string') value = truncate(v, LIMITS.event_data_value);
    else if (typeof v === 'number') value = Number.isFinite(v) ? v : null;
    else if (typeof v === 'boolean' || v === null) value = v;
    else if (v === undefined) continue;
    else value = boundedJson(v, LIMITS.event_data_value).text;
    out[truncate(key, 128)] = value;
    n++;
  }
  return n > 0 ? out : undefined;
}
