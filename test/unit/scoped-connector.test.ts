/**
 * A pool for an IPv6 address with a zone ID gives undici an origin without the zone (a WHATWG URL
 * holds none), so its connector puts the scoped address back on every connect. The loopback
 * interface ignores the zone, so this is seen here, at the connector, not on a socket.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { buildConnector } from 'undici';
import { scopedConnectorFactory } from '../../src/pool/connector.js';
import type { ConnectorFactory } from '../../src/pool/types.js';

function recording(): { factory: ConnectorFactory; seen: buildConnector.Options[] } {
  const seen: buildConnector.Options[] = [];
  const factory: ConnectorFactory = () => (options, callback) => {
    seen.push(options);
    callback(new Error('not connecting'), null);
  };
  return { factory, seen };
}

const UNDICI_OPTIONS = {
  hostname: 'fe80::1',
  host: '[fe80::1]:8080',
  protocol: 'http:',
  port: '8080',
};

test('each connect of a scoped host is given the address with its zone ID, case kept', () => {
  const { factory, seen } = recording();
  const connect = scopedConnectorFactory(factory, '[fe80::1%eTh0]')({ connectTimeout: null });
  connect({ ...UNDICI_OPTIONS } as buildConnector.Options, () => {});
  connect({ ...UNDICI_OPTIONS } as buildConnector.Options, () => {});
  assert.deepEqual(
    seen.map((o) => [o.hostname, o.host, o.port]),
    [
      ['fe80::1%eTh0', '[fe80::1]:8080', '8080'],
      ['fe80::1%eTh0', '[fe80::1]:8080', '8080'],
    ],
  );
});

test('any other host keeps the factory itself', () => {
  const { factory } = recording();
  for (const host of ['[fe80::1]', 'example.com', '127.0.0.1']) {
    assert.equal(scopedConnectorFactory(factory, host), factory, host);
  }
});
