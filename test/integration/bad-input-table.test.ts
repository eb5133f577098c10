import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import requests, {
  HTTPAdapter,
  InvalidURL,
  PreparedRequest,
  Request,
  RequestException,
  Retry,
  Session,
  TimeoutConfig,
} from '../../src/index.js';
import { echo, type Handler, startServer, type TestServer } from '../helpers/server.js';

/** /r?to=LOCATION answers 302 with that Location, sent as given; everything else echoes. */
const redirector: Handler = (req, res, record) => {
  const url = new URL(req.url ?? '/', 'http://x');
  if (url.pathname === '/r') {
    res.writeHead(302, { Location: url.searchParams.get('to') ?? '/' });
    return void res.end();
  }
  return echo(req, res, record);
};

/** Words undici (or Node) uses in its own messages: none may reach a user. */
const FOREIGN_WORDS = [
  /invalid (?:request|onUpgrade|connect|upgrade) method/,
  /invalid [\w-]+ header\b/,
  /\bheader (?:key|value) must be\b/,
  /\bundici\b/i,
  /Invalid URL$/,
  /^Cannot read properties of/,
  /is not a function$/,
];

/**
 * The failure of a bad input is ours: a requests exception, or a TypeError/RangeError naming what
 * to fix (`names`). Never a Node error with an `ERR_*` code (our own classes carry codes from
 * src/error-table.ts, so those are told apart by class), never undici's words.
 */
function assertOurs(err: unknown, names: string): void {
  assert.ok(err instanceof Error, `not an Error: ${String(err)}`);
  const code = (err as { code?: unknown }).code;
  if (!(err instanceof RequestException)) {
    assert.ok(
      err.constructor === TypeError || err.constructor === RangeError,
      `${err.constructor.name} is neither a requests exception nor a TypeError: ${err.message}`,
    );
    assert.equal(code, undefined, `a Node error (${String(code)}): ${err.message}`);
    assert.ok(err.message.includes(names), `"${err.message}" does not name ${names}`);
  }
  for (const words of FOREIGN_WORDS) {
    assert.doesNotMatch(err.message, words, `undici or Node wording in: ${err.message}`);
  }
}

/** What the row calls; `url` is the local server's base. */
type Call = (base: string) => unknown;
interface Row {
  what: string;
  call: Call;
  /** For a TypeError: the option (or value) its message must name. */
  names: string;
  /** The class the failure must be, when one is right. */
  kind?: new (
    ...args: never[]
  ) => Error;
}

const s = new Session();
const verbs = ['get', 'post', 'put', 'patch', 'delete', 'head', 'options'] as const;
const anyArg = <T>(v: unknown): T => v as T;

function urlRows(): Row[] {
  const bad = ['', 'notaurl', 'ftp://127.0.0.1/x', 'http://', 'http://a b/', 'http://[::1/'];
  const rows: Row[] = [];
  for (const u of bad) {
    for (const verb of verbs) {
      rows.push({
        what: `${verb}(${JSON.stringify(u)})`,
        call: () => requests[verb](u),
        names: 'url',
      });
    }
    rows.push({ what: `Session.request GET ${u}`, call: () => s.request('GET', u), names: 'url' });
    // requests lets prepare() take some of these (ftp://): then send() must refuse them.
    rows.push({
      what: `Request.prepare + send url ${u}`,
      call: () => s.send(new Request({ method: 'GET', url: u }).prepare()),
      names: 'url',
    });
    rows.push({
      what: `PreparedRequest.prepare + send url ${u}`,
      call: () => {
        const p = new PreparedRequest();
        p.prepare({ method: 'GET', url: u });
        return s.send(p);
      },
      names: 'url',
    });
  }
  for (const u of [42, null, {}]) {
    rows.push({ what: `get(${String(u)})`, call: () => requests.get(anyArg(u)), names: 'url' });
  }
  rows.push({
    what: 'get with port 99999',
    call: (b) => requests.get(b.replace(/:\d+$/, ':99999')),
    names: 'port',
    kind: InvalidURL,
  });
  for (const loc of ['http://a b/', 'http://a<b/', 'http://exa^mple.test/']) {
    rows.push({
      what: `redirect to ${loc}`,
      call: (b) => requests.get(`${b}/r?to=${encodeURIComponent(loc)}`),
      names: 'Location',
      kind: InvalidURL,
    });
  }
  return rows;
}

function methodRows(): Row[] {
  const rows: Row[] = [];
  for (const m of ['GE T', 'CONNECT', 'connect', '', 'GET\r\n', 'G\0T', 'GET:']) {
    const name = JSON.stringify(m.toUpperCase());
    rows.push({ what: `request(${name})`, call: (b) => requests.request(m, b), names: name });
    rows.push({ what: `Session.request(${name})`, call: (b) => s.request(m, b), names: name });
    rows.push({
      what: `Session.send(${name})`,
      call: (b) => s.send(new Request({ method: m, url: b }).prepare()),
      names: name,
    });
  }
  rows.push({ what: 'request(42)', call: (b) => requests.request(anyArg(42), b), names: 'method' });
  return rows;
}

