/** LLM summaries, review and investigation (llm/index.ts). */
import { schemaRef } from './components.js';
import { arrayOf, bool, change, get, int, jsonResponse, mapOf, nullable, openObject, pathParam, str, type Paths } from './builders.js';

export const LLM_HEALTH = openObject(['reachable', 'version', 'model', 'model_present', 'last_error', 'checked_at'], {
  reachable: bool,
  version: nullable(str),
  model: str,
  model_present: bool,
  last_error: nullable(str),
  checked_at: nullable(str),
});

const reviewRun = openObject(['from_seq', 'to_seq', 'hosts', 'reviewed', 'failed', 'alerts'], { from_seq: int, to_seq: int, hosts: int, reviewed: int, failed: int, alerts: int });

export const llmPaths: Paths = {
  '/llm/status': {
    get: get(
      'llmStatus',
      'llm',
      'Ollama reachability and model, summary queue and counts, review position',
      [],
      jsonResponse(openObject(['enabled', 'health', 'queue', 'summaries', 'review'], { enabled: bool, health: LLM_HEALTH, queue: int, summaries: mapOf(int), review: openObject(['interval_s', 'position', 'last_run'], { interval_s: int, position: int, last_run: nullable(reviewRun) }) }), 'Status'),
    ),
  },
  '/llm/summaries/{alertId}': {
    get: get('getSummary', 'llm', 'The LLM summary of one alert', [pathParam('alertId', { type: 'integer', minimum: 1, maximum: Number.MAX_SAFE_INTEGER }, 'Alert id')], jsonResponse(schemaRef('llm-summary-record.schema.json'), 'The summary'), [404]),
  },
  '/llm/review': {
    post: change('runReview', 'llm', 'Review the events stored since the last review now', [], undefined, '200', jsonResponse(reviewRun, 'What the run covered')),
  },
  '/alerts/{id}/investigate': {
    post: change(
      'investigateAlert',
      'llm',
      'Ask the model to investigate one alert with its context',
      [pathParam('id', { type: 'integer', minimum: 1, maximum: Number.MAX_SAFE_INTEGER }, 'Alert id')],
      undefined,
      '200',
      jsonResponse(
        openObject(['alert_id', 'model', 'stopped', 'steps', 'report', 'duration_ms'], {
          alert_id: int,
          model: str,
          stopped: { type: 'string', description: 'Why the investigation ended (answered, max_steps, ...)' },
          steps: arrayOf(openObject(['tool', 'arguments'], { tool: str, arguments: { type: 'object' }, rows: int })),
          report: schemaRef('llm-investigation.schema.json'),
          duration_ms: int,
        }),
        'The investigation: the tool calls the model made and its report',
      ),
      [404, 502, 503, 504],
    ),
  },
};
