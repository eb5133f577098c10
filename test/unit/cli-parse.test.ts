import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseItem, sortItems, UsageError } from '../../src/cli/items.js';
import { expandUrl, parseCommand } from '../../src/cli/parse.js';
import { humanBytes, Progress } from '../../src/cli/progress.js';

test('request items split at the first separator, longest first; a backslash escapes', () => {
  assert.deepEqual(parseItem('X-A:b:c'), { kind: 'header', key: 'X-A', value: 'b:c' });
  assert.deepEqual(parseItem('q==a=b'), { kind: 'query', key: 'q', value: 'a=b' });
  assert.deepEqual(parseItem('n:=[1]'), { kind: 'json', key: 'n', value: '[1]' });
  assert.deepEqual(parseItem('n:=@f.json'), { kind: 'json-file', key: 'n', value: 'f.json' });
  assert.deepEqual(parseItem('bio=@f'), { kind: 'data-file', key: 'bio', value: 'f' });
  assert.deepEqual(parseItem('doc@a.pdf'), { kind: 'file', key: 'doc', value: 'a.pdf' });
  assert.deepEqual(parseItem('=@body'), { kind: 'raw-file', key: '', value: 'body' });
  assert.deepEqual(parseItem('a\\:b=c'), { kind: 'data', key: 'a:b', value: 'c' });
  assert.equal(parseItem('plain'), null);
});

test('items sort into headers (empty: removed), query, fields (JSON parsed) and files', () => {
  const items = ['A:1', 'B:', 'q==1', 'n=x', 'm:=2', 'f@p'].map((t) => parseItem(t)!);
  const s = sortItems(items, () => '');
  assert.deepEqual(s.headers, [
    ['A', '1'],
    ['B', null],
  ]);
  assert.deepEqual(s.fields, [
    ['n', 'x'],
    ['m', 2],
  ]);
  assert.deepEqual(s.files, [['f', 'p']]);
  assert.throws(() => sortItems([parseItem('=@a')!, parseItem('n=1')!], () => ''), UsageError);
});

test('the method is the first word when more follows; data makes it POST; URLs are expanded', () => {
  const c = parseCommand(['put', 'example.org', 'a=1']);
  assert.ok(typeof c === 'object');
  assert.equal(c.method, 'PUT');
  assert.equal(c.url, 'http://example.org');
  assert.equal((parseCommand([':3000', 'a=1']) as { method: string }).method, 'POST');
  assert.equal(expandUrl(':3000/x'), 'http://localhost:3000/x');
  assert.equal(expandUrl('https://a/'), 'https://a/');
  assert.equal(parseCommand(['--help']), 'help');
  assert.throws(() => parseCommand(['-f', 'x', 'n:=1']), /cannot be sent as a form/);
  assert.throws(() => parseCommand(['-c', 'x']), /--continue needs/);
});

test('the progress line shows percent, bar, bytes, rate and ETA from a given clock', () => {
  let now = 0;
  const lines: string[] = [];
  const p = new Progress({
    write: (s) => lines.push(s),
    terminal: true,
    total: 4000,
    start: 0,
    now: () => now,
  });
  now = 1000;
  p.update(1000);
  assert.equal(
    lines[0],
    '\r 25 %  [#####               ]  1.00 kB / 4.00 kB  1.00 kB/s  ETA 0:03\x1b[K',
  );
  now = 2000;
  p.update(3000);
  p.finish();
  assert.match(
    lines.at(-1)!,
    /^\r100 % {2}\[#{20}\] {2}4\.00 kB \/ 4\.00 kB {2}2\.00 kB\/s {2}in 0:02\x1b\[K\n$/,
  );
  assert.equal(humanBytes(999), '999 B');
});
