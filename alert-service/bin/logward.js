#!/usr/bin/env node
// The service is TypeScript run through tsx, so rule plugins dropped into plugin/ as .ts load without a build step.
// The offline commands that read log files (test-rule, analyze) start from the precompiled tree
// of `npm run build:cli` instead when it was built from exactly the current sources
// (precompiled.js): the same code as plain JavaScript, without tsx's start-up. A .ts rule file
// such a run is given still loads (detect/loader.ts registers tsx for it).
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { freshBuild } from './precompiled.js';
import { requestedCommand } from '../src/cli/requested-command.js';

const ROOT = join(import.meta.dirname, '..', '..');
const OFFLINE = new Set(['test-rule', 'analyze']);

const build = OFFLINE.has(requestedCommand(process.argv.slice(2))) ? freshBuild(ROOT) : undefined;
if (build) await import(pathToFileURL(join(build, 'alert-service', 'src', 'cli', 'main.js')).href);
else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/cli/main.ts');
}
