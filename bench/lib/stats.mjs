// Medians and spreads. Every figure is reported as the median of its runs with min–max (and the
// interquartile range for timings), never as a single run.

/** Linear-interpolated quantile of sorted numbers. */
function quantile(sorted, q) {
  if (sorted.length === 0) return null;
  const at = (sorted.length - 1) * q;
  const lo = Math.floor(at);
  const hi = Math.ceil(at);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (at - lo);
}

/** @param {number[]} samples */
export function summarize(samples) {
  const sorted = [...samples].sort((a, b) => a - b);
  return {
    median: quantile(sorted, 0.5),
    min: sorted[0] ?? null,
    max: sorted[sorted.length - 1] ?? null,
    q1: quantile(sorted, 0.25),
    q3: quantile(sorted, 0.75),
    p95: quantile(sorted, 0.95),
    n: sorted.length,
    samples,
  };
}

/** Summaries of each numeric field across runs: [{ a: 1, b: 2 }, { a: 3, b: 2 }] -> { a: summary, b: summary }. */
export function summarizeRuns(runs, fields) {
  return Object.fromEntries(fields.map((field) => [field, summarize(runs.map((run) => run[field]))]));
}
