/** Shared test helpers: a hand-driven clock, an in-memory sink and a LogEvent factory. */
import type { AlertSignal, Clock, LogEvent } from '../../alert-service/src/pipeline/contracts.js';
import { loadConfig } from '../../alert-service/src/config/load.js';
import type { AnomalyConfig } from '../../alert-service/src/generated/schema-types.js';

export class ManualClock implements Clock {
  constructor(public t: number) {}
  now(): number {
    return this.t;
  }
  advance(ms: number): void {
    this.t += ms;
  }
}

export class MemorySink {
  signals: AlertSignal[] = [];
  emit(s: AlertSignal): void {
    this.signals.push(s);
  }
}

export function anomalyConfig(over: Partial<AnomalyConfig> = {}): AnomalyConfig {
  // The synthetic weeks are generated in UTC: their slots must be too, whatever zone the machine is in.
  return { ...loadConfig({ env: {} }).anomaly, time_zone: 'UTC', ...over };
}

let seq = 0;
export function ev(p: {
  host?: string;
  kind?: LogEvent['source']['kind'];
  channel?: string;
  time: number;
  severity?: LogEvent['severity'];
  message?: string;
  program?: string;
  fields?: LogEvent['fields'];
  id?: string;
}): LogEvent {
  const id = p.id ?? (++seq).toString(16).padStart(32, '0');
  const e: LogEvent = {
    id,
    time: new Date(p.time).toISOString(),
    received_at: new Date(p.time).toISOString(),
    host: p.host ?? 'web-1',
    source: p.channel ? { kind: p.kind ?? 'windows', channel: p.channel } : { kind: p.kind ?? 'syslog' },
    severity: p.severity ?? 'info',
    message: p.message ?? 'ok',
    fields: p.fields ?? {},
  };
  if (p.program) e.program = p.program;
  return e;
}

export const HOUR = 3_600_000;
export const MIN = 60_000;
