// Issue 18's scenarios: HTTPS, POST JSON, a 1 -> 256 in-flight scaling series (printed as one
// table at the end), and a streamed 16 MiB download read in chunks of 16 KiB, 64 KiB, 1 MiB and as
// they arrive (also one table), each with the floor (undici's Pool.dispatch), undici.request and
// requests-ts.
import { median } from './report.mjs';

const THREE = ['undici.dispatch', 'undici.request', 'requests-ts'];
const SMALL = { path: '/small', bytes: 13, label: '13 B' };

export const PERF_SCENARIOS = [
  {
    name: 'https',
    title: 'HTTPS: 64 in flight over 16 connections, 13 B body (verify: the CA file)',
    ...SMALL,
    tls: true,
    concurrency: 64,
    connections: 16,
    clients: THREE,
    warm: 4_000,
  },
  {
    name: 'post-json',
    title: 'POST JSON: 64 in flight over 16 connections, a 62 B JSON body, 12 B answer',
    path: '/post',
    bytes: 12,
    post: true,
    concurrency: 64,
    connections: 16,
    clients: THREE,
    warm: 4_000,
  },
  ...[1, 4, 16, 64, 256].map((n) => ({
    name: `scale-${n}`,
    group: 'scaling',
    inFlight: n,
    title: `scaling: ${n} in flight over ${Math.min(n, 16)} connections, 13 B body`,
    ...SMALL,
    concurrency: n,
    connections: Math.min(n, 16),
    clients: THREE,
    warm: 2_000,
  })),
];

const MiB = 1024 * 1024;

/**
 * The streamed download: `stream: true` and `iterContent({ chunkSize })` against the async
 * iterator of undici.request's body, one 16 MiB body at a time over one connection.
 */
export const STREAM_SCENARIOS = [
  [null, 'as they arrive'],
  [16 * 1024, '16 KiB'],
  [64 * 1024, '64 KiB'],
  [MiB, '1 MiB'],
].map(([chunkSize, label]) => ({
  name: `stream-${chunkSize === null ? 'any' : chunkSize >= MiB ? `${chunkSize / MiB}m` : `${chunkSize / 1024}k`}`,
  group: 'stream',
  chunkLabel: label,
  title: `streamed download: 1 in flight, 16 MiB body read in chunks ${label === 'as they arrive' ? label : `of ${label}`} (undici.request: its body's async iterator)`,
  path: '/16m',
  bytes: 16 * MiB,
  stream: { chunkSize },
  concurrency: 1,
  connections: 1,
  clients: THREE,
  warm: 40,
}));

function perRound(runs, client, other, key = 'cpuUsPerReq') {
  return median(runs[client].map((r, i) => r[key] / runs[other][i][key]));
}

/** The scaling series as one table: CPU per request of each client, and requests-ts' ratios. */
export function scalingTable(results) {
  const rows = Object.values(results).filter((r) => r.scenario.group === 'scaling');
  if (rows.length === 0) return null;
  const lines = [
    '| in flight | floor µs/req | undici.request µs/req | requests-ts µs/req | requests-ts / floor | requests-ts / undici.request | p99 / undici.request |',
    '|--:|--:|--:|--:|--:|--:|--:|',
  ];
  for (const { scenario, runs, summary } of rows) {
    const cell = (c) => summary[c]?.cpuUsPerReq.toFixed(1) ?? 'n/a';
    const floor = runs['undici.dispatch'] ? perRound(runs, 'requests-ts', 'undici.dispatch') : NaN;
    lines.push(
      `| ${scenario.inFlight} | ${cell('undici.dispatch')} | ${cell('undici.request')} | ${cell('requests-ts')} | ${floor.toFixed(2)} | ${perRound(runs, 'requests-ts', 'undici.request').toFixed(2)} | ${perRound(runs, 'requests-ts', 'undici.request', 'p99Ms').toFixed(2)} |`,
    );
  }
  return lines.join('\n');
}

/** The streamed downloads as one table, with issue 18's target (CPU <= 1.05x undici.request). */
export function streamTable(results) {
  const rows = Object.values(results).filter((r) => r.scenario.group === 'stream');
  if (rows.length === 0) return null;
  const lines = [
    '| chunks | floor ms/download | undici.request ms/download | requests-ts ms/download | requests-ts / undici.request | CPU <= 1.05x | p99 / undici.request |',
    '|---|--:|--:|--:|--:|---|--:|',
  ];
  for (const { scenario, runs, summary } of rows) {
    const cell = (c) =>
      summary[c] === undefined ? 'n/a' : (summary[c].cpuUsPerReq / 1000).toFixed(2);
    const ratio = perRound(runs, 'requests-ts', 'undici.request');
    lines.push(
      `| ${scenario.chunkLabel} | ${cell('undici.dispatch')} | ${cell('undici.request')} | ${cell('requests-ts')} | ${ratio.toFixed(2)} | ${ratio <= 1.05 ? 'met' : 'MISSED'} | ${perRound(runs, 'requests-ts', 'undici.request', 'p99Ms').toFixed(2)} |`,
    );
  }
  return lines.join('\n');
}
