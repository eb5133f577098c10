// What the bench measures, and for how long. Durations in ms.

export const PEERS = [
  'undici.request',
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
    warm: 3_000,
  },
  {
    name: 'concurrent',
    title: '64 in flight over 16 connections, 13 B body',
    ...SMALL,
    concurrency: 64,
    connections: 16,
    clients: PEERS,
    warm: 5_000,
  },
  {
    name: '64k',
    title: '16 in flight over 16 connections, 64 KiB body',
    path: '/64k',
    bytes: 64 * 1024,
    concurrency: 16,
    connections: 16,
    clients: PEERS,
    warm: 1_500,
  },
  {
    name: '1m',
    title: '4 in flight over 4 connections, 1 MiB body',
    path: '/1m',
    bytes: 1024 * 1024,
    concurrency: 4,
    connections: 4,
    clients: PEERS,
    warm: 200,
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
    warm: 3_000,
  },
];

/** Runs per client (each figure is the median of these), and each measurement's bounds. */
export const PROFILES = {
  full: { runs: 5, sliceMs: 1_000, maxRequests: 200_000, warmScale: 1, rewarm: 100 },
  quick: { runs: 5, sliceMs: 100, maxRequests: 50_000, warmScale: 0.25, rewarm: 30 },
};
