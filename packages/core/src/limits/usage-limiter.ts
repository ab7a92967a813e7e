import type { SpendResult } from '../store/key-store.js';

/**
 * The contract the verifier spends a key's `remaining` uses through. Spent exactly across every
 * process that shares the keys (the verifier never counts uses in memory), so every spend is
 * storage work: the verifier runs it under its storage guard, which turns a fault into
 * `STORAGE_UNAVAILABLE`.
 */
export interface UsageLimiter {
  /**
   * Spends `cost` uses of the key `keyId` (refilling it first when a refill is due at `now`), or
   * refuses and spends nothing: for its uses, or for the key's own state (revoked, disabled,
   * expired or gone), which `refusal` names.
   */
  spend(keyId: string, cost: number, now: number): Promise<SpendResult>;
  /**
   * Gives back `cost` uses that `spend` spent, unless a refill came since (it reset them anyway):
   * `lastRefillAt` is what that spend answered.
   */
  refund(keyId: string, cost: number, lastRefillAt: number | null): Promise<void>;
}
