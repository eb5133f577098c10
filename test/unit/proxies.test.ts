// Proxy selection and NO_PROXY; expected values were produced by requests 2.34 on the same input.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { InvalidURL } from '../../src/errors.js';
import {
  addressInNetwork,
  getAuthFromUrl,
  getEnvironProxies,
  isIPv4Address,
  isValidCidr,
  prependSchemeIfNeeded,
  proxiesFromEnvironment,
  proxyUrlHasHost,
  resolveProxies,
  selectProxy,
  shouldBypassProxies,
} from '../../src/utils/proxies.js';

const NO_ENV = {};

describe('shouldBypassProxies with a NO_PROXY argument', () => {
  const cases: [string, string, boolean][] = [
    ['http://example.com/', 'example.com', true],
    ['http://www.example.com/', 'example.com', true],
    ['http://www.example.com/', '.example.com', true],
    ['http://example.com/', '.example.com', true],
    ['http://notexample.com/', 'example.com', false],
    ['http://example.com:8080/', 'example.com:8080', true],
    ['http://example.com:8081/', 'example.com:8080', false],
    ['http://example.com/', 'example.com:80', false],
    ['http://EXAMPLE.com/', 'Example.COM', true],
    ['http://192.168.1.5/', '192.168.1.0/24', true],
    ['http://192.168.2.5/', '192.168.1.0/24', false],
    ['http://192.168.1.5:8080/', '192.168.1.5', true],
    ['http://192.168.1.5:8080/', '192.168.1.5:8080', false],
    ['http://127.0.0.1/', '0.0.1', true],
    ['http://anything/', '*', true],
    ['http://anything/', '*, foo', false],
    ['http://anything/', 'foo,*', false],
    ['http://[::1]:80/', '::1', true],
    ['http://[::1]:80/', '[::1]', false],
    ['http://[::1]:80/', '[::1]:80', false],
    ['http://foo.bar/', ' foo.bar , baz', true],
    ['http://localhost/', 'LOCALHOST', true],
    ['http://10.1.2.3/', '10.0.0.0/8', true],
    ['http://10.1.2.3/', '10.0.0.0/33', false],
    ['http://10.1.2.3/', '10.1.2.3/32', true],
    ['file:///x', '', true],
    ['http://h/', '', false],
  ];
  for (const [url, noProxy, expected] of cases) {
    test(`${url} with ${JSON.stringify(noProxy)} -> ${expected}`, () => {
      assert.equal(shouldBypassProxies(url, noProxy, NO_ENV), expected);
    });
  }
});

describe('shouldBypassProxies from the environment', () => {
  test('lower case no_proxy wins over NO_PROXY', () => {
    const env = { no_proxy: 'a.com', NO_PROXY: 'b.com' };
    assert.equal(shouldBypassProxies('http://a.com/', undefined, env), true);
    assert.equal(shouldBypassProxies('http://b.com/', undefined, env), false);
  });
  test('an empty no_proxy falls back to NO_PROXY, as requests', () => {
    assert.equal(
      shouldBypassProxies('http://a.com/', null, { no_proxy: '', NO_PROXY: 'a.com' }),
      true,
    );
  });
  test('NO_PROXY=* bypasses every host', () => {
    assert.equal(shouldBypassProxies('http://x.example/', undefined, { NO_PROXY: '*' }), true);
  });
  test('the argument replaces the environment', () => {
    assert.equal(shouldBypassProxies('http://a.com/', 'b.com', { NO_PROXY: 'a.com' }), false);
  });
});

describe('proxies from the environment', () => {
  const env = {
    HTTP_PROXY: 'http://H:1',
    https_proxy: 'http://s:2',
    ALL_PROXY: 'socks5h://a:3',
    NO_PROXY: 'internal.example,10.0.0.0/8',
    ftp_proxy: 'http://f:4',
  };
  test('getEnvironProxies lists every *_proxy, NO_PROXY as `no`', () => {
    assert.deepEqual(getEnvironProxies('http://x.com/', undefined, env), {
      http: 'http://H:1',
      https: 'http://s:2',
      all: 'socks5h://a:3',
      no: 'internal.example,10.0.0.0/8',
      ftp: 'http://f:4',
    });
    assert.deepEqual(getEnvironProxies('http://svc.internal.example/', undefined, env), {});
  });
  test('HTTP_PROXY is ignored under CGI; an empty lower-case value removes the scheme', () => {
    assert.equal(proxiesFromEnvironment({ ...env, REQUEST_METHOD: 'GET' }).http, undefined);
    assert.equal(proxiesFromEnvironment({ ...env, http_proxy: '' }).http, undefined);
    assert.equal(proxiesFromEnvironment({ ...env, http_proxy: 'http://l:5' }).http, 'http://l:5');
  });
  test('resolveProxies adds the scheme proxy unless given or bypassed', () => {
    const mine = { https: 'http://mine:1' };
    assert.deepEqual(resolveProxies({ url: 'http://x.com/' }, mine, true, env), {
      https: 'http://mine:1',
      http: 'http://H:1',
    });
    assert.deepEqual(resolveProxies({ url: 'https://x.com/' }, mine, true, env), mine);
    assert.deepEqual(resolveProxies({ url: 'ws://x.com/' }, {}, true, env), {
      ws: 'socks5h://a:3',
    });
    assert.deepEqual(resolveProxies({ url: 'http://10.1.1.1/' }, {}, true, env), {});
    assert.deepEqual(resolveProxies({ url: 'http://x.com/' }, { no_proxy: 'x.com' }, true, env), {
      no_proxy: 'x.com',
    });
    assert.deepEqual(resolveProxies({ url: 'http://x.com/' }, {}, false, env), {});
  });
  test('resolveProxies returns a copy', () => {
    const given = { http: 'http://p:1' };
    assert.notEqual(resolveProxies({ url: 'http://x/' }, given, false, NO_ENV), given);
  });
});

