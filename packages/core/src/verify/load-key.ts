import { type CachedKey, toCachedKey } from './cached-key.js';
import type { InflightRead, VerifierContext } from './context.js';
import { track } from './underway.js';

// The generation rule: every change bumps `context.generation`, and a read counts only in the
// generation it started in. So a read that started before a change neither puts the old record
// back into the cache after the change dropped it, nor answers a verification that started after
// the change.

/**
 * The stored key with hash `keyHash` (cached under `keyIndex` once read), or `null` when there is
 * none. Concurrent verifications of one key share one read.
 */
export function loadKey(
  context: VerifierContext,
  keyHash: string,
  keyIndex: string,
): Promise<CachedKey | null> {
  const { inflight, storage, store, cache, clock, defaultRateLimits } = context;
  const shared = inflight.get(keyHash);
  // A read that started before the latest change may hold the record as it was before it: a
  // verification that starts after the change reads afresh rather than take that answer.
  if (shared !== undefined && shared.startedAt === context.generation) return shared.record;
  const startedAt = context.generation;
  // A row that cannot be read as a key (a column of the wrong type, written by hand or by
  // another program) is a storage fault too: 503, never a TypeError out of the request.
  const record = storage(() =>
    store
      .findByHash(keyHash)
      .then((row) => (row === undefined ? null : toCachedKey(row, defaultRateLimits))),
  ).then((found) => {
    // A key not found is never cached: a key created next must work at once.
    if (found !== null && context.generation === startedAt) cache.set(keyIndex, found, clock());
    return found;
  });
  const read: InflightRead = { startedAt, record };
  const clear = () => {
    if (inflight.get(keyHash) === read) inflight.delete(keyHash);
  };
  record.then(clear, clear);
  inflight.set(keyHash, read);
  return track(context, record);
}

/** Drops changed keys, and keys spending from them, from this process's cache at once. */
export function forgetKeys(context: VerifierContext, keyIds: readonly string[]): void {
  context.generation++;
  const ids = new Set(keyIds);
  context.cache.deleteWhere(
    (record) => ids.has(record.id) || (record.budgetKeyId !== null && ids.has(record.budgetKeyId)),
  );
}

/**
 * Drops the cached record under `keyIndex`, found stale by storage: a read under way may hold it
 * too, so the next call reads the key as it is.
 */
export function forgetStale(context: VerifierContext, keyIndex: string): void {
  context.generation++;
  context.cache.delete(keyIndex);
}
