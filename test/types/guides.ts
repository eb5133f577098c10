/**
 * Type tests for issue 14.6 (types that guide): checked by `tsc --noEmit` in npm test, never run.
 * Each `@ts-expect-error` fails the type-check if the line below it stops being an error.
 */
import { CookieJar } from 'tough-cookie';
import requests, {
  type HTTPMethod,
  MockAdapter,
  type RequestOptions,
  type Response,
  Retry,
  Session,
  type StreamResponse,
  TimeoutConfig,
} from '../../src/index.js';

type Equals<A, B> =
  (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
function assertType<T extends true>(): T | undefined {
  return undefined;
}

export async function guideTests(): Promise<void> {
  const s = new Session({ headers: { 'X-A': '1' }, timeout: 5_000, cookies: new CookieJar() });

  // url: string | URL, on the verbs, request, mount and getAdapter.
  const u = new URL('https://example.org/');
  const r1: Response = await s.get(u);
  await requests.post(u, { json: {} });
  s.mount(new URL('https://api.example.org/'), new MockAdapter());
  s.getAdapter(u);
  // @ts-expect-error a number is not a URL
  await s.get(42);

  // Method names: a literal union that still takes any string.
  const m: HTTPMethod = 'PROPFIND';
  await s.request('GET', u);
  await s.request(m, u);
  await requests.request('PURGE', 'https://example.org/');
  // @ts-expect-error a method is a string
  await s.request(1, u);

  // stream: true gives a StreamResponse (content needs read()); otherwise a Response.
  const streamed = await s.get(u, { stream: true });
  assertType<Equals<typeof streamed, StreamResponse>>();
  const whole = await requests.get(u, { stream: false });
  assertType<Equals<typeof whole, Response>>();
  const plain = await s.post(u);
  assertType<Equals<typeof plain, Response>>();
  const bytes: Uint8Array = await streamed.read();
  for await (const chunk of streamed.iterContent({ chunkSize: 1024 })) void chunk;
  void [r1, bytes];

  // Unknown options are compile errors (and TypeErrors at run time).
  // @ts-expect-error allow_redirects is allowRedirects
  await s.get(u, { allow_redirects: false });
  // @ts-expect-error maxRedirects is a Session attribute, not a request option
  await requests.get(u, { maxRedirects: 3 });
  // @ts-expect-error Session options are its attributes
  new Session({ max_redirects: 3 });
  // @ts-expect-error Retry options are camelCase
  new Retry({ backoff_factor: 2 });
  // @ts-expect-error TimeoutConfig fields are connect, read, total, pool
  new TimeoutConfig({ connect_timeout: 1 });
  // @ts-expect-error a timeout is not a string
  await s.get(u, { timeout: '5' });

  // The ecosystem's types are accepted where they go.
  const form = new FormData();
  form.append('f', new Blob(['x']), 'x.txt');
  const options: RequestOptions = {
    data: form,
    headers: new Headers({ a: 'b' }),
    params: new URLSearchParams({ q: 'x' }),
    cookies: new CookieJar(),
    proxies: { https: new URL('http://proxy.local:3128') },
    stream: undefined,
  };
  await s.post(u, options);
  await s.put(u, { data: new File(['x'], 'x.bin') });
  await s.put(u, { data: new ReadableStream<Uint8Array>() });
  await s.post(u, { files: form });
  s.cookies = new CookieJar();
  s.cookies = { a: 'b' };

  // MockAdapter.activate is disposable both ways.
  {
    using mock = MockAdapter.activate();
    mock.register('GET', 'https://example.org/');
  }
  {
    await using mock = MockAdapter.activate({ passthrough: false });
    void mock;
  }
}
