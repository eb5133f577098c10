/**
 * Connections through a SOCKS proxy (urllib3's `contrib/socks.py`), on the `socks` package:
 * SOCKS4 and SOCKS5 resolve the destination here, SOCKS4a and SOCKS5h let the proxy resolve it;
 * https origins get TLS inside the SOCKS connection.
 */
import { lookup } from 'node:dns';
import net from 'node:net';
import type { SocksProxy } from 'socks';
import type { buildConnector } from 'undici';
import { socksModule } from '../_internal/optional.js';
import { NewConnectionError } from '../_internal/pool-errors.js';
import { connectMarks, markSocket, now, watchSocket } from './timings.js';
import { tlsConnector } from './tls.js';
import { ConnectAttempt, connectTimeoutError } from './tunnel.js';
import type { ConnectorFactory, TlsSettings } from './types.js';

/** A SOCKS proxy, as `socks4://`, `socks4a://`, `socks5://` or `socks5h://` URLs name it. */
export interface SocksProxyConfig {
  readonly scheme: 'socks4' | 'socks4a' | 'socks5' | 'socks5h';
  /** Host name or IP address (IPv6 without brackets). */
  readonly host: string;
  /** @default 1080 */
  readonly port: number;
  /** SOCKS5 user name, or the SOCKS4 user id. */
  readonly username?: string | undefined;
  readonly password?: string | undefined;
}

/** True for the SOCKS versions that hand the host name to the proxy (4a, 5h). */
function remoteDns(scheme: SocksProxyConfig['scheme']): boolean {
  return scheme === 'socks4a' || scheme === 'socks5h';
}

/** The destination as the proxy should see it: a name (4a / 5h) or an address resolved here. */
function destinationHost(
  config: SocksProxyConfig,
  hostname: string,
  done: (err: Error | null, host: string) => void,
): void {
  if (remoteDns(config.scheme) || net.isIP(hostname) !== 0) {
    done(null, hostname);
    return;
  }
  // SOCKS4 carries only IPv4 addresses.
  const family = config.scheme === 'socks4' ? 4 : 0;
  lookup(hostname, { family }, (err, address) => done(err, address));
}

/** The `socks` package's description of the proxy. */
function socksProxy(config: SocksProxyConfig): SocksProxy {
  const proxy: SocksProxy = {
    host: config.host,
    port: config.port,
    type: config.scheme.startsWith('socks4') ? 4 : 5,
  };
  if (config.username !== undefined && config.username !== '') proxy.userId = config.username;
  if (config.password !== undefined && config.password !== '') proxy.password = config.password;
  return proxy;
}

/** A refusal by the proxy (bad credentials, destination refused) as urllib3 reports it. */
function handshakeError(config: SocksProxyConfig, err: Error): Error {
  return new NewConnectionError(
    `SOCKSConnection(proxy=${config.scheme}://${config.host}:${config.port}): Failed to establish a new connection: ${err.message}`,
    { cause: err },
  );
}

/**
 * The connector of connections through `config`: TCP to the proxy, the SOCKS handshake for the
 * origin, then TLS to the origin for https. Failures to reach the proxy keep Node's error (the
 * pool's table makes them NewConnectionError); a refusal by the proxy is a NewConnectionError,
 * as urllib3 raises; the connect timeout covers every step.
 */
export function socksConnector(
  config: SocksProxyConfig,
  tls: TlsSettings,
  connectTimeout: number | null,
  http2 = false,
): buildConnector.connector {
  const proxy = socksProxy(config);
  return (options, callback) => {
    const attempt = new ConnectAttempt(callback, connectTimeout, () =>
      connectTimeoutError(`${config.host}:${config.port}`, connectTimeout),
    );
    const https = options.protocol === 'https:';
    const port = Number(options.port) || (https ? 443 : 80);
    // Timings: dns is our lookup of the origin (SOCKS4/5) or of the proxy's name, connect runs
    // until the SOCKS connection is established, tls is the origin's.
    const marks = connectMarks();
    const resolving = !remoteDns(config.scheme) && net.isIP(options.hostname) === 0;
    destinationHost(config, options.hostname, (err, host) => {
      if (attempt.settled) return;
      if (err) return attempt.fail(err);
      if (resolving) marks.dnsAt = now();
      const socket = attempt.track(net.connect({ host: config.host, port: config.port }));
      if (!resolving) watchSocket(socket, marks);
      socket.setNoDelay(true);
      socket.once('error', (e) => attempt.fail(e));
      socket.once('connect', () => {
        const client = new (socksModule().SocksClient)({
          proxy,
          command: 'connect',
          destination: { host, port },
          existing_socket: socket,
          // The attempt's own timer bounds the handshake; this one must never fire first.
          timeout: 2 ** 31 - 1,
        });
        client.once('error', (e) => attempt.fail(attempt.settled ? e : handshakeError(config, e)));
        client.once('established', ({ socket: tunnel }) => {
          if (attempt.settled) return;
          const tcpAt = now();
          if (!https) {
            markSocket(tunnel, { dnsAt: marks.dnsAt, tcpAt, tlsAt: -1 });
            return attempt.succeed(tunnel);
          }
          const inner = { ...options, httpSocket: tunnel };
          tlsConnector(
            tls,
            null,
            http2,
          )(inner, (tlsErr, tlsSocket) => {
            if (tlsErr) return attempt.fail(tlsErr);
            markSocket(tlsSocket, { dnsAt: marks.dnsAt, tcpAt, tlsAt: now() });
            attempt.succeed(tlsSocket);
          });
        });
        client.connect(socket);
      });
    });
  };
}

/** The {@link ConnectorFactory} of a pool whose connections go through a SOCKS proxy. */
export function socksConnectorFactory(
  config: SocksProxyConfig,
  tls: TlsSettings,
): ConnectorFactory {
  return ({ connectTimeout, http2 }) => socksConnector(config, tls, connectTimeout, http2 === true);
}
