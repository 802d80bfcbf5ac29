/**
 * A file read the way the agent config's `tail` inputs read it: each '\n'-terminated line one
 * record, raw (no parser), with the collection time under json_date_key, the path (path_key),
 * the byte offset of the line's start (offset_key), the inode (inode_key), then the keys the
 * record_modifier filters add for its tag (source_kind, hostname). Lines longer than
 * buffer_max_size are skipped when skip_long_lines is on, as Fluent Bit skips them.
 */
import { readFileSync, statSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { bytes, expandTailTag, isOn, keysAddedFor, list, pathGlobMatches, substitute, type FluentBitConfig, type Section } from './fluent-bit-config.js';

export interface TailInput {
  alias: string;
  tag: string;
  globs: string[];
  pathKey?: string;
  offsetKey?: string;
  inodeKey?: string;
  bufferMaxSize: number;
  skipLongLines: boolean;
}

function tailInput(input: Section, env: Record<string, string | undefined>): TailInput {
  const opt = (k: string) => (input[k] === undefined ? undefined : String(input[k]));
  return {
    alias: String(input.alias ?? input.tag),
    tag: String(input.tag),
    globs: list(substitute(String(input.path ?? ''), env)),
    ...(opt('path_key') ? { pathKey: opt('path_key')! } : {}),
    ...(opt('offset_key') ? { offsetKey: opt('offset_key')! } : {}),
    ...(opt('inode_key') ? { inodeKey: opt('inode_key')! } : {}),
    // in_tail's defaults: buffer_chunk_size 32k, buffer_max_size = buffer_chunk_size.
    bufferMaxSize: bytes(input.buffer_max_size ?? input.buffer_chunk_size ?? '32k'),
    skipLongLines: isOn(input.skip_long_lines),
  };
}

/**
 * The tail input that reads `file`: the first whose path glob matches the file's absolute path,
 * else (a copy of a log kept elsewhere, e.g. alert-service/demo/logs/auth.log) the first whose
 * glob's last segment matches its name. undefined when none does.
 */
export function inputFor(cfg: FluentBitConfig, file: string, env: Record<string, string | undefined> = process.env): TailInput | undefined {
  const inputs = cfg.pipeline.inputs.filter((i) => i.name === 'tail').map((i) => tailInput(i, env));
  const abs = resolve(file);
  return (
    inputs.find((i) => i.globs.some((g) => pathGlobMatches(g, abs))) ??
    inputs.find((i) => i.globs.some((g) => pathGlobMatches(g.slice(g.lastIndexOf('/') + 1), basename(abs))))
  );
}

export interface TailRead {
  tag: string;
  records: string[];
  skippedLongLines: number;
}

/** ISO 8601 with microseconds, as json_date_format iso8601 writes it. */
const iso8601 = (ms: number) => new Date(ms).toISOString().replace('Z', '000Z');

/**
 * Every line of `file` as the records `input` would emit. A last line without '\n' is included
 * (Fluent Bit sends it once the line is completed; a replayed file is complete).
 */
export function readTail(cfg: FluentBitConfig, input: TailInput, file: string, opts: { dateKey: string; env: Record<string, string | undefined>; now?: () => number }): TailRead {
  const abs = resolve(file);
  const tag = expandTailTag(input.tag, abs);
  const added = [...keysAddedFor(cfg, tag)].map(([k, v]) => [k, substitute(v, opts.env)] as const);
  const inode = statSync(abs).ino;
  const data = readFileSync(abs);
  const now = opts.now ?? Date.now;
  const records: string[] = [];
  let skippedLongLines = 0;
  for (let start = 0; start < data.length;) {
    let end = data.indexOf(0x0a, start);
    if (end < 0) end = data.length;
    if (input.skipLongLines && end - start > input.bufferMaxSize) {
      skippedLongLines++;
    } else {
      const rec: Record<string, unknown> = {};
      if (opts.dateKey) rec[opts.dateKey] = iso8601(now());
      if (input.pathKey) rec[input.pathKey] = abs;
      if (input.offsetKey) rec[input.offsetKey] = start;
      if (input.inodeKey) rec[input.inodeKey] = inode;
      rec.log = data.toString('utf8', start, end);
      for (const [k, v] of added) rec[k] = v;
      records.push(JSON.stringify(rec));
    }
    start = end + 1;
  }
  return { tag, records, skippedLongLines };
}
