// The dependency rule of shared/ARCHITECTURE.md: a runtime import in src/ may only point to the
// same layer or one below it; an import that points up must be `import type`.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const ORDER = [
  ['_internal'],
  ['timeout', 'retry', 'structures'],
  ['pool'],
  ['errors', 'error-table', 'status-codes', 'utils', 'cookies', 'auth', 'hooks'],
  ['models'],
  ['adapters'],
  ['sessions'],
  ['api'],
  ['index', 'urllib3'],
  ['cli'],
];

function layerOf(file) {
  const top = relative('src', file).split(/[\\/]/)[0].replace(/\.ts$/, '');
  const rank = ORDER.findIndex((names) => names.includes(top));
  if (rank === -1)
    throw new Error(
      `${file}: not in any layer of ARCHITECTURE.md; add it to the ORDER in scripts/check-layers.mjs`,
    );
  return rank;
}

function walk(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? walk(path) : path.endsWith('.ts') ? [path] : [];
  });
}

const IMPORT =
  /^\s*(import|export)\s+(type\s+)?[^'";]*?from\s+['"](\.[^'"]+)['"]|^\s*import\s+['"](\.[^'"]+)['"]/gm;
const problems = [];
for (const file of walk('src')) {
  const text = readFileSync(file, 'utf8');
  const mine = layerOf(file);
  for (const m of text.matchAll(IMPORT)) {
    if (m[2]) continue; // import type / export type
    const spec = m[3] ?? m[4];
    const target = resolve(dirname(file), spec).replace(/\.js$/, '.ts');
    const theirs = layerOf(relative(process.cwd(), target));
    if (theirs > mine)
      problems.push(
        `${file}: runtime import of ${spec} points up (${ORDER[mine]} -> ${ORDER[theirs]}); use import type or move the code`,
      );
  }
}
if (problems.length > 0) {
  console.error(problems.join('\n'));
  process.exit(1);
}
console.log('layers: ok');
