import type { ApiKeysContext } from '../api-keys-context.js';
import type { RevokeManyInput } from '../api-keys-types.js';
import { invalidInput, parseInput } from '../validation.js';
import { auditEvent } from './audit-event.js';
import { schemasOf } from './input-schemas.js';
import { reasonOrNull } from './key-changes.js';

/** Passes of `revokeMany` over keys that appear while it revokes; a handful is already a lot. */
const MAX_REVOKE_PASSES = 10;

/** `apiKeys.revokeMany`: revokes every key of a consumer, of an owner, or of both. */
export async function revokeMany(
  context: ApiKeysContext<string>,
  input: RevokeManyInput,
): Promise<{ revokedKeyIds: string[] }> {
  const { store, storage } = context;
  const parsed = parseInput(schemasOf(context).revokeMany, input);
  if (parsed.consumerId === undefined && parsed.ownerId === undefined) {
    throw invalidInput([
      {
        path: [],
        message: 'Give a consumerId, an ownerId, or both: revoking every key is not allowed.',
      },
    ]);
  }
  const filter = {
    ...(parsed.consumerId === undefined ? {} : { consumerId: parsed.consumerId }),
    ...(parsed.ownerId === undefined ? {} : { ownerId: parsed.ownerId }),
  };
  const now = context.clock();
  const reason = reasonOrNull(parsed.reason);
  const revokedKeyIds: string[] = [];
  // Look again after revoking: a key rolled (or created) between the look and the revocation
  // would otherwise outlive the team it belongs to. A roll that comes later finds its key
  // revoked and fails, so the passes end.
  for (let pass = 0; pass < MAX_REVOKE_PASSES; pass++) {
    const targets = await storage(() => store.findUnrevoked(filter));
    if (targets.length === 0) break;
    const revoked = await storage(() =>
      store.revokeKeys(targets, now, reason, (target) =>
        auditEvent(context.random, target, 'revoked', now, parsed.actorId, { reason }),
      ),
    );
    const ids = revoked.map((row) => row.id);
    context.verifier.forget(ids);
    revokedKeyIds.push(...ids);
  }
  return { revokedKeyIds };
}
