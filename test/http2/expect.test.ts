/**
 * Expect: 100-continue on HTTP/2 (issue 13): the body goes after 100, or after the wait, and never
 * when the server answers first; as on HTTP/1.1.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { HTTPAdapter, Session } from '../../src/index.js';
import { certs } from '../helpers/certs.js';
import { startH2Server } from '../helpers/h2-server.js';

function h2Session(expectContinueTimeout: number | null = 5_000): Session {
  const s = new Session();
  s.mount('https://', new HTTPAdapter({ http2: true, expectContinueTimeout }));
  return s;
}

const post = (s: Session, url: string) =>
  s.post(url, {
    data: 'the body',
    headers: { Expect: '100-continue' },
    verify: certs().caFile,
  });

describe('HTTP/2 Expect: 100-continue', () => {
  test('the body waits for 100 Continue', async () => {
    let early = 0;
    let expect: unknown;
    const srv = await startH2Server({
      raw: (stream, headers) => {
        expect = headers.expect;
        let continued = false;
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => {
          if (!continued) early += c.length;
          chunks.push(c);
        });
        stream.on('end', () => {
          stream.respond({ ':status': 200 });
          stream.end(`got ${Buffer.concat(chunks).toString()}`);
        });
        setTimeout(() => {
          continued = true;
          stream.additionalHeaders({ ':status': 100 });
        }, 150);
      },
    });
    const s = h2Session();
    try {
      const r = await post(s, `${srv.url}/e`);
      assert.equal(r.text, 'got the body');
      assert.equal(r.raw?.version, 20);
      assert.equal(expect, '100-continue');
      assert.equal(early, 0, 'no body byte before 100');
    } finally {
      s.close();
      await srv.close();
    }
  });

  test('a final answer first: the body is never sent', async () => {
    let bytes = 0;
    const srv = await startH2Server({
      raw: (stream) => {
        stream.on('data', (c: Buffer) => {
          bytes += c.length;
        });
        stream.respond({ ':status': 417 });
        stream.end('no');
      },
    });
    const s = h2Session();
    try {
      const r = await post(s, `${srv.url}/e`);
      assert.equal(r.statusCode, 417);
      await new Promise((resolve) => setTimeout(resolve, 100));
      assert.equal(bytes, 0);
      const again = await post(s, `${srv.url}/e`);
      assert.equal(again.statusCode, 417);
      assert.equal(srv.sessions(), 1, 'the connection stays');
    } finally {
      s.close();
      await srv.close();
    }
  });

  test('no 100 within expectContinueTimeout: the body goes anyway', async () => {
    const srv = await startH2Server(); // reads the body, never sends 100
    const s = h2Session(150);
    try {
      const r = await post(s, `${srv.url}/e`);
      assert.equal(r.text, 'the body');
    } finally {
      s.close();
      await srv.close();
    }
  });
});
