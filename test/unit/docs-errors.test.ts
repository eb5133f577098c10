/**
 * docs/errors.md says what src/errors.ts does: the tree (each class under its parent, the
 * "also a" parents), each class's `code`, every exported error class listed, and the table of
 * errors outside the tree.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import * as api from '../../src/index.js';

const doc = readFileSync('docs/errors.md', 'utf8');

interface Node {
  name: string;
  depth: number;
  code: string | null;
  also: string[];
  parent: string | null;
}

/** The tree block: the first fenced block without a language, one class a line. */
function tree(): Node[] {
  const block = /```\n([\s\S]*?)```/.exec(doc)?.[1] ?? '';
  const nodes: Node[] = [];
  const stack: string[] = [];
  for (const line of block.split('\n').filter((l) => l.trim() !== '')) {
    const m = /^([│├└─\s]*)(\w+)(.*)$/u.exec(line);
    assert.ok(m, `errors.md tree line: ${line}`);
    const depth = [...m[1]!].length / 4;
    stack.length = depth;
    const parent = depth === 0 ? null : (stack[depth - 1] ?? null);
    stack[depth] = m[2]!;
    const also = [...m[3]!.matchAll(/also a (\w+)/g)].map((a) => a[1]!);
    nodes.push({ name: m[2]!, depth, code: /\b(ERR_\w+)/.exec(m[3]!)?.[1] ?? null, also, parent });
  }
  return nodes;
}

const exported = api as unknown as Record<string, unknown>;

test('errors.md: the tree and the codes are those of src/errors.ts', () => {
  const nodes = tree();
  assert.ok(nodes.length >= 20);
  for (const n of nodes) {
    const cls = exported[n.name] as (new (message: string) => Error & { code: string }) | undefined;
    assert.equal(typeof cls, 'function', `${n.name} is exported`);
    const err = new cls!('x');
    assert.equal(err.code, n.code, `${n.name}'s code`);
    assert.equal(err.name, n.name);
    if (n.parent !== null) {
      const parent = exported[n.parent] as new (...a: never[]) => unknown;
      assert.ok(err instanceof parent, `${n.name} is a ${n.parent}`);
      // Directly under it: its prototype's prototype is the parent's.
      assert.equal(
        Object.getPrototypeOf(cls!.prototype),
        parent.prototype,
        `${n.name} < ${n.parent}`,
      );
    }
    for (const a of n.also) {
      assert.ok(err instanceof (exported[a] as new () => unknown), `${n.name} is also a ${a}`);
    }
    // No other parent than the ones drawn.
    for (const other of nodes) {
      if (other.name === n.name || other.name === n.parent || n.also.includes(other.name)) continue;
      const ancestors = new Set<string>();
      for (let p: Node | undefined = n; p?.parent; p = nodes.find((x) => x.name === p!.parent)) {
        ancestors.add(p.parent);
        for (const a of p.also) ancestors.add(a);
      }
      if (ancestors.has(other.name)) continue;
      const otherCls = exported[other.name] as new () => unknown;
      assert.ok(!(err instanceof otherCls), `${n.name} is not a ${other.name}`);
    }
  }
});

test('errors.md lists every exported error class, and the codes of those outside the tree', () => {
  const listed = new Set(tree().map((n) => n.name));
  for (const [name, value] of Object.entries(exported)) {
    if (typeof value !== 'function' || !(value.prototype instanceof Error)) continue;
    if (value.prototype instanceof api.RequestException || value === api.RequestException) {
      assert.ok(listed.has(name), `${name} is in the tree`);
    } else {
      assert.match(doc, new RegExp(`\\| \`${name}\` +\\|`), `${name} is in the table`);
    }
  }
  assert.match(doc, /`CookieConflictError` \| `ERR_COOKIE_CONFLICT`/);
  const missing = new api.TLSFileError('m', '/nope');
  assert.equal(missing.code, 'ENOENT');
  assert.match(doc, /`TLSFileError` +\| `ENOENT` \/ `EINVAL`/);
});
