import type { ApiKeysContext } from '../api-keys-context.js';
import type { RevokeApiKeyInput } from '../api-keys-types.js';
import { toApiKey } from '../records.js';
import type { ApiKey } from '../types.js';
import { parseInput } from '../validation.js';
import { auditEvent } from './audit-event.js';
import { findInScope } from './find-key.js';
import { keyIdSchema, schemasOf } from './input-schemas.js';
import { reasonOrNull } from './key-changes.js';

/** `apiKeys.revoke`: the key stops verifying at once, here and (within the cache TTL) elsewhere. */
export async function revokeKey<P extends string>(
  context: ApiKeysContext<P>,
  id: string,
  input: RevokeApiKeyInput = {},
): Promise<ApiKey<P>> {
  const parsedId = parseInput(keyIdSchema, id);
  const { consumerId, actorId, reason } = parseInput(schemasOf(context).revoke, input);
  const scope = { consumerId };
  const now = context.clock();
  const revokedReason = reasonOrNull(reason);
  const existing = await findInScope(context, parsedId, scope);
  // Revoking twice is not an error: the key is revoked, as asked.
  if (existing.revokedAt !== null) return toApiKey<P>(existing, now);
  const row = await context.storage(() =>
    context.store.updateKey(
      parsedId,
      scope,
      { revokedAt: now, revokedReason, updatedAt: now },
      auditEvent(context.random, existing, 'revoked', now, actorId, { reason: revokedReason }),
    ),
  );
  context.verifier.forget([existing.id]);
  return toApiKey<P>(row ?? (await findInScope(context, parsedId, scope)), now);
}
