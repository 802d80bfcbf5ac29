/**
 * The read-only tools an investigation may call. Arguments come from the model, so each is
 * checked (types, lengths, ranges) before it touches the store, and every result is bounded:
 * at most MAX_SCAN events are looked at per call and at most 50 rows returned. Results hold log
 * text and go back to the model fenced as untrusted data.
 */
import type { Tool } from 'ollama';
import type { LogEvent } from '../../generated/schema-types.js';
import type { EventStore } from '../../store/event-store.js';
import type { AlertRepository } from '../../alerting/store/alert-repository.js';
import { maskMessage, messageText } from '../../anomaly/templates/mask.js';
import { clip } from '../untrusted.js';

const MAX_SCAN = 20_000;
const MAX_ROWS = 50;
const HOUR_MS = 3_600_000;
const COUNT_FIELDS = ['host', 'program', 'severity', 'src_ip', 'user', 'event_id'] as const;

export class ToolArgumentError extends Error {
  override name = 'ToolArgumentError';
}

const str = (type: string, description: string) => ({ type, description });

export const TOOL_DEFINITIONS: Tool[] = [
  {
    type: 'function',
    function: {
      name: 'search_events',
      description: 'Find stored log events (newest first, at most 50) by host, source IP, user, text and time range (default: the day before the alert).',
      parameters: {
        type: 'object',
        properties: {
          host: str('string', 'host name'),
          ip: str('string', 'source IP address'),
          user: str('string', 'user name'),
          text: str('string', 'substring of the message'),
          from: str('string', 'ISO 8601 start time'),
          to: str('string', 'ISO 8601 end time'),
          limit: str('integer', 'rows to return, 1-50'),
        },
      },
    },
  },
  {
    type: 'function',
    function: {
      name: 'count_by_field',
      description: 'Count stored events by one field (top 20 values), optionally for one host and time range.',
      parameters: {
        type: 'object',
        required: ['field'],
        properties: { field: { type: 'string', enum: [...COUNT_FIELDS], description: 'field to count by' }, host: str('string', 'host name'), from: str('string', 'ISO 8601 start'), to: str('string', 'ISO 8601 end') },
      },
    },
  },
  {
    type: 'function',
    function: {
      name: 'top_templates',
      description: 'The most frequent message templates (numbers, addresses masked) of one host in one hour.',
      parameters: { type: 'object', required: ['host', 'hour'], properties: { host: str('string', 'host name'), hour: str('string', 'ISO 8601 time inside the hour') } },
    },
  },
  {
    type: 'function',
    function: {
      name: 'alert_history',
      description: 'Earlier alerts (newest first, at most 20) for a host and/or rule id.',
      parameters: { type: 'object', properties: { host: str('string', 'host name'), rule_id: str('string', 'rule id') } },
    },
  },
];

type Args = Record<string, unknown>;

function optString(args: Args, key: string, max = 256): string | undefined {
  const v = args[key];
  if (v === undefined || v === null || v === '') return undefined;
  if (typeof v !== 'string' || v.length > max) throw new ToolArgumentError(`${key} must be a string of at most ${max} characters`);
  return v;
}

function optTime(args: Args, key: string): number | undefined {
  const v = optString(args, key, 64);
  if (v === undefined) return undefined;
  const ms = Date.parse(v);
  if (!Number.isFinite(ms)) throw new ToolArgumentError(`${key} must be an ISO 8601 time`);
  return ms;
}

function row(e: LogEvent) {
  return {
    id: e.id,
    time: e.time,
    host: e.host,
    program: e.program ?? null,
    severity: e.severity,
    src_ip: e.fields.src_ip ?? null,
    user: e.fields.user ?? null,
    message: clip(e.message, 300),
  };
}

export interface ToolContext {
  store: EventStore;
  alerts: AlertRepository;
  /** Time range used when the model gives none: around the alert under investigation. */
  defaultFromMs: number;
  defaultToMs: number;
}

/** The model's range, or the alert's surroundings when it gives neither end. */
function range(ctx: ToolContext, args: Args): { fromMs: number; toMs: number } {
  const fromMs = optTime(args, 'from');
  const toMs = optTime(args, 'to');
  if (fromMs === undefined && toMs === undefined) return { fromMs: ctx.defaultFromMs, toMs: ctx.defaultToMs };
  return { fromMs: fromMs ?? (toMs as number) - 24 * HOUR_MS, toMs: toMs ?? (fromMs as number) + 24 * HOUR_MS };
}

