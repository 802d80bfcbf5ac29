/**
 * `logward analyze <logfile...> --out <dir> --format json,csv [--rules ...] [--window 300] [--threshold 3]`
 * One-shot batch run of the detection rules over log files (what the seeds' batch analyzers did),
 * with the service's normalizer and rule engine. Writes alerts.json / alerts.csv, prints a summary.
 * Exit code: 0 no alerts, 1 alerts found, 2 error.
 */
import { mkdirSync, writeFileSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import type { AlertSignal, LogEvent, LogwardConfig, SourceKind } from '../../generated/schema-types.js';
import { openLogFile, readScope, type InputLine } from '../../detect/input.js';
import { describeCoverage, RuleCoverage, type FileCoverage } from '../../detect/coverage.js';
import { limitsFrom, loadRuleSet, resolveFromRoot, type RuleSet } from '../../detect/ruleset.js';
import { eventTimeMs } from '../../detect/engine.js';
import { mergeByTime, runDetectionStream } from '../../detect/run.js';
import { alertsToCsv, countByRule, groupKey, printable, type AlertReport } from '../../detect/report.js';

export interface AnalyzeOptions {
  files: string[];
  out: string;
  formats: Array<'json' | 'csv'>;
  /** Rule ids and/or rule files (.ts / .yml); empty: every configured rule. */
  rules?: string[];
  window?: number;
  threshold?: number;
  kind?: SourceKind;
  host?: string;
  receivedAt?: Date;
}

export interface AnalyzeResult {
  exitCode: 0 | 1 | 2;
  signals: AlertSignal[];
  written: string[];
  summary: string;
  /** Per input file: kind (and how it was decided), counts, the rules that apply and matched. */
  files: FileCoverage[];
}

const KINDS = ['auth', 'syslog', 'web_access', 'web_error', 'app', 'windows'];

/** Rejects an unknown --kind: read as nothing known, every line would miss and the run would report "no alerts". */
export function checkKind(kind: string | undefined): void {
  if (kind !== undefined && !KINDS.includes(kind)) throw new Error(`--kind must be one of ${KINDS.join(', ')} (got "${kind}")`);
}

/** Loads the rules a --rules list names: files are loaded as given, ids filter the configured set. */
export async function selectRules(config: LogwardConfig, names: readonly string[] | undefined, global: { window_s?: number; threshold?: number }): Promise<RuleSet> {
  const files = (names ?? []).filter((n) => /\.(ts|mts|js|mjs|ya?ml)$/i.test(n));
  const ids = (names ?? []).filter((n) => !files.includes(n));
  for (const f of files) if (!existsSync(f)) throw new Error(`rule file ${f} does not exist`);
  const opts = { ...(Object.keys(global).length ? { global } : {}) };
  if (!files.length && ids.length) {
    const quick = await loadByFileName(config, ids, opts);
    if (quick) return quick;
  }
  const fromFiles = files.length ? await loadRuleSet(config.rules, { ...opts, files: files.map((f) => resolve(f)) }) : undefined;
  if (!ids.length) return fromFiles ?? loadRuleSet(config.rules, opts);
  const set = await loadRuleSet(config.rules, opts);
  const unknown = ids.filter((id) => !set.rules.some((r) => r.id === id));
  if (unknown.length) throw new Error(`unknown rule id(s): ${unknown.join(', ')} (known: ${set.rules.map((r) => r.id).join(', ')})`);
  const picked = set.rules.filter((r) => ids.includes(r.id));
  if (!fromFiles) return { ...set, rules: picked };
  // Both: the files' rules plus the configured rules named by id.
  const clash = picked.find((r) => fromFiles.rules.some((f) => f.id === r.id));
  if (clash) throw new Error(`rule id ${clash.id} is both named and defined in ${fromFiles.rules.find((f) => f.id === clash.id)!.file}`);
  return { ...fromFiles, rules: [...fromFiles.rules, ...picked] };
}

/**
 * Rule ids named like their module (plugin/rules/ssh-brute-force.ts): only those modules are
 * loaded (same loader, overrides and checks), not the other modules and every Sigma file, which
 * take seconds. Undefined when an id has no such file or the file defines another rule (then
 * the whole configured set is loaded and searched).
 */
async function loadByFileName(config: LogwardConfig, ids: readonly string[], opts: { global?: { window_s?: number; threshold?: number } }): Promise<RuleSet | undefined> {
  const dir = resolveFromRoot(config.rules.dir ?? 'plugin/rules');
  const files: string[] = [];
  for (const id of ids) {
    if (!/^[a-z0-9][a-z0-9._-]{0,99}$/.test(id) || id.includes('..')) return undefined;
    const file = ['.ts', '.mts', '.js', '.mjs'].map((ext) => join(dir, id + ext)).find((f) => existsSync(f));
    if (!file) return undefined;
    files.push(file);
  }
  const set = await loadRuleSet(config.rules, { ...opts, files });
  const loaded = set.rules.map((r) => r.id);
  if (loaded.length !== ids.length || !ids.every((id) => loaded.includes(id))) return undefined;
  // overrides and disabled entries for the rules not loaded here are not mistakes
  return { ...set, warnings: set.warnings.filter((w) => !/no rule with (?:that )?id/.test(w)) };
}

export async function runAnalyze(config: LogwardConfig, opts: AnalyzeOptions): Promise<AnalyzeResult> {
  const global = { ...(opts.window !== undefined ? { window_s: opts.window } : {}), ...(opts.threshold !== undefined ? { threshold: opts.threshold } : {}) };
  checkKind(opts.kind);
  const ruleSet = await selectRules(config, opts.rules, global);
  for (const file of opts.files) if (!existsSync(file)) throw new Error(`log file ${file} does not exist`);
  const readOpts = {
    normalize: config.normalize,
    ...readScope(ruleSet.rules),
    ...(opts.kind ? { kind: opts.kind } : {}),
    ...(opts.host ? { host: opts.host } : {}),
    ...(opts.receivedAt ? { receivedAt: opts.receivedAt } : {}),
  };
  const inputs = opts.files.map((f) => openLogFile(f, readOpts));
  const coverage = new RuleCoverage(ruleSet.rules);
  for (const i of inputs) coverage.add(i.path, i.kind, i.kindFrom);
  // Files streamed and merged by event time; `current` is the file of the event being processed
  // (the engine handles one event before the next is read), for the per-file match counts.
  let current = '';
  function* events(): Generator<LogEvent> {
    const streams = inputs.map((i) => tagged(i.path, i.lines()));
    for (const { file, line } of mergeByTime(streams, (x) => (x.line.event ? eventTimeMs(x.line.event.time) : NaN))) {
      coverage.line(file, line.error === undefined);
      if (line.skipped) coverage.skip(file);
      if (!line.event) continue;
      coverage.event(file, line.event);
      current = file;
      yield line.event;
    }
  }
  const { signals, metrics } = runDetectionStream(events(), ruleSet.rules, { limits: limitsFrom(config.rules), onMatch: (rule) => coverage.match(current, rule.id) });
  const files = coverage.report();
  const by_rule = countByRule(signals);
  const written: string[] = [];
  mkdirSync(opts.out, { recursive: true });
  const reportInputs = files.map((f) => ({ file: f.file, lines: f.lines, events: f.events, unparsed: f.unparsed, skipped: f.skipped, kind: f.kind, kind_from: f.kind_from, rules_applied: f.rules_applied, matched: f.matched }));
  if (opts.formats.includes('json')) {
    const report: AlertReport = { generated_at: new Date().toISOString(), inputs: reportInputs, rules: ruleSet.rules.length, alerts: signals, by_rule };
    const path = join(opts.out, 'alerts.json');
    writeFileSync(path, JSON.stringify(report, null, 2) + '\n');
    written.push(path);
  }
  if (opts.formats.includes('csv')) {
    const path = join(opts.out, 'alerts.csv');
    writeFileSync(path, alertsToCsv(signals));
    written.push(path);
  }
  const totalLines = files.reduce((n, i) => n + i.lines, 0);
  const totalEvents = files.reduce((n, i) => n + i.events, 0);
  const lines = [
    `analyzed ${totalLines} lines from ${files.length} file(s): ${totalEvents} events, ${files.reduce((n, i) => n + i.unparsed, 0)} unparsed; ${ruleSet.rules.length} rules`,
    ...files.flatMap((f) => describeCoverage(f, printable)),
    ...lateWarning(metrics.late_dropped_total, config),
    ...ruleSet.skipped.map((s) => `skipped Sigma rule "${s.title}" (${s.file}): ${s.reason}`),
    `${signals.length} alert(s)${signals.length ? ':' : ''}`,
    ...signals.map((s) => `  [${s.severity}] ${s.rule_id} ${printable(groupKey(s.group))} count=${s.count} ${s.first_seen} → ${s.last_seen}`),
    ...(Object.keys(by_rule).length ? ['by rule: ' + Object.entries(by_rule).map(([r, n]) => `${r}=${n}`).join(', ')] : []),
    ...written.map((w) => `wrote ${w}`),
  ];
  return { exitCode: signals.length ? 1 : 0, signals, written, summary: lines.join('\n'), files };
}

function* tagged(file: string, lines: Iterator<InputLine>): Generator<{ file: string; line: InputLine }> {
  for (let r = lines.next(); !r.done; r = lines.next()) yield { file, line: r.value };
}

/** Events dropped as too late are no silent loss: say how many and what to do. */
export function lateWarning(dropped: number, config: LogwardConfig): string[] {
  if (!dropped) return [];
  return [`warning: ${dropped} events came more than rules.allowed_lateness_s (${config.rules.allowed_lateness_s ?? 600} s) after newer events of their group and were not counted; sort the file by time or raise rules.allowed_lateness_s`];
}

export function positiveInt(name: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name} must be a positive integer, got "${v}"`);
  return n;
}

/** Usage errors (unknown option, missing argument) exit 2 like every other error; help exits 0. */
export function exitTwoOnUsageError(err: { exitCode: number }): never {
  process.exit(err.exitCode === 0 ? 0 : 2);
}

export function register(program: Command, deps: { loadConfig: () => LogwardConfig }): void {
  program
    .command('analyze')
    .description('Run the detection rules over log files once and write alert reports (exit 1 when alerts were found, 0 none, 2 error)')
    .argument('<logfile...>', 'raw log files (auth, syslog, nginx/apache, app logs), Fluent Bit JSON lines or a JSON array of records')
    .requiredOption('--out <dir>', 'directory for alerts.json / alerts.csv')
    .exitOverride(exitTwoOnUsageError)
    .option('--format <list>', 'report formats: json, csv or json,csv', 'json,csv')
    .option('--rules <list>', 'comma-separated rule ids and/or rule files (.ts, .yml); default: all configured rules')
    .option('--window <seconds>', 'window length in seconds for every windowed rule')
    .option('--threshold <n>', 'threshold for every windowed rule')
    .option('--kind <kind>', `source kind of raw lines (${KINDS.join(', ')}); default: from the file name, else from its content`)
    .option('--host <name>', 'host for lines that do not name one (web and app logs; default "unknown")')
    .action(async (files: string[], o: { out: string; format: string; rules?: string; window?: string; threshold?: string; kind?: string; host?: string }) => {
      try {
        const formats = o.format.split(',').map((f) => f.trim().toLowerCase()).filter(Boolean);
        const bad = formats.filter((f) => f !== 'json' && f !== 'csv');
        if (bad.length || !formats.length) throw new Error(`--format takes json, csv or json,csv (got "${o.format}")`);
        const window = positiveInt('--window', o.window);
        const threshold = positiveInt('--threshold', o.threshold);
        const result = await runAnalyze(deps.loadConfig(), {
          files,
          out: o.out,
          formats: formats as Array<'json' | 'csv'>,
          ...(o.rules ? { rules: o.rules.split(',').map((s) => s.trim()).filter(Boolean) } : {}),
          ...(window !== undefined ? { window } : {}),
          ...(threshold !== undefined ? { threshold } : {}),
          ...(o.kind ? { kind: o.kind as SourceKind } : {}),
          ...(o.host ? { host: o.host } : {}),
        });
        process.stdout.write(result.summary + '\n');
        process.exitCode = result.exitCode;
      } catch (err) {
        process.stderr.write(`analyze: ${(err as Error).message}\n`);
        process.exitCode = 2;
      }
    });
}
