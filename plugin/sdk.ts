/**
 * What a rule module imports: `defineRule` (typed definition) and the types. See plugin/README.md.
 *
 *   import { defineRule } from '../sdk.js';
 *   export default defineRule({ id: 'my-rule', ... });
 */
export { defineRule } from '../alert-service/src/detect/rule.js';
export type {
  AlertContext,
  AlertSeverity,
  CountFire,
  DistinctFire,
  Extracted,
  FireSpec,
  LogEvent,
  RuleDefinition,
  RuleMatch,
  RuleSettings,
  SequenceFire,
  SingleFire,
  SourceKind,
} from '../alert-service/src/detect/rule.js';
export { boundedMatch, eventData, MAX_RULE_INPUT } from './lib/text.js';
