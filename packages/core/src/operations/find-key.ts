import type { ApiKeysContext } from '../api-keys-context.js';
import type { ScopeOptions } from '../api-keys-types.js';
import { LatchkeyError } from '../errors.js';
import type { ApiKeyRow } from '../store/key-store.js';

/** Whether the key belongs to the scope's consumer; any key is in an empty scope. */
export function inScope(row: ApiKeyRow, scope: ScopeOptions): boolean {
  return scope.consumerId === undefined || row.consumerId === scope.consumerId;
}

/** The key with this id in scope, or `NOT_FOUND` (also for another consumer's key). */
export async function findInScope(
  context: ApiKeysContext<string>,
  id: string,
  scope: ScopeOptions,
): Promise<ApiKeyRow> {
  const row = await context.storage(() => context.store.findById(id));
  if (row === undefined || !inScope(row, scope)) throw new LatchkeyError('NOT_FOUND');
  return row;
}

/** The key with this id in scope, and not revoked: `NOT_FOUND` or `INVALID_STATE` otherwise. */
export async function findChangeable(
  context: ApiKeysContext<string>,
  id: string,
  scope: ScopeOptions,
): Promise<ApiKeyRow> {
  const row = await findInScope(context, id, scope);
  if (row.revokedAt !== null) {
    throw new LatchkeyError('INVALID_STATE', { message: 'A revoked key cannot be changed.' });
  }
  return row;
}
