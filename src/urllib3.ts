/**
 * `requests-ts/urllib3`: the pool layer beneath HTTPAdapter, as `requests.packages.urllib3` is
 * beneath requests. Its classes are the building blocks of HTTPAdapter's override points
 * (`initPoolmanager`, `proxyManagerFor`, `certVerify`, `buildResponse`), and its exceptions
 * carry urllib3's names: `ProxyError`, `SSLError` and `InvalidHeader` here are urllib3's own,
 * not requests' classes of the same names (those are in the main entry).
 *
 * @example
 * import { PoolManager, Retry } from 'requests-ts/urllib3';
 * const pm = new PoolManager({ numPools: 4, maxsize: 8 });
 * const r = await pm.urlopen('GET', 'http://127.0.0.1:8080/', { retries: new Retry({ total: 2 }) });
 * await pm.close();
 */
export {
  ClosedPoolError,
  ConnectTimeoutError,
  DecodeError,
  EmptyPoolError,
  IncompleteRead,
  LocationParseError,
  MaxRetryError,
  NewConnectionError,
  PoolBaseError as HTTPError,
  PoolInvalidHeader as InvalidHeader,
  PoolProxyError as ProxyError,
  PoolRequestError as RequestError,
  PoolSSLError as SSLError,
  PoolUnrewindableBodyError as UnrewindableBodyError,
  ProtocolError,
  ProxySchemeUnknown,
  ReadTimeoutError,
  ResponseError,
  TotalTimeoutError,
} from './_internal/pool-errors.js';
export { ConnectionPool, type ConnectionPoolOptions } from './pool/connection-pool.js';
export { parseUrl, type RequestTarget } from './pool/parse-url.js';
export { PoolManager, type PoolManagerOptions } from './pool/pool-manager.js';
export { type ParsedProxy, ProxyManager, type ProxyManagerOptions } from './pool/proxy-manager.js';
export { PoolResponse as HTTPResponse } from './pool/raw-response.js';
export type {
  BodyCounter,
  PoolStats,
  ProxySettings,
  RawHeaders,
  RawResponse,
  TlsSettings,
  UrlopenOptions,
} from './pool/types.js';
export { RequestHistory, Retry } from './retry.js';
export { TimeoutConfig as Timeout } from './timeout.js';