function headerRows(): Row[] {
  const rows: Row[] = [];
  const names = ['X Y', 'X:Y', 'X\r\nY', '', 'X\0Y', 'Ä'];
  const values: unknown[] = ['a\r\nb', 'a\nb', 'a\rb', 'a\0b', 42, {}, ['a']];
  const cases: [string, Record<string, unknown>][] = [
    ...names.map((n): [string, Record<string, unknown>] => [
      `name ${JSON.stringify(n)}`,
      { [n]: 'v' },
    ]),
    ...values.map((v): [string, Record<string, unknown>] => [
      `value ${JSON.stringify(v)}`,
      { 'X-A': v },
    ]),
  ];
  for (const [what, headers] of cases) {
    rows.push({
      what: `get header ${what}`,
      call: (b) => requests.get(b, { headers: anyArg(headers) }),
      names: 'header',
    });
    rows.push({
      what: `Request.prepare header ${what}`,
      call: (b) =>
        s.send(new Request({ method: 'GET', url: b, headers: anyArg(headers) }).prepare()),
      names: 'header',
    });
  }
  return rows;
}

function bodyRows(): Row[] {
  const circular: Record<string, unknown> = {};
  circular.self = circular;
  const bodies: [string, Record<string, unknown>][] = [
    ['json BigInt', { json: { n: 1n } }],
    ['json circular', { json: circular }],
    ['data 42', { data: 42 }],
    ['data Symbol', { data: Symbol('x') }],
    ['files 42', { files: 42 }],
    ['files string', { files: 'abc' }],
  ];
  const rows: Row[] = [];
  for (const [what, options] of bodies) {
    const name = what.split(' ')[0]!;
    rows.push({
      what: `post ${what}`,
      call: (b) => requests.post(b, anyArg(options)),
      names: name,
    });
    rows.push({
      what: `Request.prepare ${what}`,
      call: (b) =>
        s.send(new Request({ method: 'POST', url: b, ...anyArg<object>(options) }).prepare()),
      names: name,
    });
  }
  return rows;
}

function optionRows(): Row[] {
  const options: [string, Record<string, unknown>][] = [
    ['timeout', { timeout: -1 }],
    ['timeout', { timeout: 'x' }],
    ['timeout', { timeout: Number.NaN }],
    ['allow_redirects', { allow_redirects: false }],
    ['cert', { cert: 5 }],
    ['params', { params: 5 }],
    ['auth', { auth: 5 }],
    ['maxRedirects', { maxRedirects: -1 }],
  ];
  const rows: Row[] = options.map(([name, o]) => ({
    what: `get ${JSON.stringify(o)}`,
    call: (b) => requests.get(b, anyArg(o)),
    names: name,
  }));
  const ctors: [string, () => unknown][] = [
    ['maxRetries', () => new HTTPAdapter(anyArg({ maxRetries: 'x' }))],
    ['pool_maxsize', () => new HTTPAdapter(anyArg({ pool_maxsize: 1 }))],
    ['total', () => new Retry(anyArg({ total: 'x' }))],
    ['backoffFactor', () => new Retry(anyArg({ backoffFactor: -1 }))],
    ['status_forcelist', () => new Retry(anyArg({ status_forcelist: [500] }))],
    ['connect', () => new TimeoutConfig(anyArg({ connect: -1 }))],
    ['read', () => new TimeoutConfig(anyArg({ read: 'x' }))],
    ['adapter', () => new Session().mount('http://x/', anyArg({}))],
    ['prefix', () => new Session().mount(anyArg(5), new HTTPAdapter())],
  ];
  for (const [name, call] of ctors)
    rows.push({ what: `${name} constructor/mount`, call, names: name });
  return rows;
}

describe('every public entry point turns bad input into our errors (issue 11.4)', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer(redirector);
  });
  after(async () => {
    s.close();
    await server.close();
  });

  const table = [...urlRows(), ...methodRows(), ...headerRows(), ...bodyRows(), ...optionRows()];
  for (const row of table) {
    test(row.what, async () => {
      let caught: unknown = null;
      try {
        await row.call(server.url);
      } catch (err) {
        caught = err;
      }
      assert.ok(caught !== null, 'the bad input was accepted');
      if (row.kind)
        assert.ok(caught instanceof row.kind, `${String(caught)} is not ${row.kind.name}`);
      assertOurs(caught, row.names);
    });
  }
});
