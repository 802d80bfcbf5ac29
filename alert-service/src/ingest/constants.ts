/** The route Fluent Bit's out_http posts to (fluent-bit/ configs use it as `uri`). */
export const INGEST_PATH = '/v1/ingest';
