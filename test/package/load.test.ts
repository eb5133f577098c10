/**
 * The built package (dist/, made by `npm run build`, which `npm test` runs first) loads as ESM
 * and as CommonJS through the exports map, with the same public names.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
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

  test('optional parts load when first needed, from ESM and CommonJS', () => {
    const optional = ['socks', 'chardet', 'fzstd', 'tough-cookie'];
    const loaded = `{ const c = Object.keys(require.cache); console.log(JSON.stringify(${JSON.stringify(optional)}.filter((p) => c.some((f) => f.includes('/node_modules/' + p + '/'))))); }`;
    const cjs = run([
      '-e',
      `const m = require('requests-ts'); ${loaded} new m.Session().cookies.set('a', 'b'); ${loaded}`,
    ]);
    assert.equal(cjs, '[]\n["tough-cookie"]\n');
    const esm = run([
      '--input-type=module',
      '-e',
      `import { createRequire } from 'node:module'; const require = createRequire(import.meta.url); const m = await import('requests-ts'); ${loaded} m.Response.prototype; new m.Session().cookies.set('a', 'b'); ${loaded}`,
    ]);
    assert.equal(esm, '[]\n["tough-cookie"]\n');
    // and no module of the ESM build imports them statically
    for (const f of readdirSync('dist/esm', { recursive: true, encoding: 'utf8' })) {
      if (!f.endsWith('.js')) continue;
      const text = readFileSync(join('dist/esm', f), 'utf8');
      for (const p of optional) assert.ok(!text.includes(`from '${p}'`), `${f} imports ${p}`);
    }
  });

  test('the default User-Agent carries the package version', async () => {
    const { VERSION } = await import('../../src/_internal/version.js');
    assert.equal(VERSION, JSON.parse(readFileSync('package.json', 'utf8')).version);
  });
});
