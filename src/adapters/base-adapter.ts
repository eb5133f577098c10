/**
 * The base every transport adapter extends (requests' `BaseAdapter`). Any subclass can be mounted
 * on a Session.
 */

import type { PreparedRequest } from '../models/prepared-request.js';
import type { Response } from '../models/response.js';
import type { CallContext } from '../pool/call-context.js';
import type { CertInput } from '../pool/tls.js';
import type { TimeoutInput } from '../timeout.js';
import type { ProxiesMap } from '../utils/proxies.js';
import type { ProgressCallback } from './progress.js';

/** What `send` takes besides the request (requests' `send` keyword arguments). */
export interface SendOptions {
  /** Do not read the body before resolving. @default false */
  stream?: boolean | undefined;
  timeout?: TimeoutInput;
  /** `true`, `false`, or a path to a CA bundle file or directory. @default true */
  verify?: boolean | string | undefined;
  cert?: CertInput | null | undefined;
  /** Scheme or scheme://host -> proxy URL. */
  proxies?: ProxiesMap | null | undefined;
  signal?: AbortSignal | undefined;
  /** Ours: largest decoded body accepted for this request, bytes; overrides the adapter's. */
  maxResponseSize?: number | null | undefined;
  /** Ours: request body progress; see RequestOptions.onUploadProgress. */
  onUploadProgress?: ProgressCallback | undefined;
  /** Ours: response body progress; see RequestOptions.onDownloadProgress. */
  onDownloadProgress?: ProgressCallback | undefined;
  /**
   * Set by a Session that follows redirects: a redirect's body, read and dropped on the way, is
   * then not counted as download progress. @internal
   */
  followsRedirects?: boolean | undefined;
  /**
   * The call's deadline and signal, made once by the Session for the whole chain of redirects;
   * when given, `timeout.total` and `signal` are already in it. @internal
   */
  context?: CallContext | undefined;
}

/**
 * The base every transport adapter extends (requests' `BaseAdapter`): implement `send` and
 * `close`, and any subclass can be mounted on a Session.
 *
 * @example
 * class Canned extends BaseAdapter {
 *   async send(request: PreparedRequest): Promise<Response> { ... }
 *   async close(): Promise<void> {}
 * }
 * s.mount('https://api.example.org/', new Canned());
 */
export abstract class BaseAdapter {
  /**
   * Sends a PreparedRequest and returns its Response.
   * @subclass
   */
  abstract send(request: PreparedRequest, options?: SendOptions): Promise<Response>;

  /**
   * Releases every connection and resource.
   * @subclass
   */
  abstract close(): Promise<void>;

  /** `await using`: `close()` when the block ends. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}
