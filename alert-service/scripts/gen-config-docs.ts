/**
 * Writes alert-service/docs/configuration.md from the config schemas (`npm run gen:config-docs`);
 * test/deploy/config-reference.test.ts fails when the committed file is stale.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderConfigReference } from '../src/config/reference.js';

export const CONFIG_REFERENCE = join(import.meta.dirname, '..', 'docs', 'configuration.md');
writeFileSync(CONFIG_REFERENCE, renderConfigReference());
console.log(`wrote ${CONFIG_REFERENCE}`);
