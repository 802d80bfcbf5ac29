/**
 * One measured run for `npm run bench:sshd`, in its own process so its peak RSS is its own:
 * - `cli <file>`: `logward test-rule ssh-brute-force <file>` (runTestRule, the CLI's code);
 *   prints lines, wall/CPU time (whole process, and of runTestRule alone), peak RSS and the
 *   addresses the rule alerted on.
 * - `verdicts <file> <out>`: the same stream (openLogFile + normalizer + the rule, read as
 *   test-rule reads it) writing one
 *   line per failure ssh-brute-force counts ("epoch seconds<TAB>address<TAB>pid<TAB>line number"), to compare
 *   with fail2ban-regex's failures line for line.
 */
import { createWriteStream } from 'node:fs';
import { loadConfig } from '../src/config/load.js';
import { runTestRule } from '../src/cli/commands/test-rule.js';
import { openLogFile, readScope } from '../src/detect/input.js';
import { loadRuleSet } from '../src/detect/ruleset.js';
import { runDetectionStream } from '../src/detect/run.js';
import type { InputLine } from '../src/detect/input.js';

const [mode, file, out] = process.argv.slice(2);
const config = loadConfig({ env: {} });
// now, as fail2ban-regex assumes for the year of syslog dates
const receivedAt = new Date();

function usage(): { cpuMs: number; maxRssMb: number } {
  const u = process.resourceUsage();
  return { cpuMs: (u.userCPUTime + u.systemCPUTime) / 1000, maxRssMb: u.maxRSS / 1024 };
}

if (mode === 'cli' && file) {
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const r = await runTestRule(config, { rule: 'ssh-brute-force', file, receivedAt, maxLines: 20 });
  const wallMs = performance.now() - t0;
  const c1 = process.cpuUsage(c0);
  // CPU of runTestRule alone (rule loading, reading, detection), without the process start-up
  const runCpuMs = (c1.user + c1.system) / 1000;
  const ips = [...new Set(r.rules[0]!.alerts.map((a) => a.group.src_ip ?? ''))].sort();
  process.stdout.write(JSON.stringify({ lines: r.input.lines, matched: r.rules[0]!.matched, wallMs, runCpuMs, ...usage(), ips }) + '\n');
} else if (mode === 'verdicts' && file && out) {
  const set = await loadRuleSet({ ...config.rules, sigma_dir: '' });
  const rule = set.rules.find((x) => x.id === 'ssh-brute-force')!;
  const w = createWriteStream(out);
  let current: InputLine | undefined;
  let n = 0;
  function* events() {
    // read as test-rule reads for this rule (readScope: lean events, program prefilter)
    for (const l of openLogFile(file!, { normalize: config.normalize, receivedAt, ...readScope([rule]) }).lines()) {
      if (!l.event) continue;
      current = l;
      yield l.event;
    }
  }
  runDetectionStream(events(), [rule], {
    onMatch: (_r, e, ev) => {
      n++;
      w.write(`${Math.floor(Date.parse(e.time) / 1000)}\t${ev.values.src_ip}\t${e.pid ?? ''}\t${current!.line}\n`);
    },
  });
  await new Promise<void>((resolve) => w.end(() => resolve()));
  process.stdout.write(JSON.stringify({ failures: n, ...usage() }) + '\n');
} else {
  process.stderr.write('usage: sshd-child.ts cli <file> | verdicts <file> <out>\n');
  process.exitCode = 2;
}
