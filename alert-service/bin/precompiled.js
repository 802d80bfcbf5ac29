// The precompiled tree `npm run build:cli` writes (plain JavaScript, no build step is needed to
// run Logward): build/ mirrors the TypeScript of alert-service/src, alert-service/bench and
// plugin as .js files at the same relative paths, with schemas/, package.json and the Sigma
// rules linked in, so code that finds files from its own location finds them there too.
//
// Why: through tsx every start pays for its loader thread and a transform round trip per module
// (most of a second of CPU before a line is read); an offline `test-rule` or `analyze` of a log
// file is mostly that start. The tree is used only while it matches the sources exactly:
// build/manifest.json holds a digest of every source file it was built from (path and content),
// checked at each start; an edited, added or removed file means the sources run through tsx.
// Plain JavaScript (not TypeScript): bin/logward.js reads it before any loader exists.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Where the sources compiled into the tree live, relative to the repository root. */
export const SOURCE_DIRS = ['alert-service/src', 'alert-service/bench', 'plugin'];
export const BUILD_DIR = 'build';
const SOURCE_RE = /\.(ts|mts|js|mjs)$/;

/** Every source file of SOURCE_DIRS and tsconfig.json (relative paths, sorted): what the tree is built from. */
export function listSources(root) {
  const out = [];
  const walk = (rel) => {
    for (const d of readdirSync(join(root, rel), { withFileTypes: true })) {
      const p = `${rel}/${d.name}`;
      if (d.isDirectory()) walk(p);
      else if (d.isFile() && SOURCE_RE.test(d.name)) out.push(p);
    }
  };
  for (const dir of SOURCE_DIRS) if (existsSync(join(root, dir))) walk(dir);
  // the compiler reads its options there
  if (existsSync(join(root, 'tsconfig.json'))) out.push('tsconfig.json');
  return out.sort();
}

/** A digest of the sources' paths and contents (a few ms for the whole tree). */
export function sourceDigest(root, files = listSources(root)) {
  const h = createHash('sha256');
  for (const f of files) {
    h.update(f);
    h.update('\0');
    h.update(readFileSync(join(root, f)));
    h.update('\0');
  }
  return h.digest('hex');
}

/** The source digest a tree in `dir` was built from (its manifest), or undefined: no tree, or an unreadable manifest. */
export function builtDigest(dir) {
  try {
    const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
    return typeof manifest?.digest === 'string' ? manifest.digest : undefined;
  } catch {
    return undefined;
  }
}

/** The tree's directory when it was built from exactly the current sources, else undefined. */
export function freshBuild(root) {
  const dir = join(root, BUILD_DIR);
  const built = builtDigest(dir);
  return built !== undefined && built === sourceDigest(root) ? dir : undefined;
}
