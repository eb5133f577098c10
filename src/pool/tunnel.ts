/**
 * Connectors that take several steps before the origin's socket is ready: the CONNECT tunnel
 * through an HTTP(S) proxy (urllib3's `_tunnel`), and the step bookkeeping the SOCKS connector
 * shares: one callback, one connect timeout over every step, sockets destroyed on failure.
 */
import { isIPv6, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { buildConnector } from 'undici';
import { PoolBaseError, PoolProxyError } from '../_internal/pool-errors.js';
import type { ParsedProxy } from './proxy-manager.js';
import { connectMarks, markSocket, now, watchSocket } from './timings.js';
import { tlsConnector } from './tls.js';
import type { ConnectorFactory, TlsSettings } from './types.js';
import { toPoolError } from './undici-errors.js';

/**
 * One connection attempt of a connector that takes several steps (proxy TCP, SOCKS or CONNECT
 * handshake, TLS): the callback is called once, the connect timeout covers every step, and a
 * failed or timed-out attempt destroys the sockets it opened.
 */
export class ConnectAttempt {
  #callback: buildConnector.Callback | null;
  #sockets: Socket[] = [];
  #timer: NodeJS.Timeout | undefined;

  /**
   * @param timeoutError builds the error of a timeout; it should carry code
   *   `UND_ERR_CONNECT_TIMEOUT` (or be a pool error) so the pool's table can name it.
   */
  constructor(
    callback: buildConnector.Callback,
    connectTimeout: number | null,
    timeoutError: () => Error,
  ) {
    this.#callback = callback;
    if (connectTimeout !== null && connectTimeout > 0) {
      this.#timer = setTimeout(() => this.fail(timeoutError()), connectTimeout);
    }
  }

  /** True once the attempt succeeded or failed: later steps must stop. */
  get settled(): boolean {
    return this.#callback === null;
  }

  /** Destroys `socket` if the attempt fails; returns it. */
  track<T extends Socket>(socket: T): T {
    this.#sockets.push(socket);
    return socket;
  }

  fail(err: Error): void {
    const callback = this.#finish();
    if (callback === null) return;
    for (const socket of this.#sockets) socket.destroy();
    callback(err, null);
  }

  succeed(socket: Socket): void {
    const callback = this.#finish();
    if (callback === null) socket.destroy();
    else callback(null, socket);
  }

  #finish(): buildConnector.Callback | null {
    const callback = this.#callback;
    this.#callback = null;
    clearTimeout(this.#timer);
    return callback;
  }
}

/** A connect-timeout error the pool's table knows (undici's code). */
export function connectTimeoutError(host: string, timeout: number | null): Error {
  return Object.assign(
    new Error(`Connect Timeout Error (attempted address: ${host}, timeout: ${timeout} ms)`),
    { code: 'UND_ERR_CONNECT_TIMEOUT' },
  );
}

/**
 * A failure to reach the proxy, as urllib3 wraps it: ProxyError('Unable to connect to proxy')
 * with the pool error of the cause (NewConnectionError, ...), plus a hint when an https:// proxy
 * URL names a proxy that only speaks HTTP.
 */
export function proxyConnectError(
  proxy: ParsedProxy,
  err: Error,
  connection: 'HTTPConnection' | 'HTTPSConnection',
  connectTimeout: number | null,
): PoolProxyError {
  const cause =
    err instanceof PoolBaseError
      ? err
      : (toPoolError(err, {
          url: proxy.url,
          poolName: `${connection}(host='${proxy.host}', port=${proxy.port})`,
          host: proxy.host,
          phase: 'connect',
          connectTimeout,
          readTimeout: null,
          received: 0,
          expected: null,
          abortReason: undefined,
        }) as Error);
  const plainHttp =
    proxy.scheme === 'https' &&
    /wrong version number|unknown protocol|record layer failure/i.test(
      `${err.message} ${cause.message}`,
    );
  const hint = plainHttp
    ? '. Your proxy appears to only use HTTP and not HTTPS, try changing your proxy URL to be HTTP.'
    : '';
  return new PoolProxyError(`Unable to connect to proxy${hint}: ${cause.message}`, { cause });
}

/** The proxy's answer to CONNECT may not be longer than this (status line and headers). */
const MAX_TUNNEL_ANSWER = 64 * 1024;

function tunnelFailure(what: string): Error {
  return new Error(`Tunnel connection failed: ${what}`);
}

/**
 * Reads the proxy's answer to CONNECT, status line and headers, and nothing past them. A refusal
 * (any non-2xx) is reported by its status even when the proxy sent its error page in the same
 * read, as squid and tinyproxy do; data after a 2xx (before our TLS handshake even started) is a
 * proxy error.
 */
function readTunnelAnswer(
  socket: Duplex,
  done: (err: Error | null, status: number, reason: string) => void,
) {
  let head: Buffer = Buffer.alloc(0);
  const finish = (err: Error | null, status = 0, reason = '') => {
    socket.off('readable', onReadable).off('end', onEnd).off('error', finish);
    done(err, status, reason);
  };
  const onEnd = () =>
    finish(tunnelFailure('the proxy closed the connection without answering CONNECT'));
  const onReadable = () => {
    for (let chunk = socket.read() as Buffer | null; chunk !== null; chunk = socket.read()) {
      head = head.length === 0 ? chunk : Buffer.concat([head, chunk]);
      const end = head.indexOf('\r\n\r\n');
      if (end === -1) {
        if (head.length > MAX_TUNNEL_ANSWER)
          return finish(tunnelFailure('the proxy answer is too long'));
        continue;
      }
      const line = head.subarray(0, head.indexOf('\r\n')).toString('latin1');
      const m = /^HTTP\/\d\.\d (\d{3})(?: (.*))?$/.exec(line);
      if (!m) return finish(tunnelFailure(`the proxy answered '${line.slice(0, 80)}'`));
      const status = Number(m[1]);
      if (isSuccess(status) && head.length > end + 4)
        return finish(tunnelFailure('the proxy sent data after its answer'));
      return finish(null, status, (m[2] ?? '').trim());
    }
  };
  socket.on('readable', onReadable).on('end', onEnd).on('error', finish);
}

/** A 2xx answer to CONNECT opens the tunnel (RFC 9110 §9.3.6). */
function isSuccess(status: number): boolean {
  return status >= 200 && status < 300;
}

/** `CONNECT host:port HTTP/1.1` with Host and the proxy headers. */
function connectRequest(authority: string, headers: Readonly<Record<string, string>>): string {
  let text = `CONNECT ${authority} HTTP/1.1\r\nHost: ${authority}\r\n`;
  for (const name in headers) text += `${name}: ${headers[name]}\r\n`;
  return `${text}\r\n`;
}

/**
 * The connector of https origins through an HTTP(S) proxy: a connection to the proxy (TLS for an
 * https:// proxy, with `proxyTls`), `CONNECT host:port` with the proxy headers, then TLS to the
 * origin inside the tunnel with `tls`. A proxy that cannot be reached or refuses the tunnel
 * (e.g. 407) fails with PoolProxyError naming the status; TLS errors with the origin keep Node's
 * error (the pool's table makes them PoolSSLError).
 */
export function tunnelConnector(
  proxy: ParsedProxy,
  proxyHeaders: Readonly<Record<string, string>>,
  tls: TlsSettings,
  proxyTls: TlsSettings,
  connectTimeout: number | null,
  http2 = false,
): buildConnector.connector {
  const toProxy = tlsConnector(proxyTls, null);
  const shown = isIPv6(proxy.host) ? `[${proxy.host}]` : proxy.host;
  const proxyTarget = {
    hostname: proxy.host,
    host: `${shown}:${proxy.port}`,
    protocol: `${proxy.scheme}:`,
    port: String(proxy.port),
  };
  return (options, callback) => {
    const attempt = new ConnectAttempt(callback, connectTimeout, () =>
      connectTimeoutError(proxyTarget.host, connectTimeout),
    );
    const host = isIPv6(options.hostname) ? `[${options.hostname}]` : options.hostname;
    const authority = `${host}:${Number(options.port) || 443}`;
    // Timings: dns is the proxy's name, connect runs until the tunnel is open, tls is the origin's.
    const marks = connectMarks();
    const toProxySocket = toProxy(proxyTarget, (err, socket) => {
      if (err !== null)
        return attempt.fail(proxyConnectError(proxy, err, 'HTTPSConnection', connectTimeout));
      if (attempt.settled) return socket.destroy();
      attempt.track(socket);
      socket.on('error', noop); // errors reach the attempt (or later the TLS socket) too
      socket.write(connectRequest(authority, proxyHeaders));
      readTunnelAnswer(socket, (answerErr, status, reason) => {
        if (attempt.settled) return;
        if (answerErr !== null) return attempt.fail(tunnelError(answerErr));
        if (!isSuccess(status))
          return attempt.fail(tunnelError(tunnelFailure(`${status} ${reason}`.trim())));
        const tunnelAt = now();
        tlsConnector(
          tls,
          null,
          http2,
        )({ ...options, httpSocket: socket }, (tlsErr, tlsSocket) => {
          if (tlsErr !== null) return attempt.fail(tlsErr);
          markSocket(tlsSocket, { dnsAt: marks.dnsAt, tcpAt: tunnelAt, tlsAt: now() });
          attempt.succeed(tlsSocket);
        });
      });
    }) as unknown;
    if (toProxySocket != null) watchSocket(toProxySocket as Socket, marks);
  };
}

function tunnelError(cause: Error): PoolProxyError {
  return new PoolProxyError(`Unable to connect to proxy: ${cause.message}`, { cause });
}

function noop(): void {}

/** The {@link ConnectorFactory} of the pools of https origins behind an HTTP(S) proxy. */
export function tunnelConnectorFactory(
  proxy: ParsedProxy,
  proxyHeaders: Readonly<Record<string, string>>,
  tls: TlsSettings,
  proxyTls: TlsSettings,
): ConnectorFactory {
  return ({ connectTimeout, http2 }) =>
    tunnelConnector(proxy, proxyHeaders, tls, proxyTls, connectTimeout, http2 === true);
}
