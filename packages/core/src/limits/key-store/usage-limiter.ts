import type { KeyStore } from '../../store/key-store.js';
import type { UsageLimiter } from '../usage-limiter.js';

/**
 * Usage limits spent in the key store itself: each spend one atomic guarded statement
 * (`KeyStore.spendUsage`), so that concurrent callers in any number of processes never spend more
 * than a key has.
 */
export function keyStoreUsageLimiter(
  store: Pick<KeyStore, 'spendUsage' | 'refundUsage'>,
): UsageLimiter {
  return {
    spend: (keyId, cost, now) => store.spendUsage(keyId, cost, now),
    refund: (keyId, cost, lastRefillAt) => store.refundUsage(keyId, cost, lastRefillAt),
  };
}
