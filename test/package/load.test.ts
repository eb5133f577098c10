/**
 * The built package (dist/, made by `npm run build`, which `npm test` runs first) loads as ESM
 * and as CommonJS through the exports map, with the same public names.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { describe, test } from 'node:test';

function run(args: string[]): string {
  return execFileSync(process.execPath, args, { encoding: 'utf8', cwd: process.cwd() });
}

const probe = `
  const names = Object.keys(m).filter((k) => k !== 'default').sort();
  const d = m.default ?? m;
  const e = new d.ConnectTimeout('x');
  console.log(JSON.stringify({ names, get: typeof d.get, session: typeof d.Session, both: e instanceof d.ConnectionError && e instanceof d.Timeout }));
`;

describe('the built package', () => {
  test('dist has ESM and CommonJS builds with type declarations', () => {
    for (const f of [
      'dist/esm/index.js',
      'dist/esm/index.d.ts',
      'dist/cjs/index.js',
      'dist/cjs/index.d.ts',
    ]) {
      assert.ok(existsSync(f), `${f} exists (run npm run build)`);
    }
    assert.equal(JSON.parse(readFileSync('dist/cjs/package.json', 'utf8')).type, 'commonjs');
  });

  test('loads from ESM and from CommonJS with the same names', () => {
    const esm = JSON.parse(
      run(['--input-type=module', '-e', `import * as m from 'requests-ts';${probe}`]),
    );
    const cjs = JSON.parse(run(['-e', `const m = require('requests-ts');${probe}`]));
    for (const r of [esm, cjs]) {
      assert.equal(r.get, 'function');
      assert.equal(r.session, 'function');
      assert.equal(r.both, true);
    }
    assert.deepEqual(cjs.names, esm.names);
    assert.ok(esm.names.includes('HTTPAdapter'));
  });

  test('the default User-Agent carries the package version', async () => {
    const { VERSION } = await import('../../src/_internal/version.js');
    assert.equal(VERSION, JSON.parse(readFileSync('package.json', 'utf8')).version);
  });
});
