/**
 * requests' utilities exported from the main entry (issue 11 item 9), each checked against what
 * requests 2.34 returns for the same input (values taken from python3 -c on this machine).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  defaultUserAgent,
  dispatchHook,
  dottedNetmask,
  getEncodingsFromContent,
  isIpv4Address,
  parseListHeader,
  Response,
  superLen,
  unquoteHeaderValue,
  urldefragauth,
  version,
} from '../../src/index.js';

describe("requests' utilities", () => {
  test('urldefragauth', () => {
    assert.equal(urldefragauth('http://u:p@h.org:8/p;a?q=1#frag'), 'http://h.org:8/p;a?q=1');
    assert.equal(urldefragauth('u:p@h.org/p#x'), 'u://h.org/p');
  });

  test('parseListHeader and unquoteHeaderValue', () => {
    assert.deepEqual(parseListHeader('token, "quoted, value", a"b'), [
      'token',
      'quoted, value',
      'a"b',
    ]);
    assert.equal(unquoteHeaderValue('"a\\\\b\\"c"'), 'a\\b"c');
    assert.equal(unquoteHeaderValue('"\\\\\\\\srv\\\\x"', true), '\\\\\\\\srv\\\\x');
    assert.equal(unquoteHeaderValue('plain'), 'plain');
  });

  test('getEncodingsFromContent', () => {
    assert.deepEqual(
      getEncodingsFromContent(
        '<meta charset="utf-8"><meta http-equiv="Content-Type" content="text/html;charset=latin-1">',
      ),
      ['utf-8', 'latin-1'],
    );
    assert.deepEqual(getEncodingsFromContent('<?xml version="1.0" encoding="ISO-8859-1"?>'), [
      'ISO-8859-1',
    ]);
  });

  test('dottedNetmask, isIpv4Address', () => {
    assert.deepEqual([24, 0, 32, 20].map(dottedNetmask), [
      '255.255.255.0',
      '0.0.0.0',
      '255.255.255.255',
      '255.255.240.0',
    ]);
    assert.throws(() => dottedNetmask(33), RangeError);
    assert.equal(isIpv4Address('127.0.0.1'), true);
    assert.equal(isIpv4Address('localhost'), false);
  });

  test('superLen, defaultUserAgent, dispatchHook', async () => {
    assert.equal(superLen('héllo'), 6);
    assert.equal(superLen(new Uint8Array(3)), 3);
    assert.equal(superLen((async function* () {})()), 0);
    assert.equal(defaultUserAgent(), `requests-ts/${version}`);
    assert.equal(defaultUserAgent('x'), `x/${version}`);
    const a = new Response();
    const b = new Response();
    const out = await dispatchHook('response', { response: [() => b] }, a, {});
    assert.equal(out, b);
  });
});
