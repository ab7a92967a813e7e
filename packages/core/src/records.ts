import type { ApiKeyRow, AuditEventRow } from './store/key-store.js';
import type { ApiKey, ApiKeyStatus, AuditEvent } from './types.js';

/** Where a key stands at `now`, in the order verification checks it. */
export function statusOf(row: ApiKeyRow, now: number): ApiKeyStatus {
  if (row.revokedAt !== null) return 'revoked';
  if (!row.enabled) return 'disabled';
  if (row.expiresAt !== null && now >= row.expiresAt) return 'expired';
  return 'active';
}

/** `remaining` as the next verification will see it: refilled when an interval has passed. */
export function effectiveRemaining(row: ApiKeyRow, now: number): number | null {
  if (row.remaining === null) return null;
  const refillDue =
    row.refillIntervalMs !== null &&
    row.lastRefillAt !== null &&
    now >= row.lastRefillAt + row.refillIntervalMs;
  return refillDue ? row.refillAmount : row.remaining;
}

/** The public view of a stored key: never its hash, times as epoch ms, derived status. */
export function toApiKey<P extends string>(row: ApiKeyRow, now: number): ApiKey<P> {
  const {
    hash: _hash,
    refillAmount,
    refillIntervalMs,
    lastRefillAt: _lastRefillAt,
    budgetKeyId: _budgetKeyId,
    ...visible
  } = row;
  return {
    ...visible,
    permissions: row.permissions as P[],
    status: statusOf(row, now),
    remaining: effectiveRemaining(row, now),
    refill:
      refillAmount !== null && refillIntervalMs !== null
        ? { amount: refillAmount, intervalMs: refillIntervalMs }
        : null,
  };
}

export function toAuditEvent(row: AuditEventRow): AuditEvent {
  return { ...row };
}