describe('selectProxy', () => {
  const proxies = {
    'http://foo.com': 'A',
    http: 'B',
    'all://bar.com': 'C',
    all: 'D',
    https: 'E',
  };
  const cases: [string, string][] = [
    ['http://Foo.com:80/x', 'A'],
    ['http://other/', 'B'],
    ['https://bar.com/', 'E'],
    ['https://x/', 'E'],
    ['ftp://bar.com/', 'C'],
    ['ftp://x/', 'D'],
    ['file:///x', 'D'],
  ];
  for (const [url, expected] of cases) {
    test(`${url} -> ${expected}`, () => assert.equal(selectProxy(url, proxies), expected));
  }
  test('a URL without a host uses the scheme, then all', () => {
    assert.equal(selectProxy('file:///x', { file: 'F', all: 'G' }), 'F');
    assert.equal(selectProxy('http:///x', { file: 'F', all: 'G' }), 'G');
  });
  test('a Unix socket URL never gets a proxy, nor one from the environment (NO_PROXY aside)', () => {
    const all = { http: 'B', all: 'D', 'http+unix': 'U', 'all://%2fs.sock': 'S' };
    assert.equal(selectProxy('http+unix://%2Fs.sock/x', all), undefined);
    assert.equal(selectProxy('https+unix://%2Fs.sock/x', all), undefined);
    const env = { http_proxy: 'http://p:3128', all_proxy: 'http://p:3128' };
    assert.equal(shouldBypassProxies('http+unix://%2Fs.sock/', null, env), true);
    assert.deepEqual(getEnvironProxies('http+unix://%2Fs.sock/', null, env), {});
    assert.deepEqual(resolveProxies({ url: 'http+unix://%2Fs.sock/' }, {}, true, env), {});
  });
  test('no proxies, no proxy', () => {
    assert.equal(selectProxy('http://x/', null), undefined);
    assert.equal(selectProxy('http://x/', {}), undefined);
  });
});

describe('URL helpers', () => {
  const prepend: [string, string][] = [
    ['proxy.local:3128', 'http://proxy.local:3128'],
    ['127.0.0.1:3128', 'http://127.0.0.1:3128'],
    ['//proxy:80', 'http://proxy:80'],
    ['proxy', 'http://proxy'],
    ['http://proxy', 'http://proxy'],
    ['socks5://u:p@h:1', 'socks5://u:p@h:1'],
    ['HTTP://Proxy:8080/x?y#z', 'http://proxy:8080/x?y#z'],
    ['user@host', 'http://user@host'],
    ['10.0.0.1', 'http://10.0.0.1'],
    ['http://h:0', 'http://h'],
    ['h:8080', 'h:///8080'],
    ['http://a@b@c:1/', 'http://a%40b@c:1/'],
    ['https://Ü.com/', 'https://xn--tda.com/'],
    ['http://[::1]:3128', 'http://[::1]:3128'],
    ['https://u:p@P.example:443', 'https://u:p@p.example:443'],
  ];
  for (const [url, expected] of prepend) {
    test(`prependSchemeIfNeeded(${url}) -> ${expected}`, () => {
      assert.equal(prependSchemeIfNeeded(url, 'http'), expected);
    });
  }
  test('prependSchemeIfNeeded rejects a port past 65535', () => {
    assert.throws(() => prependSchemeIfNeeded('http://h:99999', 'http'), InvalidURL);
  });
  test('proxyUrlHasHost tells a usable proxy URL from a malformed one', () => {
    assert.equal(proxyUrlHasHost('http://proxy:3128'), true);
    for (const bad of ['http://', 'http:///x', 'h:///8080', 'http://h:99999']) {
      assert.equal(proxyUrlHasHost(bad), false, bad);
    }
  });
  const auth: [string, [string, string]][] = [
    ['http://user:pa%40ss@h/', ['user', 'pa@ss']],
    ['http://user@h/', ['', '']],
    ['http://h/', ['', '']],
    ['http://:p@h', ['', 'p']],
    ['socks5://a%20b:c%3Ad@h:1', ['a b', 'c:d']],
    ['http://u:p%zz@h/', ['u', 'p%zz']],
    ['http://u:%E2%82%AC%FF@h/', ['u', '€\uFFFD']],
  ];
  for (const [url, expected] of auth) {
    test(`getAuthFromUrl(${url})`, () => assert.deepEqual(getAuthFromUrl(url), expected));
  }
  test('IPv4 forms as inet_aton reads them', () => {
    for (const ip of ['127.0.0.1', '127.1', '0x7f.1', '10', '0177.0.0.1']) {
      assert.equal(isIPv4Address(ip), true, ip);
    }
    for (const ip of ['256.0.0.1', '1.2.3.4.5', 'a.b.c.d', '', '1..2', '08.0.0.1']) {
      assert.equal(isIPv4Address(ip), false, ip);
    }
  });
  test('CIDR validity and membership', () => {
    assert.equal(isValidCidr('10.0.0.0/8'), true);
    assert.equal(isValidCidr('10.0.0.0/0'), false);
    assert.equal(isValidCidr('10.0.0.0'), false);
    assert.equal(isValidCidr('10.0.0.0/x'), false);
    assert.equal(addressInNetwork('192.168.1.1', '192.168.1.0/24'), true);
    assert.equal(addressInNetwork('192.168.100.1', '192.168.1.0/24'), false);
    assert.equal(addressInNetwork('255.255.255.255', '255.255.255.0/24'), true);
  });
});
