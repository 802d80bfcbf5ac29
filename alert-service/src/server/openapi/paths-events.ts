/** /events and /dead-letters (server/events-api.ts). */
import { TIME_PARAM_SCHEMA } from '../time-param.js';
import { schemaRef } from './components.js';
import { arrayOf, get, int, jsonResponse, limitParam, openObject, query, str, type Paths } from './builders.js';

export const EVENT_PAGE_MAX = 10_000;
export const EVENT_SKIP_MAX = 10_000;
export const CURSOR_PATTERN = '^-?\\d{1,16}\\.\\d{1,16}$';
export const SEVERITY_LIST_PATTERN = '^(?:emergency|alert|critical|error|warning|notice|info|debug)(?:,(?:emergency|alert|critical|error|warning|notice|info|debug)){0,7}$';

export const eventPaths: Paths = {
  '/events': {
    get: get(
      'listEvents',
      'events',
      'Stored events, newest first, filtered; a page at a time (cursor `after`, or `skip`)',
      [
        query('host', { type: 'string', minLength: 1, maxLength: 255 }, 'Exact host name'),
        query('source', schemaRef('source-kind.schema.json'), 'Source kind'),
        query('severity', { type: 'string', pattern: SEVERITY_LIST_PATTERN }, 'One or more severities, comma-separated (error,critical)'),
        query('text', { type: 'string', minLength: 1, maxLength: 200 }, 'Case-insensitive substring of the message'),
        query('ip', { type: 'string', minLength: 2, maxLength: 64, pattern: '^[0-9A-Fa-f:.]+(?:/\\d{1,3})?$' }, 'Source IP (fields.src_ip), an address or a CIDR network'),
        query('user', { type: 'string', minLength: 1, maxLength: 256 }, 'Account (fields.user or fields.actor), exact'),
        query('from', TIME_PARAM_SCHEMA, 'Events at or after this event time'),
        query('to', TIME_PARAM_SCHEMA, 'Events before this event time'),
        query('after', { type: 'string', pattern: CURSOR_PATTERN }, 'The `next` of the previous page'),
        query('skip', { type: 'integer', minimum: 0, maximum: EVENT_SKIP_MAX }, `Matching events to pass over first, counted from \`after\` when given (at most ${EVENT_SKIP_MAX}; prefer \`after\`)`),
        limitParam(100, EVENT_PAGE_MAX),
      ],
      jsonResponse(
        {
          type: 'object',
          additionalProperties: false,
          required: ['events'],
          properties: {
            events: arrayOf(schemaRef('event.schema.json')),
            next: {
              type: 'string',
              pattern: CURSOR_PATTERN,
              description: 'Set when more events may follow: pass as `after`. With body filters (severity, text, ip, user) a page that read 50,000 events without filling up comes back short, with `next`.',
            },
          },
        },
        'A page of events',
      ),
      [503],
    ),
  },
  '/dead-letters': {
    get: get(
      'listDeadLetters',
      'events',
      'Records ingest could not store as events (newest first), with the reason',
      [limitParam(100, 1000)],
      jsonResponse(
        {
          type: 'object',
          additionalProperties: false,
          required: ['dead_letters'],
          properties: {
            dead_letters: arrayOf(
              openObject(['id', 'receivedAt', 'reason', 'record'], {
                id: int,
                receivedAt: { type: 'string', format: 'date-time' },
                tag: str,
                reason: str,
                record: { type: 'string', description: 'The record as received (attacker-controlled)' },
              }),
            ),
          },
        },
        'Dead letters',
      ),
    ),
  },
};
