/**
 * Which rules apply to the events of each input file, for the offline tools: a run that reads a
 * file no rule looks at must say so rather than report "0 alerts" as if the file were clean.
 * A rule applies when the engine would hand it one of the file's events (kind, program,
 * EventID and channel, through the same RuleIndex the engine uses). Computed once per distinct
 * (kind, program, EventID, channel) of a file, so the cost does not grow with the file.
 */
import type { LogEvent, SourceKind } from '../generated/schema-types.js';
import type { CompiledRule } from './compiled.js';
import { RuleIndex } from './rule-index.js';

/** Distinct event shapes remembered per file (programs are attacker-influenced: bound them). */
const MAX_SHAPES = 2000;

export interface FileCoverage {
  file: string;
  kind: SourceKind;
  kind_from: string;
  lines: number;
  events: number;
  unparsed: number;
  /** Lines not normalized because no rule run reads their program (input.ts ReadOptions.programs). */
  skipped: number;
  /** Ids of the rules that see at least one of the file's events. */
  rules_applied: string[];
  /** Matches per rule id. */
  matched: Record<string, number>;
  /** The most frequent programs of the file's events (what a reader checks when no rule applies). */
  programs: Array<{ program: string; events: number }>;
  /** More distinct event shapes than were checked (rules_applied may miss some). */
  shapes_truncated?: boolean;
}

/** Per file: its coverage, the shapes checked, the rules applied, events per program (a counter object each: one lookup per shape change, not per event). */
interface FileState {
  cov: FileCoverage;
  shapes: Set<string>;
  applied: Set<string>;
  programs: Map<string, { n: number }>;
}

export class RuleCoverage {
  private readonly index: RuleIndex;
  private readonly files = new Map<string, FileState>();

  constructor(private readonly rules: readonly CompiledRule[]) {
    this.index = new RuleIndex(rules);
  }

  add(file: string, kind: SourceKind, kindFrom: string): void {
    this.lastEntry = undefined;
    this.files.set(file, { cov: { file, kind, kind_from: kindFrom, lines: 0, events: 0, unparsed: 0, skipped: 0, rules_applied: [], matched: {}, programs: [] }, shapes: new Set(), applied: new Set(), programs: new Map() });
  }

  // The file of the last call: a run reads its lines file after file, so most calls name it again.
  private lastFile = '';
  private lastEntry: FileState | undefined;

  private entry(file: string): FileState {
    if (file === this.lastFile && this.lastEntry) return this.lastEntry;
    this.lastFile = file;
    return (this.lastEntry = this.files.get(file)!);
  }

  line(file: string, parsed: boolean): void {
    const f = this.entry(file);
    f.cov.lines++;
    if (!parsed) f.cov.unparsed++;
  }

  /** A line read but not normalized (no rule run reads its program). */
  skip(file: string): void {
    this.entry(file).cov.skipped++;
  }

  // The previous event's shape: consecutive events mostly share it, and then nothing is built.
  private last: { file: string; kind: string; program: string | undefined; eventId: number | undefined; channel: string | undefined; counter: { n: number } | undefined } | undefined;

  event(file: string, e: LogEvent): void {
    const f = this.entry(file);
    f.cov.events++;
    const l = this.last;
    if (l && l.file === file && l.program === e.program && l.kind === e.source.kind && l.eventId === e.fields.event_id && l.channel === e.source.channel) {
      if (l.counter) l.counter.n++;
      return;
    }
    const program = e.program?.toLowerCase();
    const channel = e.source.channel?.toLowerCase();
    const pkey = program ?? '(none)';
    let counter = f.programs.get(pkey);
    if (!counter && f.programs.size < MAX_SHAPES) f.programs.set(pkey, (counter = { n: 0 }));
    if (counter) counter.n++;
    this.last = { file, kind: e.source.kind, program: e.program, eventId: e.fields.event_id, channel: e.source.channel, counter };
    const shape = `${e.source.kind}\u0000${program ?? ''}\u0000${e.fields.event_id ?? ''}\u0000${channel ?? ''}`;
    if (f.shapes.has(shape)) return;
    if (f.shapes.size >= MAX_SHAPES) {
      f.cov.shapes_truncated = true;
      return;
    }
    f.shapes.add(shape);
    for (const r of this.index.candidates(e, program)) if (this.index.passes(r, e, program, channel)) f.applied.add(r.id);
  }

  /** `n` more matches of rule `ruleId` in `file` (callers may count them and add them at once). */
  match(file: string, ruleId: string, n = 1): void {
    const m = this.entry(file).cov.matched;
    m[ruleId] = (m[ruleId] ?? 0) + n;
  }

  report(): FileCoverage[] {
    const order = new Map(this.rules.map((r, i) => [r.id, i]));
    return [...this.files.values()].map(({ cov, applied, programs }) => ({
      ...cov,
      rules_applied: [...applied].sort((a, b) => order.get(a)! - order.get(b)!),
      programs: [...programs].sort((a, b) => b[1].n - a[1].n).slice(0, 10).map(([program, { n }]) => ({ program, events: n })),
    }));
  }
}

/** Report lines for one file: its kind and where it came from, the rules that apply and matched, a warning when none applies. */
export function describeCoverage(c: FileCoverage, printable: (s: string) => string): string[] {
  const from = { option: '--kind', name: 'file name', content: 'content', default: 'nothing recognized, default', records: 'Fluent Bit records' }[c.kind_from] ?? c.kind_from;
  const skipped = c.skipped ? `, ${c.skipped} skipped (no rule run reads their program)` : '';
  const out = [`file ${printable(c.file)}: ${c.lines} lines, ${c.events} events, ${c.unparsed} unparsed${skipped}; raw lines read as ${c.kind} (${from})`];
  const matched = Object.entries(c.matched).map(([r, n]) => `${r}=${n}`).join(', ');
  if (c.rules_applied.length) {
    out.push(`  rules that apply: ${c.rules_applied.join(', ')}`);
    out.push(`  matches: ${matched || 'none'}`);
  } else if (c.events) {
    const progs = c.programs.map((p) => `${printable(p.program)} (${p.events})`).join(', ');
    out.push(`  warning: no rule applies to the ${c.events} events of this file (programs: ${progs || 'none'}); if it is an auth, syslog or web log, give --kind`);
  } else if (c.skipped) out.push(`  warning: no rule applies: none of the ${c.skipped} lines of this file names a program the rules read`);
  else out.push('  warning: no events read from this file');
  if (c.shapes_truncated) out.push(`  (more than ${MAX_SHAPES} distinct programs/event ids: rules that apply counted over the first ${MAX_SHAPES})`);
  return out;
}
