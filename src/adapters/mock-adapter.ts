/**
 * An adapter for users' own tests: answers from registered routes, records every request, and
 * never opens a socket. Mount it on a Session for the URLs the code under test calls.
 *
 * @example
 * const mock = new MockAdapter();
 * mock.register('GET', 'https://api.example.org/items', { json: [{ id: 1 }] });
 * const s = new Session();
 * s.mount('https://api.example.org/', mock);
 * (await s.get('https://api.example.org/items')).json(); // [{ id: 1 }]
 * mock.calls.length; // 1
 *
 * @example
 * // Module-level calls (and every Session created meanwhile), as Python's `responses`:
 * using mock = MockAdapter.activate();
 * mock.register('GET', 'https://api.example.org/items', { json: [] });
 * await requests.get('https://api.example.org/items');
 */
import { STATUS_CODES } from 'node:http';
import { ConnectionError, RequestException } from '../errors.js';
import type { PreparedRequest } from '../models/prepared-request.js';
import type { Response } from '../models/response.js';
import { now } from '../pool/timings.js';
import type { RawHeaders } from '../pool/types.js';
import { prepareUrl } from '../utils/url.js';
import { BaseAdapter, type SendOptions } from './base-adapter.js';
import { buildResponse } from './build-response.js';
import { HTTPAdapter } from './http-adapter.js';
import { MemoryRawResponse } from './memory-raw.js';

/** What a route answers. */
export interface MockResponseInit {
  /** @default 200 */
  status?: number;
  reason?: string;
  headers?: Record<string, string | string[]>;
  /** Raw body; a string is sent as UTF-8. */
  body?: string | Uint8Array;
  /** A JSON body, with `Content-Type: application/json` unless headers give one. */
  json?: unknown;
  /** Instead of answering, reject with this error (e.g. `new ConnectTimeout('...')`). */
  error?: Error;
}

export type MockResponder =
  | MockResponseInit
  | ((request: PreparedRequest) => MockResponseInit | Promise<MockResponseInit>);

/** A URL matcher: the exact URL, a RegExp, or a predicate. */
export type MockUrl = string | RegExp | ((url: string) => boolean);

/** A registered route, as `mock.routes` lists it. */
export interface MockRoute {
  /** Upper-case method, or `'*'` for any. */
  method: string;
  url: MockUrl;
  responder: MockResponder;
  /** How many requests the route has answered. */
  calls: number;
  /** Answer at most this many times, then let later routes match. `null` = unbounded. */
  times: number | null;
}

/** What `new MockAdapter(options)` and `MockAdapter.activate(options)` take. */
export interface MockAdapterOptions {
  /** When no route matches: throw ConnectionError (default) or pass to a real HTTPAdapter. */
  passthrough?: boolean;
}

// The activated mocks, most recent last: Sessions created while one is active use it.
const active: MockAdapter[] = [];

/** The MockAdapter that new Sessions mount on `http://` and `https://`, if one is active. */
export function activeMock(): BaseAdapter | null {
  const mock = active[active.length - 1];
  return mock === undefined ? null : new ActiveMockLink(mock);
}

/**
 * An adapter for your own tests: answers from registered routes, records every request, and
 * never opens a socket. Mount it on a Session for the URLs the code under test calls, or
 * `MockAdapter.activate()` it to serve `requests.get` and friends too.
 *
 * @example
 * const mock = new MockAdapter();
 * mock.register('GET', 'https://api.example.org/items', { json: [{ id: 1 }] });
 * const s = new Session();
 * s.mount('https://api.example.org/', mock);
 * (await s.get('https://api.example.org/items')).json(); // [{ id: 1 }]
 * mock.calls.length; // 1
 */
export class MockAdapter extends BaseAdapter {
  /** The registered routes, in the order they are tried. */
  readonly routes: MockRoute[] = [];
  /** Every request sent, in order (matched or not). */
  readonly calls: PreparedRequest[] = [];
  readonly #passthrough: HTTPAdapter | null;

  constructor(options: MockAdapterOptions = {}) {
    super();
    this.#passthrough = options.passthrough ? new HTTPAdapter() : null;
  }

