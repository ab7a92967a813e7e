// A small measuring loop for the benchmarks: runs a function back to back for a while, times each
// call with the monotonic clock, and reports throughput and latency percentiles.

export interface Measurement {
  name: string;
  opsPerSecond: number;
  p50Us: number;
  p99Us: number;
  samples: number;
}

export interface MeasureOptions {
  /** How long to measure, after the warm-up. Default 2000 ms. */
  durationMs?: number;
  warmupMs?: number;
}

export async function measure(
  name: string,
  run: (iteration: number) => unknown,
  { durationMs = 2000, warmupMs = 500 }: MeasureOptions = {},
): Promise<Measurement> {
  const warmupEnd = performance.now() + warmupMs;
  for (let i = 0; performance.now() < warmupEnd; i++) await run(i);
  const samples = new Float64Array(20_000_000);
  const { end, elapsedNs } = await timeCalls(run, durationMs, samples);
  return summarise(name, samples.subarray(0, end), elapsedNs);
}

/**
 * Calls `run` back to back for `durationMs` (or until `into` is full), without a warm-up, writing
 * each call's latency (ns) to `into` from index `from`: the index after the last one written, and
 * the time taken. Slices of an interleaved measurement write one after another into one array.
 */
export async function timeCalls(
  run: (iteration: number) => unknown,
  durationMs: number,
  into: Float64Array,
  from = 0,
): Promise<{ end: number; elapsedNs: number }> {
  let count = from;
  const started = process.hrtime.bigint();
  const end = started + BigInt(durationMs) * 1_000_000n;
  let now = started;
  while (now < end && count < into.length) {
    const result = run(count);
    if (result instanceof Promise) await result;
    const after = process.hrtime.bigint();
    into[count++] = Number(after - now);
    now = after;
  }
  return { end: count, elapsedNs: Number(now - started) };
}

/** Throughput and latency percentiles of calls that took `latenciesNs`, over `elapsedNs`. */
export function summarise(name: string, latenciesNs: Float64Array, elapsedNs: number): Measurement {
  const sorted = latenciesNs.sort();
  const count = sorted.length;
  return {
    name,
    opsPerSecond: (count / elapsedNs) * 1e9,
    p50Us: (sorted[Math.floor(count * 0.5)] ?? 0) / 1000,
    p99Us: (sorted[Math.floor(count * 0.99)] ?? 0) / 1000,
    samples: count,
  };
}

/**
 * Like `measure`, with `concurrency` callers each running `run` back to back: throughput over all
 * of them, latency of each call.
 */
export async function measureConcurrent(
  name: string,
  run: () => Promise<unknown>,
  { concurrency, durationMs = 2000 }: { concurrency: number; durationMs?: number },
): Promise<Measurement> {
  const latencies: number[] = [];
  const started = performance.now();
  const end = started + durationMs;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < end) {
        const before = performance.now();
        await run();
        latencies.push(performance.now() - before);
      }
    }),
  );
  const elapsedMs = performance.now() - started;
  return summarise(
    name,
    Float64Array.from(latencies, (ms) => ms * 1e6),
    elapsedMs * 1e6,
  );
}

export function formatRow(m: Measurement): string {
  const ops = Math.round(m.opsPerSecond).toLocaleString('en-US');
  return `| ${m.name} | ${ops} | ${m.p50Us.toFixed(2)} | ${m.p99Us.toFixed(2)} |`;
}
