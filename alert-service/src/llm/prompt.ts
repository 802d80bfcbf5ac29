/**
 * Builds the incident-summary prompt: a pure function of the alert and its context, so tests can
 * assert exactly what the model is shown.
 *
 * Log-derived text (samples, group values, the rule's summary, templates) goes only into the
 * fenced data block (untrusted.ts). The instructions say the alert's facts (rule, severity,
 * counts) are not the model's to dispute; the answer is advisory in any case.
 *
 * Budget: `contextChars` bounds the data block. Lines are deduplicated (with counts), then kept
 * by information: security-relevant and rare lines first, repetitive ones last; what was left
 * out is stated in the prompt and returned for metrics.
 */
import type { Message } from 'ollama';
import type { IpEnrichment } from '../generated/schema-types.js';
import { describeIpShort } from '../alerting/enrich/enricher.js';
import { fence, fitSections, sanitize, UNTRUSTED_RULES, type Section } from './untrusted.js';

export interface SummaryInput {
  alert: {
    id: number;
    rule_id: string;
    title: string;
    severity: string;
    host: string;
    count: number;
    first_seen: string;
    last_seen: string;
    summary: string;
    group: Record<string, string>;
    fields: Record<string, unknown>;
    samples: readonly string[];
  };
  enrichment: readonly IpEnrichment[];
  /** The host's most frequent error templates around the alert (from the anomaly module). */
  errorTemplates: ReadonlyArray<{ template: string; total: number }>;
  /** The anomaly explanation for the host's hour, when the alert is an anomaly or one was flagged. */
  anomalyExplanation: readonly string[];
}

export interface PromptOptions {
  contextChars: number;
  /** Random per prompt in production; fixed in tests. Hex. */
  nonce: string;
  systemPrompt?: string;
}

export interface BuiltPrompt {
  messages: Message[];
  /** Data lines (evidence or templates) that did not fit the budget. */
  droppedLines: number;
}

const MAX_LINE = 500;
const MAX_FIELD_VALUE = 200;

export const DEFAULT_SYSTEM_PROMPT = [
  'You are a security analyst helping an operator triage an alert raised by a log monitoring system.',
  'Explain in plain language what most likely happened, how serious it probably is, and what to check or do next.',
  'Be concrete and brief. Do not invent facts that are not in the alert or the data.',
].join(' ');

/** Security-relevant words: lines holding them are kept before repetitive noise. */
const SECURITY_HINT = /fail|invalid|denied|refused|unauthori[sz]ed|error|attack|exploit|malware|threat|sudoers|password|token|powershell|cmd\.exe|\bwget\b|\bcurl\b|base64/i;

interface DataLine {
  text: string;
  count: number;
  rank: number;
}

/** Distinct lines with counts, most informative first: security hints, then rarer, then first seen. */
function rankLines(samples: readonly string[]): DataLine[] {
  const byText = new Map<string, DataLine>();
  samples.forEach((raw, i) => {
    const text = sanitize(raw, MAX_LINE);
    const hit = byText.get(text);
    if (hit) hit.count++;
    else byText.set(text, { text, count: 1, rank: i });
  });
  return [...byText.values()].sort((a, b) => {
    const sa = SECURITY_HINT.test(a.text) ? 0 : 1;
    const sb = SECURITY_HINT.test(b.text) ? 0 : 1;
    return sa - sb || a.count - b.count || a.rank - b.rank;
  });
}

function fieldLines(fields: Record<string, unknown>): string[] {
  const out: string[] = [];
  for (const [k, v] of Object.entries(fields)) {
    if (out.length >= 20) break;
    if (v === null || v === undefined) continue;
    const value = typeof v === 'string' ? v : JSON.stringify(v);
    out.push(`${sanitize(k, 80)}: ${sanitize(value ?? '', MAX_FIELD_VALUE)}`);
  }
  return out;
}

export function buildSummaryPrompt(input: SummaryInput, opts: PromptOptions): BuiltPrompt {
  const { alert } = input;
  const facts = [
    `Alert #${alert.id}: ${alert.title}`,
    `Rule: ${alert.rule_id}`,
    `Severity (set by the rule, not yours to change): ${alert.severity}`,
    `Host: ${alert.host}`,
    `Matching events: ${alert.count}, from ${alert.first_seen} to ${alert.last_seen}`,
  ];
  // Facts come from the rule engine, but group values and the summary may echo log text: they go in the data block.
  const counted = (text: string, count: number) => (count > 1 ? `(${count}×) ${text}` : text);
  const sections: Section[] = [
    { title: 'Alert summary and grouping', lines: [alert.summary, ...Object.entries(alert.group).map(([k, v]) => `${k}=${v}`)].map((t) => sanitize(t, MAX_LINE)) },
    { title: 'Source addresses (GeoIP/ASN)', lines: input.enrichment.map((e) => sanitize(describeIpShort(e), MAX_LINE)) },
    { title: 'Extracted fields', lines: fieldLines(alert.fields) },
    { title: 'Evidence log lines (newest matching lines; count when repeated)', lines: rankLines(alert.samples).map((l) => counted(l.text, l.count)) },
    { title: "Host's frequent error templates this period", lines: input.errorTemplates.map((t) => counted(sanitize(t.template, MAX_LINE), t.total)) },
    { title: 'Anomaly detector explanation for this host', lines: input.anomalyExplanation.map((t) => sanitize(t, MAX_LINE)) },
  ];
  const data = fitSections(sections, opts.contextChars);
  const system = `${opts.systemPrompt ?? DEFAULT_SYSTEM_PROMPT}\n\n${UNTRUSTED_RULES}`;
  const user = [
    ...facts,
    '',
    ...fence(data.lines, opts.nonce),
    '',
    'Answer with JSON: {"summary": what happened (at most 4 sentences), "assessed_severity": one of informational/low/medium/high/critical, "next_steps": up to 5 short actions}.',
  ].join('\n');
  return {
    messages: [
      { role: 'system', content: system },
      { role: 'user', content: user },
    ],
    droppedLines: data.dropped,
  };
}
