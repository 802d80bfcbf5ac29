/**
 * `logward` command line. Each command lives in cli/commands/ and registers itself.
 */
import { Command } from 'commander';
import { loadConfig } from '../config/load.js';
import { packageVersion } from '../server/metrics.js';
import { register as registerServe } from './commands/serve.js';
import { register as registerTestRule } from './commands/test-rule.js';
import { register as registerAnalyze } from './commands/analyze.js';
import { register as registerConfig } from './commands/config.js';
import { register as registerAnomaly } from './commands/anomaly.js';
import { register as registerRules } from './commands/rules.js';
import { register as registerReplay } from './commands/replay.js';
import { register as registerBackup } from './commands/backup.js';

export function buildProgram(): Command {
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
  for (const register of [registerServe, registerTestRule, registerAnalyze, registerConfig, registerRules, registerAnomaly, registerReplay, registerBackup]) register(program, deps);
  return program;
}

await buildProgram().parseAsync(process.argv);
