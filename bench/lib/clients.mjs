// The clients compared. Each factory gets the server's origin and the connection count of the
// scenario and returns `{ get(path) -> Promise<bytes read>, close() }`; `get` reads the whole
// body, as a user who wants the content does (in the streamed-download scenarios, `stream` set,
// requests-ts and undici.request read it chunk by chunk instead, as a download does). Every client is limited to `connections`
// kept-alive connections except global fetch, which runs on Node's default dispatcher as users
// get it (no per-origin cap).
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { h2Clients } from './h2.mjs';
import { POST_JSON } from './nginx.mjs';
import { observabilityClients } from './observability.mjs';

/** The built package; REQUESTS_TS_DIST points elsewhere (e.g. a private build) when set. */
const DIST = process.env.REQUESTS_TS_DIST
  ? new URL(`file://${process.env.REQUESTS_TS_DIST}`)
  : new URL('../../dist/esm/index.js', import.meta.url);

/** undici's connect options trusting the bench's self-signed certificate (HTTPS scenarios). */
function tlsOptions(ca) {
  return ca ? { connect: { ca: readFileSync(ca) } } : {};
}

function keepAliveAgent(connections) {
  return new http.Agent({ keepAlive: true, maxSockets: connections, maxFreeSockets: connections });
}

/** requests-ts: one Session; an HTTPAdapter sized for the scenario mounted on the origin. */
async function requestsTs({
  origin,
  connections,
  features = false,
  dist = DIST,
  ca,
  post,
  stream,
}) {
  const { Session, HTTPAdapter } = await import(dist.href);
  const session = new Session();
  if (ca) session.verify = ca;
  // poolBlock: with more calls in flight than connections, wait for one as every other client
  // here does (urllib3's default opens a throw-away connection per extra call instead).
  const adapter = new HTTPAdapter({
    poolConnections: 1,
    poolMaxsize: connections,
    poolBlock: true,
    ...(features ? { maxRetries: 3 } : {}),
  });
  session.mount(`${origin}/`, adapter);
  return {
    session,
    adapter,
    get: stream
      ? async (path) => {
          const r = await session.get(origin + path, { stream: true });
          let n = 0;
          for await (const chunk of r.iterContent({ chunkSize: stream.chunkSize })) {
            n += chunk.length;
          }
          return n;
        }
      : post
        ? async (path) => (await session.post(origin + path, { json: POST_JSON })).content.length
        : async (path) => (await session.get(origin + path)).content.length,
    close: () => session.close(),
  };
}

/** undici's options for a POST of POST_JSON (made per call, as a caller would). */
function undiciPost() {
  return {
    method: 'POST',
    body: JSON.stringify(POST_JSON),
    headers: { 'content-type': 'application/json' },
  };
}

async function undiciRequest({ origin, connections, ca, post, stream }) {
  const { Pool, request } = await import('undici');
  const pool = new Pool(origin, { connections, ...tlsOptions(ca) });
  return {
    async get(path) {
      if (stream) {
        // The body's chunks as undici hands them out: the floor of a streamed read.
        const { body } = await request(origin + path, { dispatcher: pool });
        let n = 0;
        for await (const chunk of body) n += chunk.length;
        return n;
      }
      const options = post ? { dispatcher: pool, ...undiciPost() } : { dispatcher: pool };
      const { body } = await request(origin + path, options);
      return (await body.arrayBuffer()).byteLength;
    },
    close: () => pool.close(),
  };
}

/** undici.request on undici's default Agent, as most users call it. */
async function undiciAgent({ origin }) {
  const { request } = await import('undici');
  return {
    async get(path) {
      const { body } = await request(origin + path);
      return (await body.arrayBuffer()).byteLength;
    },
    close: async () => {},
  };
}

/**
 * The floor: undici's Pool.dispatch with a bare handler that only counts the body bytes. No
 * client built on undici can cost less; requests-ts's pool is built on this layer.
 */