/** Runs one tool call; throws ToolArgumentError for arguments the model got wrong (reported back to it). */
export function runTool(ctx: ToolContext, name: string, args: Args): { result: unknown; rows: number } {
  switch (name) {
    case 'search_events': {
      const host = optString(args, 'host');
      const ip = optString(args, 'ip', 64);
      const user = optString(args, 'user');
      const text = optString(args, 'text')?.toLowerCase();
      const limit = Math.min(Math.max(Number.isInteger(args.limit) ? (args.limit as number) : MAX_ROWS, 1), MAX_ROWS);
      const scanned = ctx.store.query({ ...(host ? { host } : {}), ...range(ctx, args), limit: MAX_SCAN });
      const hits: LogEvent[] = [];
      for (let i = scanned.length - 1; i >= 0 && hits.length < limit; i--) {
        const e = scanned[i]!;
        if (ip && e.fields.src_ip !== ip) continue;
        if (user && e.fields.user !== user) continue;
        if (text && !e.message.toLowerCase().includes(text)) continue;
        hits.push(e);
      }
      return { result: { scanned: scanned.length, truncated_scan: scanned.length >= MAX_SCAN, events: hits.map(row) }, rows: hits.length };
    }
    case 'count_by_field': {
      const field = args.field;
      if (typeof field !== 'string' || !(COUNT_FIELDS as readonly string[]).includes(field)) throw new ToolArgumentError(`field must be one of ${COUNT_FIELDS.join(', ')}`);
      const host = optString(args, 'host');
      const events = ctx.store.query({ ...(host ? { host } : {}), ...range(ctx, args), limit: MAX_SCAN });
      const counts = new Map<string, number>();
      for (const e of events) {
        const v = field === 'host' ? e.host : field === 'program' ? e.program : field === 'severity' ? e.severity : (e.fields as Record<string, unknown>)[field];
        if (v === undefined || v === null) continue;
        const k = clip(String(v), 200);
        if (counts.size < 10_000 || counts.has(k)) counts.set(k, (counts.get(k) ?? 0) + 1);
      }
      const top = [...counts].sort((a, b) => b[1] - a[1]).slice(0, 20);
      return { result: { field, scanned: events.length, truncated_scan: events.length >= MAX_SCAN, top: top.map(([value, count]) => ({ value, count })) }, rows: top.length };
    }
    case 'top_templates': {
      const host = optString(args, 'host');
      const at = optTime(args, 'hour');
      if (!host || at === undefined) throw new ToolArgumentError('host and hour are required');
      const fromMs = Math.floor(at / HOUR_MS) * HOUR_MS;
      const events = ctx.store.query({ host, fromMs, toMs: fromMs + HOUR_MS, limit: MAX_SCAN });
      const counts = new Map<string, number>();
      for (const e of events) {
        const t = `${e.program ?? e.source.kind} ${maskMessage(messageText(e.message), 40).join(' ')}`;
        if (counts.size < 5_000 || counts.has(t)) counts.set(t, (counts.get(t) ?? 0) + 1);
      }
      const top = [...counts].sort((a, b) => b[1] - a[1]).slice(0, 20);
      return { result: { host, hour: new Date(fromMs).toISOString(), events: events.length, templates: top.map(([template, count]) => ({ template: clip(template, 300), count })) }, rows: top.length };
    }
    case 'alert_history': {
      const host = optString(args, 'host');
      const rule = optString(args, 'rule_id');
      const list = ctx.alerts.query({ ...(host ? { host } : {}), ...(rule ? { rule } : {}), limit: 20 });
      return {
        result: list.map((a) => ({ id: a.id, rule_id: a.rule_id, title: a.title, severity: a.severity, state: a.state, host: a.host, first_seen: a.first_seen, last_seen: a.last_seen, count: a.count })),
        rows: list.length,
      };
    }
    default:
      throw new ToolArgumentError(`unknown tool ${clip(name, 60)}; available: ${TOOL_DEFINITIONS.map((t) => t.function.name).join(', ')}`);
  }
}
