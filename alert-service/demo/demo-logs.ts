/**
 * The bundled demo logs (alert-service/demo/logs/, copied from test/fixtures/fluent-bit-captures
 * plus an SSH brute-force burst) with their timestamps moved so the newest line is "now": the
 * detections and the dashboard then show recent events rather than ones from November 2026.
 * Every timestamp form in the set is moved (syslog, ISO 8601, python logging, nginx access and
 * error logs), all read as UTC, as the service reads them with its default normalize.timezone.
 */
import { appendFileSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';

export const DEMO_LOGS = join(import.meta.dirname, 'logs');
/** Just after the newest line of the demo set: moved to the present. */
const DEMO_BASE_MS = Date.UTC(2026, 10, 21, 10, 7, 0);

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const p2 = (n: number) => String(n).padStart(2, '0');

interface Form {
  re: RegExp;
  parse(m: RegExpExecArray): number;
  format(d: Date, m: RegExpExecArray): string;
}

const FORMS: Form[] = [
  // ISO 8601 (app JSON logs, RFC 3339 syslog): keep the fraction's length and the zone form.
  {
    re: /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})/,
    parse: (m) => Date.parse(m[0]),
    format: (d, m) => {
      const iso = d.toISOString(); // always Z
      const frac = m[1] ? '.' + (iso.slice(20, 23) + '000000').slice(0, m[1].length - 1) : '';
      return iso.slice(0, 19) + frac + (m[2] === 'Z' ? 'Z' : '+00:00');
    },
  },
  // python logging: 2026-11-21 10:00:05,113
  {
    re: /\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2},\d{3}/,
    parse: (m) => Date.parse(m[0].replace(' ', 'T').replace(',', '.') + 'Z'),
    format: (d) => d.toISOString().slice(0, 23).replace('T', ' ').replace('.', ','),
  },
  // nginx/apache access: [21/Nov/2026:10:00:01 +0000]
  {
    re: /\[(\d{2})\/([A-Z][a-z]{2})\/(\d{4}):(\d{2}):(\d{2}):(\d{2}) \+0000\]/,
    parse: (m) => Date.UTC(Number(m[3]), MONTHS.indexOf(m[2]!), Number(m[1]), Number(m[4]), Number(m[5]), Number(m[6])),
    format: (d) => `[${p2(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())} +0000]`,
  },
  // nginx error: 2026/11/21 10:00:03
  {
    re: /^(\d{4})\/(\d{2})\/(\d{2}) (\d{2}):(\d{2}):(\d{2})/,
    parse: (m) => Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6])),
    format: (d) => `${d.getUTCFullYear()}/${p2(d.getUTCMonth() + 1)}/${p2(d.getUTCDate())} ${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())}`,
  },
  // RFC 3164 syslog: Nov 21 10:00:01 (no year: the demo set's is 2026)
  {
    re: /^([A-Z][a-z]{2}) ([ \d]\d) (\d{2}):(\d{2}):(\d{2})/,
    parse: (m) => Date.UTC(2026, MONTHS.indexOf(m[1]!), Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5])),
    format: (d) => `${MONTHS[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2, ' ')} ${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())}`,
  },
];

/** One line with its first timestamp moved by `shiftMs`; a line without one is kept as it is. */
export function shiftLine(line: string, shiftMs: number): string {
  for (const f of FORMS) {
    const m = f.re.exec(line);
    if (!m) continue;
    const t = f.parse(m);
    if (!Number.isFinite(t)) continue;
    return line.slice(0, m.index) + f.format(new Date(t + shiftMs), m) + line.slice(m.index + m[0].length);
  }
  return line;
}

/** The demo files, relative to DEMO_LOGS (auth.log, nginx/access.log, ...). */
export function demoFiles(): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) walk(p);
      else out.push(relative(DEMO_LOGS, p));
    }
  };
  walk(DEMO_LOGS);
  return out;
}

/** The demo file's lines with the set's newest moment moved to `nowMs`. */
export function demoLines(file: string, nowMs: number): string[] {
  const text = readFileSync(join(DEMO_LOGS, file), 'utf8');
  const shift = nowMs - DEMO_BASE_MS;
  return text.split('\n').filter((l) => l !== '').map((l) => shiftLine(l, shift));
}

/** Appends every demo file's lines (moved to `nowMs`) to the same name under `dir`; returns the line count. */
export function writeDemoCycle(dir: string, nowMs: number): number {
  let n = 0;
  for (const file of demoFiles()) {
    const target = join(dir, file);
    mkdirSync(dirname(target), { recursive: true });
    const lines = demoLines(file, nowMs);
    // One write per file: the agent never reads half of a cycle's line.
    appendFileSync(target, lines.map((l) => l + '\n').join(''));
    n += lines.length;
  }
  return n;
}
