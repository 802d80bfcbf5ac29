/**
 * Composition root: builds the store, the modules and the HTTP server from one config, and
 * shuts them down in reverse order. Nothing else constructs long-lived parts.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AlertSignal, LogwardConfig } from './generated/schema-types.js';
import { systemClock, type Clock, type ServiceModule } from './pipeline/contracts.js';
import { openDatabase, type Db } from './store/database.js';
import { decodeStored, SqliteEventStore } from './store/sqlite-event-store.js';
import { createIngestHandler } from './ingest/route.js';
import { createDecodePool } from './ingest/decode-pool.js';
import { createIngestMetrics, createPipelineMetrics, createRegistry } from './server/metrics.js';
import { createApp } from './server/app.js';
import { EventPump } from './pipeline/event-pump.js';
import { PipelineHealth, reportingIngestCommits } from './pipeline/health.js';
import { pruneInSteps } from './pipeline/retention.js';
import { buildModules } from './modules.js';
import { createLogger, lineLog, requestLogger, type Logger } from './server/logger.js';

export interface ServiceOptions {
  clock?: Clock;
  /** The service's structured log (and the request log); default: a pino logger on stderr at server.log_level. */
  logger?: Logger;
  /** Plain-line log for tests; replaces the logger (and turns the request log off). */
  log?: (msg: string) => void;
  /** Called with each alert signal once alerting has recorded it (serve logs them). */
  onAlert?: (signal: AlertSignal) => void;
  /** Skip Node's default process metrics (tests that build many services). */
  defaultMetrics?: boolean;
}

export interface Service {
  readonly config: LogwardConfig;
  readonly db: Db;
  readonly store: SqliteEventStore;
  readonly pump: EventPump;
  readonly modules: readonly ServiceModule[];
  readonly app: ReturnType<typeof createApp>;
  /** undefined when the service logs through `log` (tests). */
  readonly logger: Logger | undefined;
  /** Starts listening; resolves with the bound port. */
  listen(): Promise<number>;
  stop(): Promise<void>;
}

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '::1']);
const PRUNE_INTERVAL_MS = 3_600_000;
/** Under Docker's 10 s between SIGTERM and SIGKILL, so the modules still get to flush. */
const SHUTDOWN_GRACE_MS = 8_000;

/** Refuses configurations that would expose an open ingest endpoint to the network. */
export function checkExposure(config: LogwardConfig): void {
  if (!config.ingest.tokens.length && !LOOPBACK_HOSTS.has(config.server.host)) {
    throw new Error(`config error: ingest.tokens is empty but server.host is ${config.server.host}: set LOGWARD_INGEST_TOKEN (at least 12 characters, e.g. openssl rand -hex 32) or listen on 127.0.0.1`);
  }
}

/**
 * Stops accepting and lets requests in progress finish. server.close() alone closes only the
 * connections idle at that moment: one busy then (Fluent Bit keeps its connections alive) would
 * hold shutdown for the whole keep-alive timeout. So idle connections are closed as requests
 * finish, and whatever still runs after the grace period is cut (Fluent Bit retries it).
 */
async function closeServer(s: Server): Promise<void> {
  const idle = setInterval(() => s.closeIdleConnections(), 50);
  const cut = setTimeout(() => s.closeAllConnections(), SHUTDOWN_GRACE_MS);
  await new Promise<void>((resolve) => s.close(() => resolve()));
  clearInterval(idle);
  clearTimeout(cut);
}

/** The SQLite file and the event store on it, as the service and the offline commands open them. */
export function openStore(config: LogwardConfig, log: (msg: string) => void): { db: Db; store: SqliteEventStore } {
  // NORMAL for the connection; the event store raises it to FULL around ingest commits when configured.
  const db = openDatabase({ path: config.storage.path, synchronous: 'NORMAL' });
  const store = new SqliteEventStore(db, {
    retentionDays: config.storage.retention_days,
    deadLetterRetentionDays: config.storage.dead_letter_retention_days,
    maxDeadLetters: config.storage.max_dead_letters,
    durableIngest: config.storage.synchronous === 'FULL',
    // The service answers ingest after store.durable() (commit-batch.ts): the fsync need not block detection.
    deferIngestSync: true,
    checkpointOffThread: true,
    log,
  });
  return { db, store };
}

