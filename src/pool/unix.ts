/**
 * Connections over a Unix domain socket (`http+unix:` / `https+unix:` URLs): undici's connector
 * told to open the socket at a path instead of a TCP address, with TLS on top for https. The pool
 * around it is an ordinary ConnectionPool, so keep-alive, `maxsize`, `block` and stats apply.
 */
import { buildConnector } from 'undici';
import { secureContextOf } from './tls.js';
import type { ConnectorFactory, TlsSettings } from './types.js';

/**
 * The {@link ConnectorFactory} of the pool for the socket at `socketPath`: TLS with `tls` when it
 * is given (its certificate is checked against `localhost`, the Host of such requests), else
 * plain. The connect timeout is held by the pool (guardConnect), so undici's own timer is off.
 * A failure is Node's error, whose message names the path (`connect ENOENT /run/app.sock`).
 * @example new ConnectionPool({ scheme: 'http', host: 'localhost', port: 80, socketPath, connectorFactory: unixConnectorFactory(socketPath, null) })
 */
export function unixConnectorFactory(
  socketPath: string,
  tls: TlsSettings | null,
  http2 = false,
): ConnectorFactory {
  let built: buildConnector.connector | undefined;
  const connector: buildConnector.connector = (options, callback) => {
    try {
      built ??= buildConnector(
        tls === null
          ? { socketPath, timeout: 0 }
          : {
              socketPath,
              timeout: 0,
              secureContext: secureContextOf(tls),
              rejectUnauthorized: tls.rejectUnauthorized,
              allowH2: http2,
            },
      );
    } catch (err) {
      process.nextTick(callback, err as Error, null);
      return;
    }
    built(options, callback);
  };
  return () => connector;
}
