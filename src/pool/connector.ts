/**
 * The default way a pool opens connections: undici's buildConnector with the pool's TLS settings
 * and the connect timeout of the call that opens the connection.
 */
import { buildConnector } from 'undici';
import { ConnectTimeoutError } from '../_internal/pool-errors.js';
import type { ConnectorFactory, TlsSettings } from './types.js';

/** undici's connector options for `tls` (https), or none (http). */
export function tlsConnectOptions(tls: TlsSettings | null): buildConnector.BuildOptions {
  if (tls === null) return {};
  const options: buildConnector.BuildOptions = { rejectUnauthorized: tls.rejectUnauthorized };
  if (tls.ca !== undefined) options.ca = tls.ca;
  if (tls.cert !== undefined) options.cert = tls.cert;
  if (tls.key !== undefined) options.key = tls.key;
  if (tls.passphrase !== undefined) options.passphrase = tls.passphrase;
  return options;
}

/**
 * A ConnectorFactory over undici's buildConnector.
 * @example new ConnectionPool({ scheme: 'https', host, port, connectorFactory: defaultConnectorFactory(tls, false) })
 */
export function defaultConnectorFactory(tls: TlsSettings | null, http2: boolean): ConnectorFactory {
  const base = tlsConnectOptions(tls);
  return ({ connectTimeout }) =>
    buildConnector({ ...base, allowH2: http2, timeout: connectTimeout ?? 0 });
}

/**
 * Holds any connector to the connect timeout, including one that ignores it: past it the request
 * fails with ConnectTimeoutError, and a socket that still comes is closed.
 */
export function guardConnect(
  pool: { readonly poolName: string; readonly host: string },
  connector: buildConnector.connector,
  ms: number | null,
): buildConnector.connector {
  if (ms === null) return connector;
  return (options, callback) => {
    let settled = false;
    const timer = setTimeout(() => {
      settled = true;
      const message = `${pool.poolName}: Connection to ${pool.host} timed out. (connect timeout=${ms} ms)`;
      callback(new ConnectTimeoutError(message), null);
    }, ms);
    connector(options, (err, socket) => {
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
