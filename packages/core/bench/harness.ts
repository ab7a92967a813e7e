// The benchmarks' measuring: tinybench times a function call by call and gives its throughput
// and latency percentiles; the interleaved slices and the concurrent callers are timed here.
import { median } from '@latchkey/test-support/stats';
import { Bench } from 'tinybench';

export interface Measurement {
  name: string;
  opsPerSecond: number;
  p50Us: number;
  p99Us: number;
  samples: number;
}

export interface MeasureOptions {
  /**
   * How long to measure, after a warm-up: for tinybench, the sum of the calls' measured times.
   * Default 2000 ms.
   */
  durationMs?: number;
  warmupMs?: number;
}

/** `run` called back to back for `durationMs` by tinybench; `run` gets the call's number. */
export async function measure(
  name: string,
  run: (iteration: number) => unknown,
  { durationMs = 2000, warmupMs = 500 }: MeasureOptions = {},
): Promise<Measurement> {
  let iteration = 0;
  const bench = new Bench({ time: durationMs, warmupTime: warmupMs, retainSamples: false });
  bench.add(name, () => run(iteration++));
  const [task] = await bench.run();
  const result = task?.result;
  if (result?.state !== 'completed') {
    throw new Error(`${name}: ${result?.state === 'errored' ? result.error : 'did not complete'}`);
  }
  return {
    name,
    // Calls one after another: their number per second is the inverse of their mean time.
    opsPerSecond: 1000 / result.period,
    p50Us: result.latency.p50 * 1000,
    p99Us: result.latency.p99 * 1000,
    samples: result.latency.samplesCount,
  };
}

/** A function to measure, by name. */
export interface Task {
  name: string;
  run: (iteration: number) => unknown;
}

/**
 * `tasks` measured by tinybench in `cycles` alternating rounds (there and back, so no task always
 * goes first), sharing `durationMs` each: per task, the median of its rounds, and each round.
 */
export async function measureAlternating(
  tasks: readonly Task[],
  { durationMs = 2000, cycles = 6 }: MeasureOptions & { cycles?: number } = {},
): Promise<{ measurement: Measurement; cycles: Measurement[] }[]> {
  const rounds = tasks.map((): Measurement[] => []);
  for (let cycle = 0; cycle < cycles; cycle++) {
    const order = tasks.map((_, i) => (cycle % 2 === 0 ? i : tasks.length - 1 - i));
    for (const i of order) {
      const { name, run } = tasks[i] as Task;
      const warmupMs = cycle === 0 ? 500 : 100;
      (rounds[i] as Measurement[]).push(
        await measure(name, run, { durationMs: durationMs / cycles, warmupMs }),
      );
    }
  }
  return rounds.map((measured) => ({ measurement: medianOf(measured), cycles: measured }));
}

/** Each figure's median over measurements of one task. */
function medianOf(measured: readonly Measurement[]): Measurement {
  const middle = (pick: (m: Measurement) => number) => median(measured.map(pick));
  return {
    name: (measured[0] as Measurement).name,
    opsPerSecond: middle((m) => m.opsPerSecond),
    p50Us: middle((m) => m.p50Us),
    p99Us: middle((m) => m.p99Us),
    samples: measured.reduce((total, m) => total + m.samples, 0),
  };
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
