// Runs every test/**/*.test.ts with node's test runner (TypeScript through tsx).
// Node 20's --test does not glob .ts files, so the list is built here.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

function findTests(dir) {
  const out = [];
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...findTests(path));
    else if (name.endsWith('.test.ts')) out.push(path);
  }
  return out;
}

const filter = process.argv.slice(2);
const files = findTests('test').filter(
  (f) => filter.length === 0 || filter.some((x) => f.includes(x)),
);
if (files.length === 0) {
  console.error('no test files matched');
  process.exit(1);
}
const args = [
  '--import',
  'tsx',
  '--test',
  '--test-reporter=spec',
  '--test-concurrency=2',
  ...files,
];
const result = spawnSync(process.execPath, args, {
  stdio: 'inherit',
  env: { ...process.env, NODE_NO_WARNINGS: '1' },
});
process.exit(result.status ?? 1);
