/**
 * Servers and calls for the retry-loop integration tests: handlers that fail a number of times,
 * and a PoolManager per test, closed with its server.
 */
import assert from 'node:assert/strict';
import { PoolManager } from '../../src/pool/pool-manager.js';
import type { RawResponse, UrlopenOptions } from '../../src/pool/types.js';
import { type Handler, startServer, type TestServer } from './server.js';

/** A handler that answers the first `n` requests with `fail`, then 200 'ok'. */
export function failing(n: number, fail: Handler): Handler {
  let seen = 0;
  return (req, res, record) => {
    seen++;
    if (seen <= n) return fail(req, res, record);
    res.writeHead(200, { 'Content-Length': '2' });
    res.end('ok');
  };
}

/** Destroys the socket without answering: the client sees a ProtocolError. */
export const dropConnection: Handler = (req) => {
  req.socket.destroy();
};

/** Answers `code` with an empty body and `headers`. */
export function status(code: number, headers: Record<string, string> = {}): Handler {
  return (_req, res) => {
    res.writeHead(code, { 'Content-Length': '0', ...headers });
    res.end();
  };
}

/** Runs `body` with a server of `handler` and a PoolManager, closing both afterwards. */
export async function withServer<T>(
  handler: Handler,
  body: (server: TestServer, pm: PoolManager) => Promise<T>,
): Promise<T> {
  const server = await startServer(handler);
  const pm = new PoolManager();
  try {
    return await body(server, pm);
  } finally {
    await pm.close();
    await server.close();
  }
}

/** `pm.urlopen(method, url, { retries, ...extra })`. */
export async function open(
  pm: PoolManager,
  method: string,
  url: string,
  retries: UrlopenOptions['retries'],
  extra: UrlopenOptions = {},
): Promise<RawResponse> {
  return pm.urlopen(method, url, { retries, ...extra });
}

/** The error a promise rejects with (fails the test when it resolves). */
export async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (err) {
    assert.ok(err instanceof Error);
    return err;
  }
  assert.fail('expected the call to fail');
}
