// Medians, ratios to the baseline, the printed table and the target check.

export function median(values) {
  const v = values.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (v.length === 0) return Number.NaN;
  const mid = v.length >> 1;
  return v.length % 2 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
}

export const METRICS = [
  { key: 'rps', label: 'req/s', digits: 0 },
  { key: 'cpuUsPerReq', label: 'CPU µs/req', digits: 1 },
  { key: 'p50Ms', label: 'p50 ms', digits: 3 },
  { key: 'p99Ms', label: 'p99 ms', digits: 3 },
  { key: 'peakRssMb', label: 'peak RSS MB', digits: 0 },
];

/**
 * Per client: the median of each metric over the runs, and the median over runs of its ratio to
 * the baseline's figure from the same run (round).
 * @param runs {Record<string, object[]>} client -> one result per run, in run order
 */
export function summarize(runs, baseline) {
  const out = {};
  for (const [client, results] of Object.entries(runs)) {
    const row = { runs: results.length, errors: results.reduce((n, r) => n + r.errors, 0) };
    for (const { key } of METRICS) {
      row[key] = median(results.map((r) => r[key]));
      row[`${key}Ratio`] = median(results.map((r, i) => r[key] / runs[baseline][i][key]));
    }
    out[client] = row;
  }
  return out;
}

function fmt(n, digits) {
  if (!Number.isFinite(n)) return 'n/a';
  return n.toLocaleString('en-US', {
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  });
}

/** A Markdown table: each cell `value (ratio to baseline)`. */
export function table(summary) {
  const head = `| client | ${METRICS.map((m) => m.label).join(' | ')} |`;
  const rule = `|---|${METRICS.map(() => '--:').join('|')}|`;
  const rows = Object.entries(summary).map(([client, row]) => {
    const cells = METRICS.map(
      ({ key, digits }) => `${fmt(row[key], digits)} (${fmt(row[`${key}Ratio`], 2)})`,
    );
    return `| ${client}${row.errors ? ` (${row.errors} errors)` : ''} | ${cells.join(' | ')} |`;
  });
  return [head, rule, ...rows].join('\n');
}

/** The goals of issues 7 and 18, checked against one bench's results (`{ runs, summary }` by scenario). */
export function targets(results) {
  const lines = [];
  for (const [scenario, { runs, summary }] of Object.entries(results)) {
    const r = summary['requests-ts'];
    if (!r) continue;
    const checks = [
      ['throughput >= 0.85x undici', r.rpsRatio, r.rpsRatio >= 0.85],
      ['CPU/req <= 1.0x undici.request', r.cpuUsPerReqRatio, r.cpuUsPerReqRatio <= 1.0],
      ['p99 <= 1.2x undici.request', r.p99MsRatio, r.p99MsRatio <= 1.2],
    ];
    if (runs['undici.dispatch']) {
      // The floor: our own work on top of the layer our pool is built on (issue 18: <= 1.5x).
      const x = median(
        runs['requests-ts'].map(
          (run, i) => run.cpuUsPerReq / runs['undici.dispatch'][i].cpuUsPerReq,
        ),
      );
      checks.push(['CPU/req <= 1.5x the Pool.dispatch floor', x, x <= 1.5]);
    }
    for (const peer of ['axios', 'got']) {
      if (!runs[peer]) continue;
      // Per round, as every other ratio here.
      const x = median(runs['requests-ts'].map((run, i) => run.rps / runs[peer][i].rps));
      checks.push([`throughput >= 2x ${peer}`, x, x >= 2]);
    }
    for (const [what, value, ok] of checks) {
      lines.push(`| ${scenario} | ${what} | ${fmt(value, 2)} | ${ok ? 'met' : 'MISSED'} |`);
    }
  }
  return ['| scenario | target | requests-ts | |', '|---|---|--:|---|', ...lines].join('\n');
}
