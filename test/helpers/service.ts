/** Builds a real service on a temporary SQLite file for tests; nothing is mocked. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, type LogwardConfig } from '../../alert-service/src/config/load.js';
import { createService, type Service } from '../../alert-service/src/service.js';
import type { Clock } from '../../alert-service/src/pipeline/contracts.js';

export interface TestService {
  service: Service;
  config: LogwardConfig;
  dir: string;
  close(): Promise<void>;
}

type Overrides = { [K in keyof LogwardConfig]?: Partial<LogwardConfig[K]> };

export async function startTestService(overrides: Overrides = {}, opts: { clock?: Clock; dir?: string; log?: (m: string) => void } = {}): Promise<TestService> {
  const dir = opts.dir ?? mkdtempSync(join(tmpdir(), 'logward-test-'));
  const config = loadConfig({
    env: {},
    overrides: { ...overrides, storage: { path: join(dir, 'logward.db'), synchronous: 'NORMAL', ...overrides.storage }, server: { port: 0, ...overrides.server } },
  });
  const logs: string[] = [];
  const service = await createService(config, { defaultMetrics: false, log: opts.log ?? ((m) => logs.push(m)), ...(opts.clock ? { clock: opts.clock } : {}) });
  return {
    service,
    config,
    dir,
    async close() {
      await service.stop();
      if (!opts.dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}

export { FIXTURES } from './paths.js';

export interface RawResponse {
  status: number;
  text: string;
  body: Record<string, unknown>;
  headers: Headers;
}

/**
 * POSTs bytes exactly as given over a real socket. (supertest re-serializes a Buffer as JSON
 * when Content-Type is application/json, which would hide what Fluent Bit really sends.)
 */
export async function postRaw(baseUrl: string, path: string, headers: Record<string, string>, body: Buffer | string): Promise<RawResponse> {
  const res = await fetch(baseUrl + path, { method: 'POST', headers, body });
  const text = await res.text();
  let parsed: Record<string, unknown> = {};
  try {
    parsed = text ? (JSON.parse(text) as Record<string, unknown>) : {};
  } catch {
    /* non-JSON body: tests look at text */
  }
  return { status: res.status, text, body: parsed, headers: res.headers };
}
