/**
 * Checks every API request against the OpenAPI document before a route sees it, so what the
 * document says is what the service enforces: a known path with a method it does not list gets
 * 405 with Allow; query parameters the operation does not declare, or given more than once, get
 * 400 (an empty value counts as not given); path parameters, query values and JSON bodies are validated with Ajv against the
 * operation's schemas (which come from schemas/). Paths the document does not know fall through
 * (to the API's 404). The routes keep their own parsing: this is the gate, not the parser.
 */
import type { NextFunction, Request, Response } from 'express';
import type { Ajv2020, ValidateFunction } from 'ajv/dist/2020.js';
import { createAjv, describeErrors } from '../../schema/registry.js';
import { ApiError, badRequest, sendError } from '../http-error.js';
import type { Json, Operation, PathItem } from './builders.js';
import type { OpenApiDocument } from './document.js';

const DOC_ID = 'urn:logward:openapi';
const METHODS = ['get', 'post', 'patch', 'put', 'delete'] as const;
type Method = (typeof METHODS)[number];

/** Rewrites the document's local references so a schema compiled on its own resolves them in the document. */
function absolutize(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(absolutize);
  if (!node || typeof node !== 'object') return node;
  return Object.fromEntries(Object.entries(node as Json).map(([k, v]) => [k, k === '$ref' && typeof v === 'string' && v.startsWith('#/') ? DOC_ID + v : absolutize(v)]));
}

/** An Ajv (2020-12) holding the document's components; `coerce` for query and path strings. */
export function documentAjv(doc: OpenApiDocument, coerce: boolean): Ajv2020 {
  const ajv = createAjv({ coerceTypes: coerce });
  ajv.addSchema({ $id: DOC_ID, components: doc.components });
  return ajv;
}

/** Compiles a schema taken from the document (its #/components references resolved). */
export function compileDocumentSchema(ajv: Ajv2020, schema: Json): ValidateFunction {
  return ajv.compile(absolutize(schema) as Json);
}

/** What a parameter must be, in words, from its schema: "an integer from 1 to 1000". */
function expected(schema: Json | undefined, description: string): string {
  if (!schema) return 'valid';
  if (Array.isArray(schema.enum)) return `one of ${schema.enum.join(', ')}`;
  if (schema.type === 'integer') {
    const min = schema.minimum as number | undefined;
    const max = schema.maximum as number | undefined;
    return min !== undefined && max !== undefined ? `an integer from ${min} to ${max}` : min !== undefined ? `an integer of at least ${min}` : 'an integer';
  }
  const what = String(schema.description ?? description);
  if (schema.pattern !== undefined || schema.format !== undefined) return `valid (${what})`;
  if (schema.type === 'string') return `a string of ${schema.minLength ?? 0} to ${schema.maxLength ?? 'any number of'} characters`;
  return `valid (${what})`;
}

/** The first failing parameter, named, with what it must be; else Ajv's wording. */
function paramError(v: ValidateFunction, params: Map<string, { schema: Json; description: string }>, where: string): string {
  const e = v.errors?.[0];
  const name = e?.instancePath.replace(/^\//, '').split('/')[0];
  const p = name ? params.get(name) : undefined;
  if (name && p) return `${where} parameter ${name} must be ${expected(p.schema, p.description)}`;
  return `invalid ${where}: ${describeErrors(v.errors, where)}`;
}

interface Validators {
  query: ValidateFunction;
  path: ValidateFunction | undefined;
  body: { validate: ValidateFunction; required: boolean } | undefined;
}

interface CompiledOperation {
  params: Map<string, { schema: Json; description: string }>;
  queryNames: Set<string>;
  /** Compiled on first use: compiling all of them costs a service start ~200 ms of CPU. */
  validators(): Validators;
}

/** Ajv instances holding the document, made once per document and only when a request needs them. */
function lazyAjv(doc: OpenApiDocument) {
  let coercing: Ajv2020 | undefined;
  let exact: Ajv2020 | undefined;
  return { coercing: () => (coercing ??= documentAjv(doc, true)), exact: () => (exact ??= documentAjv(doc, false)) };
}

interface PathMatcher {
  template: string;
  regex: RegExp;
  names: string[];
  allow: string;
  ops: Partial<Record<Method, CompiledOperation>>;
}

function paramsSchema(params: Json[], where: 'query' | 'path'): { names: string[]; schema: Json } {
  const mine = params.filter((p) => p.in === where);
  return {
    names: mine.map((p) => String(p.name)),
    schema: {
      type: 'object',
      additionalProperties: false,
      properties: Object.fromEntries(mine.map((p) => [String(p.name), p.schema as Json])),
      required: mine.filter((p) => p.required).map((p) => String(p.name)),
    },
  };
}

function compilePath(template: string, item: PathItem, ajv: ReturnType<typeof lazyAjv>): PathMatcher {
  const names: string[] = [];
  const source = template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{([^}]+)\}/g, (_m, n: string) => (names.push(n), '([^/]+)'));
  const ops: PathMatcher['ops'] = {};
  for (const m of METHODS) {
    const op = item[m] as Operation | undefined;
    if (!op) continue;
    const params = op.parameters ?? [];
    const q = paramsSchema(params, 'query');
    const p = paramsSchema(params, 'path');
    const body = op.requestBody as { required?: boolean; content?: Record<string, { schema: Json }> } | undefined;
    const bodySchema = body?.content?.['application/json']?.schema;
    let compiled: Validators | undefined;
    ops[m] = {
      params: new Map(params.map((x) => [String(x.name), { schema: x.schema as Json, description: String(x.description ?? '') }])),
      queryNames: new Set(q.names),
      validators: () =>
        (compiled ??= {
          query: compileDocumentSchema(ajv.coercing(), q.schema),
          path: p.names.length ? compileDocumentSchema(ajv.coercing(), p.schema) : undefined,
          body: bodySchema ? { validate: compileDocumentSchema(ajv.exact(), bodySchema), required: body?.required === true } : undefined,
        }),
    };
  }
  const methods = Object.keys(ops).flatMap((m) => (m === 'get' ? ['GET', 'HEAD'] : [m.toUpperCase()]));
  return { template, regex: new RegExp(`^${source}$`), names, allow: methods.join(', '), ops };
}

