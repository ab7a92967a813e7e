import type { VerifiableKeyRow } from './key-store.js';

/**
 * Throws unless a stored key reads as verification needs it. Storage holds what any program wrote
 * to it: a column of valid JSON but the wrong shape (`permissions` a string, whose letters `Set`
 * would take for permissions; a rate limit without a name, which no call would spend from) must
 * fail closed, as a storage fault (503), never widen a key or lift its limits.
 */
export function assertVerifiableRow(row: VerifiableKeyRow): void {
  const { permissions, metadata, rateLimits } = row;
  if (!Array.isArray(permissions) || !permissions.every((p) => typeof p === 'string')) {
    throw malformed('permissions');
  }
  if (typeof metadata !== 'object' || metadata === null || Array.isArray(metadata)) {
    throw malformed('metadata');
  }
  if (!Array.isArray(rateLimits) || !rateLimits.every(isRateLimit)) throw malformed('rate_limits');
  if (typeof row.enabled !== 'boolean') throw malformed('enabled');
  for (const field of ['expiresAt', 'revokedAt', 'remaining'] as const) {
    const value = row[field];
    if (value !== null && !Number.isFinite(value)) throw malformed(field);
  }
}

function isRateLimit(limit: unknown): boolean {
  if (typeof limit !== 'object' || limit === null) return false;
  const { name, limit: units, windowMs, per } = limit as Record<string, unknown>;
  return (
    typeof name === 'string' &&
    Number.isSafeInteger(units) &&
    Number.isSafeInteger(windowMs) &&
    (windowMs as number) > 0 &&
    (per === 'key' || per === 'consumer')
  );
}

function malformed(column: string): TypeError {
  return new TypeError(`A stored API key has a malformed ${column} column.`);
}