export async function createService(config: LogwardConfig, opts: ServiceOptions = {}): Promise<Service> {
  const clock = opts.clock ?? systemClock;
  const logger = opts.log ? undefined : (opts.logger ?? createLogger({ level: config.server.log_level, format: config.server.log_format }));
  const log = opts.log ?? lineLog(logger!);
  checkExposure(config);

  const { db, store } = openStore(config, log);
  const registry = createRegistry(opts.defaultMetrics ?? true);
  const pipelineMetrics = createPipelineMetrics(registry);

  const modules = await buildModules({ config, db, store, clock, log, registry, ...(opts.onAlert ? { onAlert: opts.onAlert } : {}) });
  const consumers = modules.flatMap((m) => (m.consumer ? [m.consumer] : []));
  const health = new PipelineHealth(clock);
  // Not fed until the modules have started (detection restores its windows first).
  // Ingest holds chunks while the pump's handoff is full, and the pump pokes it once it drained.
  let pokeIngest = () => {};
  const pump = new EventPump(store, consumers, pipelineMetrics, { log, health, decode: decodeStored, onRoom: () => pokeIngest() }, false);

  let started = false;
  const decoder = createDecodePool({ ingest: config.ingest, normalize: config.normalize }, config.ingest.decode_workers, log);
  const ingest = createIngestHandler({
    config: config.ingest,
    store: reportingIngestCommits(store, health, () => pipelineMetrics.storeWriteErrors.inc({ write: 'ingest_commit' })),
    decoder,
    metrics: createIngestMetrics(registry),
    backlog: () => pump.backlog(),
    // The consumers get objects, decoded once from what ingest encoded, when the pump feeds them.
    onStored: (stored) => void pump.offerEncoded(stored),
    downstreamRoom: () => pump.hasRoom(),
    log,
  });
  pokeIngest = ingest.poke;
  const app = createApp({
    ingest,
    registry,
    store,
    modules,
    apiTokens: { read: config.server.api_read_token, write: config.server.api_write_token ?? config.server.api_token },
    db,
    log,
    notReady: () => {
      if (!started) return 'starting';
      const unhealthy = health.notReady();
      if (unhealthy) return unhealthy;
      const backlog = pump.backlog();
      return backlog > config.ingest.max_backlog ? `detection backlog of ${backlog} events` : undefined;
    },
  });

  let server: Server | undefined;
  let pruneTimer: NodeJS.Timeout | undefined;
  let pruning: Promise<void> | undefined;
  let stopping = false;

  // Retention in steps of at most 5,000 rows sized to ~25 ms each, yielding between them (never one long DELETE).
  const prune = () => {
    pruning ??= pruneInSteps(store, {
      batchRows: 5000,
      targetStepMs: 25,
      now: () => clock.now(),
      consumedThrough: () => pump.persistedThrough(),
      onStep: (n) => pipelineMetrics.pruned.inc(n),
      stopped: () => stopping,
    })
      .then(
        () => undefined,
        (err: unknown) => log(`retention prune failed: ${(err as Error).message}`),
      )
      .finally(() => (pruning = undefined));
  };

  return {
    config,
    db,
    store,
    pump,
    modules,
    app,
    logger,
    async listen() {
      // Listen first: /healthz answers and /readyz says "starting" while the modules start.
      // Node checks the header and request timeouts only every connectionsCheckingInterval (30 s
      // by default): check every second, so a stalled client is cut when its time is up.
      const httpLog = logger ? requestLogger(logger) : undefined;
      server = createServer({ connectionsCheckingInterval: 1000 }, httpLog ? (req, res) => (httpLog(req, res), app(req, res)) : app);
      // Longer than Fluent Bit's 30 s keep-alive idle timeout, so the agent never writes to a socket we closed.
      server.keepAliveTimeout = config.server.keep_alive_timeout_s * 1000;
      // From a request's first byte (an idle kept-alive connection is not timed by these): the
      // headers, then the whole request, must arrive in time, else 408 and the connection closes.
      // The ingest route also cuts a body arriving below ingest.min_body_rate_bytes_per_s.
      server.headersTimeout = config.ingest.headers_timeout_s * 1000;
      server.requestTimeout = Math.max(config.ingest.body_timeout_s, config.ingest.headers_timeout_s) * 1000 + 1000;
      await new Promise<void>((resolve, reject) => {
        server!.once('error', reject);
        server!.listen(config.server.port, config.server.host, () => resolve());
      });
      for (const m of modules) await m.start?.();
      started = true;
      void pump.start(); // whatever was stored before a restart (or during start-up) and not yet analysed
      prune();
      pruneTimer = setInterval(prune, PRUNE_INTERVAL_MS).unref();
      return (server.address() as AddressInfo).port;
    },
    async stop() {
      stopping = true;
      if (pruneTimer) clearInterval(pruneTimer);
      if (server) await closeServer(server);
      await decoder.close();
      await pruning;
      await pump.stop();
      for (const m of [...modules].reverse()) await m.stop?.();
      await store.close();
      db.close();
    },
  };
}
