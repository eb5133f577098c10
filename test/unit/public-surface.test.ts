/**
 * The public surface is pinned (issue 11 item 10, as httpx's test_exported_members.py): the
 * runtime exports of `requests-ts` and `requests-ts/urllib3` are compared with the names
 * shared/API.md gives, both ways. A name added to an entry point, or removed from it, fails this
 * test until API.md (or one of the explicit sets below, each entry a proposed API.md change)
 * says so.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import * as main from '../../src/index.js';
import * as urllib3 from '../../src/urllib3.js';

// shared/API.md sits beside the work trees (../shared/API.md from the repository root).
const API_MD = process.env.API_MD ?? new URL('../../../shared/API.md', import.meta.url).pathname;

/** Capitalised words in API.md's code spans that are not our exports (JS, HTTP, prose). */
const PROSE = new Set([
  'AsyncIterable',
  'Buffer',
  'Expires',
  'Header', // the CLI's `Header:value` item
  'None',
  'Readable',
  'ReadableStream',
  'Symbol',
  'TimeoutSauce',
  'Uint8Array',
  'Vary',
]);

/**
 * Named in API.md ("Beyond requests"), not built yet: each must NOT be exported. When one is
 * built, this test fails until the name is removed from here.
 */
const NOT_YET_BUILT = new Set<string>([]);

/**
 * Exported by `requests-ts` though API.md does not name them. Each is a proposed API.md change;
 * when API.md gains one, this test fails until it is removed from here.
 */
const MAIN_BEYOND_API_MD = new Set([
  'default',
  'version',
  'TotalTimeout', // API.md's `timeout.total` raises it; the Errors list omits it
  'RequestHistory',
  'TLSFileError',
  'CookieConflictError',
  'cookiejarFromDict',
  'mergeCookies',
  'fileFromPath',
  'getNetrcAuth',
  'refreshEnvironment',
  'MockAdapter', // README and ARCHITECTURE describe it; API.md does not name it
  // requests' utilities users call (issue 11 item 9)
  'addressInNetwork',
  'createCookie',
  'defaultHeaders',
  'defaultHooks',
  'defaultUserAgent',
  'dispatchHook',
  'dottedNetmask',
  'getAuthFromUrl',
  'getEncodingsFromContent',
  'guessFilename',
  'guessJsonUtf',
  'isIpv4Address',
  'isValidCidr',
  'parseDictHeader',
  'parseListHeader',
  'prependSchemeIfNeeded',
  'superLen',
  'unquoteHeaderValue',
  'urldefragauth',
]);

/**
 * `requests-ts/urllib3` (issue 11 item 9; API.md names only the subpath, it should list these):
 * the pool layer and urllib3's exception classes under urllib3's names.
 */
const URLLIB3 = new Set([
  'PoolManager',
  'ProxyManager',
  'ConnectionPool',
  'HTTPResponse',
  'Retry',
  'RequestHistory',
  'Timeout',
  'parseUrl',
  'HTTPError',
  'RequestError',
  'MaxRetryError',
  'ResponseError',
  'NewConnectionError',
  'ConnectTimeoutError',
  'ReadTimeoutError',
  'TotalTimeoutError',
  'EmptyPoolError',
  'ClosedPoolError',
  'ProtocolError',
  'IncompleteRead',
  'SSLError',
  'ProxyError',
  'ProxySchemeUnknown',
  'LocationParseError',
  'DecodeError',
  'InvalidHeader',
  'UnrewindableBodyError',
]);

function section(text: string, heading: string): string {
  const start = text.indexOf(`\n## ${heading}`);
  assert.ok(start !== -1, `API.md has a "## ${heading}" section`);
  const end = text.indexOf('\n## ', start + 4);
  return text.slice(start, end === -1 ? undefined : end);
}

