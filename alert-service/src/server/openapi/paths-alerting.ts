/** Alerts, silences and the outbox (alerting/api/router.ts). */
import { CHANNELS } from '../../alerting/notify/notifier.js';
import { TIME_PARAM_SCHEMA } from '../time-param.js';
import { schemaRef } from './components.js';
import { arrayOf, change, get, idParam, jsonBody, jsonResponse, limitParam, query, type Paths } from './builders.js';

export const ALERT_STATES = ['firing', 'silenced', 'acknowledged', 'resolved'] as const;
export const OUTBOX_STATUSES = ['pending', 'sending', 'sent', 'failed'] as const;
export const ALERT_EXPORT_MAX = 10_000;

const alertFilters = [
  query('state', { type: 'string', enum: [...ALERT_STATES] }, 'Alert state'),
  query('severity', schemaRef('alert-severity.schema.json'), 'Alert severity'),
  query('rule', { type: 'string', minLength: 1, maxLength: 200 }, 'Rule id'),
  query('host', { type: 'string', minLength: 1, maxLength: 255 }, 'Host'),
  query('from', TIME_PARAM_SCHEMA, 'Alerts whose events reach to this time or later (last_seen ≥ from)'),
  query('to', TIME_PARAM_SCHEMA, 'Alerts whose events started before this time (first_seen < to)'),
];

const alertList = { type: 'object', additionalProperties: false, required: ['alerts'], properties: { alerts: arrayOf(schemaRef('alert-record.schema.json')) } };

export const alertingPaths: Paths = {
  '/alerts': {
    get: get('listAlerts', 'alerts', 'Alerts, most recently updated first, filtered', [...alertFilters, limitParam(100, 1000)], jsonResponse(alertList, 'Alerts')),
  },
  '/alerts/export': {
    get: {
      ...get(
        'exportAlerts',
        'alerts',
        'The filtered alerts as a JSON or CSV download (CSV cells that a spreadsheet would run as a formula are quoted and prefixed with \')',
        [...alertFilters, query('format', { type: 'string', enum: ['json', 'csv'], default: 'json' }, 'json (default) or csv'), limitParam(1000, ALERT_EXPORT_MAX)],
        jsonResponse(alertList, 'Alerts'),
      ),
      responses: {
        '200': {
          description: 'Alerts as an attachment',
          headers: { 'Content-Disposition': { description: 'attachment; filename=alerts.json|csv', schema: { type: 'string' } } },
          content: {
            'application/json': { schema: alertList },
            'text/csv': { schema: { type: 'string', description: 'RFC 4180 CSV with a header row' } },
          },
        },
        '400': { $ref: '#/components/responses/E400' },
        '401': { $ref: '#/components/responses/E401' },
        '405': { $ref: '#/components/responses/E405' },
      },
    },
  },
  '/alerts/{id}': {
    get: get(
      'getAlert',
      'alerts',
      'One alert with everything: evidence (the stored events it names, its samples and fields), enrichment, delivery log (notifications) and the LLM summary',
      [idParam('Alert')],
      jsonResponse(schemaRef('alert-record.schema.json'), 'The alert'),
      [404, 503],
    ),
  },
  '/alerts/{id}/ack': {
    post: change('acknowledgeAlert', 'alerts', 'Acknowledge: no reminders until it resolves', [idParam('Alert')], jsonBody(schemaRef('alert-ack-request.schema.json'), 'Who acknowledges'), '200', jsonResponse(schemaRef('alert-record.schema.json'), 'The alert'), [404]),
  },
  '/silences': {
    get: get(
      'listSilences',
      'silences',
      'Silences (active and pending; with all=1 expired too)',
      [query('all', { type: 'string', enum: ['0', '1', 'true', 'false'] }, 'Include expired silences')],
      jsonResponse({ type: 'object', additionalProperties: false, required: ['silences'], properties: { silences: arrayOf(schemaRef('silence.schema.json')) } }, 'Silences'),
    ),
    post: change('createSilence', 'silences', 'Silence alerts matched by every matcher until ends_at', [], jsonBody(schemaRef('silence-request.schema.json'), 'The silence'), '201', jsonResponse(schemaRef('silence.schema.json'), 'Created')),
  },
  '/silences/{id}': {
    delete: change('expireSilence', 'silences', 'Expire a silence now', [idParam('Silence')], undefined, '200', jsonResponse(schemaRef('silence.schema.json'), 'The expired silence'), [404]),
  },
  '/outbox': {
    get: get(
      'listOutbox',
      'deliveries',
      'Queued, sent and failed notifications',
      [
        query('status', { type: 'string', enum: [...OUTBOX_STATUSES] }, 'Delivery status'),
        query('channel', { type: 'string', enum: [...CHANNELS] }, 'Channel'),
        limitParam(100, 1000),
      ],
      jsonResponse({ type: 'object', additionalProperties: false, required: ['items'], properties: { items: arrayOf(schemaRef('outbox-item.schema.json')) } }, 'Outbox items'),
    ),
  },
  '/outbox/{id}/retry': {
    post: change(
      'retryOutboxItem',
      'deliveries',
      'Send a failed notification again',
      [idParam('Outbox item')],
      undefined,
      '200',
      jsonResponse({ type: 'object', additionalProperties: false, required: ['retried'], properties: { retried: { const: true } } }, 'Queued again'),
      [404],
    ),
  },
};
