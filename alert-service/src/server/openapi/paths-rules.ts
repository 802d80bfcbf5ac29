/** Detection rules (detect/router.ts). */
import { schemaRef } from './components.js';
import { arrayOf, bool, change, get, int, jsonBody, jsonResponse, mapOf, nullable, num, openObject, pathParam, str, type Json, type Paths } from './builders.js';

const ruleId = pathParam('id', { type: 'string', minLength: 1, maxLength: 200 }, 'Rule id');

export const RULE_SCHEMA: Json = openObject(
  ['id', 'title', 'description', 'severity', 'source', 'file', 'tags', 'fire', 'matches', 'signals', 'open_groups', 'enabled', 'runtime_override'],
  {
    id: str,
    title: str,
    description: str,
    severity: schemaRef('alert-severity.schema.json'),
    source: { type: 'string', enum: ['rule', 'sigma'] },
    file: str,
    tags: arrayOf(str),
    fire: openObject(['mode', 'quiet_s', 'group_by'], {
      mode: { type: 'string', enum: ['single', 'count', 'distinct', 'sequence'] },
      threshold: int,
      window_s: num,
      distinct_field: str,
      steps: arrayOf(openObject(['name', 'min'], { name: str, min: int })),
      ordered: bool,
      quiet_s: num,
      group_by: arrayOf(str),
    }),
    settings: mapOf({ type: ['string', 'number', 'boolean'] }),
    matches: int,
    signals: int,
    open_groups: int,
    enabled: { type: 'boolean', description: 'false when disabled at runtime (PATCH); rules disabled in the config are listed under `disabled`' },
    runtime_override: nullable(schemaRef('rule-runtime-override.schema.json')),
  },
  'A rule as the engine runs it: effective firing settings (definition, then config overrides, then the runtime override) and counters',
);

const testResult = openObject(['exit_code', 'input', 'rules', 'skipped', 'missed', 'text'], {
  exit_code: { type: 'integer', enum: [0, 1], description: '1 when alerts would fire (as the CLI exits)' },
  input: openObject(['lines', 'parsed', 'unparsed', 'kind', 'kind_from', 'rules_applied'], {
    lines: int,
    parsed: int,
    unparsed: arrayOf(openObject(['line', 'error'], { line: int, error: str })),
    kind: str,
    kind_from: str,
    rules_applied: arrayOf(str),
  }),
  rules: arrayOf(
    openObject(['rule', 'matched', 'lines', 'groups', 'alerts'], {
      rule: openObject(['id', 'title', 'severity', 'file', 'fire'], { id: str, title: str, severity: str, file: str, fire: str }),
      matched: int,
      lines: arrayOf(openObject(['line', 'time', 'extracted', 'text'], { line: int, time: str, extracted: { type: 'object' }, text: str })),
      groups: mapOf(int),
      alerts: arrayOf(schemaRef('alert.schema.json')),
    }),
  ),
  skipped: arrayOf({ type: 'object' }),
  missed: openObject(['count', 'lines'], { count: int, lines: arrayOf(openObject(['line', 'text'], { line: int, text: str })) }),
  text: { type: 'string', description: 'The report as `logward test-rule` prints it' },
});

export const rulePaths: Paths = {
  '/rules': {
    get: get(
      'listRules',
      'rules',
      'Every active rule, the rules disabled by config, and the Sigma rules skipped at start-up with the reason',
      [],
      jsonResponse(
        openObject(['rules', 'disabled', 'skipped', 'skipped_summary', 'warnings'], {
          rules: arrayOf(RULE_SCHEMA),
          disabled: arrayOf(str),
          skipped: arrayOf({ type: 'object' }),
          skipped_summary: { type: ['object', 'array'] },
          warnings: arrayOf(str),
        }),
        'Rules',
      ),
    ),
  },
  '/rules/{id}': {
    get: get('getRule', 'rules', 'One active rule', [ruleId], jsonResponse(RULE_SCHEMA, 'The rule'), [404]),
    patch: change(
      'updateRule',
      'rules',
      'Enable or disable a rule, or override its threshold, window, quiet period or severity: applied by the running engine at once, stored, and applied again after a restart',
      [ruleId],
      jsonBody(schemaRef('rule-runtime-override.schema.json'), 'What to change (null removes a runtime value)'),
      '200',
      jsonResponse(RULE_SCHEMA, 'The rule with its new settings'),
      [404],
    ),
  },
  '/rules/{id}/override': {
    delete: change('resetRule', 'rules', 'Remove the runtime override: back to the configured settings', [ruleId], undefined, '200', jsonResponse(RULE_SCHEMA, 'The rule'), [404]),
  },
  '/rules/{id}/test': {
    post: change(
      'testRule',
      'rules',
      'Run the rule (as it runs now) over posted log lines, like `logward test-rule`: matches, extracted values and the alerts that would fire. Nothing is stored or sent.',
      [ruleId],
      jsonBody(schemaRef('rule-test-request.schema.json'), 'Lines to test'),
      '200',
      jsonResponse(testResult, 'The test report'),
      [404, 503],
    ),
  },
};
