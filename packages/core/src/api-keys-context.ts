import { createKeyHasher } from '#hash';
import type { ApiKeysOptions } from './api-keys-types.js';
import { cryptoRandom, type RandomSource } from './base62.js';
import { TtlCache } from './cache.js';
import type { KeyHasher } from './hash/hasher.js';
import { createKeyIndex } from './hash/siphash.js';
import { assertPrefix } from './key-format.js';
import { FixedWindowRateLimiter } from './limits/in-process/rate-limiter.js';
import { keyStoreUsageLimiter } from './limits/key-store/usage-limiter.js';
import type { RateLimiter } from './limits/rate-limiter.js';
import {
  cacheEntriesSchema,
  cacheTtlSchema,
  flushIntervalSchema,
  parseOption,
  resolveStore,
  secretSchema,
  verifiedPrefixes,
} from './parse-options.js';
import { createStorageLifecycle, type StorageLifecycle } from './storage-lifecycle.js';
import type { KeyStore, RateLimit } from './store/key-store.js';
import { UsageRecorder } from './usage-recorder.js';
import { rateLimitsParser } from './validation.js';
import type { CachedKey } from './verify/cached-key.js';
import { createVerifier, type Verifier } from './verify/verifier.js';

/**
 * What the operations of one `createApiKeys` instance share: its options, resolved once, and the
 * parts they work with.
 * @internal
 */
export interface ApiKeysContext<P extends string> {
  /** The prefix of the keys this instance makes. */
  readonly prefix: string;
  /** The declared permissions, frozen. */
  readonly declared: readonly P[];
  /** Limits from the options, frozen: keys that set no limit of the same name have them. */
  readonly defaultRateLimits: readonly RateLimit[];
  readonly store: KeyStore;
  /** Runs a storage operation, opening storage first, turning any fault into `STORAGE_UNAVAILABLE`. */
  readonly storage: StorageLifecycle['storage'];
  readonly lifecycle: StorageLifecycle;
  readonly clock: () => number;
  readonly random: RandomSource;
  readonly hash: KeyHasher;
  /** The verification cache, keyed by the key's index. */
  readonly cache: TtlCache<CachedKey>;
  readonly rateLimiter: RateLimiter;
  readonly recorder: UsageRecorder;
  readonly verifier: Verifier;
}

/**
 * Resolves `createApiKeys`' options, in order (a bad one throws a `TypeError` at once), and builds
 * the parts of an instance.
 * @internal
 */
export function createApiKeysContext<TPermissions extends readonly string[]>(
  options: ApiKeysOptions<TPermissions>,
): ApiKeysContext<TPermissions[number]> {
  type P = TPermissions[number];
  const prefix = options.prefix ?? 'lk';
  assertPrefix(prefix);
  const prefixes = verifiedPrefixes(prefix, options.acceptPrefixes);
  const declared = Object.freeze([...(options.permissions ?? [])]) as readonly P[];
  const store = resolveStore(options);
  const clock = options.clock ?? Date.now;
  const random = options.random ?? cryptoRandom;
  const hash = createKeyHasher(parseOption(secretSchema, options.secret, 'secret'));
  const cache = new TtlCache<CachedKey>(
    parseOption(cacheTtlSchema, options.cache?.ttlMs ?? 10_000, 'cache.ttlMs'),
    parseOption(cacheEntriesSchema, options.cache?.maxEntries ?? 10_000, 'cache.maxEntries'),
  );
  const onBackgroundError =
    options.onBackgroundError ??
    ((error: unknown) => console.error('[latchkey] background write failed; will retry', error));
  const flushIntervalMs = parseOption(
    flushIntervalSchema,
    options.flushIntervalMs ?? 5_000,
    'flushIntervalMs',
  );
  const recorder = new UsageRecorder(store, flushIntervalMs, onBackgroundError);
  // Frozen: `apiKeys.rateLimits` hands them out, and the verifier reads them on every load.
  const defaultRateLimits: readonly RateLimit[] = Object.freeze(
    parseOption(rateLimitsParser, options.rateLimits ?? [], 'rateLimits').map((limit) =>
      Object.freeze(limit),
    ),
  );
  const lifecycle = createStorageLifecycle(store);
  const rateLimiter = new FixedWindowRateLimiter();
  const verifier = createVerifier({
    store,
    storage: lifecycle.storage,
    admit: lifecycle.admit,
    cache,
    hash,
    index: createKeyIndex(cryptoRandom),
    clock,
    rateLimiter,
    usageLimiter: keyStoreUsageLimiter(store),
    recorder,
    defaultRateLimits,
    prefixes,
  });
  return {
    prefix,
    declared,
    defaultRateLimits,
    store,
    storage: lifecycle.storage,
    lifecycle,
    clock,
    random,
    hash,
    cache,
    rateLimiter,
    recorder,
    verifier,
  };
}
