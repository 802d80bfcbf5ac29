/**
 * `logward serve`: run the alert service until SIGINT/SIGTERM. Once listening it says what to do
 * next (where the dashboard and API are, which channels are off, how to send logs) and logs each
 * alert as it fires.
 */
import type { Command } from 'commander';
import type { AlertSignal, LogwardConfig } from '../../generated/schema-types.js';
import { loadConfigOrExit } from './load-config.js';
import { createLogger, type Logger } from '../../server/logger.js';
import { localServiceUrl } from './replay.js';

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1']);

/** The hints printed once the service listens: each one line, for a person setting it up. */
export function nextSteps(config: LogwardConfig, port: number): string[] {
  const url = localServiceUrl({ ...config, server: { ...config.server, port } });
  const s = config.server;
  const hasApiToken = Boolean(s.api_read_token || s.api_write_token || s.api_token);
  const local = LOOPBACK.has(s.host);
  const out: string[] = [];
  out.push(`dashboard: ${url}/   alerts as JSON: ${url}/api/alerts   metrics: ${url}/metrics`);
  if (!hasApiToken) {
    out.push(
      local
        ? 'API: open to this machine only (no API token set); set LOGWARD_SERVER_API_READ_TOKEN and LOGWARD_SERVER_API_WRITE_TOKEN to use it from elsewhere'
        : `API: no API token set, so it answers loopback clients only and every other host gets 401: set LOGWARD_SERVER_API_READ_TOKEN and LOGWARD_SERVER_API_WRITE_TOKEN`,
    );
  }
  const channels = Object.entries(config.alerting.channels as Record<string, { enabled?: boolean }>);
  const off = channels.filter(([, c]) => !c.enabled).map(([n]) => n);
  const on = channels.filter(([, c]) => c.enabled).map(([n]) => n);
  if (!config.alerting.enabled) out.push('alerting is off (alerting.enabled): alerts are only logged');
  else out.push(`channels on: ${on.length ? on.join(', ') : 'none'}; off: ${off.join(', ') || 'none'}${on.length ? '' : ' (alerts are kept and shown, not sent: enable one with e.g. LOGWARD_ALERTING_CHANNELS_EMAIL_ENABLED=true)'}`);
  if (!config.llm.enabled) out.push('LLM summaries: off (LOGWARD_LLM_ENABLED=true with an Ollama server at llm.host)');
  const token = config.ingest.tokens.length ? '<an ingest token>' : '(none needed on loopback)';
  out.push(`send logs: Fluent Bit with fluent-bit/linux/fluent-bit.yaml (LOGWARD_HOST, LOGWARD_PORT=${port}, LOGWARD_INGEST_TOKEN ${token}), or: logward replay --to ${url} ${config.ingest.tokens.length ? '--token <token> ' : ''}/var/log/auth.log`);
  return out;
}

/** One log entry per alert signal: the rule, its severity and what it is grouped on (attacker-written values stay fields). */
function alertLogger(logger: Logger): (s: AlertSignal) => void {
  return (s) => logger.warn({ alert: { rule_id: s.rule_id, severity: s.severity, host: s.host, group: s.group, count: s.count, source: s.source } }, `alert: ${s.title}`);
}

export function register(program: Command, deps: { loadConfig: () => LogwardConfig }): void {
  program
    .command('serve')
    .description('start the alert service (ingest, detection, alerting, API) on the configured address')
    .option('-p, --port <port>', 'listen port (overrides server.port)')
    .option('-H, --host <host>', 'listen address (overrides server.host)')
    .action(async (opts: { port?: string; host?: string }) => {
      const config = loadConfigOrExit(deps.loadConfig);
      if (opts.port !== undefined) config.server.port = Number(opts.port);
      if (opts.host !== undefined) config.server.host = opts.host;
      const logger = createLogger({ level: config.server.log_level, format: config.server.log_format });
      let service;
      try {
        // Imported here, not at the top: the offline commands (test-rule, analyze) share this program and should not load the whole service.
        const { createService } = await import('../../service.js');
        service = await createService(config, { logger, onAlert: alertLogger(logger) });
      } catch (err) {
        logger.fatal((err as Error).message);
        process.exit(2);
      }
      // Handlers go in before listening: a signal that arrives while starting must still shut down cleanly.
      let stopping = false;
      const shutdown = async (signal: string) => {
        if (stopping) return;
        stopping = true;
        logger.info(`${signal}: shutting down`);
        await listening.catch(() => undefined);
        await service.stop();
        process.exit(0);
      };
      process.on('SIGINT', () => void shutdown('SIGINT'));
      process.on('SIGTERM', () => void shutdown('SIGTERM'));
      const listening = service.listen();
      let port: number;
      try {
        port = await listening;
      } catch (err) {
        logger.fatal(`cannot listen on ${config.server.host}:${config.server.port}: ${(err as Error).message}`);
        process.exit(2);
      }
      if (stopping) return;
      logger.info(
        { host: config.server.host, port, store: config.storage.path, ingest: config.ingest.tokens.length ? 'token required' : 'open on loopback' },
        `logward listening on http://${config.server.host}:${port} (store ${config.storage.path}, ingest ${config.ingest.tokens.length ? 'token required' : 'open on loopback'})`,
      );
      for (const hint of nextSteps(config, port)) logger.info({ hint: true }, hint);
    });
}
