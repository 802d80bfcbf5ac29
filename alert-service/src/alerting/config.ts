/**
 * AlertingConfig with the schema's defaults filled in, from a partial object: what loadConfig()
 * does for the whole file, for tests and for callers that build alerting on its own.
 */
import type { AlertingConfig } from '../generated/schema-types.js';
import { createAjv, describeErrors, SCHEMA_BASE } from '../schema/registry.js';

export type { AlertingConfig };

export function alertingConfig(partial: Record<string, unknown> = {}): AlertingConfig {
  const validate = createAjv({ useDefaults: true }).getSchema(SCHEMA_BASE + 'config/alerting.schema.json')!;
  const cfg = structuredClone(partial);
  if (!validate(cfg)) throw new Error(`alerting config: ${describeErrors(validate.errors)}`);
  return cfg as unknown as AlertingConfig;
}
