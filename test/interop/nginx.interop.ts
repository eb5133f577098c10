/**
 * nginx over TLS 1.2 and 1.3: trust through a CA file and a CA directory, client certificates,
 * hostname mismatch, h2 through ALPN, gzip, ranges, a 100 MiB download streamed in flat memory,
 * Expect: 100-continue and chunked uploads, 413, redirects.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import requests, { HTTPAdapter, Session, SSLError } from '../../src/index.js';
import { certs } from '../helpers/certs.js';
import { curl } from './daemons.js';
import { BIG_SIZE, HELLO, type Nginx, startNginx } from './nginx-server.js';

let nginx: Nginx;
const url = (port: number, path: string) => `https://localhost:${port}${path}`;

before(async () => {
  nginx = await startNginx();
});
after(() => nginx?.stop());

describe('nginx over TLS', () => {
  test('TLS 1.2 and TLS 1.3, trusted through the CA file and the CA directory', async () => {
    const c = certs();
    for (const [port, protocol] of [
      [nginx.ports.tls12, 'TLSv1.2'],
      [nginx.ports.tls13, 'TLSv1.3'],
    ] as const) {
      for (const verify of [c.caFile, c.caDir]) {
        const r = await requests.get(url(port, '/hello.txt'), { verify });
        assert.equal(r.statusCode, 200);
        assert.equal(r.headers.get('x-tls'), protocol);
        assert.equal(r.text, HELLO);
      }
    }
    await assert.rejects(requests.get(url(nginx.ports.tls13, '/hello.txt')), SSLError);
  });

  test('client certificate auth: the DN nginx saw; without one, 400 as curl gets', async () => {
    const c = certs();
    const r = await requests.get(url(nginx.ports.mtls, '/whoami'), {
      verify: c.caFile,
      cert: [c.client.certFile, c.client.keyFile],
    });
    assert.equal(r.statusCode, 200);
    assert.match(r.text, /CN=client/);
    const none = await requests.get(url(nginx.ports.mtls, '/whoami'), { verify: c.caFile });
    assert.equal(none.statusCode, 400);
    const wire = curl([
      '-o',
      '/dev/null',
      '-w',
      '%{http_code}',
      '--cacert',
      c.caFile,
      url(nginx.ports.mtls, '/whoami'),
    ]);
    assert.equal(wire, '400');
  });

  test('a certificate for another host fails with SSLError naming the mismatch', async () => {
    await assert.rejects(
      requests.get(url(nginx.ports.wrongHost, '/hello.txt'), { verify: certs().caFile }),
      (err: unknown) => err instanceof SSLError && /hostname|localhost|altnames/i.test(err.message),
    );
  });

  test('h2 through ALPN when http2 is on, HTTP/1.1 otherwise', async () => {
    const s = new Session();
    s.mount('https://', new HTTPAdapter({ http2: true }));
    try {
      const r = await s.get(url(nginx.ports.tls13, '/hello.txt'), { verify: certs().caFile });
      assert.equal(r.raw?.version, 20);
      assert.equal(r.text, HELLO);
    } finally {
      s.close();
    }
    const h1 = await requests.get(url(nginx.ports.tls13, '/hello.txt'), { verify: certs().caFile });
    assert.equal(h1.raw?.version, 11);
  });

  test('gzip is decoded; ranges give 206 with the slice', async () => {
    const verify = certs().caFile;
    const r = await requests.get(url(nginx.ports.tls12, '/hello.txt'), { verify });
    assert.equal(r.headers.get('content-encoding'), 'gzip');
    assert.equal(r.text, HELLO);
    const part = await requests.get(url(nginx.ports.tls12, '/hello.txt'), {
      verify,
      headers: { Range: 'bytes=6-9', 'Accept-Encoding': 'identity' },
    });
    assert.equal(part.statusCode, 206);
    assert.equal(part.text, 'from');
    assert.equal(part.headers.get('content-range'), `bytes 6-9/${HELLO.length}`);
  });

  test('a 100 MiB download streamed in flat memory', async () => {
    const r = await requests.get(url(nginx.ports.tls13, '/big.bin'), {
      verify: certs().caFile,
      stream: true,
    });
    const start = process.memoryUsage();
    let seen = 0;
    let peak = 0;
    for await (const chunk of r.iterContent({ chunkSize: 64 * 1024 })) {
      seen += chunk.length;
      const m = process.memoryUsage();
      peak = Math.max(peak, m.heapUsed + m.arrayBuffers - start.heapUsed - start.arrayBuffers);
    }
    assert.equal(seen, BIG_SIZE);
    assert.ok(peak < 48 * 1024 * 1024, `memory grew by ${peak} bytes while streaming`);
  });

  test('uploads: Expect: 100-continue, chunked, and 413 past client_max_body_size', async () => {
    const verify = certs().caFile;
    const body = Buffer.alloc(200_000, 'e');
    const put = await requests.put(url(nginx.ports.tls12, '/upload/expect.bin'), {
      verify,
      data: body,
      headers: { Expect: '100-continue' },
    });
    assert.equal(put.statusCode, 201);
    assert.deepEqual(readFileSync(join(nginx.www, 'upload/expect.bin')), body);
    const chunks = [Buffer.from('one,'), Buffer.from('two,'), Buffer.from('three')];
    const chunked = await requests.put(url(nginx.ports.tls12, '/upload/chunked.txt'), {
      verify,
      data: Readable.from(chunks),
    });
    assert.equal(chunked.statusCode, 201);
    assert.equal(readFileSync(join(nginx.www, 'upload/chunked.txt'), 'utf8'), 'one,two,three');
    for (const headers of [{}, { Expect: '100-continue' }]) {
      const big = await requests.put(url(nginx.ports.tls12, '/upload/big.bin'), {
        verify,
        data: Buffer.alloc(2 * 1024 * 1024),
        headers,
      });
      assert.equal(big.statusCode, 413, JSON.stringify(headers));
    }
  });

  test('redirects: a 301 then a 302 are followed, history in order', async () => {
    const r = await requests.get(url(nginx.ports.tls12, '/redirect-chain'), {
      verify: certs().caFile,
    });
    assert.equal(r.statusCode, 200);
    assert.deepEqual(
      r.history.map((h) => h.statusCode),
      [301, 302],
    );
    assert.equal(new URL(r.url).pathname, '/hello.txt');
  });
});
