import type { ApiKeysContext } from '../api-keys-context.js';
import type { RollApiKeyInput } from '../api-keys-types.js';
import { LatchkeyError } from '../errors.js';
import { toApiKey } from '../records.js';
import type { ApiKeyRow } from '../store/key-store.js';
import type { RolledApiKey } from '../types.js';
import { parseInput } from '../validation.js';
import { auditEvent } from './audit-event.js';
import { findChangeable } from './find-key.js';
import { type FreshKeyColumns, withFreshKey } from './fresh-key.js';
import { keyIdSchema, schemasOf } from './input-schemas.js';
import { alreadyRolled } from './rolled-key-errors.js';

/**
 * `apiKeys.roll`: a new key with the old one's settings; the old one keeps working for the grace
 * period, spending from the new key's limits.
 */
export async function rollKey<P extends string>(
  context: ApiKeysContext<P>,
  id: string,
  input: RollApiKeyInput = {},
): Promise<RolledApiKey<P>> {
  const { store, storage } = context;
  const parsedId = parseInput(keyIdSchema, id);
  const { consumerId, actorId, gracePeriodMs } = parseInput(schemasOf(context).roll, input);
  const scope = { consumerId };
  const old = await findChangeable(context, parsedId, scope);
  const now = context.clock();
  if (old.replacedById !== null) throw alreadyRolled();
  if (old.expiresAt !== null && old.expiresAt <= now) {
    throw new LatchkeyError('INVALID_STATE', {
      message: 'An expired key cannot be rolled; create a new key instead.',
    });
  }
  const graceEndsAt = now + gracePeriodMs;
  return withFreshKey(context, async (fresh) => {
    const row = successorRow(old, fresh.columns, now);
    const changes = {
      // For a store that does not take `graceEndsAt` below: the old key's expiry as read,
      // capped. Ours caps the expiry as the roll commits, which an update may have changed.
      expiresAt: Math.min(old.expiresAt ?? Number.POSITIVE_INFINITY, graceEndsAt),
      replacedById: row.id,
      budgetKeyId: row.id,
      updatedAt: now,
    };
    const outcome = await storage(() =>
      store.replaceKey(
        old.id,
        scope,
        changes,
        row,
        [
          // The old key expires when the grace period ends, or sooner at its own expiry as the
          // roll commits: which one only the stored key says, since an update may land between.
          auditEvent(context.random, old, 'rolled', now, actorId, {
            newKeyId: row.id,
            gracePeriodMs,
            expiresBy: graceEndsAt,
          }),
          auditEvent(context.random, row, 'created', now, actorId, {
            name: row.name,
            permissions: row.permissions,
            rolledFromId: old.id,
          }),
        ],
        graceEndsAt,
      ),
    );
    // Revoked or rolled by someone else between our read and our write.
    if (outcome === 'not-found') throw alreadyRolled();
    if (outcome === 'hash-taken') return undefined;
    const previous = rolledRow(old, outcome, changes, graceEndsAt);
    context.verifier.forget([old.id]);
    context.verifier.carryRateLimits(previous, row.id);
    return {
      key: fresh.key,
      apiKey: toApiKey<P>(outcome, now),
      previous: toApiKey<P>(previous, now),
    };
  });
}

/** The new key of a roll: the old key's settings, a new secret, and a life of its own. */
function successorRow(old: ApiKeyRow, columns: FreshKeyColumns, now: number): ApiKeyRow {
  return {
    ...old,
    ...columns,
    createdAt: now,
    updatedAt: now,
    revokedAt: null,
    revokedReason: null,
    lastUsedAt: null,
    rolledFromId: old.id,
    replacedById: null,
    budgetKeyId: null,
  };
}

/**
 * The old key as the roll left it: its settings as they were when it committed (which the new
 * key, `successor` as stored, copied, and an update may have changed since our read), its expiry
 * capped.
 */
function rolledRow(
  old: ApiKeyRow,
  successor: ApiKeyRow,
  changes: Pick<ApiKeyRow, 'expiresAt' | 'replacedById' | 'budgetKeyId' | 'updatedAt'>,
  graceEndsAt: number,
): ApiKeyRow {
  return {
    ...successor,
    id: old.id,
    hash: old.hash,
    start: old.start,
    last4: old.last4,
    createdAt: old.createdAt,
    lastUsedAt: old.lastUsedAt,
    rolledFromId: old.rolledFromId,
    ...changes,
    expiresAt: Math.min(successor.expiresAt ?? Number.POSITIVE_INFINITY, graceEndsAt),
  };
}
