import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Request } from '../../src/models/request.js';
import { Session } from '../../src/sessions/session.js';

describe('Session.prepareRequest headers', () => {
  const url = 'http://127.0.0.1:9/x';

  test("a request without headers of its own: the Session's, a null one left out", async () => {
    await using s = new Session({ trustEnv: false });
    s.headers.set('X-Team', 'a');
    assert.equal(s.prepareRequest(new Request({ method: 'GET', url })).headers.get('x-team'), 'a');
    s.headers.set('Accept', null);
    const p = s.prepareRequest(new Request({ method: 'GET', url }));
    assert.equal(p.headers.has('Accept'), false);
    assert.equal(p.headers.get('x-team'), 'a');
  });

  test("the prepared headers and the Session's change independently", async () => {
    await using s = new Session({ trustEnv: false });
    const p = s.prepareRequest(new Request({ method: 'GET', url }));
    const ua = s.headers.get('User-Agent');
    p.headers.set('User-Agent', 'changed on the request');
    p.headers.delete('Accept');
    assert.equal(s.headers.get('User-Agent'), ua);
    assert.equal(s.headers.get('Accept'), '*/*');
    s.headers.set('Accept', 'text/plain');
    assert.equal(p.headers.has('Accept'), false);
    const q = s.prepareRequest(new Request({ method: 'GET', url }));
    assert.equal(q.headers.get('accept'), 'text/plain');
    assert.equal(q.headers.get('user-agent'), ua);
  });

  test('a Session header made invalid after a call is refused on the next', async () => {
    await using s = new Session({ trustEnv: false });
    s.prepareRequest(new Request({ method: 'GET', url }));
    s.headers.set('Accept', 'a\r\nInjected: 1');
    assert.throws(() => s.prepareRequest(new Request({ method: 'GET', url })), {
      name: 'InvalidHeader',
    });
  });
});
