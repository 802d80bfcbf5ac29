/**
 * `logward test-rule <rule> <logfile>`: like fail2ban-regex / wazuh-logtest. Shows which lines a
 * rule matched, what it extracted, which alerts would fire and with what counts. <rule> is a rule
 * id of the configured rules, or a rule file (.ts module or Sigma .yml, all rules in it).
 * Same normalizer, rule loader and engine as the service.
 * Exit code: 0 no alert would fire, 1 alerts would fire, 2 error.
 */
import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import type { AlertSignal, LogwardConfig, SourceKind } from '../../generated/schema-types.js';
import type { CompiledRule } from '../../detect/compiled.js';
import { openLogFile, readScope, type InputLine } from '../../detect/input.js';
import { describeCoverage, RuleCoverage } from '../../detect/coverage.js';
import { limitsFrom } from '../../detect/ruleset.js';
import { detectionStream } from '../../detect/run.js';
import { groupKey, printable } from '../../detect/report.js';
import { checkKind, exitTwoOnUsageError, lateWarning, positiveInt, selectRules } from './analyze.js';

export interface TestRuleOptions {
  rule: string;
  file: string;
  kind?: SourceKind;
  host?: string;
  window?: number;
  threshold?: number;
  /** Matched lines listed per rule (all are counted). */
  maxLines?: number;
  /** Also list lines no tested rule matched (like fail2ban-regex --print-all-missed). */
  showMissed?: boolean;
  receivedAt?: Date;
}

export interface RuleTestReport {
  rule: { id: string; title: string; severity: string; file: string; fire: string };
  matched: number;
  lines: Array<{ line: number; time: string; extracted: Record<string, unknown>; text: string }>;
  groups: Record<string, number>;
  alerts: AlertSignal[];
}

export interface TestRuleResult {
  exitCode: 0 | 1 | 2;
  /** `unparsed` lists the first 1000 unparsed lines; `skipped` counts lines no tested rule reads (their program); kind is how raw lines were read and kind_from how it was decided. */
  input: { file: string; lines: number; parsed: number; unparsed: Array<{ line: number; error: string }>; skipped: number; kind: string; kind_from: string; rules_applied: string[] };
  rules: RuleTestReport[];
  skipped: Array<{ file: string; title: string; reason: string }>;
  /** Lines no tested rule matched (count, and up to maxLines of them). */
  missed: { count: number; lines: Array<{ line: number; text: string }> };
  text: string;
}

export function describeFire(r: CompiledRule): string {
  const f = r.fire;
  const by = f.groupBy.length ? `grouped by ${f.groupBy.join(', ')}` : 'one group';
  const quiet = `quiet ${f.quietMs / 1000}s`;
  switch (f.mode) {
    case 'single':
      return `every matching event, ${by}, ${quiet}`;
    case 'count':
      return `≥ ${f.threshold} events within ${f.windowMs / 1000}s, ${by}, ${quiet}`;
    case 'distinct':
      return `≥ ${f.threshold} distinct ${f.distinctField} within ${f.windowMs / 1000}s, ${by}, ${quiet}`;
    case 'sequence':
      return `${f.ordered ? 'in order' : 'in any order'}: ${f.steps.map((s) => `${s.name}×${s.min}`).join(' → ')} within ${f.windowMs / 1000}s, ${by}, ${quiet}`;
  }
}

const clip = (s: string, n: number) => (s.length > n ? s.slice(0, n) + '…' : s);

