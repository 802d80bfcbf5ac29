/**
 * `logward replay <file...>`: send log files to a service as the repo's Fluent Bit agent would
 * (tail records, gzip JSON array chunks, retries with the scheduler's backoff). For demos, for
 * loading a log kept from an incident, and for checking an ingest token end to end.
 */
import type { Command } from 'commander';
import type { LogwardConfig } from '../../generated/schema-types.js';
import { replayFiles, ReplayError } from '../../agent/replay.js';

/** The service the local config describes, as a client reaches it (a wildcard address is reached on loopback). */
export function localServiceUrl(config: LogwardConfig): string {
  const host = ['0.0.0.0', '::', ''].includes(config.server.host) ? '127.0.0.1' : config.server.host;
  return `http://${host.includes(':') ? `[${host}]` : host}:${config.server.port}`;
}

export function register(program: Command, deps: { loadConfig: () => LogwardConfig }): void {
  program
    .command('replay')
    .description('send log files to the service the way Fluent Bit (fluent-bit/linux/fluent-bit.yaml) would: tail records, gzip JSON chunks, retries with backoff')
    .argument('<file...>', 'log files; the tail input whose path matches the file (or its name: auth.log, syslog, access.log, error.log, *.log) sets tag and source_kind')
    .option('--to <url>', 'service URL (default: the local config\'s server.host and server.port)')
    .option('--token <token>', 'ingest token (default: $LOGWARD_INGEST_TOKEN or the config\'s first ingest.tokens)')
    .option('--hostname <name>', 'host name put on every record, as ${HOSTNAME} on the agent (default: this machine\'s)')
    .option('--retry-limit <n>', 'retries of one chunk before it is given up (the agent config has no_limits)', '5')
    .action(async (files: string[], opts: { to?: string; token?: string; hostname?: string; retryLimit: string }) => {
      let url = opts.to;
      let token = opts.token ?? process.env.LOGWARD_INGEST_TOKEN;
      if (!url || !token) {
        try {
          const config = deps.loadConfig();
          url ??= localServiceUrl(config);
          token ??= config.ingest.tokens[0];
        } catch (err) {
          if (!url) {
            console.error((err as Error).message);
            process.exit(2);
          }
        }
      }
      const retryLimit = Number(opts.retryLimit);
      if (!Number.isInteger(retryLimit) || retryLimit < 0) {
        console.error(`--retry-limit must be a whole number, got ${opts.retryLimit}`);
        process.exit(2);
      }
      try {
        const result = await replayFiles(files, {
          url: url!,
          ...(token ? { token } : {}),
          ...(opts.hostname ? { hostname: opts.hostname } : {}),
          settings: { retryLimit },
          onAnswer: (a) => {
            if (a.retryInS !== undefined) console.error(`${a.chunk.tag}: ${a.status ? `HTTP ${a.status}` : a.error ?? 'no answer'}, retry ${a.attempt + 1} in ${a.retryInS} s`);
            else if (a.status < 200 || a.status > 205) console.error(`${a.chunk.tag}: ${a.status ? `HTTP ${a.status}` : a.error ?? 'no answer'}, chunk of ${a.chunk.records} records given up`);
          },
        });
        for (const f of result.files) console.error(`${f.file}: ${f.records} records as ${f.tag}${f.skippedLongLines ? ` (${f.skippedLongLines} lines over buffer_max_size skipped)` : ''}`);
        const total = result.files.reduce((a, f) => a + f.records, 0);
        console.error(`sent ${result.sentRecords} of ${total} records in ${result.sent} chunks to ${url}${result.retries ? ` (${result.retries} retries)` : ''}`);
        if (result.dropped.length) {
          const statuses = [...new Set(result.dropped.map((d) => d.status))];
          if (statuses.includes(401)) console.error('401: the token is not one of the service\'s ingest tokens (--token, LOGWARD_INGEST_TOKEN)');
          process.exit(2);
        }
      } catch (err) {
        if (!(err instanceof ReplayError)) throw err;
        console.error(err.message);
        process.exit(2);
      }
    });
}
