/**
 * Builds the dashboard (alert-service/dashboard/, Vite) into alert-service/dashboard/dist/, which
 * the service serves. Run by npm at install (prepare), before start and before test, so
 * `npm ci && npm start` is all a user runs; the output is never committed.
 *
 * Skips the build when dist/ was built from the same sources (a hash of them is kept in dist/),
 * so `npm start` costs nothing extra. `--if-available`: when vite is not installed (an install
 * without dev dependencies) warn and exit 0 instead of failing; the service then answers the
 * dashboard's pages with a 503 saying how to build it.
 *
 *   tsx alert-service/scripts/build-dashboard.ts [--if-available] [--force]
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative } from 'node:path';

export const DASHBOARD_ROOT = join(import.meta.dirname, '..', 'dashboard');
const DIST = join(DASHBOARD_ROOT, 'dist');
const STAMP = join(DIST, '.source-hash');
const INPUTS = ['index.html', 'vite.config.ts', 'src'];
const TOOLCHAIN = ['vite', 'chart.js'];

function files(path: string): string[] {
  if (!existsSync(path)) return [];
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path)
    .sort()
    .flatMap((f) => files(join(path, f)));
}

/** Sources and the versions of the toolchain that turns them into dist/. */
export function sourceHash(): string {
  const h = createHash('sha256');
  for (const f of INPUTS.flatMap((i) => files(join(DASHBOARD_ROOT, i)))) {
    h.update(relative(DASHBOARD_ROOT, f)).update('\0').update(readFileSync(f)).update('\0');
  }
  const req = createRequire(join(DASHBOARD_ROOT, 'vite.config.ts'));
  for (const p of TOOLCHAIN) {
    try {
      h.update(`${p}@${(JSON.parse(readFileSync(req.resolve(`${p}/package.json`), 'utf8')) as { version: string }).version}\0`);
    } catch {
      h.update(`${p}@missing\0`);
    }
  }
  return h.digest('hex');
}

export function isBuilt(): boolean {
  return existsSync(join(DIST, 'index.html')) && existsSync(STAMP) && readFileSync(STAMP, 'utf8').trim() === sourceHash();
}

/** Builds unless up to date; returns what it did. */
export async function buildDashboard(opts: { force?: boolean; ifAvailable?: boolean } = {}): Promise<'up-to-date' | 'built' | 'skipped'> {
  if (!opts.force && isBuilt()) return 'up-to-date';
  let vite: typeof import('vite');
  try {
    vite = await import('vite');
  } catch (err) {
    if (!opts.ifAvailable) throw err;
    return 'skipped';
  }
  const hash = sourceHash();
  await vite.build({ configFile: join(DASHBOARD_ROOT, 'vite.config.ts'), mode: 'production', logLevel: 'warn' });
  writeFileSync(STAMP, `${hash}\n`);
  return 'built';
}

if (process.argv[1] === import.meta.filename) {
  const args = new Set(process.argv.slice(2));
  const started = performance.now();
  buildDashboard({ force: args.has('--force'), ifAvailable: args.has('--if-available') }).then(
    (r) => {
      const where = relative(process.cwd(), DIST) || DIST;
      if (r === 'built') console.error(`dashboard: built into ${where} in ${Math.round(performance.now() - started)} ms`);
      else if (r === 'skipped') console.error(`dashboard: vite is not installed (install without dev dependencies?): not built; run \`npm run build:dashboard\` where it is, or copy ${where} in`);
    },
    (err: unknown) => {
      console.error(`dashboard: build failed: ${(err as Error).message}`);
      process.exit(1);
    },
  );
}
