import { join } from 'node:path';

/** ../shared beside the repository: captured Fluent Bit requests and Windows samples. */
export const SHARED = join(import.meta.dirname, '..', '..', '..', 'shared');
