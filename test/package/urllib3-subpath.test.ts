/**
 * `requests-ts/urllib3` resolves through the exports map of the built package, from ESM and
 * CommonJS, with the names of src/urllib3.ts (issue 11 item 9). Needs `npm run build`.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { describe, test } from 'node:test';
import * as urllib3 from '../../src/urllib3.js';

const probe = `
  const names = Object.keys(m).filter((k) => k !== 'default').sort();
  const pm = new m.PoolManager({ numPools: 1 });
  console.log(JSON.stringify({ names, retry: new m.Retry({ total: 1 }).total, pools: pm.pools.size }));
`;

function run(args: string[]): { names: string[]; retry: number; pools: number } {
  return JSON.parse(execFileSync(process.execPath, args, { encoding: 'utf8' }));
}

describe('the requests-ts/urllib3 subpath', () => {
  test('loads from ESM and CommonJS with the names of src/urllib3.ts', () => {
    const esm = run([
      '--input-type=module',
      '-e',
      `import * as m from 'requests-ts/urllib3';${probe}`,
    ]);
    const cjs = run(['-e', `const m = require('requests-ts/urllib3');${probe}`]);
    const expected = Object.keys(urllib3).sort();
    assert.deepEqual(esm.names, expected);
    assert.deepEqual(cjs.names, expected);
    for (const r of [esm, cjs]) {
      assert.equal(r.retry, 1);
      assert.equal(r.pools, 0);
    }
  });
});
