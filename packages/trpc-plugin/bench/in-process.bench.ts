// `pnpm bench` for the plugin, without HTTP: the bench app's three variants called through the
// fetch adapter in this process, so that what each adds to a call is measured in microseconds with
// far less noise than over a socket. Writes .bench-results/in-process.json at the repository root.
//
// A round runs a batch of calls of each variant in turn (there and back), and each round gives
// the differences between the variants over the same few hundred milliseconds.

import { median, spread } from '@latchkey/test-support/stats';
import { apiKeys, handle, key } from './bench-app.js';
import { CYCLE, VARIANTS, type Variant, writeResults } from './stats.js';

const BATCH = 500;
const WARMUP_ROUNDS = 5;
const ROUNDS = Number(process.env.BENCH_IN_PROCESS_ROUNDS ?? 100);

/** Microseconds per call of `variant`, over one batch of calls made one after another. */
async function batch(variant: Variant): Promise<number> {
  const url = `http://127.0.0.1/trpc/${variant}`;
  const headers = { authorization: `Bearer ${key}` };
  const started = performance.now();
  for (let i = 0; i < BATCH; i++) {
    const response = await handle(new Request(url, { headers }));
    if (response.status !== 200) throw new Error(`${variant}: status ${response.status}`);
    await response.text();
  }
  return ((performance.now() - started) * 1000) / BATCH;
}

const rounds: Record<Variant, number>[] = [];
for (let round = 0; round < WARMUP_ROUNDS + ROUNDS; round++) {
  const perCall = { open: 0, noop: 0, keyed: 0 };
  for (const variant of CYCLE) perCall[variant] += (await batch(variant)) / 2;
  if (round >= WARMUP_ROUNDS) rounds.push(perCall);
}
await apiKeys.close();

const added = (over: Variant, under: Variant) =>
  spread(rounds.map((round) => round[over] - round[under]));
const results = {
  rounds: ROUNDS,
  batch: BATCH,
  callsPerVariant: ROUNDS * BATCH * 2,
  microsPerCall: Object.fromEntries(
    VARIANTS.map((variant) => [variant, median(rounds.map((round) => round[variant]))]),
  ) as Record<Variant, number>,
  noopOverOpen: added('noop', 'open'),
  keyedOverOpen: added('keyed', 'open'),
  keyedOverNoop: added('keyed', 'noop'),
};
writeResults('in-process', results);
console.log(JSON.stringify(results, null, 2));
