import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  ConnectTimeoutError,
  IncompleteRead,
  LocationParseError,
  NewConnectionError,
  PoolSSLError,
  ProtocolError,
  ReadTimeoutError,
} from '../../src/_internal/pool-errors.js';
import { asPoolError, type ErrorContext, toPoolError } from '../../src/pool/undici-errors.js';

const CTX: ErrorContext = {
  url: 'https://h:8443/p',
  poolName: "HTTPSConnectionPool(host='h', port=8443)",
  host: 'h',
  phase: 'request',
  connectTimeout: 100,
  readTimeout: 200,
  received: 0,
  expected: null,
  abortReason: undefined,
};

function coded(code: string, message = code): Error {
  return Object.assign(new Error(message), { code });
}

function translate(err: unknown, ctx: Partial<ErrorContext> = {}) {
  return toPoolError(err, { ...CTX, ...ctx }) as Error;
}

describe('toPoolError', () => {
  test('connect failures', () => {
    const t = translate(coded('UND_ERR_CONNECT_TIMEOUT'));
    assert.ok(t instanceof ConnectTimeoutError);
    assert.match(t.message, /Connection to h timed out\. \(connect timeout=100 ms\)/);
    for (const code of ['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH']) {
      assert.ok(translate(coded(code)) instanceof NewConnectionError, code);
    }
    const dns = translate(coded('ENOTFOUND', 'getaddrinfo ENOTFOUND h'));
    assert.ok(dns instanceof NewConnectionError);
    assert.match(dns.message, /Failed to resolve 'h'/);
    assert.ok(translate(coded('EAI_AGAIN')) instanceof NewConnectionError);
    assert.ok(translate(coded('ETIMEDOUT'), { phase: 'connect' }) instanceof ConnectTimeoutError);
    assert.ok(translate(coded('ETIMEDOUT'), { phase: 'body' }) instanceof ProtocolError);
  });

  test('read timeouts name the URL and the timeout', () => {
    for (const code of ['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']) {
      const t = translate(coded(code));
      assert.ok(t instanceof ReadTimeoutError);
      assert.equal(t.url, CTX.url);
      assert.match(t.message, /Read timed out\. \(read timeout=200 ms\)/);
    }
  });

  test('broken connections: aborted before the response, broken or incomplete during the body', () => {
    const before = translate(coded('UND_ERR_SOCKET', 'other side closed'));
    assert.ok(before instanceof ProtocolError && !(before instanceof IncompleteRead));
    assert.match(before.message, /^Connection aborted/);
    const during = translate(coded('ECONNRESET'), { phase: 'body' });
    assert.match(during.message, /^Connection broken/);
    const short = translate(coded('UND_ERR_SOCKET'), { phase: 'body', received: 3, expected: 10 });
    assert.ok(short instanceof IncompleteRead);
    assert.equal(short.message, 'Connection broken: IncompleteRead(3 bytes read, 7 more expected)');
    const mismatch = translate(coded('UND_ERR_RES_CONTENT_LENGTH_MISMATCH'), {
      phase: 'body',
      received: 1,
      expected: 2,
    });
    assert.ok(mismatch instanceof IncompleteRead);
    const parser = Object.assign(new Error('Response does not match the HTTP/1.1 protocol (x)'), {
      name: 'HTTPParserError',
    });
    assert.match(translate(parser).message, /invalid response from the server/);
    assert.ok(
      translate(coded('HPE_INVALID_CHUNK_SIZE'), { phase: 'body' }) instanceof ProtocolError,
    );
  });

  test('TLS failures say which: untrusted, expired, host name, plain port, handshake', () => {
    const cases: [Error, RegExp][] = [
      [coded('DEPTH_ZERO_SELF_SIGNED_CERT'), /not trusted/],
      [coded('SELF_SIGNED_CERT_IN_CHAIN'), /not trusted/],
      [coded('UNABLE_TO_VERIFY_LEAF_SIGNATURE'), /not trusted/],
      [coded('CERT_HAS_EXPIRED'), /has expired/],
      [
        coded('ERR_TLS_CERT_ALTNAME_INVALID'),
        /Hostname mismatch, certificate is not valid for 'h'/,
      ],
      [coded('ERR_SSL_WRONG_VERSION_NUMBER'), /plain http:\/\/ port/],
      [
        coded('EPROTO', 'write EPROTO error:0A00010B:SSL routines::wrong version number'),
        /plain http:\/\/ port/,
      ],
      [coded('ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE'), /TLS handshake failed/],
      [coded('EPROTO', 'SSL alert number 40'), /TLS handshake failed/],
    ];
    for (const [err, message] of cases) {
      const t = translate(err);
      assert.ok(t instanceof PoolSSLError, err.message);
      assert.match(t.message, message);
      assert.equal(t.cause, err);
    }
  });

  test('invalid arguments are LocationParseError; unknown errors ProtocolError with the cause', () => {
    assert.ok(
      translate(coded('UND_ERR_INVALID_ARG', 'invalid request path')) instanceof LocationParseError,
    );
    assert.ok(translate(coded('ERR_INVALID_URL')) instanceof LocationParseError);
    const odd = new Error('odd');
    const t = translate(odd);
    assert.ok(t instanceof ProtocolError);
    assert.equal(t.cause, odd);
    assert.ok(translate('a string') instanceof ProtocolError);
  });

  test('after an abort, the abort reason is what comes out', () => {
    const reason = new DOMException('stop', 'AbortError');
    assert.equal(toPoolError(coded('UND_ERR_ABORTED'), { ...CTX, abortReason: reason }), reason);
  });
});

describe('asPoolError', () => {
  test('pool errors and the abort reason pass through; the rest is translated', () => {
    const pool = new ProtocolError('x');
    assert.equal(asPoolError(pool, CTX), pool);
    const reason = { any: 'value' };
    assert.equal(asPoolError(reason, { ...CTX, abortReason: reason }), reason);
    assert.ok(asPoolError(coded('ECONNRESET'), CTX) instanceof ProtocolError);
  });
});