export async function runTestRule(config: LogwardConfig, opts: TestRuleOptions): Promise<TestRuleResult> {
  const global = { ...(opts.window !== undefined ? { window_s: opts.window } : {}), ...(opts.threshold !== undefined ? { threshold: opts.threshold } : {}) };
  checkKind(opts.kind);
  const isFile = /\.(ts|mts|js|mjs|ya?ml)$/i.test(opts.rule);
  if (isFile && !existsSync(opts.rule)) throw new Error(`rule file ${opts.rule} does not exist`);
  // A rule id may be disabled in config; testing it should still work, so ignore `disabled` here.
  const cfg = { ...config, rules: { ...config.rules, disabled: [] } };
  const set = await selectRules(cfg, [opts.rule], global);
  if (!set.rules.length) throw new Error(`no runnable rule in ${opts.rule}${set.skipped.length ? ` (skipped: ${set.skipped.map((s) => s.reason).join('; ')})` : ''}`);
  if (!existsSync(opts.file)) throw new Error(`log file ${opts.file} does not exist`);

  const input = openLogFile(opts.file, {
    normalize: config.normalize,
    ...readScope(set.rules),
    ...(opts.kind ? { kind: opts.kind } : {}),
    ...(opts.host ? { host: opts.host } : {}),
    ...(opts.receivedAt ? { receivedAt: opts.receivedAt } : {}),
  });
  const maxLines = opts.maxLines ?? 50;
  const reports = new Map<CompiledRule, RuleTestReport>();
  for (const r of set.rules) reports.set(r, { rule: { id: r.id, title: r.title, severity: r.severity, file: r.file, fire: describeFire(r) }, matched: 0, lines: [], groups: {}, alerts: [] });
  const coverage = new RuleCoverage(set.rules);
  coverage.add(opts.file, input.kind, input.kindFrom);
  const unparsed: Array<{ line: number; error: string }> = [];
  let unparsedCount = 0;
  const missed = { count: 0, lines: [] as Array<{ line: number; text: string }> };
  // The file is streamed: the engine handles each event before the next line is read, so the
  // line being processed is `current` and only the listed lines are kept (bounded by maxLines).
  let current: InputLine | undefined;
  let currentMatched = false;
  // per rule: its report and group key → { label, matches } (the label built once per group; up
  // to 10,000 groups are counted; a Map while counting: an object with thousands of keys is slow
  // to update), one lookup per match
  const perRule = new Map<CompiledRule, { rep: RuleTestReport; groups: Map<string, { label: string; n: number }> }>(set.rules.map((r) => [r, { rep: reports.get(r)!, groups: new Map() }]));
  let labelled = 0;
  // the last match's rule, key and tally: a session's failures follow each other with the same
  // address (the same string object, which compares at once), so most matches skip the Maps
  let lastRule: CompiledRule | undefined;
  let lastKey = '';
  let lastTally: { rep: RuleTestReport; groups: Map<string, { label: string; n: number }> } | undefined;
  let lastGroup: { label: string; n: number } | undefined;
  const miss = (l: InputLine) => {
    missed.count++;
    if (missed.lines.length < maxLines) missed.lines.push({ line: l.line, text: l.raw });
  };
  const finishCurrent = () => {
    if (current?.event && !currentMatched) miss(current);
  };
  const stream = detectionStream(set.rules, {
    limits: limitsFrom(config.rules),
    onMatch(rule, event, ev) {
      currentMatched = true;
      // counted per rule here, given to the coverage once after the read
      const tally = rule === lastRule ? lastTally! : perRule.get(rule)!;
      const { rep, groups } = tally;
      rep.matched++;
      const k = ev.key ?? rule.key(event, ev.values);
      const g = rule === lastRule && k === lastKey ? lastGroup : groups.get(k);
      if (g) g.n++;
      else if (labelled < 10_000) {
        const values = rule.groupKey(event, ev.values);
        groups.set(k, { label: groupKey(Object.fromEntries(rule.fire.groupBy.map((name, i) => [name, values[i] ?? '']))), n: 1 });
        labelled++;
      }
      lastRule = rule;
      lastTally = tally;
      lastKey = k;
      lastGroup = g ?? groups.get(k);
      if (rep.lines.length < maxLines) {
        rep.lines.push({ line: current?.line ?? 0, time: event.time, extracted: Object.fromEntries(Object.entries(ev.values).filter(([, v]) => v !== undefined)), text: current?.raw ?? event.message });
      }
    },
  });
  for (const l of input.lines()) {
    coverage.line(opts.file, l.error === undefined);
    if (l.skipped) {
      coverage.skip(opts.file);
      miss(l);
      continue;
    }
    if (!l.event) {
      unparsedCount++;
      if (unparsed.length < 1000) unparsed.push({ line: l.line, error: l.error ?? 'unparsed' });
      continue;
    }
    finishCurrent();
    coverage.event(opts.file, l.event);
    current = l;
    currentMatched = false;
    stream.push(l.event);
  }
  finishCurrent();
  current = undefined;
  for (const { rep } of perRule.values()) if (rep.matched) coverage.match(opts.file, rep.rule.id, rep.matched);
  const { signals, metrics } = stream.finish();
  for (const { rep, groups } of perRule.values()) {
    // distinct keys may share a label (groupKey's text form): their counts add up, as before
    const byLabel = new Map<string, number>();
    for (const { label, n } of groups.values()) byLabel.set(label, (byLabel.get(label) ?? 0) + n);
    rep.groups = Object.fromEntries(byLabel);
  }
  for (const s of signals) [...reports.values()].find((r) => r.rule.id === s.rule_id)?.alerts.push(s);
  const [cov] = coverage.report();

  const out: string[] = [];
  const [head, ...coverageLines] = describeCoverage(cov!, printable);
  const skippedText = cov!.skipped ? `, ${cov!.skipped} skipped (no tested rule reads their program)` : '';
  out.push(`input ${printable(opts.file)}: ${cov!.lines} lines, ${cov!.events} parsed, ${unparsedCount} unparsed${skippedText};${head!.slice(head!.indexOf(' raw lines read as'))}`, ...coverageLines);
  for (const u of unparsed.slice(0, 5)) out.push(`  line ${u.line} not parsed: ${printable(u.error)}`);
  out.push(...lateWarning(metrics.late_dropped_total, config));
  for (const s of set.skipped) out.push(`skipped Sigma rule "${s.title}" (${s.file}): ${s.reason}`);
  for (const rep of reports.values()) {
    out.push('', `rule ${rep.rule.id} "${printable(rep.rule.title)}" [${rep.rule.severity}] (${rep.rule.file})`, `  fires on: ${rep.rule.fire}`);
    const settings = set.rules.find((r) => r.id === rep.rule.id)?.settings;
    if (settings) out.push(`  settings: ${Object.entries(settings).map(([k, v]) => `${k}=${printable(String(v))}`).join(', ')}`);
    if (!cov!.rules_applied.includes(rep.rule.id)) out.push(`  warning: this rule sees none of the file's events (raw lines read as ${cov!.kind}; it needs ${needs(set.rules.find((r) => r.id === rep.rule.id)!)})`);
    out.push(`  matched ${rep.matched} of ${cov!.events} events`);
    for (const l of rep.lines) {
      const kv = Object.entries(l.extracted).map(([k, v]) => `${k}=${printable(String(v))}`).join(' ');
      out.push(`  line ${l.line}  ${l.time}  ${kv}`, `      ${printable(clip(l.text, 200))}`);
    }
    if (rep.matched > rep.lines.length) out.push(`  … ${rep.matched - rep.lines.length} more matched lines`);
    const groups = Object.entries(rep.groups).sort((a, b) => b[1] - a[1]);
    if (groups.length) out.push(`  matches per group: ${groups.slice(0, 10).map(([g, n]) => `${printable(g) || '(all)'}: ${n}`).join(', ')}`);
    out.push(`  alerts: ${rep.alerts.length}`);
    for (const a of rep.alerts) out.push(`    ${printable(groupKey(a.group))} count=${a.count} ${a.first_seen} → ${a.last_seen}: ${printable(a.summary)}`);
  }
  if (opts.showMissed) {
    out.push('', `lines no rule matched: ${missed.count}`);
    for (const m of missed.lines) out.push(`  line ${m.line}  ${printable(clip(m.text, 200))}`);
  }
  const total = signals.length;
  out.push('', `${total} alert(s) would fire`);
  return { exitCode: total ? 1 : 0, input: { file: opts.file, lines: cov!.lines, parsed: cov!.events, unparsed, skipped: cov!.skipped, kind: cov!.kind, kind_from: cov!.kind_from, rules_applied: cov!.rules_applied }, rules: [...reports.values()], skipped: set.skipped, missed, text: out.join('\n') };
}

