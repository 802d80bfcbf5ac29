/**
 * `logward` command line. Each command lives in cli/commands/ and registers itself. Only the
 * module of the command asked for is loaded (all of them for help or an unknown name): `serve`
 * and `backup` pull in the service and SQLite, which an offline `test-rule` never needs.
 */
import { Command } from 'commander';
import { loadConfig } from '../config/load.js';
import { packageVersion } from '../util/package-version.js';
import { requestedCommand } from './requested-command.js';
import type { LogwardConfig } from '../generated/schema-types.js';

export { requestedCommand };

type Register = (program: Command, deps: { loadConfig: () => LogwardConfig }) => void;

/** In the order help lists them. */
const COMMANDS: ReadonlyArray<[string, () => Promise<{ register: Register }>]> = [
  ['serve', () => import('./commands/serve.js')],
  ['test-rule', () => import('./commands/test-rule.js')],
  ['analyze', () => import('./commands/analyze.js')],
  ['config', () => import('./commands/config.js')],
  ['rules', () => import('./commands/rules.js')],
  ['anomaly', () => import('./commands/anomaly.js')],
  ['replay', () => import('./commands/replay.js')],
  ['backup', () => import('./commands/backup.js')],
];

export async function buildProgram(argv: readonly string[] = process.argv.slice(2)): Promise<Command> {
  const program = new Command('logward')
    .description('Log analysis and alerting: Fluent Bit in, detections, anomalies and alerts out')
    .option('-c, --config <file>', 'config file (YAML or JSON); also LOGWARD_CONFIG')
    .version(packageVersion(), '-V, --version')
    .showHelpAfterError()
    // A usage error exits 2, like every other error: 1 means "alerts found" (analyze, test-rule).
    .exitOverride((err) => process.exit(err.exitCode === 0 ? 0 : 2));
  const deps = {
    loadConfig: () => {
      const file = program.opts<{ config?: string }>().config;
      return loadConfig({ dotenvPath: '.env', ...(file ? { file } : {}) });
    },
  };
  const asked = requestedCommand(argv);
  const wanted = COMMANDS.filter(([name]) => name === asked);
  for (const [, load] of wanted.length ? wanted : COMMANDS) (await load()).register(program, deps);
  return program;
}

await (await buildProgram()).parseAsync(process.argv);
