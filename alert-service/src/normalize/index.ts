/**
 * Record classification and normalization: what ingest calls per Fluent Bit record, and what the
 * CLI tools call per raw log line. See normalize.ts for how an event is assembled, event-id.ts for
 * how ids are derived, line-parsers.ts for the line formats understood.
 */
export type { RecordShape } from './classify.js';
export { classifyRecord, recordSchemaFile } from './classify.js';
export type { RecordContext } from './normalize.js';
export { isBlankRecord, normalizeRecord, tailRawKeyRead, normalizeRawLine, rawLineNormalizer, NormalizeError, validateNormalizeConfig } from './normalize.js';
export { parseCollectorMs, parseCollectorTime } from './time.js';
export { kindFromPath, kindFromTag } from './source-kind.js';
