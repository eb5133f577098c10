/**
 * HTTPDigestAuth's 401 -> retry flow without sockets: a fake PreparedRequest, Response and
 * connection carry what contracts.md gives them, and test/helpers/digest.ts plays the server.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { HTTPDigestAuth } from '../../src/auth.js';
import { getCookieHeader, RequestsCookieJar } from '../../src/cookies.js';
import { UnrewindableBodyError } from '../../src/errors.js';
import type { PreparedRequest } from '../../src/models/prepared-request.js';
import type { Response } from '../../src/models/response.js';
import { CaseInsensitiveDict } from '../../src/structures.js';
import { pathUrlOf } from '../../src/utils/url.js';
import { DigestChecker, type DigestOptions } from '../helpers/digest.js';

type Hook = (r: FakeResponse, options: object) => unknown;

class FakePrepared {
  method = 'GET';
  headers = new CaseInsensitiveDict<string>();
  body: unknown = null;
  bodyIsReplayable = true;
  cookies = new RequestsCookieJar();
  hooks: { response: Hook[] } = { response: [] };
  constructor(public url: string) {}
  /** PreparedRequest's request target, which digest's `uri` is. */
  get pathUrl(): string {
    return pathUrlOf(this.url);
  }
  registerHook(_event: 'response', hook: Hook): void {
    this.hooks.response.push(hook);
  }
  prepareCookies(jar: RequestsCookieJar): void {
    this.cookies = jar;
    const header = getCookieHeader(jar, this.url);
    if (header !== null) this.headers.set('Cookie', header);
  }
  copy(): FakePrepared {
    const p = new FakePrepared(this.url);
    Object.assign(p, {
      method: this.method,
      body: this.body,
      bodyIsReplayable: this.bodyIsReplayable,
    });
    p.headers = this.headers.copy();
    p.cookies = this.cookies.copy();
    p.hooks = { response: [...this.hooks.response] };
    return p;
  }
}

class FakeResponse {
  history: FakeResponse[] = [];
  headers: CaseInsensitiveDict<string>;
  wasRead = false;
  closed = false;
  constructor(
    public statusCode: number,
    public request: FakePrepared,
    public raw: { headers: Record<string, string | string[]> },
    public connection: FakeConnection,
  ) {
    this.headers = new CaseInsensitiveDict(raw.headers as Record<string, string>);
  }
  get isRedirect(): boolean {
    return this.statusCode >= 300 && this.statusCode < 400;
  }
  async read(): Promise<Uint8Array> {
    this.wasRead = true;
    return new Uint8Array();
  }
  close(): void {
    this.closed = true;
  }
}
/** The adapter: answers from the checker, no hooks (as HTTPAdapter.send). */
class FakeConnection {
  readonly sent: FakePrepared[] = [];
  constructor(
    readonly checker: DigestChecker,
    readonly extra401: Record<string, string | string[]> = {},
  ) {}
  async send(req: FakePrepared, _options?: object): Promise<FakeResponse> {
    this.sent.push(req);
    const uri = new URL(req.url).pathname + new URL(req.url).search;
    const verdict = this.checker.check(req.method, uri, req.headers.get('authorization'));
    if (verdict === 'ok') return new FakeResponse(200, req, { headers: {} }, this);
    const headers = {
      ...this.extra401,
      'www-authenticate': this.checker.challenge(verdict === 'stale'),
    };
    return new FakeResponse(401, req, { headers }, this);
  }
}

/** Session.send in small: auth, adapter, then the response hooks in order. */
async function request(conn: FakeConnection, auth: HTTPDigestAuth, url: string, body?: unknown) {
  const req = new FakePrepared(url);
  if (body !== undefined) {
    req.body = body;
    req.bodyIsReplayable = false;
  }
  auth.call(req as unknown as PreparedRequest);
  let r = await conn.send(req);
  for (const hook of req.hooks.response) r = ((await hook(r, {})) as FakeResponse | undefined) ?? r;
  return r;
}

function setup(options: Partial<DigestOptions> = {}, extra401 = {}) {
  const checker = new DigestChecker({ user: 'user', password: 'pass', ...options });
  return { checker, conn: new FakeConnection(checker, extra401) };
}

