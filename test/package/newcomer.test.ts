/**
 * The newcomer's path, on the package as npm ships it: `npm pack` the built package (dist/, made
 * by `npm run build`, which `npm test` runs first), install the tarball into a fresh temp project
 * (the tarball unpacked into node_modules/requests-ts with its bin linked as npm links it; its
 * dependencies linked from this repository's node_modules, so no network), then: the bin through
 * node_modules/.bin, ESM import and CommonJS require, a TypeScript file type-checked against the
 * package with moduleResolution node16 and bundler, and every README code block type-checked
 * exactly as written (those that need no network also run). Each step is a test; a broken step
 * fails its test, and the later ones that need it.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import {
  chmodSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';

const REPO = process.cwd();
const TSC = join(REPO, 'node_modules/typescript/bin/tsc');

/** The ```ts blocks of a Markdown text, exactly as written, with the heading above each. */
export function codeBlocks(markdown: string): { heading: string; code: string }[] {
  const out: { heading: string; code: string }[] = [];
  let heading = '';
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    if (line.startsWith('#')) heading = line.replace(/^#+\s*/, '');
    if (line.trim() !== '```ts') continue;
    const end = lines.indexOf('```', i + 1);
    assert.ok(end > i, `README: the block under "${heading}" is not closed`);
    out.push({ heading, code: `${lines.slice(i + 1, end).join('\n')}\n` });
    i = end;
  }
  return out;
}

function tsconfig(resolution: 'node16' | 'bundler', include: string[]): string {
  return JSON.stringify({
    compilerOptions: {
      target: 'ES2022',
      lib: ['ES2023'],
      module: resolution === 'node16' ? 'node16' : 'ESNext',
      moduleResolution: resolution,
      strict: true,
      exactOptionalPropertyTypes: true,
      // Our .d.ts files are checked by the build; checking undici's and Node's again costs ~20 s.
      skipLibCheck: true,
      types: ['node'],
      outDir: `out-${resolution}`,
    },
    include,
  });
}

function tsc(cwd: string, project: string): void {
  const r = spawnSync(process.execPath, [TSC, '-p', project], { cwd, encoding: 'utf8' });
  assert.equal(r.status, 0, `tsc -p ${project} in the temp project:\n${r.stdout}${r.stderr}`);
}

/** Unpacks `tgz` into node_modules/requests-ts and links its bins into node_modules/.bin. */
function install(project: string, tgz: string): void {
  const modules = join(project, 'node_modules');
  const target = join(modules, 'requests-ts');
  mkdirSync(target, { recursive: true });
  execFileSync('tar', ['-xzf', tgz, '-C', target, '--strip-components=1']);
  for (const name of readdirSync(join(REPO, 'node_modules'))) {
    if (name.startsWith('.') || name === 'requests-ts') continue;
    symlinkSync(join(REPO, 'node_modules', name), join(modules, name));
  }
  const bin = JSON.parse(readFileSync(join(target, 'package.json'), 'utf8')).bin as Record<
    string,
    string
  >;
  mkdirSync(join(modules, '.bin'));
  for (const [name, file] of Object.entries(bin)) {
    // As npm does: a relative symlink named after the bin, the target made executable.
    chmodSync(join(target, file), 0o755);
    symlinkSync(join('..', 'requests-ts', file), join(modules, '.bin', name));
  }
}

