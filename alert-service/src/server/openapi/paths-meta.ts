/** The service's own routes: status and this document (server/status-api.ts, server/app.ts). */
import { LLM_HEALTH } from './paths-llm.js';
import { arrayOf, bool, get, int, jsonResponse, mapOf, nullable, openObject, str, type Paths } from './builders.js';

const channel = openObject(['breaker_open', 'consecutive_failures', 'outbox'], {
  breaker_open: bool,
  consecutive_failures: int,
  outbox: openObject(['pending', 'sending', 'sent', 'failed'], { pending: int, sending: int, sent: int, failed: int }),
});

export const metaPaths: Paths = {
  '/status': {
    get: get(
      'status',
      'meta',
      'Versions, store, readiness, channels, Ollama, anomaly model and rules at a glance',
      [],
      jsonResponse(
        {
          type: 'object',
          additionalProperties: false,
          required: ['service', 'ready', 'store', 'modules', 'channels', 'ollama', 'model', 'rules'],
          properties: {
            service: openObject(['name', 'version', 'api_version', 'node', 'started_at', 'uptime_s'], { name: str, version: str, api_version: str, node: str, started_at: str, uptime_s: int }),
            ready: openObject(['ready'], { ready: bool, reason: str }),
            store: openObject(['sqlite_version', 'events', 'last_seq', 'size_bytes'], { sqlite_version: str, path: str, events: int, last_seq: int, size_bytes: int }),
            modules: arrayOf(str),
            channels: { description: 'Configured notification channels (null with alerting off)', oneOf: [mapOf(channel), { type: 'null' }] },
            ollama: { description: 'Ollama health as last checked (null with the LLM module off)', oneOf: [LLM_HEALTH, { type: 'null' }] },
            model: nullable(openObject(['trained', 'message'], { trained: bool, message: str, trained_at: nullable(str), detector: str })),
            rules: nullable(openObject(['active', 'disabled_by_config', 'disabled_at_runtime', 'skipped'], { active: int, disabled_by_config: int, disabled_at_runtime: int, skipped: int })),
          },
        },
        'Status',
      ),
    ),
  },
  '/openapi.json': {
    get: get('openapi', 'meta', 'This document', [], jsonResponse({ type: 'object', required: ['openapi', 'info', 'paths'] }, 'OpenAPI 3.1 document')),
  },
};
