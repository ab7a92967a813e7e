// How the benchmarks summarise what they measure: quantiles, and the median and middle half of
// paired measurements. A module of its own, without vitest, for scripts run outside the test runner.

/** The value at quantile `q` (0–1) of `values`: the one at that rank, rounded down. */
export function quantile(values: readonly number[], q: number): number {
  const sorted = Float64Array.from(values).sort();
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number;
}

/** The median of `values`; of an even count, the mean of the two middle values. */
export function median(values: readonly number[]): number {
  const sorted = Float64Array.from(values).sort();
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

/** The median of paired measurements, and their middle half. */
export interface Spread {
  median: number;
  q1: number;
  q3: number;
}

export function spread(values: readonly number[]): Spread {
  return { median: median(values), q1: quantile(values, 0.25), q3: quantile(values, 0.75) };
}
