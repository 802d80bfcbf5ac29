/**
 * The configuration a command runs with, or exit 2 with the error naming the offending key: a
 * bad config is a usage error (1 means "alerts found" for analyze and test-rule).
 */
import type { LogwardConfig } from '../../generated/schema-types.js';

export function loadConfigOrExit(loadConfig: () => LogwardConfig): LogwardConfig {
  try {
    return loadConfig();
  } catch (err) {
    console.error((err as Error).message);
    process.exit(2);
  }
}