async function undiciDispatch({ origin, connections, ca, post }) {
  const { Pool } = await import('undici');
  const pool = new Pool(origin, { connections, ...tlsOptions(ca) });
  const get = (path) =>
    new Promise((resolve, reject) => {
      let n = 0;
      pool.dispatch(post ? { origin, path, ...undiciPost() } : { origin, path, method: 'GET' }, {
        onRequestStart() {},
        onResponseStart() {},
        onResponseData(_controller, chunk) {
          n += chunk.length;
        },
        onResponseEnd() {
          resolve(n);
        },
        onResponseError(_controller, err) {
          reject(err);
        },
      });
    });
  return { get, close: () => pool.close() };
}

async function globalFetch({ origin }) {
  return {
    get: async (path) => (await (await fetch(origin + path)).arrayBuffer()).byteLength,
    close: async () => {},
  };
}

async function axiosClient({ origin, connections }) {
  const { default: axios } = await import('axios');
  const httpAgent = keepAliveAgent(connections);
  const client = axios.create({ httpAgent, responseType: 'arraybuffer', proxy: false });
  return {
    get: async (path) => (await client.get(origin + path)).data.length,
    close: async () => httpAgent.destroy(),
  };
}

async function gotClient({ origin, connections }) {
  const { default: got } = await import('got');
  const agent = keepAliveAgent(connections);
  const client = got.extend({
    agent: { http: agent },
    responseType: 'buffer',
    retry: { limit: 0 },
  });
  return {
    get: async (path) => (await client(origin + path)).body.length,
    close: async () => agent.destroy(),
  };
}

async function nodeFetch({ origin, connections }) {
  const { default: fetchFn } = await import('node-fetch');
  const agent = keepAliveAgent(connections);
  return {
    get: async (path) => (await (await fetchFn(origin + path, { agent })).arrayBuffer()).byteLength,
    close: async () => agent.destroy(),
  };
}

async function nodeHttp({ origin, connections }) {
  const agent = keepAliveAgent(connections);
  const { hostname, port } = new URL(origin);
  const get = (path) =>
    new Promise((resolve, reject) => {
      const req = http.request({ hostname, port, path, agent }, (res) => {
        const chunks = [];
        let n = 0;
        res.on('data', (chunk) => {
          chunks.push(chunk);
          n += chunk.length;
        });
        res.on('end', () => resolve(Buffer.concat(chunks, n).length));
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end();
    });
  return { get, close: async () => agent.destroy() };
}

/** Client name -> factory. `requests-ts+features` = retries 3 and a cookie sent back. */
export const CLIENTS = {
  'undici.dispatch': undiciDispatch,
  'undici.request': undiciRequest,
  'undici.request (Agent)': undiciAgent,
  'requests-ts': requestsTs,
  'requests-ts+features': (o) => requestsTs({ ...o, features: true }),

  fetch: globalFetch,
  axios: axiosClient,
  got: gotClient,
  'node-fetch': nodeFetch,
  'node:http': nodeHttp,
};

// requests-ts+timings, +progress, +diagnostics (bench/lib/observability.mjs).
Object.assign(CLIENTS, observabilityClients(requestsTs));

// undici h2, requests-ts h2, requests-ts h1 x16 (bench/lib/h2.mjs).
Object.assign(CLIENTS, h2Clients());

/**
 * The factory of a client name. `requests-ts@/abs/path/esm/index.js` is requests-ts from another
 * build (e.g. one made before a change), to compare builds in one run; `requests-ts@base` is the
 * build at REQUESTS_TS_BASE. The requests-ts variants take a build the same way
 * (`requests-ts+progress@base`).
 */
export function clientFactory(name) {
  const sep = name.startsWith('requests-ts') ? name.indexOf('@') : -1;
  if (sep === -1) return CLIENTS[name];
  const at = name.slice(sep + 1);
  const factory = CLIENTS[name.slice(0, sep)];
  const path = at === 'base' ? process.env.REQUESTS_TS_BASE : at;
  if (!path?.startsWith('/')) throw new Error(`${name}: needs an absolute path (REQUESTS_TS_BASE)`);
  if (factory === undefined) throw new Error(`${name}: no client ${name.slice(0, sep)}`);
  return (o) => factory({ ...o, dist: new URL(`file://${path}`) });
}
