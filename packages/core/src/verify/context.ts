import type { TtlCache } from '../cache.js';
import type { KeyHasher } from '../hash/hasher.js';
import type { RateLimiter } from '../limits/rate-limiter.js';
import type { UsageLimiter } from '../limits/usage-limiter.js';
import type { KeyStore, RateLimit } from '../store/key-store.js';
import type { UsageRecorder } from '../usage-recorder.js';
import type { CachedKey } from './cached-key.js';
import type { SpentResultClass } from './spent-result.js';

/** What `createVerifier` is given: the verifier's parts, made and owned by `createApiKeys`. */
export interface VerifierDependencies {
  /** Where keys are read from, by hash, on a cache miss. */
  store: Pick<KeyStore, 'findByHash'>;
  /** Runs a storage operation, turning faults into `STORAGE_UNAVAILABLE`. */
  storage: <T>(operation: () => Promise<T>) => Promise<T>;
  /**
   * Throws `STORAGE_UNAVAILABLE` once `close()` has begun. A verification asks before it starts
   * storage work of its own (a read, a spend), so that `close()`, which waits for the work under
   * way, finishes however fast new calls arrive.
   */
  admit: () => void;
  /** Keyed by `index(key)`, never by the key itself. */
  cache: TtlCache<CachedKey>;
  hash: KeyHasher;
  /** A keyed PRF of the key (SipHash): a cache hit needs no SHA-256. */
  index: (key: string) => string | undefined;
  clock: () => number;
  rateLimiter: RateLimiter;
  usageLimiter: UsageLimiter;
  recorder: UsageRecorder;
  /** Limits from the options, applying to keys that do not set one of the same name. */
  defaultRateLimits: readonly RateLimit[];
  /** The prefixes whose keys this instance verifies: its own, then any it accepts besides. */
  prefixes: readonly string[];
}

/** A verification read under way, and the generation (of changes) in which it started. */
export interface InflightRead {
  startedAt: number;
  record: Promise<CachedKey | null>;
}

/**
 * What every step of a verification takes: the dependencies, and the state one verifier keeps
 * between calls.
 */
export interface VerifierContext extends Readonly<VerifierDependencies> {
  /**
   * Bumped by every change, so that a read that started before a change neither puts the old
   * record back into the cache after the change dropped it, nor answers a verification that
   * started after the change.
   */
  generation: number;
  /** Reads by key hash, shared by concurrent verifications of one key. */
  readonly inflight: Map<string, InflightRead>;
  /**
   * Storage work under way: reads (one no longer shared, too), verifications of usage-limited
   * keys (answer and count included) and refunds of their uses, for `settle`.
   */
  readonly underway: Set<Promise<unknown>>;
  /** This verifier's own class of results that spent something. */
  readonly SpentResult: SpentResultClass;
}