const isEmptyBody = (b: unknown) => b === undefined || (typeof b === 'object' && b !== null && !Array.isArray(b) && Object.keys(b).length === 0);

export function requestValidator(doc: OpenApiDocument) {
  const ajv = lazyAjv(doc);
  // Literal paths first: /alerts/export before /alerts/{id}.
  const matchers = Object.entries(doc.paths)
    .map(([t, item]) => compilePath(t, item, ajv))
    .sort((a, b) => a.names.length - b.names.length);

  return (req: Request, res: Response, next: NextFunction): void => {
    const path = req.path.length > 1 ? req.path.replace(/\/$/, '') : req.path;
    let matcher: PathMatcher | undefined;
    let m: RegExpExecArray | null = null;
    for (const cand of matchers) if ((m = cand.regex.exec(path))) {
      matcher = cand;
      break;
    }
    if (!matcher || !m) return next();
    const method = (req.method === 'HEAD' ? 'get' : req.method.toLowerCase()) as Method;
    if (req.method === 'OPTIONS') {
      res.setHeader('Allow', matcher.allow);
      res.status(204).end();
      return;
    }
    const op = matcher.ops[method];
    if (!op) {
      res.setHeader('Allow', matcher.allow);
      return sendError(res, 405, 'method_not_allowed', `${req.method} is not allowed on ${matcher.template}; allowed: ${matcher.allow}`);
    }
    try {
      const v = op.validators();
      const raw = req.query as Record<string, unknown>;
      for (const [k, v] of Object.entries(raw)) {
        if (!op.queryNames.has(k)) throw badRequest(`unknown query parameter '${k.slice(0, 60)}'${op.queryNames.size ? ` (allowed: ${[...op.queryNames].join(', ')})` : ' (this operation takes none)'}`);
        if (typeof v !== 'string') throw badRequest(`query parameter '${k}' must be given once, as a plain value`);
      }
      // An empty value (?state=&host=, what a form sends for a filter left blank) means "not given".
      const given = Object.fromEntries(Object.entries(raw).filter(([, v]) => v !== ''));
      if (!v.query(given)) throw badRequest(paramError(v.query, op.params, 'query'));
      if (v.path) {
        const params: Record<string, string> = {};
        matcher.names.forEach((n, i) => (params[n] = decodeURIComponent(m![i + 1]!)));
        if (!v.path(params)) throw badRequest(paramError(v.path, op.params, 'path'));
      }
      if (v.body) {
        if (req.body === undefined && v.body.required) throw badRequest('this request needs a JSON body');
        const body = req.body ?? {};
        if (!v.body.validate(body)) throw badRequest(`invalid body: ${describeErrors(v.body.validate.errors)}`);
      } else if (!isEmptyBody(req.body)) {
        throw badRequest('this request takes no body (send {} or nothing)');
      }
    } catch (err) {
      if (err instanceof ApiError) return sendError(res, err.status, err.code, err.message);
      if (err instanceof URIError) return sendError(res, 400, 'bad_request', 'malformed percent-encoding in the path');
      throw err;
    }
    next();
  };
}
