/**
 * Derives the TypeScript types from schemas/ so the JSON Schemas stay the one source of truth.
 * `npm run gen:types` writes alert-service/src/generated/schema-types.ts;
 * `npm run gen:types -- --check` fails (exit 1) when the committed file is stale, which CI runs.
 */
import { compile } from 'json-schema-to-typescript';
import { readFileSync, writeFileSync, readdirSync } from 'node:fs';
import { join, relative, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const schemaDir = join(root, 'schemas');
const out = join(root, 'alert-service', 'src', 'generated', 'schema-types.ts');

function listSchemas(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) =>
    d.isDirectory() ? listSchemas(join(dir, d.name)) : d.name.endsWith('.schema.json') ? [join(dir, d.name)] : [],
  );
}

// One synthetic root that references every schema, so each type is emitted once.
const files = listSchemas(schemaDir).sort();
const rootSchema = {
  title: 'AllSchemas',
  type: 'object',
  additionalProperties: false,
  properties: Object.fromEntries(files.map((f) => [relative(schemaDir, f), { $ref: './' + relative(schemaDir, f) }])),
};

const banner = '/* Generated from schemas/ by alert-service/scripts/gen-types.ts. Do not edit: change the schema and run `npm run gen:types`. */';
const ts = await compile(rootSchema as never, 'AllSchemas', {
  cwd: schemaDir,
  bannerComment: banner,
  additionalProperties: false,
  unreachableDefinitions: false,
  style: { singleQuote: true },
});

if (process.argv.includes('--check')) {
  const current = readFileSync(out, 'utf8');
  if (current !== ts) {
    console.error('schema-types.ts is out of date with schemas/: run `npm run gen:types` and commit the result.');
    process.exit(1);
  }
  console.log('schema-types.ts matches schemas/');
} else {
  writeFileSync(out, ts);
  console.log(`wrote ${relative(root, out)} from ${files.length} schemas`);
}
