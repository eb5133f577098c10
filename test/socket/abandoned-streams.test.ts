/**
 * Issue 10 items 9 and 12: a stream response left early, or dropped unread, releases its
 * connection; close() closes busy connections; elapsed ends at the parsed headers.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import type { Socket } from 'node:net';
import { describe, test } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { ConnectionError, HTTPAdapter, Session } from '../../src/index.js';
import { startRawPeer } from '../helpers/server.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** Heads of the responses: /hold sends part of a long body and then nothing. */
const HOLD = 'HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n' + 'line\n'.repeat(20);
const OK = 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok';

interface Peer {
  url: string;
  /** Connections opened, and those the client closed. */
  opened: number;
  closed: number;
  close(): Promise<void>;
  /** Resolves once `n` connections were closed by the client (bounded by `ms`). */
  closedAtLeast(n: number, ms?: number): Promise<boolean>;
}

async function holdingPeer(): Promise<Peer> {
  const state = { opened: 0, closed: 0 };
  const raw = await startRawPeer((socket: Socket) => {
    state.opened++;
    socket.on('close', () => state.closed++);
    let head = '';
    socket.on('data', (chunk) => {
      head += chunk.toString('latin1');
      while (head.includes('\r\n\r\n')) {
        const end = head.indexOf('\r\n\r\n');
        const line = head.slice(0, head.indexOf('\r\n'));
        head = head.slice(end + 4);
        socket.write(line.includes('/hold') ? HOLD : OK);
      }
    });
  });
  return {
    url: raw.url,
    get opened() {
      return state.opened;
    },
    get closed() {
      return state.closed;
    },
    close: raw.close,
    async closedAtLeast(n, ms = 10_000) {
      const until = Date.now() + ms;
      while (state.closed < n && Date.now() < until) {
        gc();
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      return state.closed >= n;
    },
  };
}

function blockingSession(): Session {
  const s = new Session();
  s.mount('http://', new HTTPAdapter({ poolMaxsize: 1, poolBlock: true }));
  return s;
}

/** A second call on the blocking pool of one: it only gets through once the first let go. */
async function nextCallGetsThrough(s: Session, url: string): Promise<void> {
  const r = await s.get(`${url}/ok`, { timeout: { pool: 2_000, read: 2_000 } });
  assert.equal(r.text, 'ok');
}

describe('abandoned stream responses release their connection', () => {
  test('break out of for await over iterContent', async () => {
    const peer = await holdingPeer();
    const s = blockingSession();
    try {
      const r = await s.get(`${peer.url}/hold`, { stream: true });
      for await (const chunk of r.iterContent({ chunkSize: 10 })) {
        assert.equal(chunk.length, 10);
        break;
      }
      assert.ok(await peer.closedAtLeast(1), 'the abandoned connection was closed');
      await nextCallGetsThrough(s, peer.url);
    } finally {
      await s.close();
      await peer.close();
    }
  });

  test('throw out of for await over iterLines', async () => {
    const peer = await holdingPeer();
    const s = blockingSession();
    try {
      const r = await s.get(`${peer.url}/hold`, { stream: true });
      await assert.rejects(async () => {
        for await (const line of r.iterLines({ chunkSize: 10 })) {
          assert.equal(Buffer.from(line).toString(), 'line');
          throw new Error('stop here');
        }
      }, /stop here/);
      assert.ok(await peer.closedAtLeast(1), 'the abandoned connection was closed');
      await nextCallGetsThrough(s, peer.url);
    } finally {
      await s.close();
      await peer.close();
    }
  });

  test('a response dropped unread is closed once garbage-collected', async () => {
    const peer = await holdingPeer();
    const s = blockingSession();
    try {
      await (async () => {
        const r = await s.get(`${peer.url}/hold`, { stream: true });
        assert.equal(r.statusCode, 200);
      })();
      assert.ok(await peer.closedAtLeast(1), 'the forgotten connection was closed');
      await nextCallGetsThrough(s, peer.url);
    } finally {
      await s.close();
      await peer.close();
    }
  });
});

describe('close() closes busy connections', () => {
  test('Session.close(): a body still being read fails with ConnectionError', async () => {
    const peer = await holdingPeer();
    const s = new Session();
    const r = await s.get(`${peer.url}/hold`, { stream: true });
    try {
      await s.close();
      assert.ok(await peer.closedAtLeast(1), 'the busy connection was closed');
      await assert.rejects(r.read(), (err: unknown) => {
        assert.ok(err instanceof ConnectionError, String(err));
        assert.match((err as Error).message, /closed while this request was under way/);
        return true;
      });
    } finally {
      await peer.close();
    }
  });

  test('HTTPAdapter.close(): a call waiting for its headers fails with ConnectionError', async () => {
    let asked!: () => void;
    const requestSent = new Promise<void>((resolve) => (asked = resolve));
    const raw = await startRawPeer((socket) => socket.once('data', () => asked())); // never answers
    const adapter = new HTTPAdapter();
    const s = new Session();
    s.mount('http://', adapter);
    try {
      const call = s.get(raw.url, { timeout: { read: 10_000 } });
      await requestSent; // waiting for its headers, not still connecting
      await adapter.close();
      await assert.rejects(call, ConnectionError);
    } finally {
      await raw.close();
    }
  });

  test('a process that leaves a response unread and calls close() exits by itself', async () => {
    const peer = await holdingPeer();
    const code = `
      import { Session } from ${JSON.stringify(new URL('../../src/index.ts', import.meta.url).href)};
      const s = new Session();
      const r = await s.get(${JSON.stringify(`${peer.url}/hold`)}, { stream: true });
      globalThis.keep = r;
      await s.close();
      console.log('closed', r.statusCode);
    `;
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    // Two bounds: starting (tsx compiling src/ under a loaded CI machine took over 10 s), then,
    // from the moment close() returned, exiting: only the second is what the test is about.
    let out = '';
    let closed = false;
    let killer = setTimeout(() => child.kill(), 120_000);
    child.stdout.on('data', (c) => {
      out += c;
      if (closed || !out.includes('closed')) return;
      closed = true;
      clearTimeout(killer);
      killer = setTimeout(() => child.kill(), 10_000);
    });
    try {
      const [exitCode, signal] = await once(child, 'exit');
      assert.ok(closed, `the child never got through close(): ${out}`);
      assert.equal(signal, null, 'the child had to be killed: close() left it hanging');
      assert.equal(exitCode, 0);
      assert.match(out, /closed 200/);
    } finally {
      clearTimeout(killer);
      await peer.close();
    }
  });
});

describe('Response.elapsed', () => {
  test('ends when the headers are parsed, not when the body is downloaded', async () => {
    const raw = await startRawPeer((socket) => {
      socket.once('data', () => {
        socket.write('HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nab');
        setTimeout(() => socket.write('cd'), 1_000);
      });
    });
    const s = new Session();
    try {
      const started = performance.now();
      const r = await s.get(raw.url);
      const wall = performance.now() - started;
      assert.equal(r.text, 'abcd');
      assert.ok(wall >= 950, `the body took its time (${wall} ms)`);
      // Half the body's delay as margin: a client starved that long on a loaded machine reads
      // head and body together, and then nothing can tell them apart.
      assert.ok(r.elapsed < wall - 500, `elapsed ${r.elapsed} ms excludes the body (${wall} ms)`);
    } finally {
      await s.close();
      await raw.close();
    }
  });
});
