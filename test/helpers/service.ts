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

export async function startTestService(overrides: Overrides = {}, opts: { clock?: Clock; dir?: string } = {}): Promise<TestService> {
  const dir = opts.dir ?? mkdtempSync(join(tmpdir(), 'logward-test-'));
  const config = loadConfig({
    env: {},
    overrides: { ...overrides, storage: { path: join(dir, 'logward.db'), synchronous: 'NORMAL', ...overrides.storage }, server: { port: 0, ...overrides.server } },
  });
  const logs: string[] = [];
  const service = await createService(config, { defaultMetrics: false, log: (m) => logs.push(m), ...(opts.clock ? { clock: opts.clock } : {}) });
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

export const SHARED = join(import.meta.dirname, '..', '..', '..', 'shared');
