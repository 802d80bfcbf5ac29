/**
 * `logward rules`: what the configured rule set loads, without starting the service. Active
 * rules by source and severity, Sigma rules skipped counted by reason (and filtered out by
 * rules.sigma_status / sigma_min_level), `--skipped` to list each one, `--json` for scripts.
 * Same loader as the service (detect/ruleset.ts). Exit code 0, or 2 when the rules do not load.
 */
import type { Command } from 'commander';
import type { LogwardConfig } from '../../generated/schema-types.js';
import { loadRuleSet, type RuleSet } from '../../detect/ruleset.js';
import { printable } from '../../detect/report.js';
import { skipSummary } from '../../detect/sigma/load.js';

export interface RulesReport {
  active: number;
  by_source: Record<string, number>;
  by_severity: Record<string, number>;
  disabled: string[];
  skipped_total: number;
  filtered_total: number;
  skipped_by_reason: Array<{ reason: string; count: number }>;
  filtered_by_reason: Array<{ reason: string; count: number }>;
  skipped?: RuleSet['skipped'];
  warnings: string[];
}

export function rulesReport(set: RuleSet, listSkipped: boolean): RulesReport {
  const count = (key: (r: RuleSet['rules'][number]) => string) => {
    const out: Record<string, number> = {};
    for (const r of set.rules) out[key(r)] = (out[key(r)] ?? 0) + 1;
    return out;
  };
  const summary = skipSummary(set.skipped);
  const strip = (kind: string) => summary.filter((s) => s.kind === kind).map(({ reason, count }) => ({ reason, count }));
  return {
    active: set.rules.length,
    by_source: count((r) => r.source),
    by_severity: count((r) => r.severity),
    disabled: set.disabled,
    skipped_total: set.skipped.filter((s) => s.kind === 'unsupported').length,
    filtered_total: set.skipped.filter((s) => s.kind === 'filtered').length,
    skipped_by_reason: strip('unsupported'),
    filtered_by_reason: strip('filtered'),
    ...(listSkipped ? { skipped: set.skipped } : {}),
    warnings: set.warnings,
  };
}

export function rulesText(r: RulesReport): string {
  const out: string[] = [];
  const pairs = (o: Record<string, number>) => Object.entries(o).map(([k, v]) => `${k} ${v}`).join(', ');
  out.push(`${r.active} rules active (${pairs(r.by_source)}); by severity: ${pairs(r.by_severity)}`);
  if (r.disabled.length) out.push(`${r.disabled.length} disabled by config: ${r.disabled.join(', ')}`);
  out.push(`${r.skipped_total} Sigma rules skipped (unsupported):`);
  for (const s of r.skipped_by_reason) out.push(`  ${String(s.count).padStart(5)}  ${printable(s.reason)}`);
  if (r.filtered_total) {
    out.push(`${r.filtered_total} Sigma rules filtered out by rules.sigma_status / sigma_min_level:`);
    for (const s of r.filtered_by_reason) out.push(`  ${String(s.count).padStart(5)}  ${printable(s.reason)}`);
  }
  if (r.skipped) {
    out.push('Skipped and filtered rules:');
    for (const s of r.skipped) out.push(`  ${printable(s.file)}: ${printable(s.title)}: ${s.kind}: ${printable(s.reason)}`);
  }
  for (const w of r.warnings) out.push(`warning: ${printable(w)}`);
  return out.join('\n');
}

export function register(program: Command, deps: { loadConfig: () => LogwardConfig }): void {
  program
    .command('rules')
    .description('load the configured rules (plugin modules, Sigma files, rules.sigma_dirs) and report what runs and what is skipped, by reason; exit 2 when the rules do not load')
    .option('--skipped', 'list every skipped or filtered Sigma rule with its reason')
    .option('--json', 'print the report as JSON')
    .action(async (o: { skipped?: boolean; json?: boolean }) => {
      try {
        const report = rulesReport(await loadRuleSet(deps.loadConfig().rules), o.skipped === true);
        process.stdout.write((o.json ? JSON.stringify(report, null, 2) : rulesText(report)) + '\n');
      } catch (err) {
        process.stderr.write(`rules: ${(err as Error).message}\n`);
        process.exitCode = 2;
      }
    });
}
