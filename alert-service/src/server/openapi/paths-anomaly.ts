/** Anomaly detection (anomaly/router.ts). Shapes owned by the anomaly module: listed keys required, more allowed. */
import { TIME_PARAM_SCHEMA } from '../time-param.js';
import { schemaRef } from './components.js';
import { arrayOf, bool, change, get, int, isoTime, jsonBody, jsonResponse, mapOf, nullable, num, openObject, query, str, type Json, type Paths } from './builders.js';

const model = openObject(['trained_at', 'from', 'to', 'history_hours', 'series', 'detector', 'threshold', 'features'], {
  trained_at: isoTime,
  from: str,
  to: str,
  history_hours: int,
  history_rows: int,
  series: int,
  detector: str,
  threshold: num,
  features: arrayOf(str),
});

const daysBody: Json = jsonBody(
  { type: 'object', additionalProperties: false, properties: { days: { type: 'integer', minimum: 1, maximum: 365, description: 'History window (default: anomaly.training_days)' } } },
  'Optional {"days": n}; {} for the configured window',
  false,
);

const hour = openObject(['host', 'source', 'hour', 'features', 'is_anomaly', 'score', 'severity', 'explanation'], {
  host: str,
  source: str,
  hour: str,
  features: mapOf(num),
  is_anomaly: nullable(bool),
  score: nullable(num),
  severity: nullable(schemaRef('alert-severity.schema.json')),
  explanation: arrayOf(str),
  note: str,
  top_templates: arrayOf(openObject(['id', 'template', 'count'], { id: int, template: str, count: int })),
});

const host = query('host', { type: 'string', minLength: 1, maxLength: 255, pattern: '^[^\\u0000-\\u001f\\u007f]+$' }, 'Host');

export const anomalyPaths: Paths = {
  '/anomaly/status': {
    get: get(
      'anomalyStatus',
      'anomaly',
      'Model and history state',
      [],
      jsonResponse(openObject(['enabled', 'trained', 'message', 'model', 'detector', 'history'], { enabled: bool, trained: bool, message: str, model: nullable(model), detector: str, history: { type: 'object' } }), 'Status'),
    ),
  },
  '/anomaly/train': {
    post: change('anomalyTrain', 'anomaly', 'Train the model now on the stored hourly history', [], daysBody, '200', jsonResponse(openObject(['trained', 'model'], { trained: { const: true }, model }), 'Trained'), [409]),
  },
  '/anomaly/rebuild': {
    post: change(
      'anomalyRebuild',
      'anomaly',
      'Recompute the closed hours of the window from stored events (day one)',
      [],
      daysBody,
      '200',
      jsonResponse(openObject(['from', 'to', 'hours', 'rows', 'events'], { from: str, to: str, hours: int, rows: int, events: int, ms: num }), 'Rebuilt'),
    ),
  },
  '/anomaly/detect': {
    get: get(
      'anomalyDetect',
      'anomaly',
      'Latest closed hours per host and source, scored: is_anomaly, score, explanation',
      [host, query('hours', { type: 'integer', minimum: 1, maximum: 720, default: 24 }, 'Hours back'), query('limit', { type: 'integer', minimum: 1, maximum: 5000, default: 1000 }, 'Most hours returned')],
      jsonResponse(openObject(['trained', 'model', 'from', 'to', 'anomalies', 'hours'], { trained: bool, message: str, model: nullable(model), from: str, to: str, anomalies: int, hours: arrayOf(hour) }), 'Scored hours'),
    ),
  },
  '/anomaly/errors': {
    get: get(
      'errorSummary',
      'anomaly',
      'Error summary: error message templates with counts by host over a period (default the last 24 h, at most 90 days)',
      [host, query('from', TIME_PARAM_SCHEMA, 'Start'), query('to', TIME_PARAM_SCHEMA, 'End (default now)')],
      jsonResponse(
        openObject(['from', 'to', 'host', 'templates'], {
          from: str,
          to: str,
          host: nullable(str),
          templates: arrayOf(
            openObject(['id', 'template', 'total', 'hosts', 'by_host', 'first_hour', 'last_hour'], { id: int, template: str, total: int, hosts: int, by_host: mapOf(int), first_hour: str, last_hour: str }),
          ),
        }),
        'Templates',
      ),
    ),
  },
};
