/**
 * An ingest failure with the HTTP status chosen for Fluent Bit's retry rules:
 * 400/401/413 make it drop the chunk (retrying cannot help), 429/503 make it retry.
 */
export class IngestError extends Error {
  override name = 'IngestError';
  constructor(readonly status: number, readonly code: string, message: string, readonly retryAfterSeconds?: number) {
    super(message);
  }
}