  /**
   * A new MockAdapter that serves every Session created until it is deactivated, and so
   * `requests.get` and the other module-level calls. Deactivate it with `using` / `await using`,
   * or `deactivate()` in a `finally`, so that it never leaks into other tests.
   * @example
   * const mock = MockAdapter.activate();
   * try {
   *   mock.register('GET', 'https://api.example.org/', { status: 204 });
   *   await requests.get('https://api.example.org/');
   * } finally {
   *   mock.deactivate();
   * }
   */
  static activate(options: MockAdapterOptions = {}): MockAdapter {
    const mock = new MockAdapter(options);
    active.push(mock);
    return mock;
  }

  /** Whether this mock serves new Sessions (between `activate()` and `deactivate()`). */
  get isActive(): boolean {
    return active.includes(this);
  }

  /** Stops serving new Sessions; a mock activated before it is served again. Idempotent. */
  deactivate(): void {
    const i = active.lastIndexOf(this);
    if (i !== -1) active.splice(i, 1);
  }

  /** `using mock = MockAdapter.activate()`: deactivates it when the block ends. */
  [Symbol.dispose](): void {
    this.deactivate();
  }

  /** `await using`: deactivates it and closes its passthrough adapter. */
  override async [Symbol.asyncDispose](): Promise<void> {
    this.deactivate();
    await this.close();
  }

  /** Adds a route; the first matching route with answers left wins. */
  register(
    method: string,
    url: MockUrl,
    responder: MockResponder = {},
    options: { times?: number | null } = {},
  ): MockRoute {
    const route: MockRoute = {
      method: method.toUpperCase(),
      // A string is compared with the prepared URL, so it is prepared the same way.
      url: typeof url === 'string' ? prepareUrl(url) : url,
      responder,
      calls: 0,
      times: options.times ?? null,
    };
    this.routes.push(route);
    return route;
  }

  /** Forgets every route and recorded call. */
  reset(): void {
    this.routes.length = 0;
    this.calls.length = 0;
  }

  override async send(request: PreparedRequest, options: SendOptions = {}): Promise<Response> {
    const startedAt = now();
    this.calls.push(request);
    const route = this.#match(request);
    if (route === undefined) {
      if (this.#passthrough) return this.#passthrough.send(request, options);
      throw new ConnectionError(`No mock route matches ${request.method} ${request.url}`, {
        request,
      });
    }
    route.calls++;
    const init =
      typeof route.responder === 'function' ? await route.responder(request) : route.responder;
    if (init.error) {
      if (init.error instanceof RequestException && init.error.request === null) {
        init.error.request = request;
      }
      throw init.error;
    }
    return this.#build(request, init, startedAt);
  }

  #match(request: PreparedRequest): MockRoute | undefined {
    const url = request.url ?? '';
    return this.routes.find(
      (r) =>
        (r.method === '*' || r.method === request.method) &&
        (r.times === null || r.calls < r.times) &&
        (typeof r.url === 'string'
          ? r.url === url
          : r.url instanceof RegExp
            ? r.url.test(url)
            : r.url(url)),
    );
  }

  async #build(
    request: PreparedRequest,
    init: MockResponseInit,
    startedAt: number,
  ): Promise<Response> {
    const status = init.status ?? 200;
    const headers = Object.create(null) as RawHeaders;
    for (const [k, v] of Object.entries(init.headers ?? {})) headers[k.toLowerCase()] = v;
    let body: Uint8Array;
    if (init.json !== undefined) {
      body = Buffer.from(JSON.stringify(init.json));
      headers['content-type'] ??= 'application/json';
    } else {
      body =
        typeof init.body === 'string' ? Buffer.from(init.body) : (init.body ?? new Uint8Array(0));
    }
    headers['content-length'] ??= String(body.length);
    const raw = new MemoryRawResponse(
      status,
      init.reason ?? STATUS_CODES[status] ?? '',
      headers,
      request.url ?? '',
      body,
      startedAt,
    );
    const response = buildResponse(this, request, raw);
    await response.read();
    return response;
  }

  override async close(): Promise<void> {
    await this.#passthrough?.close();
  }
}

/**
 * What a Session mounts while a mock is active: sends through the mock, and leaves it open when
 * the Session closes (a module-level call closes its Session at once; the mock lives on).
 */
class ActiveMockLink extends BaseAdapter {
  constructor(readonly mock: MockAdapter) {
    super();
  }

  override send(request: PreparedRequest, options?: SendOptions): Promise<Response> {
    return this.mock.send(request, options);
  }

  override async close(): Promise<void> {}
}