describe('HTTPDigestAuth 401 flow', () => {
  test('401 -> one retry with credentials; the 401 goes in history', async () => {
    const { conn } = setup({ algorithm: 'SHA-256', opaque: 'op' });
    const auth = new HTTPDigestAuth('user', 'pass');
    const r = await request(conn, auth, 'http://h.test/p?q=1');
    assert.equal(r.statusCode, 200);
    assert.equal(conn.sent.length, 2);
    assert.equal(r.history.length, 1);
    const first = r.history[0]!;
    assert.equal(first.statusCode, 401);
    assert.ok(first.wasRead && first.closed, 'the 401 is read and released before the retry');
    assert.equal(r.request, conn.sent[1]);
    assert.match(
      r.request.headers.get('authorization') ?? '',
      /^Digest username="user".*nc=00000001/,
    );
    assert.equal(conn.sent[0]!.headers.has('authorization'), false);
  });

  test('a later request reuses the nonce with the next nonce count, skipping the 401', async () => {
    const { conn, checker } = setup();
    const auth = new HTTPDigestAuth('user', 'pass');
    await request(conn, auth, 'http://h.test/a');
    const r = await request(conn, auth, 'http://h.test/b');
    assert.equal(r.statusCode, 200);
    assert.equal(r.history.length, 0);
    assert.equal(conn.sent.length, 3);
    assert.deepEqual(
      checker.seen.map((f) => f['nc']),
      ['00000001', '00000002'],
    );
  });

  test('a wrong password ends after one retry', async () => {
    const { conn } = setup();
    const r = await request(conn, new HTTPDigestAuth('user', 'wrong'), 'http://h.test/');
    assert.equal(r.statusCode, 401);
    assert.equal(conn.sent.length, 2);
    assert.equal(r.history.length, 1);
  });

  test('a stale nonce gets a new challenge and one retry', async () => {
    const { conn, checker } = setup({ nonceUses: 1 });
    const auth = new HTTPDigestAuth('user', 'pass');
    await request(conn, auth, 'http://h.test/');
    const r = await request(conn, auth, 'http://h.test/');
    assert.equal(r.statusCode, 200);
    assert.equal(r.history[0]?.headers.get('www-authenticate')?.includes('stale=true'), true);
    assert.equal(new Set(checker.seen.map((f) => f['nonce'])).size, 2);
    assert.equal(checker.seen.at(-1)?.['nc'], '00000001');
  });

  test('cookies set by the 401 are sent with the retry', async () => {
    const { conn } = setup({}, { 'set-cookie': ['sid=abc; Path=/', 'other=1'] });
    const r = await request(conn, new HTTPDigestAuth('user', 'pass'), 'http://h.test/');
    assert.equal(r.statusCode, 200);
    assert.equal(conn.sent[1]!.headers.get('cookie'), 'sid=abc; other=1');
  });

  test('a body that cannot be replayed raises UnrewindableBodyError, no second request', async () => {
    const { conn } = setup();
    await assert.rejects(
      request(conn, new HTTPDigestAuth('user', 'pass'), 'http://h.test/', 'stream'),
      (err: unknown) => {
        assert.ok(err instanceof UnrewindableBodyError);
        assert.match((err as Error).message, /rewind/);
        return true;
      },
    );
    assert.equal(conn.sent.length, 1);
  });

  test('a 401 without a Digest challenge is returned as it is', async () => {
    const checker = new DigestChecker({ user: 'u', password: 'p' });
    const conn = new FakeConnection(checker);
    conn.send = async (req) =>
      new FakeResponse(401, req, { headers: { 'www-authenticate': 'Basic realm="x"' } }, conn);
    const r = await request(conn, new HTTPDigestAuth('u', 'p'), 'http://h.test/');
    assert.equal(r.statusCode, 401);
    assert.equal(r.history.length, 0);
  });

  test('concurrent requests with one auth each get their retry', async () => {
    const { conn } = setup();
    const auth = new HTTPDigestAuth('user', 'pass');
    const rs = await Promise.all([1, 2, 3].map((i) => request(conn, auth, `http://h.test/${i}`)));
    assert.deepEqual(
      rs.map((r) => r.statusCode),
      [200, 200, 200],
    );
  });

  test('handleRedirect resets the count so the next hop may retry; handle401 stops at two', async () => {
    const { conn } = setup();
    const auth = new HTTPDigestAuth('user', 'pass');
    const state = { num401Calls: 2 };
    const unauthorized = await conn.send(new FakePrepared('http://h.test/'));
    const asResponse = (r: FakeResponse) => r as unknown as Response;
    assert.equal(
      await auth.handle401(asResponse(unauthorized), {}, state),
      asResponse(unauthorized),
    );
    assert.equal(state.num401Calls, 1, 'a 401 that is not retried resets the count, as requests');
    state.num401Calls = 2;
    auth.handleRedirect(
      asResponse(new FakeResponse(302, new FakePrepared('http://h.test/'), { headers: {} }, conn)),
      state,
    );
    assert.equal(state.num401Calls, 1);
    const r = (await auth.handle401(
      asResponse(unauthorized),
      {},
      state,
    )) as unknown as FakeResponse;
    assert.equal(r.statusCode, 200);
    assert.equal(state.num401Calls, 2);
  });
});
