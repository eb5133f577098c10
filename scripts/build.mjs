// Builds dist/esm (ESM + .d.ts) and dist/cjs (CommonJS + .d.ts) with tsc. Source maps carry their
// sources inline (tsconfig.build.json: inlineSources), as src/ is not shipped.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const tsc = require.resolve('typescript/bin/tsc');
rmSync('dist', { recursive: true, force: true });
execFileSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
execFileSync(process.execPath, [tsc, '-p', 'tsconfig.build.cjs.json'], { stdio: 'inherit' });
mkdirSync('dist/cjs', { recursive: true });
writeFileSync('dist/cjs/package.json', '{ "type": "commonjs" }\n');

// The optional-module loader resolves from its own file: `import.meta.url` in ESM, which a
// CommonJS file cannot contain; there the same URL comes from __filename.
const loader = 'dist/cjs/_internal/optional.js';
const text = readFileSync(loader, 'utf8');
const line = 'const here = import.meta.url;';
if (!text.includes(line)) throw new Error(`${loader}: expected "${line}" to rewrite`);
writeFileSync(
  loader,
  text.replace(line, "const here = require('node:url').pathToFileURL(__filename).href;"),
);
