/**
 * `logward config`: the effective configuration after file, .env and environment, with secrets
 * masked, or the first error naming the key. For checking a deployment before starting it.
 */
import type { Command } from 'commander';
import type { LogwardConfig } from '../../generated/schema-types.js';

/** Keys whose values are credentials: shown as "***" (set) so they never reach a terminal or a ticket. */
const SECRET_KEY = /(^|_)(token|tokens|pass|password|secret|webhook_url|refresh_token|access_token|client_secret)$/;

/** Settings secret by where they are, not by their name: a generic webhook's URL often carries a token. */
const SECRET_PATHS = new Set(['alerting.channels.webhook.url']);

export function maskSecrets(value: unknown, key = '', path = key): unknown {
  if ((SECRET_KEY.test(key) || SECRET_PATHS.has(path)) && value !== undefined && value !== null && value !== '') {
    return Array.isArray(value) ? value.map(() => '***') : '***';
  }
  if (Array.isArray(value)) return value.map((v) => maskSecrets(v, '', path));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, maskSecrets(v, k, path ? `${path}.${k}` : k)]));
  return value;
}

export function register(program: Command, deps: { loadConfig: () => LogwardConfig }): void {
  program
    .command('config')
    .description('print the effective configuration (secrets masked) and exit; exit 2 with the offending key when it is invalid')
    .action(() => {
      try {
        process.stdout.write(JSON.stringify(maskSecrets(deps.loadConfig()), null, 2) + '\n');
      } catch (err) {
        console.error((err as Error).message);
        process.exit(2);
      }
    });
}
