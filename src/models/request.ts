/**
 * requests' `Request`: what the user asked for, before preparation.
 */

import type { AuthInput } from '../auth.js';
import {
  defaultHooks,
  deregisterHook,
  type Hooks,
  type ResponseHook,
  registerHook,
  registerHooks,
} from '../hooks.js';
import type { ParamsInput } from '../utils/url.js';
import type { DataInput } from './body.js';
import type { FilesInput } from './multipart.js';
import {
  type CookiesInput,
  type HeadersInput,
  PreparedRequest,
  type PrepareOptions,
} from './prepared-request.js';
import { installRequestView } from './views.js';

/** What `new Request(...)` takes: the options of `PreparedRequest.prepare`. */
export type RequestInit = PrepareOptions;

/**
 * A user-created request. `prepare()` turns it into the PreparedRequest that is sent.
 *
 * @example
 * const req = new Request({ method: 'GET', url: 'https://example.org/', params: { q: 'x' } });
 * const prepared = req.prepare(); // <PreparedRequest [GET]>
 */
export class Request {
  /** HTTP method; upper-cased when prepared. */
  method: string | null | undefined;
  /** Target URL; `params` are merged into its query when prepared. */
  url: string | URL | null | undefined;
  /** Request headers, as the `headers` option. */
  headers: HeadersInput;
  /** Multipart file parts, as the `files` option. */
  files: FilesInput | FormData | null | undefined;
  /** The body: form fields, text, bytes or a stream, as the `data` option. */
  data: DataInput | FormData;
  /** A value sent as a JSON body when neither `data` nor `files` is given. */
  json: unknown;
  /** Query parameters, as the `params` option. */
  params: ParamsInput;
  /** `[user, pass]` or an AuthBase. */
  auth: AuthInput | null | undefined;
  /** Cookies for this request only. */
  cookies: CookiesInput;
  /** `response` hooks of this request. */
  hooks: Hooks = defaultHooks();

  constructor(init: RequestInit = {}) {
    this.method = init.method;
    this.url = init.url;
    this.headers = init.headers;
    this.files = init.files;
    this.data = init.data;
    this.json = init.json;
    this.params = init.params;
    this.auth = init.auth;
    this.cookies = init.cookies;
    registerHooks(this.hooks, init.hooks);
  }

  /** Adds a hook (or an iterable of hooks) for `event`. @throws {TypeError} unknown event */
  registerHook(event: string, hook: ResponseHook | Iterable<ResponseHook>): void {
    registerHook(this.hooks, event, hook);
  }

  /** Removes a hook; true when it was registered. */
  deregisterHook(event: string, hook: ResponseHook): boolean {
    return deregisterHook(this.hooks, event, hook);
  }

  /** The PreparedRequest for this request. */
  prepare(): PreparedRequest {
    const p = new PreparedRequest();
    p.prepare({
      method: this.method,
      url: this.url,
      headers: this.headers,
      files: this.files,
      data: this.data,
      json: this.json,
      params: this.params,
      auth: this.auth,
      cookies: this.cookies,
      hooks: this.hooks,
    });
    return p;
  }

  /** `<Request [GET]>`, as requests' repr. */
  toString(): string {
    return `<Request [${this.method}]>`;
  }
}
installRequestView(Request);
