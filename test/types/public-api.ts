/**
 * Type tests: checked by `tsc --noEmit` (part of npm test), never run. Each `@ts-expect-error`
 * fails the type-check if the line below it stops being an error.
 */
import requests, {
  type AuthInput,
  ConnectTimeout,
  HTTPAdapter,
  type RequestOptions,
  type Response,
  Retry,
  Session,
  TimeoutConfig,
} from '../../src/index.js';

export async function typeTests(): Promise<void> {
  const r: Response = await requests.get('http://127.0.0.1/', {
    params: { q: 'x', n: 1 },
    timeout: 5_000,
  });
  const status: number = r.statusCode;
  const data = r.json<{ items: string[] }>();
  const items: string[] = data.items;
  const body: Uint8Array = r.content;
  void [status, items, body];

  const s = new Session();
  s.mount(
    'https://',
    new HTTPAdapter({ poolMaxsize: 4, maxRetries: new Retry({ total: 3, backoffFactor: 200 }) }),
  );
  await s.post('http://127.0.0.1/', { json: { a: 1 }, timeout: [1_000, 5_000], verify: false });
  await s.get('http://127.0.0.1/', { timeout: { connect: 1, read: 2, total: 3, pool: 4 } });
  await s.get('http://127.0.0.1/', {
    timeout: new TimeoutConfig({ read: 1 }),
    headers: { 'X-A': null },
  });
  const auth: AuthInput = ['user', 'pass'];
  const options: RequestOptions = {
    auth,
    allowRedirects: false,
    stream: true,
    signal: AbortSignal.timeout(1),
  };
  for await (const chunk of (await s.get('http://127.0.0.1/', options)).iterContent({
    chunkSize: 1024,
  }))
    void chunk;

  // @ts-expect-error timeout takes ms, a pair, an object, a TimeoutConfig or null, not a string
  await s.get('http://127.0.0.1/', { timeout: '5s' });
  // @ts-expect-error options use camelCase names
  await s.get('http://127.0.0.1/', { allow_redirects: false });
  // @ts-expect-error maxRetries is a number or a Retry
  new HTTPAdapter({ maxRetries: '3' });

  const e: unknown = new ConnectTimeout('x');
  if (e instanceof ConnectTimeout) {
    const url: string | null | undefined = e.request?.url;
    void url;
  }
  await s.close();
}
