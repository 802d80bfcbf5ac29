/** The version in package.json (the CLI's --version, the metrics' build info): no other import, so the CLI can read it cheaply. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export function packageVersion(): string {
  return (JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', '..', 'package.json'), 'utf8')) as { version: string }).version;
}
