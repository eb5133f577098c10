/**
 * The newcomer's path, on the package as npm ships it: `npm pack` the built package (dist/, made
 * by `npm run build`, which `npm test` runs first), install the tarball into a fresh temp project
 * (the tarball unpacked into node_modules/requests-ts with its bin linked as npm links it; its
 * dependencies linked from this repository's node_modules, so no network), then: the bin through
 * node_modules/.bin, ESM import and CommonJS require, a TypeScript file type-checked against the
 * package with moduleResolution node16 and bundler, and every code block of the README and of
 * the guides in docs/ type-checked exactly as written, then run as written in a child process
 * (all but the few CANNOT_RUN names, with the reason): the hosts they name are played on
 * 127.0.0.1 by test/helpers/readme-world.ts, reached through HTTPS_PROXY / HTTP_PROXY and
 * trusted through REQUESTS_CA_BUNDLE, so not one byte of a block differs from what a reader
 * copies. Each step is a test; a broken step fails its test, and the later ones that need it.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
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
import { startReadmeWorld, type WorldRecord } from '../helpers/readme-world.js';

const REPO = process.cwd();
const TSC = join(REPO, 'node_modules/typescript/bin/tsc');

export interface DocBlock {
  /** The Markdown file, relative to the package root. */
  file: string;
  /** The heading above the block. */
  heading: string;
  code: string;
}

