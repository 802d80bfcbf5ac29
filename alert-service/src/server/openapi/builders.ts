/**
 * Small constructors for the OpenAPI document's operations, so each path file reads as a list of
 * routes: parameters with their JSON Schemas, a JSON body, the success response and the error
 * responses every operation shares the shape of.
 */
export type Json = Record<string, unknown>;

export interface Operation extends Json {
  operationId: string;
  summary: string;
  tags: string[];
  parameters?: Json[];
  requestBody?: Json;
  responses: Record<string, Json>;
}

export type PathItem = Partial<Record<'get' | 'post' | 'patch' | 'put' | 'delete', Operation>>;
export type Paths = Record<string, PathItem>;

/** A query parameter (always optional unless `required`; a value is one string, never repeated). */
export const query = (name: string, schema: Json, description: string, required = false): Json => ({ name, in: 'query', required, description, schema });
export const pathParam = (name: string, schema: Json, description: string): Json => ({ name, in: 'path', required: true, description, schema });
export const idParam = (what: string): Json => pathParam('id', { type: 'integer', minimum: 1, maximum: Number.MAX_SAFE_INTEGER }, `${what} id`);

/** `limit` bounded to [1, max]. */
export const limitParam = (dflt: number, max: number): Json => query('limit', { type: 'integer', minimum: 1, maximum: max, default: dflt }, `Page size, 1 to ${max} (default ${dflt})`);

export const jsonBody = (schema: Json, description: string, required = true): Json => ({
  required,
  description,
  content: { 'application/json': { schema } },
});

export const jsonResponse = (schema: Json, description: string): Json => ({ description, content: { 'application/json': { schema } } });

const ERROR_DESCRIPTIONS: Record<number, string> = {
  400: 'Invalid query, path parameter or body',
  401: 'Missing or wrong token (or a non-local request without one)',
  403: 'The read token on a state-changing request',
  404: 'No such resource',
  405: 'Known path, method not allowed (see the Allow header)',
  409: 'Conflict with the current state',
  413: 'Body too large',
  415: 'A state-changing request that is not application/json',
  502: 'The model answered with something unusable',
  503: 'Temporarily unavailable',
  504: 'The model took too long',
};

/** Error responses (the one error shape), by status. */
export function errors(...statuses: number[]): Record<string, Json> {
  return Object.fromEntries(statuses.map((s) => [String(s), { $ref: `#/components/responses/E${s}` }]));
}

/** The error responses every API operation can give. */
export const COMMON_ERRORS = [400, 401, 405];
export const WRITE_ERRORS = [400, 401, 403, 405, 413, 415];

/** components.responses for errors(). */
export function errorResponses(): Record<string, Json> {
  return Object.fromEntries(
    Object.entries(ERROR_DESCRIPTIONS).map(([s, d]) => [
      `E${s}`,
      {
        description: d,
        ...(s === '405' ? { headers: { Allow: { description: 'Methods this path answers', schema: { type: 'string' } } } } : {}),
        content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
      },
    ]),
  );
}

export const ERROR_SCHEMA: Json = {
  type: 'object',
  description: 'Every error: a stable code and a sentence. Some errors add members (e.g. hours/needed when a model lacks history).',
  required: ['error', 'message'],
  properties: {
    error: { type: 'string', description: 'Machine-readable code: bad_request, unauthorized, forbidden, not_found, method_not_allowed, ...' },
    message: { type: 'string' },
  },
};

/** A GET operation. */
export function get(operationId: string, tag: string, summary: string, parameters: Json[], ok: Json, more: number[] = []): Operation {
  return { operationId, tags: [tag], summary, ...(parameters.length ? { parameters } : {}), responses: { '200': ok, ...errors(...COMMON_ERRORS, ...more) } };
}

/** A state-changing operation with a JSON body (or none: `{}`). */
export function change(operationId: string, tag: string, summary: string, parameters: Json[], body: Json | undefined, okStatus: string, ok: Json, more: number[] = []): Operation {
  return {
    operationId,
    tags: [tag],
    summary,
    ...(parameters.length ? { parameters } : {}),
    ...(body ? { requestBody: body } : {}),
    responses: { [okStatus]: ok, ...errors(...WRITE_ERRORS, ...more) },
  };
}

const ISO = 'ISO 8601 date-time (2026-01-31T10:00:00Z)';
export const timeParam = (name: string, what: string): Json => query(name, { type: 'string', format: 'date-time' }, `${what}, ${ISO}`);
/** An object whose listed keys are required, others allowed (shapes owned by a module, which may grow). */
export const openObject = (required: string[], properties: Json, description?: string): Json => ({
  type: 'object',
  ...(description ? { description } : {}),
  required,
  properties,
});
export const str = { type: 'string' };
export const int = { type: 'integer' };
export const num = { type: 'number' };
export const bool = { type: 'boolean' };
export const isoTime = { type: 'string', format: 'date-time' };
export const nullable = (s: Json): Json => ({ oneOf: [s, { type: 'null' }] });
export const arrayOf = (items: Json): Json => ({ type: 'array', items });
export const mapOf = (values: Json): Json => ({ type: 'object', additionalProperties: values });
