import { join } from 'node:path';

/**
 * test/fixtures: the real Fluent Bit v5.1.1 requests and Windows samples captured for this project
 * (copied from the workspace's shared folder with their READMEs), so a clone anywhere runs the tests.
 */
export const FIXTURES = join(import.meta.dirname, '..', 'fixtures');
