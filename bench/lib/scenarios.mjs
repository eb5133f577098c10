// What the bench measures, and for how long. Durations in ms.

export const PEERS = [
  'undici.dispatch',
  'undici.request',
  'undici.request (Agent)',
  'requests-ts',
  'fetch',
  'axios',
  'got',
  'node-fetch',
  'node:http',
];

/** The reference every figure is divided by (same run). */
export const BASELINE = 'undici.request';

const SMALL = { path: '/small', bytes: 13, label: '13 B' };

export const SCENARIOS = [
  {
    name: 'sequential',
    title: 'sequential: 1 in flight, 1 connection, 13 B body',
    ...SMALL,
    concurrency: 1,
    connections: 1,
    clients: PEERS,
    warm: 2_000,
  },
  {
    name: 'concurrent',
    title: '64 in flight over 16 connections, 13 B body',
    ...SMALL,
    concurrency: 64,
    connections: 16,
    clients: PEERS,
    warm: 4_000,
  },
  {
    name: 'concurrent-256',
    title: '256 in flight over 16 connections, 13 B body (GC pressure)',
    ...SMALL,
    concurrency: 256,
    connections: 16,
    clients: ['undici.dispatch', 'undici.request', 'requests-ts'],
    warm: 4_000,
  },
  {
    name: '64k',
    title: '16 in flight over 16 connections, 64 KiB body',
    path: '/64k',
    bytes: 64 * 1024,
    concurrency: 16,
    connections: 16,
    clients: PEERS,
    warm: 1_000,
  },
  {
    name: '1m',
    title: '4 in flight over 4 connections, 1 MiB body',
    path: '/1m',
    bytes: 1024 * 1024,
    concurrency: 4,
    connections: 4,
    clients: PEERS,
    warm: 150,
  },
  {
    name: 'features',
    title:
      'features: sequential, 13 B body; requests-ts+features = HTTPAdapter({ maxRetries: 3 }) and a cookie the server set, sent back',
    ...SMALL,
    concurrency: 1,
    connections: 1,
    clients: ['undici.request', 'requests-ts', 'requests-ts+features'],
    paths: { 'requests-ts+features': '/cookie' },
    warm: 2_000,
  },
];

/** Runs per client (each figure is the median of these), and each measurement's bounds. */
export const PROFILES = {
  // Short slices in more rounds: background load drifts less within a round, and the ratios are
  // taken per round.
  full: { runs: 7, sliceMs: 700, maxRequests: 200_000, warmScale: 1, rewarm: 100 },
  quick: { runs: 5, sliceMs: 80, maxRequests: 50_000, warmScale: 0.15, rewarm: 20 },
};
