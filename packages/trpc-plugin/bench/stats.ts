// What both plugin benchmarks share: the variants they compare, and where they leave their results
// (how they summarise samples is @latchkey/test-support/stats, shared with core's benchmarks).
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

/** Writes `.bench-results/<name>.json` at the repository root, for scripts/bench-report.mjs. */
export function writeResults(name: string, results: unknown): void {
  const out = fileURLToPath(new URL('../../../.bench-results/', import.meta.url));
  mkdirSync(out, { recursive: true });
  writeFileSync(`${out}${name}.json`, JSON.stringify(results, null, 2));
}
