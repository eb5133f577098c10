import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { SendOptions } from '../../src/adapters/base-adapter.js';
import {
  defaultHooks,
  deregisterHook,
  dispatchHook,
  type ResponseHook,
  registerHook,
} from '../../src/hooks.js';
import type { Response } from '../../src/models/response.js';

// Hooks only pass responses along: plain objects stand in for them.
const fake = (name: string) => ({ name }) as unknown as Response;
const options: SendOptions = { stream: true };

describe('hooks (requests hooks.py)', () => {
  test('defaultHooks is a fresh { response: [] }', () => {
    const a = defaultHooks();
    assert.deepEqual(a, { response: [] });
    assert.notEqual(a.response, defaultHooks().response);
  });

  test('registerHook takes a function or an iterable of them; unknown events are refused', () => {
    const hooks = defaultHooks();
    const h1: ResponseHook = () => {};
    const h2: ResponseHook = () => {};
    registerHook(hooks, 'response', h1);
    registerHook(hooks, 'response', [h2, 'not a hook' as never]);
    registerHook(hooks, 'response', new Set([h1]));
    assert.deepEqual(hooks.response, [h1, h2, h1]);
    assert.throws(() => registerHook(hooks, 'request', h1), {
      name: 'TypeError',
      message: 'Unsupported event specified, with event name "request"',
    });
    assert.throws(() => registerHook(hooks, 'toString', h1), TypeError);
    assert.equal(deregisterHook(hooks, 'response', h1), true);
    assert.deepEqual(hooks.response, [h2, h1]);
    assert.equal(deregisterHook(hooks, 'nope', h1), false);
  });

  test('dispatchHook runs hooks in order; a returned response replaces the one passed on', async () => {
    const seen: string[] = [];
    const replacement = fake('replacement');
    const hooks = {
      response: [
        (r: Response, o: SendOptions) => {
          seen.push(`${(r as unknown as { name: string }).name}:${o.stream}`);
        },
        async () => replacement,
        (r: Response) => {
          seen.push((r as unknown as { name: string }).name);
          return null;
        },
      ],
    };
    const out = await dispatchHook('response', hooks, fake('original'), options);
    assert.equal(out, replacement);
    assert.deepEqual(seen, ['original:true', 'replacement']);
  });

  test('a single function, no hooks and unknown keys', async () => {
    const r = fake('r');
    const other = fake('other');
    assert.equal(await dispatchHook('response', { response: () => other }, r, options), other);
    assert.equal(await dispatchHook('response', null, r, options), r);
    assert.equal(await dispatchHook('response', defaultHooks(), r, options), r);
    assert.equal(await dispatchHook('other', { response: () => other }, r, options), r);
  });

  test('a hook that throws rejects the dispatch', async () => {
    const boom = () => {
      throw new Error('boom');
    };
    await assert.rejects(
      dispatchHook('response', { response: [boom] }, fake('r'), options),
      /boom/,
    );
  });
});
