/**
 * requests-ts: Python's requests (with urllib3 beneath it) for TypeScript on Node.js.
 * The only barrel: every public name is exported here, and the default export holds them all.
 */

import { VERSION } from './_internal/version.js';
import { BaseAdapter } from './adapters/base-adapter.js';
import { FileCache } from './adapters/cache/file-cache.js';
import { MemoryCache } from './adapters/cache/store.js';
import { CacheAdapter } from './adapters/cache-adapter.js';
import { HTTPAdapter } from './adapters/http-adapter.js';
import { MockAdapter } from './adapters/mock-adapter.js';
import { del, get, head, options, patch, post, put, request } from './api.js';
import { AuthBase, HTTPBasicAuth, HTTPDigestAuth, HTTPProxyAuth, parseDictHeader } from './auth.js';
import {
  CookieConflictError,
  cookiejarFromDict,
  mergeCookies,
  RequestsCookieJar,
} from './cookies.js';
import * as errors from './errors.js';
// requests' utilities that users call (issue 11 item 9).
import { defaultHooks, dispatchHook } from './hooks.js';
import { fileFromPath } from './models/body.js';
import { guessFilename } from './models/multipart.js';
import { PreparedRequest } from './models/prepared-request.js';
import { Request } from './models/request.js';
import { Response } from './models/response.js';
import { superLen } from './models/super-len.js';
import { TLSFileError } from './pool/tls.js';
import { RequestHistory, Retry } from './retry.js';
import { defaultHeaders, Session } from './sessions/session.js';
import { codes } from './status-codes.js';
import { CaseInsensitiveDict } from './structures.js';
import { TimeoutConfig } from './timeout.js';
import { createCookie } from './utils/cookie-attrs.js';
import { getEncodingFromHeaders, guessJsonUtf } from './utils/encoding.js';
import { refreshEnvironment } from './utils/environment.js';
import {
  defaultUserAgent,
  dottedNetmask,
  getEncodingsFromContent,
  parseListHeader,
  unquoteHeaderValue,
  urldefragauth,
} from './utils/helpers.js';
import { parseHeaderLinks } from './utils/links.js';
import { getNetrcAuth } from './utils/netrc.js';
import {
  addressInNetwork,
  getAuthFromUrl,
  getEnvironProxies,
  isIPv4Address as isIpv4Address,
  isValidCidr,
  prependSchemeIfNeeded,
  selectProxy,
  shouldBypassProxies,
} from './utils/proxies.js';
import { requoteUri } from './utils/url.js';

const utils = {
  /** {@inheritDoc addressInNetwork} */
  addressInNetwork,
  /** {@inheritDoc createCookie} */
  createCookie,
  /** {@inheritDoc defaultHeaders} */
  defaultHeaders,
  /** {@inheritDoc defaultHooks} */
  defaultHooks,
  /** {@inheritDoc defaultUserAgent} */
  defaultUserAgent,
  /** {@inheritDoc dispatchHook} */
  dispatchHook,
  /** {@inheritDoc dottedNetmask} */
  dottedNetmask,
  /** {@inheritDoc getAuthFromUrl} */
  getAuthFromUrl,
  /** {@inheritDoc getEncodingsFromContent} */
  getEncodingsFromContent,
  /** {@inheritDoc guessFilename} */
  guessFilename,
  /** {@inheritDoc guessJsonUtf} */
  guessJsonUtf,
  /** {@inheritDoc isIpv4Address} */
  isIpv4Address,
  /** {@inheritDoc isValidCidr} */
  isValidCidr,
  /** {@inheritDoc parseDictHeader} */
  parseDictHeader,
  /** {@inheritDoc parseListHeader} */
  parseListHeader,
  /** {@inheritDoc prependSchemeIfNeeded} */
  prependSchemeIfNeeded,
  /** {@inheritDoc superLen} */
  superLen,
  /** {@inheritDoc unquoteHeaderValue} */
  unquoteHeaderValue,
  /** {@inheritDoc urldefragauth} */
  urldefragauth,
};

