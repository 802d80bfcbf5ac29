/** Loads the real Fluent Bit v5.1.1 requests from test/fixtures/fluent-bit-captures. */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { FIXTURES } from './paths.js';

export interface CapturedRequest {
  name: string;
  path: string;
  headers: Record<string, string>;
  body: Buffer;
}

export const CAPTURES = join(FIXTURES, 'fluent-bit-captures');

export function loadCaptures(folder: 'raw-gzip-json' | 'parsed-json-lines'): CapturedRequest[] {
  const dir = join(CAPTURES, folder);
  return readdirSync(dir)
    .filter((f) => f.endsWith('.headers.json'))
    .sort()
    .map((f) => {
      const base = f.replace('.headers.json', '');
      const meta = JSON.parse(readFileSync(join(dir, f), 'utf8')) as { path: string; headers: Record<string, string> };
      return { name: `${folder}/${base}`, path: meta.path, headers: meta.headers, body: readFileSync(join(dir, `${base}.body`)) };
    });
}

export function windowsSampleBody(): Buffer {
  return readFileSync(join(FIXTURES, 'windows-eventlog-samples', 'winevtlog-out-http-body.json'));
}

/** Headers to replay: the captured ones minus those the HTTP client sets itself. */
export function replayHeaders(h: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(h)) if (!/^(host|content-length|connection)$/i.test(k)) out[k] = v;
  return out;
}
