/**
 * Module-level verbs (requests' `api.py`): each call uses a short-lived Session that is closed
 * afterwards. While a `MockAdapter.activate()` mock is active, that Session is served by it.
 *
 * @example
 * import requests from 'requests-ts';
 * const r = await requests.get('https://example.org/', { params: { q: 'x' }, timeout: 5_000 });
 */
import type { Response } from './models/response.js';
import {
  type HTTPMethod,
  type RequestOptions,
  Session,
  type StreamRequestOptions,
  type StreamResponse,
  type UrlInput,
} from './sessions/session.js';

/**
 * Sends a request with a new Session, closed once the response is read (or, when streamed, released).
 * @example const r = await requests.request('PROPFIND', 'https://dav.example.org/', { headers: { Depth: '1' } });
 */
export function request(
  method: HTTPMethod,
  url: UrlInput,
  options: StreamRequestOptions,
): Promise<StreamResponse>;
export function request(
  method: HTTPMethod,
  url: UrlInput,
  options?: RequestOptions,
): Promise<Response>;
export async function request(
  method: HTTPMethod,
  url: UrlInput,
  options?: RequestOptions,
): Promise<Response> {
  const session = new Session();
  try {
    return await session.request(method, url, options);
  } finally {
    // A streamed body is still being read: close the pools once it is done with.
    if (options?.stream) session.close().catch(() => {});
    else await session.close();
  }
}

/** GET. @example const r = await requests.get('https://example.org/', { params: { q: 'x' } }); */
export function get(url: UrlInput, options: StreamRequestOptions): Promise<StreamResponse>;
export function get(url: UrlInput, options?: RequestOptions): Promise<Response>;
export function get(url: UrlInput, options?: RequestOptions): Promise<Response> {
  return request('GET', url, options);
}
/** OPTIONS. @example (await requests.options(url)).headers.get('allow') */
export function options(url: UrlInput, options: StreamRequestOptions): Promise<StreamResponse>;
export function options(url: UrlInput, options?: RequestOptions): Promise<Response>;
export function options(url: UrlInput, options?: RequestOptions): Promise<Response> {
  return request('OPTIONS', url, options);
}
/** HEAD; redirects are not followed unless `allowRedirects: true`. @example (await requests.head(url)).headers.get('etag') */
export function head(url: UrlInput, options: StreamRequestOptions): Promise<StreamResponse>;
export function head(url: UrlInput, options?: RequestOptions): Promise<Response>;
export function head(url: UrlInput, options: RequestOptions = {}): Promise<Response> {
  return request('HEAD', url, { allowRedirects: false, ...options });
}
/** POST. @example await requests.post(url, { json: { a: 1 } }) */
export function post(url: UrlInput, options: StreamRequestOptions): Promise<StreamResponse>;
export function post(url: UrlInput, options?: RequestOptions): Promise<Response>;
export function post(url: UrlInput, options?: RequestOptions): Promise<Response> {
  return request('POST', url, options);
}
/** PUT. @example await requests.put(url, { data: 'text' }) */
export function put(url: UrlInput, options: StreamRequestOptions): Promise<StreamResponse>;
export function put(url: UrlInput, options?: RequestOptions): Promise<Response>;
export function put(url: UrlInput, options?: RequestOptions): Promise<Response> {
  return request('PUT', url, options);
}
/** PATCH. @example await requests.patch(url, { json: { name: 'x' } }) */
export function patch(url: UrlInput, options: StreamRequestOptions): Promise<StreamResponse>;
export function patch(url: UrlInput, options?: RequestOptions): Promise<Response>;
export function patch(url: UrlInput, options?: RequestOptions): Promise<Response> {
  return request('PATCH', url, options);
}
/** DELETE (also exported as `delete`). @example await requests.del(url) */
export function del(url: UrlInput, options: StreamRequestOptions): Promise<StreamResponse>;
export function del(url: UrlInput, options?: RequestOptions): Promise<Response>;
export function del(url: UrlInput, options?: RequestOptions): Promise<Response> {
  return request('DELETE', url, options);
}
