import type { RateLimit, VerifiableKeyRow } from '../store/key-store.js';
import { assertVerifiableRow } from '../store/row-shape.js';
import type { VerifiedKey } from '../types.js';

/** A limit as a key has it, with the counter (subject) its calls spend from. */
export interface KeyRateLimit {
  subject: string;
  limit: RateLimit;
}

/** A stored key as the verification path holds it, with its success result made once. */
export interface CachedKey {
  /** The key's id, by which a change in this process finds the entry to drop. */
  id: string;
  /**
   * Once rolled, the key whose rate limits and `remaining` this one has: a change to it drops this
   * entry too.
   */
  budgetKeyId: string | null;
  consumerId: string;
  revokedAt: number | null;
  enabled: boolean;
  expiresAt: number | null;
  permissions: ReadonlySet<string>;
  /** Effective limits by name, with the counter subject each spends from. */
  rateLimits: ReadonlyMap<string, KeyRateLimit>;
  usageLimited: boolean;
  verified: VerifiedKey;
}

/**
 * The stored key as verification holds it, its success result made and frozen once. Throws (a
 * storage fault) for a row that cannot be read as a key.
 */
export function toCachedKey(row: VerifiableKeyRow, defaults: readonly RateLimit[]): CachedKey {
  assertVerifiableRow(row);
  const rateLimits = effectiveRateLimits(row, row.budgetKeyId ?? row.id, defaults);
  return {
    id: row.id,
    budgetKeyId: row.budgetKeyId,
    consumerId: row.consumerId,
    revokedAt: row.revokedAt,
    enabled: row.enabled,
    expiresAt: row.expiresAt,
    permissions: new Set(row.permissions),
    rateLimits,
    usageLimited: row.remaining !== null,
    verified: Object.freeze({
      valid: true,
      code: 'VALID',
      keyId: row.id,
      consumerId: row.consumerId,
      ownerId: row.ownerId,
      name: row.name,
      permissions: Object.freeze([...row.permissions]),
      metadata: deepFreeze(row.metadata),
      expiresAt: row.expiresAt,
    }),
  };
}

/**
 * A key's limits by name (its own over the defaults), each with the counter it spends from. A key
 * in its grace period counts on the newest key of its rolls (`keyOwner`), as it spends its budget.
 */
export function effectiveRateLimits(
  row: Pick<VerifiableKeyRow, 'consumerId' | 'rateLimits'>,
  keyOwner: string,
  defaults: readonly RateLimit[],
): Map<string, KeyRateLimit> {
  const rateLimits = new Map<string, KeyRateLimit>();
  for (const limit of [...defaults, ...row.rateLimits]) {
    const owner = limit.per === 'consumer' ? row.consumerId : keyOwner;
    // One counter per owner, name and window: JSON, so that no two of them share a subject
    // (`org:1` + `x` against `org` + `1:x`), and keys of one consumer that define a shared limit
    // with different windows do not reset each other's counter.
    const subject = JSON.stringify([limit.per, owner, limit.name, limit.windowMs]);
    rateLimits.set(limit.name, { subject, limit });
  }
  return rateLimits;
}

/** `value` frozen all the way down: a cached result is shared by every call that verifies it. */
export function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}
