/** Test helpers: hand-built events, real normalized lines, rule loading, a collecting sink. */
import { createHash } from 'node:crypto';
import type { AlertSignal, LogEvent, LogwardConfig, RulesConfig } from '../../alert-service/src/generated/schema-types.js';
import { loadConfig } from '../../alert-service/src/config/load.js';
import { normalizeRawLine } from '../../alert-service/src/normalize/index.js';
import { compileDefinition, type CompiledRule } from '../../alert-service/src/detect/compiled.js';
import type { RuleDefinition, SourceKind } from '../../alert-service/src/detect/rule.js';
import { loadRuleSet } from '../../alert-service/src/detect/ruleset.js';
import { runDetection } from '../../alert-service/src/detect/run.js';

export const config: LogwardConfig = loadConfig({ env: {} });

let seq = 0;
/** A minimal valid LogEvent; `t` is seconds after 2026-11-21T10:00:00Z. */
export function ev(t: number, over: Partial<LogEvent> & { fields?: LogEvent['fields'] } = {}): LogEvent {
  const time = new Date(Date.UTC(2026, 10, 21, 10, 0, 0) + t * 1000).toISOString();
  const id = createHash('md5').update(`e${seq++}`).digest('hex');
  return {
    id,
    time,
    received_at: time,
    host: 'web1',
    source: { kind: 'auth' },
    severity: 'info',
    message: `event ${id}`,
    fields: {},
    ...over,
  };
}

export const T0 = Date.UTC(2026, 10, 21, 10, 0, 0);

/** Raw log lines through the service's normalizer. */
export function lines(kind: SourceKind, text: string | string[], host = 'web1'): LogEvent[] {
  const list = Array.isArray(text) ? text : text.split('\n').filter((l) => l.trim());
  const path = { auth: '/var/log/auth.log', syslog: '/var/log/syslog', web_access: '/var/log/nginx/access.log', web_error: '/var/log/nginx/error.log', app: '/var/log/app/app.log', windows: 'x' }[kind];
  return list.map((line, i) => normalizeRawLine(line, { path, offset: i * 1000, host, kind }, { receivedAt: new Date('2026-11-21T12:00:00Z') }, config.normalize));
}

/** A Windows event as the normalizer produces it from winevtlog (channel, event id, EventData). */
export function win(t: number, eventId: number, channel: string, data: Record<string, string | number>, over: Partial<LogEvent['fields']> = {}, host = 'fs01'): LogEvent {
  return ev(t, { host, program: 'Microsoft-Windows-Security-Auditing', source: { kind: 'windows', channel }, fields: { event_id: eventId, event_data: data, ...over } });
}

export function rulesConfig(over: Partial<RulesConfig> = {}): RulesConfig {
  return { ...config.rules, ...over };
}

let builtins: Promise<CompiledRule[]> | undefined;
/** Every configured rule (plugin modules + Sigma) with default settings. */
export function allRules(): Promise<CompiledRule[]> {
  builtins ??= loadRuleSet(config.rules).then((s) => s.rules);
  return builtins;
}

export async function rule(id: string, over?: RulesConfig['overrides'][string]): Promise<CompiledRule> {
  if (over) {
    const set = await loadRuleSet({ ...config.rules, overrides: { [id]: over } });
    const r = set.rules.find((x) => x.id === id);
    if (!r) throw new Error(`no rule ${id}`);
    return r;
  }
  const r = (await allRules()).find((x) => x.id === id);
  if (!r) throw new Error(`no rule ${id}`);
  // Rules with settings may keep state across events (sshd sessions): a fresh load per use, so
  // one test's sessions never leak into the next.
  if (r.settings) return (await loadRuleSet(config.rules)).rules.find((x) => x.id === id)!;
  return r;
}

/** Signals one rule emits over events (sorted by time, as analyze does). */
export async function fire(id: string, events: LogEvent[], over?: RulesConfig['overrides'][string]): Promise<AlertSignal[]> {
  return runDetection(events, [await rule(id, over)]).signals;
}

export function compile(def: RuleDefinition, quiet = 900): CompiledRule {
  return compileDefinition(def, 'test', { defaultQuietSec: quiet });
}

export class CollectSink {
  signals: AlertSignal[] = [];
  emit(s: AlertSignal): void {
    this.signals.push(s);
  }
}

export class ManualClock {
  constructor(public ms = T0 + 3_600_000) {}
  now(): number {
    return this.ms;
  }
}
