/** `logward serve`: run the alert service until SIGINT/SIGTERM. */
import type { Command } from 'commander';
import type { LogwardConfig } from '../../generated/schema-types.js';
import { createService } from '../../service.js';

export function register(program: Command, deps: { loadConfig: () => LogwardConfig }): void {
  program
    .command('serve')
    .description('start the alert service (ingest, detection, alerting, API) on the configured address')
    .option('-p, --port <port>', 'listen port (overrides server.port)')
    .option('-H, --host <host>', 'listen address (overrides server.host)')
    .action(async (opts: { port?: string; host?: string }) => {
      let config: LogwardConfig;
      try {
        config = deps.loadConfig();
      } catch (err) {
        console.error((err as Error).message);
        process.exit(2);
      }
      if (opts.port !== undefined) config.server.port = Number(opts.port);
      if (opts.host !== undefined) config.server.host = opts.host;
      let service;
      try {
        service = await createService(config);
      } catch (err) {
        console.error((err as Error).message);
        process.exit(2);
      }
      // Handlers go in before listening: a signal that arrives while starting must still shut down cleanly.
      let stopping = false;
      const shutdown = async (signal: string) => {
        if (stopping) return;
        stopping = true;
        console.error(`${signal}: shutting down`);
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
        console.error(`cannot listen on ${config.server.host}:${config.server.port}: ${(err as Error).message}`);
        process.exit(2);
      }
      if (!stopping) console.error(`logward listening on http://${config.server.host}:${port} (store ${config.storage.path}, ingest ${config.ingest.tokens.length ? 'token required' : 'open on loopback'})`);
    });
}
