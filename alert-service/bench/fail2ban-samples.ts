/**
 * Reads fail2ban's annotated sample logs (tests/files/logs/sshd*, copied to
 * test/fixtures/fail2ban-sshd/) the way fail2ban's tests/samplestestcase.py does: `# fileOptions:`
 * applies to the whole file, `# filterOptions:` (one option set or a list) to the lines after it,
 * `# failJSON:` annotates the next line, `constraint` limits an annotation to some option sets.
 * Used by test/detect/sshd-fail2ban.test.ts and `npm run bench:sshd`.
 */
import { readFileSync } from 'node:fs';

export interface FailJson {
  match: boolean;
  host?: string;
  user?: string;
  users?: string[];
  attempts?: number;
  time?: string;
  desc?: string;
  constraint?: string;
}

export interface SampleOptions {
  mode?: string;
  logtype?: string;
  [k: string]: unknown;
}

export interface SampleLine {
  /** 1-based line number in the file. */
  lineNo: number;
  line: string;
  expect: FailJson;
  /** The option sets this line is checked under (constraint already applied). */
  options: SampleOptions[];
}

/** fail2ban's test runner evaluates the constraint as Python; these are the forms the sshd samples use. */
export function constraintHolds(expr: string, opts: SampleOptions, filterName = 'sshd'): boolean {
  const e = expr.trim();
  let m = /^name\s*==\s*'([^']*)'$/.exec(e);
  if (m) return filterName === m[1];
  m = /^opts\.get\('([^']+)'\)\s*(==|!=)\s*'([^']*)'$/.exec(e);
  if (m) return (opts[m[1]!] === m[3]) === (m[2] === '==');
  throw new Error(`fail2ban sample constraint not understood: ${expr}`);
}

/** The option set as fail2ban names its filter (what shares one filter, hence one session table). */
export function optionsKey(o: SampleOptions): string {
  const keep = Object.entries(o).filter(([k]) => !k.startsWith('test.')).sort(([a], [b]) => a.localeCompare(b));
  return JSON.stringify(Object.fromEntries(keep));
}

export function readSamples(path: string, filterName = 'sshd'): SampleLine[] {
  const lines = readFileSync(path, 'utf8').split('\n');
  const out: SampleLine[] = [];
  let common: SampleOptions = {};
  let block: SampleOptions[] = [{}];
  let ignoreBlock = false;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const m = /^#+ ?(failJSON|(?:file|filter)Options|addFILE):(.+)$/.exec(line);
    if (!m) continue;
    const data = JSON.parse(m[2]!) as unknown;
    if (m[1] === 'fileOptions') {
      common = data as SampleOptions;
      block = [{ ...common }];
      ignoreBlock = typeof common['test.condition'] === 'string' && !constraintHolds(common['test.condition'], common, filterName);
      continue;
    }
    if (m[1] === 'filterOptions') {
      const list = (Array.isArray(data) ? data : [data]) as SampleOptions[];
      block = [];
      ignoreBlock = false;
      for (const o of list) {
        const opts = { ...common, ...o };
        if (typeof opts['test.condition'] === 'string') ignoreBlock = !constraintHolds(opts['test.condition'], opts, filterName);
        if (!ignoreBlock) block.push(opts);
      }
      continue;
    }
    if (m[1] === 'addFILE') continue; // the file it names is read on its own
    const expect = data as FailJson;
    const next = lines[i + 1];
    i++;
    if (next === undefined || ignoreBlock) continue;
    const options = block.filter((o) => !expect.constraint || constraintHolds(expect.constraint, o, filterName));
    out.push({ lineNo: i + 1, line: next.replace(/\r$/, ''), expect, options });
  }
  return out;
}