describe('the newcomer path, from the packed tarball', () => {
  let dir: string;
  let project: string;
  let files: string[];
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'newcomer-'));
    const packed = JSON.parse(
      execFileSync('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', dir], {
        encoding: 'utf8',
        cwd: REPO,
      }),
    ) as { filename: string; files: { path: string }[] }[];
    files = packed[0]!.files.map((f) => f.path);
    project = join(dir, 'app');
    mkdirSync(project);
    writeFileSync(
      join(project, 'package.json'),
      '{ "name": "app", "private": true, "type": "module" }\n',
    );
    install(project, resolve(dir, packed[0]!.filename));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('the tarball has the build, README and LICENSE, and no map names a missing source', () => {
    for (const f of ['package.json', 'README.md', 'LICENSE', 'dist/esm/index.js']) {
      assert.ok(files.includes(f), `${f} is in the tarball`);
    }
    assert.match(readFileSync(join(REPO, 'LICENSE'), 'utf8'), /Apache License\s+Version 2\.0/);
    const maps = files.filter((f) => f.endsWith('.map'));
    assert.ok(maps.length > 0);
    for (const m of maps) {
      const map = JSON.parse(readFileSync(join(project, 'node_modules/requests-ts', m), 'utf8'));
      map.sources.forEach((source: string, i: number) => {
        const shipped = files.includes(join(m, '..', source));
        assert.ok(shipped || typeof map.sourcesContent?.[i] === 'string', `${m}: ${source}`);
      });
    }
  });

  test('the bin runs through node_modules/.bin', () => {
    const r = spawnSync(join(project, 'node_modules/.bin/requests-ts'), ['--help'], {
      cwd: project,
      encoding: 'utf8',
    });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /usage: requests-ts/);
  });

  test('imports from ESM and requires from CommonJS', () => {
    const probe = 'console.log(typeof m.get, typeof m.Session, typeof m.default.get)';
    const esm = execFileSync(
      process.execPath,
      ['--input-type=module', '-e', `import * as m from 'requests-ts'; ${probe}`],
      { cwd: project, encoding: 'utf8' },
    );
    const cjs = execFileSync(
      process.execPath,
      ['-e', `const m = require('requests-ts'); m.default ??= m; ${probe}`],
      { cwd: project, encoding: 'utf8' },
    );
    assert.equal(esm.trim(), 'function function function');
    assert.equal(cjs.trim(), 'function function function');
  });

  test('type-checks against the package with node16 and bundler resolution', () => {
    writeFileSync(
      join(project, 'use.ts'),
      [
        "import requests, { HTTPAdapter, Retry, Session, type Response } from 'requests-ts';",
        'const s = new Session();',
        "s.mount('https://api.example.org/', new HTTPAdapter({ maxRetries: new Retry({ total: 2 }) }));",
        "const r: Response = await requests.get('https://api.example.org/', { timeout: [1_000, 5_000] });",
        'const n: number = r.statusCode;',
        'console.log(n);',
        '// @ts-expect-error an unknown option is a type error',
        "await requests.get('https://api.example.org/', { allow_redirects: false });",
        'await s.close();',
        '',
      ].join('\n'),
    );
    for (const resolution of ['node16', 'bundler'] as const) {
      writeFileSync(join(project, `tsconfig.${resolution}.json`), tsconfig(resolution, ['use.ts']));
      tsc(project, `tsconfig.${resolution}.json`);
    }
  });

  test('every README and guide block type-checks as written; those without network run', () => {
    const shipped = join(project, 'node_modules/requests-ts');
    const blocks = codeBlocks(readFileSync(join(shipped, 'README.md'), 'utf8'));
    assert.ok(blocks.length >= 8, `found ${blocks.length} README blocks`);
    // The guides in docs/ ship too, and their blocks are held to the same rule.
    const guides = files.filter((f) => f.startsWith('docs/') && f.endsWith('.md'));
    assert.ok(guides.length >= 6, `guides shipped: ${guides.join(', ')}`);
    for (const g of guides) blocks.push(...codeBlocks(readFileSync(join(shipped, g), 'utf8')));
    mkdirSync(join(project, 'readme'));
    // Each block a module of its own: a block that leans on another's imports fails here.
    blocks.forEach((b, i) => {
      writeFileSync(join(project, 'readme', `block-${i}.ts`), `${b.code}export {};\n`);
    });
    writeFileSync(join(project, 'tsconfig.readme.json'), tsconfig('node16', ['readme']));
    tsc(project, 'tsconfig.readme.json');
    const offline = blocks.flatMap((b, i) => (b.code.includes('new MockAdapter()') ? [i] : []));
    assert.ok(offline.length >= 2, 'the MockAdapter blocks run');
    for (const i of offline) {
      const r = spawnSync(process.execPath, [join('out-node16', `block-${i}.js`)], {
        cwd: project,
        encoding: 'utf8',
      });
      assert.equal(r.status, 0, `README block ${i} (${blocks[i]!.heading}):\n${r.stderr}`);
    }
  });
});
