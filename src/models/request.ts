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
  method: string | null | undefined;
  url: string | URL | null | undefined;
  headers: HeadersInput;
  files: FilesInput | FormData | null | undefined;
  data: DataInput | FormData;
  json: unknown;
  params: ParamsInput;
  auth: AuthInput | null | undefined;
  cookies: CookiesInput;
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
