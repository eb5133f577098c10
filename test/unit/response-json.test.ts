import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { JsonSyntaxError, parseJson } from '../../src/utils/json.js';

// [text, Python 3.11 json.loads error message or null when it parses], computed with Python.
const PYTHON_CASES: Array<[string, string | null]> = [
  ['', 'Expecting value: line 1 column 1 (char 0)'],
  [' ', 'Expecting value: line 1 column 2 (char 1)'],
  ['x', 'Expecting value: line 1 column 1 (char 0)'],
  ['nul', 'Expecting value: line 1 column 1 (char 0)'],
  ['tru', 'Expecting value: line 1 column 1 (char 0)'],
  ['{', 'Expecting property name enclosed in double quotes: line 1 column 2 (char 1)'],
  ['[', 'Expecting value: line 1 column 2 (char 1)'],
  ['{"a"', "Expecting ':' delimiter: line 1 column 5 (char 4)"],
  ['{"a":', 'Expecting value: line 1 column 6 (char 5)'],
  ['{"a":1', "Expecting ',' delimiter: line 1 column 7 (char 6)"],
  ['{"a":1,', 'Expecting property name enclosed in double quotes: line 1 column 8 (char 7)'],
  ['{"a":1,}', 'Expecting property name enclosed in double quotes: line 1 column 8 (char 7)'],
  ['[1,]', 'Expecting value: line 1 column 4 (char 3)'],
  ['[1 2]', "Expecting ',' delimiter: line 1 column 4 (char 3)"],
  ['{"a" 1}', "Expecting ':' delimiter: line 1 column 6 (char 5)"],
  ['{1:2}', 'Expecting property name enclosed in double quotes: line 1 column 2 (char 1)'],
  ['"abc', 'Unterminated string starting at: line 1 column 1 (char 0)'],
  ['"a\\x"', 'Invalid \\escape: line 1 column 3 (char 2)'],
  ['"a\\u12"', 'Invalid \\uXXXX escape: line 1 column 4 (char 3)'],
  ['"a\\u12zz"', 'Invalid \\uXXXX escape: line 1 column 4 (char 3)'],
  ['"a\u0001"', 'Invalid control character at: line 1 column 3 (char 2)'],
  ['01', 'Extra data: line 1 column 2 (char 1)'],
  ['1.', 'Extra data: line 1 column 2 (char 1)'],
  ['-', 'Expecting value: line 1 column 1 (char 0)'],
  ['-I', 'Expecting value: line 1 column 1 (char 0)'],
  ['1 2', 'Extra data: line 1 column 3 (char 2)'],
  ['\ufeff{}', 'Unexpected UTF-8 BOM (decode using utf-8-sig): line 1 column 1 (char 0)'],
  ['[1]x', 'Extra data: line 1 column 4 (char 3)'],
  ['"\\', 'Unterminated string starting at: line 1 column 1 (char 0)'],
  ['{"a":1 "b":2}', "Expecting ',' delimiter: line 1 column 8 (char 7)"],
  ['\n\n  [1,\n  2,,]', 'Expecting value: line 4 column 5 (char 12)'],
  ['"\u00e9" x', 'Extra data: line 1 column 5 (char 4)'],
  ['"\ud83d\ude00" x', 'Extra data: line 1 column 5 (char 4)'],
  [
    '"\ud83d\ude00\ud83d\ude00\n\ud83d\ude00" x',
    'Invalid control character at: line 1 column 4 (char 3)',
  ],
  ['nan', 'Expecting value: line 1 column 1 (char 0)'],
  ['1e', 'Extra data: line 1 column 2 (char 1)'],
  ['1e+', 'Extra data: line 1 column 2 (char 1)'],
  ['.5', 'Expecting value: line 1 column 1 (char 0)'],
  ['[-]', 'Expecting value: line 1 column 2 (char 1)'],
  ['{"a":1}}', 'Extra data: line 1 column 8 (char 7)'],
  ['truex', 'Extra data: line 1 column 5 (char 4)'],
  ['[1,\n2\n', "Expecting ',' delimiter: line 3 column 1 (char 6)"],
  ['  ', 'Expecting value: line 1 column 3 (char 2)'],
  ['"a\\', 'Unterminated string starting at: line 1 column 1 (char 0)'],
  ['{"a": [1, {"b": NaN}], "c": "\\ud83d\\ude00"} x', 'Extra data: line 1 column 45 (char 44)'],
];

describe('parseJson: Python json.loads messages', () => {
  for (const [text, expected] of PYTHON_CASES) {
    test(JSON.stringify(text), () => {
      if (expected === null) {
        assert.doesNotThrow(() => parseJson(text));
        return;
      }
      assert.throws(
        () => parseJson(text),
        (err: unknown) => err instanceof JsonSyntaxError && err.message === expected,
      );
    });
  }

  test('values as JSON.parse gives them, plus NaN and the infinities', () => {
    assert.deepEqual(parseJson('{"a": [1, 2.5e3, "x\\u00e9"], "b": null, "c": true}'), {
      a: [1, 2500, 'xé'],
      b: null,
      c: true,
    });
    const odd = parseJson('{"n": NaN, "i": [Infinity, -Infinity], "s": "\\ud83d\\ude00"}') as {
      n: number;
      i: number[];
      s: string;
    };
    assert.ok(Number.isNaN(odd.n));
    assert.deepEqual(odd.i, [Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]);
    assert.equal(odd.s, '😀');
  });

  test('the error carries msg, pos, lineno and colno as Python (7, 2, 4 here)', () => {
    try {
      parseJson('[1,\n 2,,]');
      assert.fail('no error');
    } catch (err) {
      assert.ok(err instanceof JsonSyntaxError);
      assert.equal(err.msg, 'Expecting value');
      assert.equal(err.pos, 7);
      assert.equal(err.lineno, 2);
      assert.equal(err.colno, 4);
    }
  });

  test('a "__proto__" key stays an own property in the fallback parser too', () => {
    const value = parseJson('{"__proto__": {"polluted": 1}, "x": NaN}') as Record<string, unknown>;
    assert.equal(Object.getPrototypeOf(value), Object.prototype);
    assert.deepEqual(Object.keys(value), ['__proto__', 'x']);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });
});