/** What events a rule reads, for the "sees none" warning. */
function needs(r: CompiledRule): string {
  const parts = [
    r.kinds ? `kind ${[...r.kinds].join('/')}` : '',
    r.programs ? `program ${[...r.programs].join('/')}` : '',
    r.channels ? `channel ${[...r.channels].join('/')}` : '',
    r.eventIds ? `EventID ${[...r.eventIds].slice(0, 10).join('/')}` : '',
  ].filter(Boolean);
  return parts.join(', ') || 'any event';
}

export function register(program: Command, deps: { loadConfig: () => LogwardConfig }): void {
  program
    .command('test-rule')
    .description('Show which lines of a log file a rule matches, what it extracts and which alerts would fire (exit 1 when alerts would fire, 0 none, 2 error)')
    .argument('<rule>', 'rule id, or a rule file (.ts module or Sigma .yml)')
    .argument('<logfile>', 'raw log file, Fluent Bit JSON lines, or a JSON array of Fluent Bit records')
    .exitOverride(exitTwoOnUsageError)
    .option('--kind <kind>', 'source kind of raw lines (auth, syslog, web_access, web_error, app, windows); default: from the file name, else from its content')
    .option('--host <name>', 'host for lines that do not name one (default "unknown")')
    .option('--window <seconds>', 'override the window length')
    .option('--threshold <n>', 'override the threshold')
    .option('--max-lines <n>', 'matched lines to list per rule', '50')
    .option('--show-missed', 'also list the lines no tested rule matched')
    .option('--json', 'print the result as JSON')
    .action(async (rule: string, file: string, o: { kind?: string; host?: string; window?: string; threshold?: string; maxLines: string; showMissed?: boolean; json?: boolean }) => {
      try {
        const window = positiveInt('--window', o.window);
        const threshold = positiveInt('--threshold', o.threshold);
        const maxLines = positiveInt('--max-lines', o.maxLines) ?? 50;
        const result = await runTestRule(deps.loadConfig(), {
          rule,
          file,
          maxLines,
          ...(o.showMissed ? { showMissed: true } : {}),
          ...(o.kind ? { kind: o.kind as SourceKind } : {}),
          ...(o.host ? { host: o.host } : {}),
          ...(window !== undefined ? { window } : {}),
          ...(threshold !== undefined ? { threshold } : {}),
        });
        if (o.json) {
          const { text: _text, ...rest } = result;
          process.stdout.write(JSON.stringify(rest, null, 2) + '\n');
        } else process.stdout.write(result.text + '\n');
        process.exitCode = result.exitCode;
      } catch (err) {
        process.stderr.write(`test-rule: ${(err as Error).message}\n`);
        process.exitCode = 2;
      }
    });
}
