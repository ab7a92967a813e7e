// What both plugin benchmarks share: the variants they compare, how they summarise samples, and
// where they leave their results.
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The same query with no auth, behind a middleware that does nothing, and behind keyProcedure. */
export type Variant = 'open' | 'noop' | 'keyed';
export const VARIANTS: readonly Variant[] = ['open', 'noop', 'keyed'];
/** The order of one cycle of measurements: there and back, so no variant always goes first. */
export const CYCLE: readonly Variant[] = [...VARIANTS, ...[...VARIANTS].reverse()];

/** What the benchmark server reports of one variant's requests: how many, and their handler time. */
export interface HandlerTime {
  requests: number;
  micros: number;
}

export function quantile(values: readonly number[], q: number): number {
  const sorted = Float64Array.from(values).sort();
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number;
}

export const median = (values: readonly number[]) => quantile(values, 0.5);

/** The median of paired measurements, and their middle half. */
export interface Spread {
  median: number;
  q1: number;
  q3: number;
}

export function spread(values: readonly number[]): Spread {
  return { median: median(values), q1: quantile(values, 0.25), q3: quantile(values, 0.75) };
}

/** Writes `.bench-results/<name>.json` at the repository root, for scripts/bench-report.mjs. */
export function writeResults(name: string, results: unknown): void {
  const out = fileURLToPath(new URL('../../../.bench-results/', import.meta.url));
  mkdirSync(out, { recursive: true });
  writeFileSync(`${out}${name}.json`, JSON.stringify(results, null, 2));
}