/** The export names API.md gives: classes in code spans, imports in code blocks, functions. */
function namesInApiMd(): Set<string> {
  assert.ok(existsSync(API_MD), `shared/API.md at ${API_MD} (set API_MD to its path)`);
  const text = readFileSync(API_MD, 'utf8');
  const names = new Set<string>();
  for (const m of text.matchAll(/import [\w\s,]*\{([^}]*)\}/g)) {
    for (const n of m[1]!.split(',')) if (n.trim()) names.add(n.trim());
  }
  const prose = text.replace(/```[\s\S]*?```/g, '');
  for (const span of prose.matchAll(/`([^`]+)`/g)) {
    for (const m of span[1]!.matchAll(/(?<![\w.-])([A-Z][A-Za-z0-9]*)(?![\w-])/g)) {
      if (m[1] !== m[1]!.toUpperCase() && !PROSE.has(m[1]!)) names.add(m[1]!);
    }
  }
  const verbs = section(prose, 'Module level');
  for (const m of verbs.matchAll(/`([a-z][A-Za-z]*)[`(]/g)) names.add(m[1]!);
  for (const m of section(prose, 'Helpers').matchAll(/`([a-z][A-Za-z]*)`/g)) {
    if (m[1] !== 'set' && m[1] !== 'has') names.add(m[1]!); // CaseInsensitiveDict's methods
  }
  return names;
}

function sorted(names: Iterable<string>): string[] {
  return [...names].sort();
}

describe('public surface against shared/API.md', () => {
  const promised = namesInApiMd();
  const exported = new Set(Object.keys(main));

  test('the parser of API.md finds its names (guards the test itself)', () => {
    for (const n of [
      'Session',
      'HTTPAdapter',
      'get',
      'del',
      'codes',
      'selectProxy',
      'JSONDecodeError',
    ]) {
      assert.ok(promised.has(n), n);
    }
    for (const n of NOT_YET_BUILT) assert.ok(promised.has(n), `${n} is named in API.md`);
  });

  test('every name API.md gives is exported by requests-ts (unless not yet built)', () => {
    const missing = sorted([...promised].filter((n) => !exported.has(n) && !NOT_YET_BUILT.has(n)));
    assert.deepEqual(missing, [], 'named in API.md, not exported');
  });

  test('names in NOT_YET_BUILT are not exported yet', () => {
    const built = sorted([...NOT_YET_BUILT].filter((n) => exported.has(n)));
    assert.deepEqual(built, [], 'built now: remove from NOT_YET_BUILT');
  });

  test('every export of requests-ts is in API.md or in MAIN_BEYOND_API_MD', () => {
    const extra = sorted(
      [...exported].filter((n) => !promised.has(n) && !MAIN_BEYOND_API_MD.has(n)),
    );
    assert.deepEqual(extra, [], 'exported, not in API.md: add to API.md or MAIN_BEYOND_API_MD');
    const stale = sorted(
      [...MAIN_BEYOND_API_MD].filter((n) => !exported.has(n) || promised.has(n)),
    );
    assert.deepEqual(stale, [], 'MAIN_BEYOND_API_MD entries gone or now in API.md: remove them');
  });

  test('the default export holds every named export', () => {
    const dflt = main.default as unknown as Record<string, unknown>;
    const named = main as unknown as Record<string, unknown>;
    const missing = sorted([...exported].filter((n) => n !== 'default' && dflt[n] !== named[n]));
    assert.deepEqual(missing, []);
    const extra = sorted(Object.keys(dflt).filter((n) => !exported.has(n)));
    assert.deepEqual(extra, []);
  });

  test('requests-ts/urllib3 exports exactly its set', () => {
    assert.deepEqual(sorted(Object.keys(urllib3)), sorted(URLLIB3));
    // API.md's own mentions of the pool layer resolve there.
    assert.ok(promised.has('Retry') && URLLIB3.has('Retry'));
    assert.equal(urllib3.Retry, main.Retry);
    assert.equal(urllib3.Timeout, main.TimeoutConfig);
  });
});