/** The ```ts and ```js blocks of a Markdown text, exactly as written, with the heading above each. */
export function codeBlocks(markdown: string, file: string): DocBlock[] {
  const out: DocBlock[] = [];
  let heading = '';
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    if (line.startsWith('#')) heading = line.replace(/^#+\s*/, '');
    if (!/^```(ts|typescript|js|javascript|mjs)$/.test(line.trim())) continue;
    const end = lines.indexOf('```', i + 1);
    assert.ok(end > i, `${file}: the block under "${heading}" is not closed`);
    out.push({ file, heading, code: `${lines.slice(i + 1, end).join('\n')}\n` });
    i = end;
  }
  return out;
}

/**
 * Blocks that cannot run as written, found by a string in them, and why. Each must still match a
 * block (a stale entry fails the test); every other block runs.
 */
const CANNOT_RUN: { marker: string; why: string }[] = [
  {
    marker: "verify: '/etc/ssl/company-ca.pem'",
    why: 'names a company CA bundle and client certificate files that only the reader has; test/tls/ runs the same options against generated ones',
  },
  {
    marker: "https: 'http://proxy.local:3128'",
    why: 'names its own proxies (proxy.local:3128, a SOCKS proxy on 127.0.0.1:1080), which override the environment; test/proxy/ runs the same calls through local proxies',
  },
];

/** What the local servers must have seen while a block (found by a string in it) ran. */
const EXPECT: [
  marker: string,
  check: (seen: WorldRecord[], where: string, stdout: string) => void,
][] = [
  [
    'createServer((req, res) => res.end(`hello from ${req.url}`))',
    (_seen, where, stdout) => {
      assert.match(stdout, /^hello from \/info\n/, `${where}: answered over the Unix socket`);
    },
  ],
  [
    'new HTTPAdapter({ http2: true, poolMaxsize: 1 })',
    (seen, where) => {
      const items = seen.filter((r) => r.path.startsWith('/items/'));
      assert.equal(items.length, 50, where);
      assert.ok(
        items.every((r) => r.httpVersion === '2.0'),
        `${where}: all over HTTP/2`,
      );
    },
  ],
  [
    "await requests.get('https://self-signed.example/', { verify: false })",
    (seen, where, stdout) => {
      assert.match(stdout, /^not trusted: /, `${where}: the self-signed certificate refused`);
      assert.equal(seen.filter((r) => r.host === 'self-signed.example').length, 1, where);
    },
  ],
  [
    "'https://api.example.org/flaky'",
    (seen, where) => {
      const flaky = seen.filter((r) => r.path === '/flaky');
      assert.equal(flaky.length, 3, `${where}: two 503s retried, then the 200`);
    },
  ],
  [
    "'https://shop.example/account'",
    (seen, where) => {
      const account = seen.find((r) => r.path === '/account');
      assert.equal(
        account?.headers.cookie,
        'session_id=abc',
        `${where}: the login cookie sent back`,
      );
    },
  ],
  [
    'new HTTPDigestAuth(',
    (seen, where) => {
      const digest = seen.filter((r) => r.path === '/digest');
      assert.match(String(digest.at(-1)?.headers.authorization), /^Digest /, where);
    },
  ],
  [
    "s.events('https://api.example.org/stream')",
    (seen, where, stdout) => {
      assert.equal(
        stdout,
        'greet 1 "hello"\nmessage 2 "line one\\nline two"\ndone 2 "bye"\nHel\nlo\n[DONE]\n',
        where,
      );
      const stream = seen.filter((r) => r.path === '/stream');
      assert.equal(stream.length, 1, `${where}: left at done, no reconnection`);
      assert.equal(stream[0]!.headers.accept, 'text/event-stream', where);
      const chat = seen.find((r) => r.path === '/chat');
      assert.equal(chat?.method, 'POST', where);
      assert.deepEqual(JSON.parse(String(chat?.body)), { prompt: 'hi' }, where);
    },
  ],
  [
    "fileFromPath('./beach.jpg')",
    (seen, where) => {
      const upload = seen.find((r) => r.path === '/upload');
      assert.match(String(upload?.body), /filename="beach\.jpg"[\s\S]*sunny/, where);
    },
  ],
];

/** Runs a child to its end (bounded), without blocking this process's servers. */
function run(
  cmd: string,
  args: string[],
  options: { cwd: string; env: NodeJS.ProcessEnv },
): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((done, fail) => {
    const child = spawn(cmd, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', fail);
    child.on('close', (status) => {
      clearTimeout(timer);
      done({ status, stdout, stderr });
    });
  });
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
  let blocks: DocBlock[] = [];
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

  test('every README and guide block type-checks as written', () => {
    const shipped = join(project, 'node_modules/requests-ts');
    blocks = codeBlocks(readFileSync(join(shipped, 'README.md'), 'utf8'), 'README.md');
    assert.ok(blocks.length >= 8, `found ${blocks.length} README blocks`);
    // The guides in docs/ ship too, and their blocks are held to the same rule.
    const guides = files.filter((f) => f.startsWith('docs/') && f.endsWith('.md'));
    assert.ok(guides.length >= 6, `guides shipped: ${guides.join(', ')}`);
    for (const g of guides) blocks.push(...codeBlocks(readFileSync(join(shipped, g), 'utf8'), g));
    mkdirSync(join(project, 'readme'));
    // Each block a module of its own: a block that leans on another's imports fails here.
    blocks.forEach((b, i) => {
      writeFileSync(join(project, 'readme', `block-${i}.ts`), `${b.code}export {};\n`);
    });
    writeFileSync(join(project, 'tsconfig.readme.json'), tsconfig('node16', ['readme']));
    tsc(project, 'tsconfig.readme.json');
  });

  test('every block that can run runs as written, its hosts played on 127.0.0.1', async () => {
    assert.ok(blocks.length > 0, 'the blocks were type-checked');
    const world = await startReadmeWorld();
    const cwd = join(project, 'run');
    mkdirSync(cwd);
    // The files the upload block names, as a reader would have them beside the script.
    writeFileSync(join(cwd, 'beach.jpg'), Buffer.alloc(5_000, 1));
    const used = new Set<string>();
    try {
      for (const [i, b] of blocks.entries()) {
        const where = `${b.file} block ${i} (${b.heading})`;
        const skip = CANNOT_RUN.find((c) => b.code.includes(c.marker));
        if (skip) {
          used.add(skip.marker);
          continue;
        }
        const before = world.records.length;
        const r = await run(process.execPath, [join(project, 'out-node16', `block-${i}.js`)], {
          cwd,
          env: world.env,
        });

        assert.equal(r.status, 0, `${where} exits 0:\n${r.stdout}${r.stderr}`);
        const seen = world.records.slice(before);
        if (b.code.includes('MockAdapter')) {
          assert.deepEqual(seen, [], `${where}: a MockAdapter block opens no connection`);
        } else if (/'https?:\/\//.test(b.code)) {
          assert.ok(seen.length > 0, `${where} reached the local servers`);
        }
        for (const [marker, check] of EXPECT) {
          if (!b.code.includes(marker)) continue;
          used.add(marker);
          check(seen, where, r.stdout);
        }
      }
      for (const m of [...CANNOT_RUN.map((c) => c.marker), ...EXPECT.map((e) => e[0])]) {
        assert.ok(used.has(m), `no block left for: ${m}`);
      }
      // Every CONNECT named a documented host, and the proxy refused nothing.
      for (const rec of world.proxy.records) assert.notEqual(rec.status, 502, rec.target);
    } finally {
      await world.close();
    }
  });

  test('README starts with Install; `await using` has a try/finally close() beside it; no link leaves the package', () => {
    const shipped = join(project, 'node_modules/requests-ts');
    const readme = readFileSync(join(shipped, 'README.md'), 'utf8');
    assert.equal(/^## (.*)$/m.exec(readme)?.[1], 'Install', 'the README starts with Install');
    const install = readme.slice(0, readme.indexOf('\n## ', readme.indexOf('## Install') + 1));
    for (const command of ['npm install requests-ts', 'npm run demo', 'npm ci && npm test']) {
      assert.ok(install.includes(command), `the Install section shows \`${command}\``);
    }
    for (const f of [
      'README.md',
      ...files.filter((g) => g.startsWith('docs/') && g.endsWith('.md')),
    ]) {
      const text = readFileSync(join(shipped, f), 'utf8');
      const own = blocks.filter((b) => b.file === f);
      if (own.some((b) => b.code.includes('await using'))) {
        assert.ok(
          own.some((b) => /finally \{[^}]*\.close\(\)/.test(b.code)),
          `${f} uses \`await using\` without a try/finally close() block for Node 20`,
        );
      }
      for (const [, target] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
        assert.doesNotMatch(target!, /^[a-z]+:/i, `${f}: a link outside the package: ${target}`);
        const path = join(f, '..', target!.split('#')[0]!);
        assert.ok(target!.startsWith('#') || files.includes(path), `${f}: ${target} is shipped`);
      }
    }
  });
});
