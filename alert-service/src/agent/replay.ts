/**
 * Replays log files into a service the way the repo's Linux agent would ship them: each file read
 * as its `tail` input reads it (tail.ts), the records cut into chunks and posted by the out_http
 * model (out-http.ts) with the agent's own settings from fluent-bit/linux/fluent-bit.yaml.
 */
import { existsSync, statSync } from 'node:fs';
import { hostname as osHostname } from 'node:os';
import { readAgentConfig, type FluentBitConfig } from './fluent-bit-config.js';
import { chunkRecords, sendChunks, settingsFrom, type Answer, type OutHttpSettings, type SendResult } from './out-http.js';
import { inputFor, readTail } from './tail.js';

export interface ReplayOptions {
  url: string;
  token?: string;
  /** The agent's host name (${HOSTNAME} in the config); default the system's. */
  hostname?: string;
  /** Override agent settings (tests: a short scheduler.base; the CLI: a retry limit). */
  settings?: Partial<OutHttpSettings>;
  config?: FluentBitConfig;
  onAnswer?: (a: Answer) => void;
  now?: () => number;
}

export interface ReplayResult extends SendResult {
  files: Array<{ file: string; tag: string; records: number; skippedLongLines: number }>;
}

export class ReplayError extends Error {
  override name = 'ReplayError';
}

export async function replayFiles(files: readonly string[], opts: ReplayOptions): Promise<ReplayResult> {
  const cfg = opts.config ?? readAgentConfig();
  const settings = { ...settingsFrom(cfg), ...opts.settings };
  const env = { ...process.env, HOSTNAME: opts.hostname ?? process.env.HOSTNAME ?? osHostname() };
  const read = files.map((file) => {
    if (!existsSync(file) || !statSync(file).isFile()) throw new ReplayError(`${file}: not a file`);
    const input = inputFor(cfg, file, env);
    if (!input) throw new ReplayError(`${file}: no tail input of the agent config reads a file of this name (auth.log, syslog, access.log, error.log, *.log, ...)`);
    return { file, ...readTail(cfg, input, file, { dateKey: settings.jsonDateKey, env, ...(opts.now ? { now: opts.now } : {}) }) };
  });
  const chunks = read.flatMap((r) => chunkRecords(r.tag, r.records, settings.gzip));
  const sent = await sendChunks(chunks, { url: opts.url, ...(opts.token ? { token: opts.token } : {}) }, settings, opts.onAnswer ? { onAnswer: opts.onAnswer } : {});
  return { ...sent, files: read.map((r) => ({ file: r.file, tag: r.tag, records: r.records.length, skippedLongLines: r.skippedLongLines })) };
}
