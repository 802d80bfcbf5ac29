/**
 * What the LLM module reads from the other modules, as small functions the composition root
 * (modules.ts) hands it: the anomaly module's view of a host, and alerting's follow-up path.
 * The LLM module itself depends on neither module's internals.
 */
import type { AnomalyModule } from '../anomaly/index.js';
import type { AlertingModule } from '../alerting/index.js';
import type { FollowUpSink, HostContext } from './summarizer.js';

/** The host's error templates over the alert's last 6 hours and the anomaly explanation of its hour, for summaries. */
export function anomalyContext(anomaly: AnomalyModule): HostContext {
  const HOUR = 3_600_000;
  return (host, atMs) => {
    const errors = anomaly.errorSummary({ host, fromMs: atMs - 6 * HOUR, toMs: atMs + HOUR });
    const hour = Math.floor(atMs / HOUR) * HOUR;
    const flagged = anomaly.detect({ host, hours: 24 }).hours.filter((h) => h.is_anomaly && Date.parse(h.hour) >= hour - 2 * HOUR);
    return {
      errorTemplates: errors.templates.slice(0, 10).map((t) => ({ template: t.template, total: t.total })),
      anomalyExplanation: flagged.flatMap((h) => h.explanation.map((e) => `${h.hour} ${h.source}: ${e}`)).slice(0, 10),
    };
  };
}

/** The host's scored hours of the last day, for the periodic review ("hour source: score, anomaly, explanation"). */
export function anomalyLines(anomaly: AnomalyModule): (host: string) => string[] {
  return (host) =>
    anomaly
      .detect({ host, hours: 24 })
      .hours.filter((h) => h.score !== null)
      .slice(0, 24) // newest first
      .reverse()
      .map((h) => `${h.hour} ${h.source}: score ${h.score!.toFixed(3)}${h.is_anomaly ? ' ANOMALOUS' : ''}${h.explanation.length ? ' — ' + h.explanation.join('; ') : ''}`);
}

/** A finished LLM summary as a follow-up note on the channels its alert went out on. */
export function summaryFollowUp(alerting: AlertingModule): FollowUpSink {
  return (alertId, summary, model) =>
    alerting.followUp(alertId, {
      label: `Summary (${model})`,
      text: summary.summary,
      items: summary.next_steps,
      facts: [{ key: "Model's severity estimate", value: summary.assessed_severity }],
    });
}
