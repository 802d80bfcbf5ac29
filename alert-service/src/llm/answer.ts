/**
 * Model output is untrusted text: it must be exactly one JSON object that its schema accepts
 * (the schema is also what Ollama was asked to follow, as the structured-output `format`).
 */
import type { ValidateFunction } from 'ajv';
import { describeErrors, schemaDocuments, validatorFor } from '../schema/registry.js';
import { LlmError } from './ollama-gateway.js';

export class InvalidAnswerError extends Error {
  override name = 'InvalidAnswerError';
}

/** The metrics label of a failed model call: the gateway's kind, `invalid_answer`, or `error` for anything else (ours). */
export function failureKind(err: unknown): string {
  return err instanceof LlmError ? err.kind : err instanceof InvalidAnswerError ? 'invalid_answer' : 'error';
}

export interface AnswerSchema<T> {
  /** The `format` sent to Ollama: the schema without its $schema/$id metadata. */
  format: object;
  parse(content: string): T;
}

export function answerSchema<T>(file: string): AnswerSchema<T> {
  const { $schema: _s, $id: _i, title: _t, description: _d, ...format } = schemaDocuments().get(file) as Record<string, unknown>;
  const validate: ValidateFunction<T> = validatorFor<T>(file);
  return {
    format,
    parse(content: string): T {
      let parsed: unknown;
      try {
        parsed = JSON.parse(content);
      } catch {
        throw new InvalidAnswerError(`answer is not JSON: ${JSON.stringify(content.slice(0, 120))}`);
      }
      if (!validate(parsed)) throw new InvalidAnswerError(`answer does not match ${file}: ${describeErrors(validate.errors)}`);
      return parsed;
    },
  };
}
