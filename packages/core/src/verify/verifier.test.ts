import { afterThisTest } from '@latchkey/test-support';
import { describe, expect, it } from 'vitest';
import { createKeyHasher } from '#hash';
import { cryptoRandom } from '../base62.js';
import { TtlCache } from '../cache.js';
import { createKeyIndex } from '../hash/siphash.js';
import { FixedWindowRateLimiter } from '../limits/in-process/rate-limiter.js';
import { keyStoreUsageLimiter } from '../limits/key-store/usage-limiter.js';
import type { RateLimiter } from '../limits/rate-limiter.js';
import { createDrizzleStore } from '../store/sqlite/index.js';
import { base, setup } from '../test-support/fixtures.js';
import { UsageRecorder } from '../usage-recorder.js';
import type { CachedKey } from './cached-key.js';
import { createVerifier } from './verifier.js';

const MINUTE = 60_000;

/**
 * A limiter whose every spend is answered later, as one that must ask storage would (a lease
 * store), counting on an in-process limiter: how many spends it was asked for, too.
 */
function answeringLater(): {
  limiter: RateLimiter;
  counts: FixedWindowRateLimiter;
  spends: () => number;
} {
  const counts = new FixedWindowRateLimiter();
  let spends = 0;
  const limiter: RateLimiter = {
    synchronous: false,
    spend: async (...args) => {
      spends++;
      await new Promise((resolve) => setImmediate(resolve));
      return counts.spend(...args);
    },
    refund: (...args) => counts.refund(...args),
    carry: (...args) => counts.carry(...args),
  };
  return { limiter, counts, spends: () => spends };
}

/** A verifier over `url`'s keys, spending rate limits through `rateLimiter`. */
async function verifierOn(url: string, rateLimiter: RateLimiter, clock: () => number) {
  const store = createDrizzleStore({ url });
  await store.init();
  afterThisTest(() => store.close());
  const recorder = new UsageRecorder(store, 60_000, () => {});
  afterThisTest(() => recorder.stop());
  return createVerifier({
    store,
    storage: (operation) => operation(),
    admit: () => {},
    cache: new TtlCache<CachedKey>(10_000, 100),
    hash: createKeyHasher(),
    index: createKeyIndex(cryptoRandom),
    clock,
    rateLimiter,
    usageLimiter: keyStoreUsageLimiter(store),
    recorder,
    defaultRateLimits: [],
    prefixes: ['acme'],
  });
}

describe('a rate limiter that answers with a promise', () => {
  it('verify waits for its answers; verifyCached leaves rate-limited calls to verify', async () => {
    const { apiKeys, database, clock } = setup();
    const limited = await apiKeys.create({
      ...base,
      name: 'limited',
      rateLimits: [{ limit: 2, windowMs: MINUTE }],
    });
    const unlimited = await apiKeys.create({ ...base, name: 'unlimited' });
    const { limiter, spends } = answeringLater();
    const verifier = await verifierOn(database.url, limiter, clock.now);

    const results = await Promise.all([1, 2, 3].map(() => verifier.verify(limited.key)));
    expect(results.map((r) => r.code).sort()).toEqual(['RATE_LIMITED', 'VALID', 'VALID']);
    expect(results.find((r) => !r.valid)).toMatchObject({ retryAfterMs: MINUTE });

    // Cached now, but its rate limit could only be answered later: nothing decided, nothing spent.
    expect(verifier.verifyCached(limited.key)).toBeUndefined();
    expect(spends()).toBe(3);
    await verifier.verify(unlimited.key);
    expect(verifier.verifyCached(unlimited.key)).toMatchObject({ valid: true, code: 'VALID' });
    expect(spends()).toBe(3);

    // What a valid call spent is given back through the limiter.
    const valid = results.find((r) => r.valid);
    if (valid === undefined || !valid.valid) throw new Error('expected a valid result');
    await verifier.refund(valid);
    expect(await verifier.verify(limited.key)).toMatchObject({
      valid: true,
      rateLimit: { remaining: 0 },
    });
  });

  it('a call refused by its usage limit gets its rate-limit unit back', async () => {
    const { apiKeys, database, clock } = setup();
    const rateLimit = { name: 'default', limit: 5, windowMs: MINUTE, per: 'key' as const };
    const { key, apiKey } = await apiKeys.create({
      ...base,
      name: 'a',
      remaining: 1,
      rateLimits: [rateLimit],
    });
    const { limiter, counts } = answeringLater();
    const verifier = await verifierOn(database.url, limiter, clock.now);
    expect(await verifier.verify(key)).toMatchObject({ valid: true, remaining: 0 });
    expect(await verifier.verify(key)).toMatchObject({ code: 'USAGE_EXCEEDED' });
    // The valid call's unit stays spent; the refused call's was given back. (Cost 0 reads.)
    const subject = JSON.stringify(['key', apiKey.id, 'default', MINUTE]);
    expect(counts.spend(subject, rateLimit, 0, clock.now())).toMatchObject({
      state: { remaining: 4 },
    });
  });
});
