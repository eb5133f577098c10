/**
 * Module-level verbs (requests' `api.py`): each call uses a short-lived Session that is closed
 * afterwards.
 *
 * @example
 * import requests from 'requests-ts';
 * const r = await requests.get('https://example.org/', { params: { q: 'x' }, timeout: 5_000 });
 */
import { HTTPAdapter } from './adapters/http-adapter.js';
import type { Response } from './models/response.js';
import { type RequestOptions, Session } from './sessions/session.js';

/** Sends a request with a new Session, closed once the response is read (or, when streamed, released). */
export async function request(
  method: string,
  url: string,
  options?: RequestOptions,
): Promise<Response> {
  const session = new Session();
  try {
    return await session.request(method, url, options);
  } finally {
    // A streamed body is still being read: close the pools once it is done with.
    if (options?.stream) releaseOnceRead(session);
    else await session.close();
  }
}

/** Closes the Session's pools once idle: the streamed response's connection when it is done. */
function releaseOnceRead(session: Session): void {
  for (const adapter of session.adapters.values()) {
    if (adapter instanceof HTTPAdapter) adapter.clear();
    else adapter.close().catch(() => {});
  }
}

export function get(url: string, options?: RequestOptions): Promise<Response> {
  return request('GET', url, options);
}
export function options(url: string, options?: RequestOptions): Promise<Response> {
  return request('OPTIONS', url, options);
}
/** HEAD; redirects are not followed unless `allowRedirects: true`. */
export function head(url: string, options: RequestOptions = {}): Promise<Response> {
  return request('HEAD', url, { allowRedirects: false, ...options });
}
export function post(url: string, options?: RequestOptions): Promise<Response> {
  return request('POST', url, options);
}
export function put(url: string, options?: RequestOptions): Promise<Response> {
  return request('PUT', url, options);
}
export function patch(url: string, options?: RequestOptions): Promise<Response> {
  return request('PATCH', url, options);
}
/** DELETE (also exported as `delete`). */
export function del(url: string, options?: RequestOptions): Promise<Response> {
  return request('DELETE', url, options);
}