export type { SendOptions } from './adapters/base-adapter.js';
export type { CachedResponse } from './adapters/cache/policy.js';
export type { CacheStore, MemoryCacheOptions } from './adapters/cache/store.js';
export type { CacheAdapterOptions } from './adapters/cache-adapter.js';
export type { HTTPAdapterOptions } from './adapters/http-adapter.js';
export type { MockAdapterOptions, MockRoute } from './adapters/mock-adapter.js';
export type { Progress, ProgressCallback } from './adapters/progress.js';
export type { AuthInput } from './auth.js';
export * from './errors.js';
export type { HooksInput, ResponseHook } from './hooks.js';
export type { ServerSentEvent } from './models/event-stream.js';
export type { RequestAttemptMessage, RequestRetryMessage } from './pool/diagnostics.js';
export type { Timings } from './pool/timings.js';
export type {
  RequestEndMessage,
  RequestErrorMessage,
  RequestRedirectMessage,
  RequestStartMessage,
} from './sessions/diagnostics.js';
export type { EventsOptions } from './sessions/events.js';
export type {
  HTTPMethod,
  ProxiesInput,
  RequestOptions,
  SessionOptions,
  SessionSendOptions,
  StreamRequestOptions,
  StreamResponse,
  UrlInput,
} from './sessions/session.js';
export type { TimeoutInput, TimeoutOptions } from './timeout.js';
export {
  AuthBase,
  addressInNetwork,
  BaseAdapter,
  CacheAdapter,
  CaseInsensitiveDict,
  CookieConflictError,
  codes,
  cookiejarFromDict,
  createCookie,
  defaultHeaders,
  defaultHooks,
  defaultUserAgent,
  del,
  del as delete,
  dispatchHook,
  dottedNetmask,
  FileCache,
  fileFromPath,
  get,
  getAuthFromUrl,
  getEncodingFromHeaders,
  getEncodingsFromContent,
  getEnvironProxies,
  getNetrcAuth,
  guessFilename,
  guessJsonUtf,
  HTTPAdapter,
  HTTPBasicAuth,
  HTTPDigestAuth,
  HTTPProxyAuth,
  head,
  isIpv4Address,
  isValidCidr,
  MemoryCache,
  MockAdapter,
  mergeCookies,
  options,
  PreparedRequest,
  parseDictHeader,
  parseHeaderLinks,
  parseListHeader,
  patch,
  post,
  prependSchemeIfNeeded,
  put,
  Request,
  RequestHistory,
  RequestsCookieJar,
  Response,
  Retry,
  refreshEnvironment,
  request,
  requoteUri,
  Session,
  selectProxy,
  shouldBypassProxies,
  superLen,
  TimeoutConfig,
  TLSFileError,
  unquoteHeaderValue,
  urldefragauth,
  VERSION as version,
};

/** Everything above in one object: `import requests from 'requests-ts'`. */
const requests = {
  /** {@inheritDoc request} */
  request,
  /** {@inheritDoc get} */
  get,
  /** {@inheritDoc options} */
  options,
  /** {@inheritDoc head} */
  head,
  /** {@inheritDoc post} */
  post,
  /** {@inheritDoc put} */
  put,
  /** {@inheritDoc patch} */
  patch,
  /** {@inheritDoc del} */
  delete: del,
  /** {@inheritDoc del} */
  del,
  /** {@inheritDoc Session} */
  Session,
  /** {@inheritDoc HTTPAdapter} */
  HTTPAdapter,
  /** {@inheritDoc BaseAdapter} */
  BaseAdapter,
  /** {@inheritDoc MockAdapter} */
  MockAdapter,
  /** {@inheritDoc CacheAdapter} */
  CacheAdapter,
  /** {@inheritDoc MemoryCache} */
  MemoryCache,
  /** {@inheritDoc FileCache} */
  FileCache,
  /** {@inheritDoc Retry} */
  Retry,
  /** {@inheritDoc RequestHistory} */
  RequestHistory,
  /** {@inheritDoc TimeoutConfig} */
  TimeoutConfig,
  /** {@inheritDoc Request} */
  Request,
  /** {@inheritDoc PreparedRequest} */
  PreparedRequest,
  /** {@inheritDoc Response} */
  Response,
  /** {@inheritDoc CaseInsensitiveDict} */
  CaseInsensitiveDict,
  /** {@inheritDoc RequestsCookieJar} */
  RequestsCookieJar,
  /** {@inheritDoc CookieConflictError} */
  CookieConflictError,
  /** {@inheritDoc cookiejarFromDict} */
  cookiejarFromDict,
  /** {@inheritDoc mergeCookies} */
  mergeCookies,
  /** {@inheritDoc fileFromPath} */
  fileFromPath,
  /** {@inheritDoc getNetrcAuth} */
  getNetrcAuth,
  /** {@inheritDoc TLSFileError} */
  TLSFileError,
  /** {@inheritDoc refreshEnvironment} */
  refreshEnvironment,
  /** {@inheritDoc AuthBase} */
  AuthBase,
  /** {@inheritDoc HTTPBasicAuth} */
  HTTPBasicAuth,
  /** {@inheritDoc HTTPDigestAuth} */
  HTTPDigestAuth,
  /** {@inheritDoc HTTPProxyAuth} */
  HTTPProxyAuth,
  /** {@inheritDoc codes} */
  codes,
  /** {@inheritDoc requoteUri} */
  requoteUri,
  /** {@inheritDoc getEncodingFromHeaders} */
  getEncodingFromHeaders,
  /** {@inheritDoc parseHeaderLinks} */
  parseHeaderLinks,
  /** {@inheritDoc getEnvironProxies} */
  getEnvironProxies,
  /** {@inheritDoc shouldBypassProxies} */
  shouldBypassProxies,
  /** {@inheritDoc selectProxy} */
  selectProxy,
  version: VERSION,
  ...utils,
  ...errors,
};
export default requests;
