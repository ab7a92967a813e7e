import type { ApiKeysContext } from '../api-keys-context.js';
import type { UpdateApiKeyInput } from '../api-keys-types.js';
import { LatchkeyError } from '../errors.js';
import { toApiKey } from '../records.js';
import type { KeyChanges } from '../store/key-store.js';
import type { ApiKey } from '../types.js';
import { invalidInput, parseInput } from '../validation.js';
import { auditEvent } from './audit-event.js';
import { findChangeable } from './find-key.js';
import { keyIdSchema, schemasOf } from './input-schemas.js';
import { assertFuture } from './key-changes.js';
import { limitColumns } from './limit-columns.js';
import { rolledSettings } from './rolled-key-errors.js';

/** `apiKeys.update`: changes the given fields of a key that is not revoked. */
export async function updateKey<P extends string>(
  context: ApiKeysContext<P>,
  id: string,
  input: UpdateApiKeyInput<P>,
): Promise<ApiKey<P>> {
  const { store, storage } = context;
  const parsedId = parseInput(keyIdSchema, id);
  const { consumerId, actorId, ...requested } = parseInput(schemasOf(context).update, input);
  const fields = Object.entries(requested)
    .filter(([, value]) => value !== undefined)
    .map(([field]) => field);
  const { rateLimits, remaining, refill, ...changes } = requested;
  const now = context.clock();
  const limits = limitColumns({ rateLimits, remaining, refill }, now);
  if (fields.length === 0) {
    throw invalidInput([{ path: [], message: 'Nothing to update.' }]);
  }
  assertFuture(changes.expiresAt, now);
  const scope = { consumerId };
  // A rolled key lives on only for its grace period, as the new key's stand-in: it may be
  // renamed or disabled (to end the grace period early); its settings are the new key's,
  // read from it (`budget.ts`).
  const settings = fields.filter((field) => field !== 'name' && field !== 'enabled');
  const existing = await findChangeable(context, parsedId, scope);
  if (settings.length > 0 && existing.replacedById !== null) throw rolledSettings(settings);
  const row = await storage(() =>
    store.updateKey(
      parsedId,
      { ...scope, notRolled: settings.length > 0 },
      { ...changes, ...limits, updatedAt: now } as KeyChanges,
      auditEvent(context.random, existing, 'updated', now, actorId, { fields }),
    ),
  );
  if (row === undefined) {
    // Revoked or rolled between our read and our write: report that, as a later call would.
    const current = await findChangeable(context, parsedId, scope);
    if (current.replacedById !== null) throw rolledSettings(settings);
    throw new LatchkeyError('INVALID_STATE');
  }
  context.verifier.forget([row.id]);
  return toApiKey<P>(row, now);
}
