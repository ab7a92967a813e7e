import type { VerifiableKeyRow } from '../store/key-store.js';
import type { VerifiedKey, VerifyOptions, VerifyResult } from '../types.js';
import { carryRateLimits } from './carry-rate-limits.js';
import type { VerifierContext, VerifierDependencies } from './context.js';
import { forgetKeys } from './load-key.js';
import { type RefundCode, refund } from './refund.js';
import { createSpentResultClass } from './spent-result.js';
import { settle } from './underway.js';
import { verifyCached, verifyKey } from './verify-key.js';

/** One instance's verification: what `createApiKeys` calls, and what its changes tell it. */
export interface Verifier {
  /** Verifies `key`: see `verifyKey` for the order of checks. Never throws for a bad key. */
  verify<P extends string>(key: unknown, options?: VerifyOptions<P>): Promise<VerifyResult<P>>;
  /** The answer when it needs no storage, else `undefined` having done nothing. */
  verifyCached<P extends string>(
    key: unknown,
    options?: VerifyOptions<P>,
  ): VerifyResult<P> | undefined;
  /** Gives back what a valid verification spent, and recounts it under `code`. */
  refund(result: VerifiedKey, code?: RefundCode): Promise<void>;
  /** Drops changed keys (and keys spending from them) from this process's cache. */
  forget(keyIds: readonly string[]): void;
  /** Resolves once the storage work of verifications and refunds under way is done. */
  settle(): Promise<void>;
  /** After a roll: the new key's counters start where the old key's are. */
  carryRateLimits(
    old: Pick<VerifiableKeyRow, 'id' | 'consumerId' | 'rateLimits'>,
    newId: string,
  ): void;
}

/** The verifier of one `createApiKeys` instance: its context, and the operations over it. */
export function createVerifier(dependencies: VerifierDependencies): Verifier {
  const context: VerifierContext = {
    store: dependencies.store,
    storage: dependencies.storage,
    admit: dependencies.admit,
    cache: dependencies.cache,
    hash: dependencies.hash,
    index: dependencies.index,
    clock: dependencies.clock,
    rateLimiter: dependencies.rateLimiter,
    usageLimiter: dependencies.usageLimiter,
    recorder: dependencies.recorder,
    defaultRateLimits: dependencies.defaultRateLimits,
    prefixes: dependencies.prefixes,
    generation: 0,
    inflight: new Map(),
    underway: new Set(),
    SpentResult: createSpentResultClass(),
  };
  return {
    verify: (key, options) => verifyKey(context, key, options),
    verifyCached: (key, options) => verifyCached(context, key, options),
    refund: (result, code) => refund(context, result, code),
    forget: (keyIds) => forgetKeys(context, keyIds),
    settle: () => settle(context),
    carryRateLimits: (old, newId) => carryRateLimits(context, old, newId),
  };
}
