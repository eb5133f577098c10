// Runs the interop tier: test/interop/**/*.interop.ts (a suffix run-tests.mjs does not pick up)
// against real servers installed by scripts/interop-setup.sh. A file whose programs are missing is
// skipped with one line saying why; with CI=true that is a failure. Files in PENDING wait for a
// library fix owned elsewhere and are listed, not run.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';

/** Programs (on PATH or absolute) and python modules each file needs. */
const REQUIRES = {
  'httpbin.interop.ts': ['gunicorn', 'app:httpbin:app', 'py:requests', 'curl'],
  'nghttpd.interop.ts': ['nghttpd', 'curl', 'openssl'],
  'nghttpd-multiplex.interop.ts': ['nghttpd', 'openssl'],
  'nginx.interop.ts': ['nginx', 'curl', 'openssl'],
  'proxies.interop.ts': ['squid', 'tinyproxy', 'nginx', 'curl', '/usr/lib/squid/basic_ncsa_auth'],
  'dante.interop.ts': ['danted', 'nginx', 'unshare', 'curl'],
};

/** Files written before the fix they test; the lead moves them out once it is merged. */
const PENDING = {};

function onPath(name) {
  if (name.startsWith('/')) return existsSync(name);
  if (name.startsWith('app:')) {
    const r = spawnSync('gunicorn', ['--check-config', name.slice(4)], { stdio: 'ignore' });
    return r.status === 0;
  }
  if (name.startsWith('py:')) {
    const r = spawnSync('python3', ['-c', `import ${name.slice(3)}`], { stdio: 'ignore' });
    return r.status === 0;
  }
  const dirs = [...(process.env.PATH ?? '').split(delimiter), '/usr/sbin', '/sbin'];
  return dirs.some((d) => d && existsSync(join(d, name)));
}

function findTests(dir) {
  const out = [];
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...findTests(path));
    else if (name.endsWith('.interop.ts')) out.push(path);
  }
  return out;
}

const ci = process.env.CI === 'true';
const filter = process.argv.slice(2);
const files = [];
let missingInCi = false;
for (const file of findTests('test/interop')) {
  const base = file.split('/').pop();
  if (filter.length > 0 && !filter.some((x) => file.includes(x))) continue;
  if (base in PENDING) {
    console.log(`pending: ${file} (${PENDING[base]})`);
    continue;
  }
  const missing = (REQUIRES[base] ?? []).filter((p) => !onPath(p));
  if (missing.length > 0) {
    console.log(
      `${ci ? 'FAIL' : 'skip'}: ${file} (not installed: ${missing.join(', ')}; run scripts/interop-setup.sh)`,
    );
    missingInCi ||= ci;
    continue;
  }
  files.push(file);
}
if (files.length === 0) {
  console.log('interop: nothing to run');
  process.exit(missingInCi ? 1 : 0);
}
const env = { ...process.env, NODE_NO_WARNINGS: '1', PATH: `${process.env.PATH}:/usr/sbin:/sbin` };
// The machine's proxies and CA bundles would override what each test sets (as in requests).
for (const k of [
  'http_proxy',
  'https_proxy',
  'all_proxy',
  'no_proxy',
  'HTTP_PROXY',
  'HTTPS_PROXY',
  'ALL_PROXY',
  'NO_PROXY',
  'REQUESTS_CA_BUNDLE',
  'CURL_CA_BUNDLE',
]) {
  delete env[k];
}
const args = [
  '--import',
  'tsx',
  '--test',
  '--test-reporter=spec',
  '--test-concurrency=1',
  ...files,
];
const result = spawnSync(process.execPath, args, { stdio: 'inherit', env });
process.exit(missingInCi ? 1 : (result.status ?? 1));
