// What reading timings, progress callbacks that do nothing, and a diagnostics subscriber cost,
// next to plain requests-ts in the same run (issue 16). Each variant is a client of its own
// process, so a diagnostics subscription stays in its process. Printed as ratios to plain
// requests-ts, per round, below the scenario's table.
import diagnostics from 'node:diagnostics_channel';
import { POST_JSON } from './nginx.mjs';
import { median } from './report.mjs';

const SMALL = { path: '/small', bytes: 13 };

const VARIANTS = ['requests-ts+timings', 'requests-ts+progress', 'requests-ts+diagnostics'];
const CLIENTS = ['undici.request', 'requests-ts', ...VARIANTS];

/** Scenarios: sequential small bodies (per-request cost shows most), and 64 KiB bodies. */
export const OBSERVABILITY_SCENARIOS = [
  {
    name: 'observability',
    title:
      'observability: sequential, 13 B body; requests-ts reading r.timings / with no-op progress callbacks / with a diagnostics subscriber',
    ...SMALL,
    concurrency: 1,
    connections: 1,
    clients: CLIENTS,
    versus: 'requests-ts',
    warm: 2_000,
  },
  {
    name: 'observability-64k',
    title: 'observability: 16 in flight over 16 connections, 64 KiB body; the same variants',
    path: '/64k',
    bytes: 64 * 1024,
    concurrency: 16,
    connections: 16,
    clients: CLIENTS,
    versus: 'requests-ts',
    warm: 1_000,
  },
];

function noop() {}

/** What the variants read, summed, so that no read is optimised away. */
let sink = 0;
export const sunk = () => sink;

const KINDS = ['start', 'attempt', 'retry', 'redirect', 'end', 'error'];

/** A subscriber that reads what an OpenTelemetry bridge would, and does nothing with it. */
function read(m) {
  sink += m.status ?? m.attempt ?? m.method.length;
  if (m.timings !== undefined) sink += m.timings.total ?? 0;
}

function subscribeAll() {
  for (const kind of KINDS) diagnostics.subscribe(`requests-ts:request:${kind}`, read);
}

function unsubscribeAll() {
  for (const kind of KINDS) diagnostics.unsubscribe(`requests-ts:request:${kind}`, read);
}

/**
 * The variant clients, built on the plain requests-ts factory of bench/lib/clients.mjs
 * (`{ session, get, close }`, and `enter` / `leave` for the diagnostics one).
 */
export function observabilityClients(requestsTs) {
  return {
    'requests-ts+timings': async (o) => {
      const c = await requestsTs(o);
      return {
        ...c,
        get: async (path) => {
          const r = await c.session.get(o.origin + path);
          const t = r.timings;
          sink += t.total + t.firstByte + (t.reused ? 1 : 0);
          return r.content.length;
        },
      };
    },
    'requests-ts+progress': async (o) => {
      const c = await requestsTs(o);
      const options = { onUploadProgress: noop, onDownloadProgress: noop };
      // With --post, the upload is counted too: POST_JSON, as the plain client posts it.
      const post = { ...options, json: POST_JSON };
      return {
        ...c,
        get: o.post
          ? async (path) => (await c.session.post(o.origin + path, post)).content.length
          : async (path) => (await c.session.get(o.origin + path, options)).content.length,
      };
    },
    // Subscribed from the start; `leave()` / `enter()` unsubscribe and subscribe again, for a
    // run that interleaves it with other clients in one process (bench/callgrind.mjs --ab).
    'requests-ts+diagnostics': async (o) => {
      subscribeAll();
      return { ...(await requestsTs(o)), enter: subscribeAll, leave: unsubscribeAll };
    },
  };
}

function fmt(n) {
  return Number.isFinite(n) ? n.toFixed(3) : 'n/a';
}

/** Ratios of each variant to `versus` (plain requests-ts), per round then the median. */
export function observabilityTable(runs, versus) {
  const lines = [`| variant vs ${versus} | req/s ratio | CPU µs/req ratio |`, '|---|--:|--:|'];
  for (const client of VARIANTS) {
    if (!runs[client] || !runs[versus]) continue;
    const ratio = (key) => median(runs[client].map((r, i) => r[key] / runs[versus][i][key]));
    lines.push(`| ${client} | ${fmt(ratio('rps'))} | ${fmt(ratio('cpuUsPerReq'))} |`);
  }
  return lines.join('\n');
}
