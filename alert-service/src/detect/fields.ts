/**
 * Reads a named value off a LogEvent: the names rules use in groupBy / distinct fields.
 * Accessors are resolved once per name (at rule compile time), not per event.
 */
import type { LogEvent } from '../generated/schema-types.js';
import type { Extracted } from './rule.js';

export type FieldGetter = (event: LogEvent) => string | number | undefined;

function scalar(v: unknown): string | number | undefined {
  if (typeof v === 'string' || typeof v === 'number') return v;
  if (typeof v === 'boolean') return String(v);
  return undefined;
}

const DIRECT: Record<string, FieldGetter> = {
  host: (e) => e.host,
  agent_host: (e) => e.agent_host,
  program: (e) => e.program,
  pid: (e) => e.pid,
  severity: (e) => e.severity,
  message: (e) => e.message,
  kind: (e) => e.source.kind,
  'source.kind': (e) => e.source.kind,
  channel: (e) => e.source.channel,
  'source.channel': (e) => e.source.channel,
  path: (e) => e.source.path,
  'source.path': (e) => e.source.path,
};

const FIELD_NAMES = [
  'src_ip', 'src_port', 'user', 'actor', 'http_method', 'http_path', 'http_status', 'http_bytes', 'http_referer',
  'user_agent', 'event_id', 'provider', 'audit', 'logon_type',
] as const;

/**
 * The getter for a field name: top-level names (host, program, kind, channel, ...), the
 * normalized fields (src_ip, user, event_id, ...; also as `fields.src_ip`), Windows EventData
 * (`event_data.TargetUserName`) and JSON app log keys (`extra.order_id`).
 */
export function fieldGetter(name: string): FieldGetter {
  const direct = DIRECT[name];
  if (direct) return direct;
  const bare = name.startsWith('fields.') ? name.slice(7) : name;
  if ((FIELD_NAMES as readonly string[]).includes(bare)) {
    const key = bare as (typeof FIELD_NAMES)[number];
    return (e) => scalar(e.fields[key]);
  }
  if (bare.startsWith('event_data.')) {
    const key = bare.slice(11);
    return (e) => scalar(e.fields.event_data?.[key]);
  }
  if (bare.startsWith('extra.')) {
    const key = bare.slice(6);
    return (e) => scalar((e.fields.extra as Record<string, unknown> | undefined)?.[key]);
  }
  // Unknown names still work for values the rule's extract provides; on the event they are absent.
  return () => undefined;
}

/**
 * Reads `name` from the extracted values first, then from the event; with `eventFields` false
 * only the event's top-level parts (host, program, ...) are read, never `fields` (rules that
 * declare `reads: 'message'`).
 */
export function valueGetter(name: string, eventFields = true): (event: LogEvent, values: Extracted) => string | number | undefined {
  const fromEvent = eventFields ? fieldGetter(name) : ((name !== 'severity' ? DIRECT[name] : undefined) ?? (() => undefined));
  return (event, values) => {
    const v = values[name];
    return v !== undefined ? v : fromEvent(event);
  };
}
