/**
 * The OpenAPI 3.1 document of /api/v1, built at start-up from the routes of the modules that
 * run (a module switched off contributes no paths, so the document matches the app), with
 * component schemas from schemas/. Served at /api/v1/openapi.json; the request validator
 * (request-validator.ts) checks every request against it.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../detect/ruleset.js';
import { ERROR_SCHEMA, errorResponses, type Json, type Paths } from './builders.js';
import { schemaComponents } from './components.js';
import { alertingPaths } from './paths-alerting.js';
import { anomalyPaths } from './paths-anomaly.js';
import { eventPaths } from './paths-events.js';
import { llmPaths } from './paths-llm.js';
import { metaPaths } from './paths-meta.js';
import { rulePaths } from './paths-rules.js';

export const API_VERSION = 'v1';
export const API_BASE = `/api/${API_VERSION}`;

/** Paths each module's router serves, by module name. */
const MODULE_PATHS: Record<string, Paths> = { alerting: alertingPaths, detect: rulePaths, anomaly: anomalyPaths, llm: llmPaths };

export function serviceVersion(): string {
  const pkg = JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8')) as { version?: string };
  return pkg.version ?? '0.0.0';
}

export interface OpenApiDocument extends Json {
  openapi: string;
  info: Json;
  paths: Paths;
  components: { schemas: Record<string, Json>; responses: Record<string, Json>; securitySchemes: Json };
}

export function buildOpenApiDocument(moduleNames: readonly string[]): OpenApiDocument {
  const paths: Paths = { ...eventPaths, ...metaPaths };
  for (const name of moduleNames) {
    for (const [p, item] of Object.entries(MODULE_PATHS[name] ?? {})) paths[p] = { ...paths[p], ...item };
  }
  const sorted = Object.fromEntries(Object.entries(paths).sort(([a], [b]) => a.localeCompare(b)));
  return {
    openapi: '3.1.0',
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    info: {
      title: 'Logward API',
      version: `${API_VERSION} (service ${serviceVersion()})`,
      description:
        'Events, alerts, rules, silences, anomaly detection and status of a Logward service. Every error is {error, message}; unknown query parameters are refused (400), and an empty value (?host=) counts as not given; a wrong method on a known path gets 405 with Allow. /api/... answers the same as /api/v1/... (an alias kept for older clients).',
    },
    servers: [{ url: API_BASE }],
    security: [{ bearer: [] }, {}],
    paths: sorted,
    components: {
      schemas: { ...schemaComponents(), Error: ERROR_SCHEMA },
      responses: errorResponses(),
      securitySchemes: {
        bearer: {
          type: 'http',
          scheme: 'bearer',
          description: 'server.api_read_token (GET) or server.api_write_token (everything). Without any API token, only loopback clients without proxy headers and with a loopback Host are answered.',
        },
      },
    },
  };
}
