/**
 * Which modules the service runs, in start order: alerting first (detectors emit into it),
 * then the detectors that consume events. Each is switched by its config section's `enabled`.
 */
import type { Registry } from 'prom-client';
import type { LogwardConfig } from './generated/schema-types.js';
import type { Clock, ServiceModule } from './pipeline/contracts.js';
import type { Db } from './store/database.js';
import type { EventStore } from './store/event-store.js';

export interface ModuleDeps {
  config: LogwardConfig;
  db: Db;
  store: EventStore;
  clock: Clock;
  log: (msg: string) => void;
  registry: Registry;
}

export async function buildModules(_deps: ModuleDeps): Promise<ServiceModule[]> {
  return [];
}
