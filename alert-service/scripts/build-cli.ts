/**
 * `npm run build:cli`: compiles the TypeScript of alert-service/src, alert-service/bench and
 * plugin, file by file (no bundling: same modules, same relative imports), into build/ at the
 * same relative paths, and links in what code finds from its own location (schemas/,
 * package.json, the Sigma rules). bin/logward.js then starts the offline commands (test-rule,
 * analyze) from it without tsx, for as long as build/manifest.json's digest matches the sources
 * (alert-service/bin/precompiled.js); otherwise it runs the sources through tsx, as always.
 * Skips the work when the tree is already current (`--force` rebuilds). The output is never
 * committed (.gitignore).
 *
 * The compiler is esbuild, the one tsx itself transforms every module with (a dependency of tsx).
 *
 *   tsx alert-service/scripts/build-cli.ts [--force]
 */
import { copyFileSync, existsSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { build } from 'esbuild';
import { BUILD_DIR, builtDigest, listSources, sourceDigest } from '../bin/precompiled.js';

export const REPO_ROOT = join(import.meta.dirname, '..', '..');

/** Paths linked into the tree as they are (read at run time relative to the code's location). */
const LINKED = ['schemas', 'package.json', 'plugin/sigma'];

export interface CliBuild {
  dir: string;
  /** false: the tree already matched the sources. */
  built: boolean;
  files: number;
  ms: number;
}

/**
 * `outDir` (default build/ in the repository, where bin/logward.js looks) may be elsewhere (tests):
 * node_modules is then linked in too, as packages are found from the code's location.
 */
export async function buildCli(opts: { root?: string; force?: boolean; outDir?: string } = {}): Promise<CliBuild> {
  const root = opts.root ?? REPO_ROOT;
  const t0 = performance.now();
  const out = opts.outDir ?? join(root, BUILD_DIR);
  const files = listSources(root);
  const digest = sourceDigest(root, files);
  const manifestPath = join(out, 'manifest.json');
  // an unreadable manifest reads as no digest: rebuilt
  if (!opts.force && builtDigest(out) === digest) return { dir: out, built: false, files: files.length, ms: performance.now() - t0 };
  rmSync(out, { recursive: true, force: true });
  const ts = files.filter((f) => /\.m?ts$/.test(f) && !f.endsWith('.d.ts'));
  await build({
    entryPoints: ts.map((f) => join(root, f)),
    outdir: out,
    outbase: root,
    outExtension: { '.js': '.js' },
    bundle: false,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    logLevel: 'warning',
    absWorkingDir: root,
  });
  for (const f of files.filter((f) => /\.m?js$/.test(f))) {
    mkdirSync(dirname(join(out, f)), { recursive: true });
    copyFileSync(join(root, f), join(out, f));
  }
  const outside = relative(root, out).startsWith('..');
  for (const p of outside ? [...LINKED, 'node_modules'] : LINKED) {
    if (!existsSync(join(root, p))) continue;
    const at = join(out, p);
    mkdirSync(dirname(at), { recursive: true });
    symlinkSync(relative(dirname(at), join(root, p)), at);
  }
  // written last: a tree without its manifest is never used
  // each compiled file → its source (rule loaders name a rule by the file it was written in)
  const compiled = Object.fromEntries(ts.map((f) => [f.replace(/\.m?ts$/, '.js'), f]));
  writeFileSync(manifestPath, JSON.stringify({ digest, files: files.length, built_at: new Date().toISOString(), source_root: relative(out, root) || '.', compiled }) + '\n');
  return { dir: out, built: true, files: files.length, ms: performance.now() - t0 };
}

if (process.argv[1] && import.meta.filename === process.argv[1]) {
  const r = await buildCli({ force: process.argv.includes('--force') });
  console.log(r.built ? `build:cli: ${r.files} source files compiled into ${relative(process.cwd(), r.dir) || r.dir} in ${Math.round(r.ms)} ms` : `build:cli: ${relative(process.cwd(), r.dir) || r.dir} is up to date (${r.files} source files)`);
}
