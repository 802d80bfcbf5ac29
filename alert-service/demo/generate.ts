/**
 * The compose demo's log generator: appends the bundled demo logs, timestamps moved to the
 * present, to the same file names under <dir> (auth.log, syslog, nginx/access.log, ...), once at
 * start and then every --every seconds, for Fluent Bit to tail (fluent-bit/compose/fluent-bit.yaml).
 *
 *   node --import tsx alert-service/demo/generate.ts /demo-logs [--every 300] [--once]
 */
import { parseArgs } from 'node:util';
import { writeDemoCycle } from './demo-logs.js';

{
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { every: { type: 'string', default: '300' }, once: { type: 'boolean', default: false } } });
  const dir = positionals[0];
  const every = Number(values.every);
  if (!dir || !(every > 0)) {
    console.error('usage: generate.ts <dir> [--every seconds] [--once]');
    process.exit(2);
  }
  const cycle = () => console.log(JSON.stringify({ level: 30, time: Date.now(), msg: `demo logs: appended ${writeDemoCycle(dir, Date.now())} lines under ${dir}` }));
  cycle();
  if (!values.once) setInterval(cycle, every * 1000);
}
