/** Prometheus metrics of the LLM module: every failure is counted by kind, so a silent model shows. */
import { Counter, Gauge, type Registry } from 'prom-client';

export function createLlmMetrics(registry: Registry) {
  return {
    requests: new Counter({
      name: 'logward_llm_requests_total',
      help: 'Model requests by kind (summary) and outcome (ok, timeout, unreachable, http_error, too_long, invalid_answer, aborted)',
      labelNames: ['kind', 'outcome'] as const,
      registers: [registry],
    }),
    dropped: new Counter({ name: 'logward_llm_queue_dropped_total', help: 'Alerts dropped from the full summary queue (lowest severity, oldest first)', registers: [registry] }),
    promptLinesDropped: new Counter({ name: 'logward_llm_prompt_lines_dropped_total', help: 'Data lines left out of prompts by the context budget', registers: [registry] }),
    queueDepth: new Gauge({ name: 'logward_llm_queue_depth', help: 'Alerts waiting for a summary', registers: [registry] }),
    reachable: new Gauge({ name: 'logward_llm_reachable', help: '1 when the last Ollama health check or request succeeded', registers: [registry] }),
  };
}
export type LlmMetrics = ReturnType<typeof createLlmMetrics>;
