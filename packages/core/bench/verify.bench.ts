// `pnpm bench` for core: the verification hot path, cached and cold, against its floor.
// Writes bench results to .bench-results/core.json at the repository root; scripts/bench-report.mjs
// turns every package's results into BENCHMARKS.md.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spread } from '@latchkey/test-support/stats';
import { createApiKeys } from '../src/api-keys.js';
import { createKeyHasher } from '../src/hash/node.js';
import { createDrizzleStore } from '../src/store/sqlite/index.js';
import { countCalls } from '../src/test-support/count-calls.js';
import { DATASET_PREFIX, dataset } from './dataset.js';
import { measure, measureAlternating, measureConcurrent, summarise, timeCalls } from './harness.js';

const results: Record<string, unknown> = {};
const durationMs = Number(process.env.BENCH_DURATION_MS ?? 3000);

// The floor of a cached verification (hashing the key and one Map lookup) and the cached
// verification itself (the key was verified once, so no storage is touched), measured in
// alternating cycles so that the machine's drift in speed hits both alike; their ratio is the
// median of the cycles' ratios.
{
  const { url, sampleKeys } = await dataset(10_000);
  const hash = createKeyHasher();
  const map = new Map(sampleKeys.map((key) => [hash(key), { key }]));
  const apiKeys = createApiKeys({
    database: { url },
    prefix: DATASET_PREFIX,
    onBackgroundError: () => {},
  });
  const key = sampleKeys[0] as string;
  if (!(await apiKeys.verify(key)).valid) throw new Error('bench key does not verify');
  const [floor, cached] = await measureAlternating(
    [
      {
        name: 'floor: SHA-256 (node:crypto one-shot) + Map lookup',
        run: (i) => map.get(hash(sampleKeys[i % sampleKeys.length] as string)),
      },
      { name: 'verify, cached key', run: () => apiKeys.verify(key) },
    ],
    { durationMs },
  );
  results.floor = floor?.measurement;
  results.cached = cached?.measurement;
  const ratios = (cached?.cycles ?? []).map(
    (cycle, i) => cycle.opsPerSecond / (floor?.cycles[i]?.opsPerSecond ?? Number.NaN),
  );
  results.cachedRatio = { ...spread(ratios), cycles: ratios.length };
  await apiKeys.close();
}

// A cached key with a rate limit: each verification also spends a unit of its window, in memory,
// and its result carries the window's state.
{
  const folder = mkdtempSync(join(tmpdir(), 'latchkey-bench-'));
  const apiKeys = createApiKeys({
    database: { url: `file:${join(folder, 'rate-limited.db')}` },
    onBackgroundError: () => {},
  });
  const { key } = await apiKeys.create({
    name: 'limited',
    consumerId: 'team_bench',
    ownerId: 'user_bench',
    rateLimits: [{ limit: 1_000_000_000, windowMs: 60_000 }],
  });
  if (!(await apiKeys.verify(key)).valid) throw new Error('bench key does not verify');
  results.cachedRateLimited = await measure(
    'verify, cached key with a rate limit',
    () => apiKeys.verify(key),
    { durationMs },
  );
  await apiKeys.close();
  rmSync(folder, { recursive: true, force: true });
}

// Cold verification: cache off, so each call is one indexed read of the libsql file. The two sizes
// are measured in alternating slices (there and back), so that the machine's drift in speed over
// the seconds of the measurement hits both alike; their ratio is the median of the cycles' ratios.
{
  const SLICE_MS = 100;
  const sizes = [10_000, 1_000_000] as const;
  const sides = await Promise.all(
    sizes.map(async (size) => {
      const { url, sampleKeys } = await dataset(size);
      const apiKeys = createApiKeys({
        database: { url },
        prefix: DATASET_PREFIX,
        cache: { ttlMs: 0 },
        onBackgroundError: () => {},
      });
      // Read every sample key once first: the measurement is of a warm page cache, not the disk.
      for (const key of sampleKeys) await apiKeys.verify(key);
      const run = async (i: number) => {
        const verified = await apiKeys.verify(sampleKeys[i % sampleKeys.length] as string);
        if (!verified.valid) throw new Error('bench key does not verify');
      };
      // Room for every call of its slices, whatever this machine's speed.
      return {
        size,
        apiKeys,
        run,
        latenciesNs: new Float64Array(2_000_000),
        count: 0,
        elapsedNs: 0,
      };
    }),
  );
  const [small, large] = sides as [(typeof sides)[0], (typeof sides)[0]];
  const ratios: number[] = [];
  const cycles = Math.max(1, Math.round((2 * durationMs) / (4 * SLICE_MS)));
  for (let cycle = 0; cycle < cycles; cycle++) {
    const opsPerNs = { small: 0, large: 0 };
    for (const side of [small, large, large, small]) {
      const { end, elapsedNs } = await timeCalls(side.run, SLICE_MS, side.latenciesNs, side.count);
      opsPerNs[side === small ? 'small' : 'large'] += (end - side.count) / elapsedNs / 2;
      side.count = end;
      side.elapsedNs += elapsedNs;
    }
    ratios.push(opsPerNs.small / opsPerNs.large);
  }
  for (const side of sides) {
    const name = `verify, cold (cache off), ${side.size.toLocaleString('en-US')} keys`;
    results[side.size === 10_000 ? 'cold10k' : 'cold1m'] = summarise(
      name,
      side.latenciesNs.subarray(0, side.count),
      side.elapsedNs,
    );
    await side.apiKeys.close();
  }
  results.coldRatio = { ...spread(ratios), cycles: ratios.length };
}

// A key with a usage limit: every verification spends `remaining` in a write committed before it
// answers; concurrent ones share a commit. On a fresh file, not the cached data set.
{
  const folder = mkdtempSync(join(tmpdir(), 'latchkey-bench-'));
  const apiKeys = createApiKeys({
    database: { url: `file:${join(folder, 'usage.db')}` },
    onBackgroundError: () => {},
  });
  const { key } = await apiKeys.create({
    name: 'metered',
    consumerId: 'team_bench',
    ownerId: 'user_bench',
    remaining: 1_000_000_000,
  });
  const spend = async () => {
    if (!(await apiKeys.verify(key)).valid) throw new Error('bench key does not verify');
  };
  results.usageLimited = await measure('verify, key with a usage limit, one caller', spend, {
    durationMs,
  });
  results.usageLimitedConcurrent = await measureConcurrent(
    'verify, key with a usage limit, 16 concurrent callers',
    spend,
    { concurrency: 16, durationMs },
  );
  await apiKeys.close();
  rmSync(folder, { recursive: true, force: true });
}

// Storage operations for 10 000 verifications of one key (default options: cache on).
{
  const { url, sampleKeys } = await dataset(10_000);
  const { store: counted, calls } = countCalls(createDrizzleStore({ url }));
  const apiKeys = createApiKeys({ storage: counted, prefix: DATASET_PREFIX });
  await apiKeys.ready();
  calls.clear();
  for (let i = 0; i < 10_000; i++) await apiKeys.verify(sampleKeys[0] as string);
  await apiKeys.flush();
  results.writesPer10k = {
    reads: calls.get('findByHash') ?? 0,
    writes: (calls.get('recordUsage') ?? 0) + (calls.get('spendUsage') ?? 0),
  };
  await apiKeys.close();
}

const out = fileURLToPath(new URL('../../../.bench-results/', import.meta.url));
mkdirSync(out, { recursive: true });
writeFileSync(`${out}core.json`, JSON.stringify(results, null, 2));
console.log(JSON.stringify(results, null, 2));
