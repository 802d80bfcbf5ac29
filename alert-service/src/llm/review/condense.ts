/**
 * Condenses one host's new events for the periodic review: a pure function, so tests assert
 * what the model is shown. A host can write millions of lines between reviews; the model sees
 * counts, message templates with counts, the rare lines and the security-relevant ones, each
 * example tagged with a short reference (E1, E2, ...) that its findings must cite. References
 * map back to the stored event ids, so a finding can only point at events that exist.
 */
import type { LogEvent } from '../../generated/schema-types.js';
import { maskMessage, messageText } from '../../anomaly/templates/mask.js';
import { sanitize, type Section } from '../untrusted.js';

const MAX_LINE = 400;
const MAX_TEMPLATES = 5_000;
const SECURITY_PROGRAMS = new Set(['sshd', 'sudo', 'su', 'login', 'passwd', 'useradd', 'usermod', 'groupadd', 'pam', 'systemd-logind', 'polkitd']);
const SEVERE = new Set(['emergency', 'alert', 'critical', 'error']);

interface Template {
  text: string;
  count: number;
  example: LogEvent;
  security: boolean;
}

export interface Condensed {
  sections: Section[];
  /** Reference (E1...) → stored event id. */
  refs: Map<string, LogEvent>;
  total: number;
}

function isSecurity(e: LogEvent): boolean {
  const p = e.program?.toLowerCase();
  if (p && SECURITY_PROGRAMS.has(p)) return true;
  if (e.fields.audit === 'failure') return true;
  return SEVERE.has(e.severity) || e.severity === 'warning';
}

/** `events` are one host's, in store order. `extra` are lines from other stages (anomaly scores). */
export function condenseHost(events: readonly LogEvent[], extra: readonly string[] = []): Condensed {
  const templates = new Map<string, Template>();
  const bySeverity = new Map<string, number>();
  const byProgram = new Map<string, number>();
  let overflow = 0;
  for (const e of events) {
    bySeverity.set(e.severity, (bySeverity.get(e.severity) ?? 0) + 1);
    const prog = e.program ?? e.source.channel ?? e.source.kind;
    if (byProgram.size < 200 || byProgram.has(prog)) byProgram.set(prog, (byProgram.get(prog) ?? 0) + 1);
    const key = `${prog} ${maskMessage(messageText(e.message), 40).join(' ')}`;
    const t = templates.get(key);
    if (t) {
      t.count++;
      // Keep the most severe example: the one worth citing.
      if (SEVERE.has(e.severity) && !SEVERE.has(t.example.severity)) t.example = e;
    } else if (templates.size < MAX_TEMPLATES) templates.set(key, { text: key, count: 1, example: e, security: isSecurity(e) });
    else overflow++;
  }

  const refs = new Map<string, LogEvent>();
  const cite = (e: LogEvent) => {
    const ref = `E${refs.size + 1}`;
    refs.set(ref, e);
    return ref;
  };
  const exampleLine = (t: Template) => {
    const e = t.example;
    const where = e.fields.src_ip ? ` src_ip=${e.fields.src_ip}` : '';
    return `[${cite(e)}] ${t.count}× ${e.time} ${e.severity} ${sanitize(e.program ?? e.source.kind, 40)}:${where} ${sanitize(e.message, MAX_LINE)}`;
  };
  const all = [...templates.values()];
  const security = all.filter((t) => t.security).sort((a, b) => a.count - b.count);
  const rare = all.filter((t) => !t.security && t.count <= 2);
  const common = all.filter((t) => !t.security && t.count > 2).sort((a, b) => b.count - a.count);

  const counts = [
    `events: ${events.length}${overflow ? ` (${overflow} beyond ${MAX_TEMPLATES} templates not grouped)` : ''}`,
    `by severity: ${[...bySeverity].map(([k, v]) => `${k}=${v}`).join(', ')}`,
    `by program: ${[...byProgram].sort((a, b) => b[1] - a[1]).slice(0, 20).map(([k, v]) => `${sanitize(k, 40)}=${v}`).join(', ')}`,
  ];
  return {
    sections: [
      { title: 'Counts', lines: counts },
      { title: 'Security-relevant messages (rarest first; [ref] count× example)', lines: security.map(exampleLine) },
      { title: 'Anomaly scores', lines: extra.map((l) => sanitize(l, MAX_LINE)) },
      { title: 'Rare messages (seen once or twice)', lines: rare.map(exampleLine) },
      { title: 'Most frequent message templates (count× template)', lines: common.slice(0, 50).map((t) => `${t.count}× ${sanitize(t.text, MAX_LINE)}`) },
    ],
    refs,
    total: events.length,
  };
}
