/**
 * The default way a pool opens connections: undici's buildConnector with the pool's TLS settings
 * and the connect timeout of the call that opens the connection.
 */
import type { buildConnector } from 'undici';
import { ConnectTimeoutError } from '../_internal/pool-errors.js';
import { tlsConnectorFactory } from './tls.js';
import type { ConnectorFactory, TlsSettings } from './types.js';

/** The settings of plain-TCP (http:) connections: only their connect timeout varies. */
const PLAIN: TlsSettings = Object.freeze({ rejectUnauthorized: true });

/**
 * The pool's default connectors: built once per TLS settings, connect timeout and http2, so a CA
 * bundle is parsed once and undici's TLS session cache is shared (pool/tls.ts).
 * @example new ConnectionPool({ scheme: 'https', host, port, connectorFactory: defaultConnectorFactory(tls, false) })
 */
export function defaultConnectorFactory(tls: TlsSettings | null, http2: boolean): ConnectorFactory {
  return tlsConnectorFactory(tls ?? PLAIN, http2);
}

/**
 * `factory` for a pool whose host has an IPv6 zone ID (`[fe80::1%eth0]`): undici's origin cannot
 * hold the zone (a WHATWG URL has none), so each connect is given the scoped address back. Any
 * other host gets `factory` itself.
 */
export function scopedConnectorFactory(factory: ConnectorFactory, host: string): ConnectorFactory {
  if (host.charCodeAt(0) !== 91 /* [ */ || !host.includes('%')) return factory;
  const hostname = host.slice(1, -1);
  return (opts) => {
    const connect = factory(opts);
    return (options, callback) => connect({ ...options, hostname }, callback);
  };
}

/**
 * Holds any connector to the connect timeout, including one that ignores it: past it the request
 * fails with ConnectTimeoutError, and a socket that still comes is closed.
 */
export function guardConnect(
  pool: { readonly poolName: string; readonly host: string; readonly socketPath?: string | null },
  connector: buildConnector.connector,
  ms: number | null,
): buildConnector.connector {
  if (ms === null) return connector;
  return (options, callback) => {
    let settled = false;
    const timer = setTimeout(() => {
      settled = true;
      const message = `${pool.poolName}: Connection to ${pool.socketPath ?? pool.host} timed out. (connect timeout=${ms} ms)`;
      callback(new ConnectTimeoutError(message), null);
    }, ms);
    // The socket undici's connector returns at once is passed on, for its phases' timings.
    return connector(options, (err, socket) => {
      clearTimeout(timer);
      if (settled) {
        socket?.destroy();
        return;
      }
      settled = true;
      if (err === null) callback(null, socket!);
      else callback(err, null);
    });
  };
}
