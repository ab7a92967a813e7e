import type { ApiKeysContext } from '../api-keys-context.js';
import type { ScopeOptions } from '../api-keys-types.js';
import { toApiKey } from '../records.js';
import type { ApiKey } from '../types.js';
import { parseInput } from '../validation.js';
import { inScope } from './find-key.js';
import { keyIdSchema, schemasOf } from './input-schemas.js';

/** `apiKeys.get`: the key, or `null` when there is none in scope (an id that cannot be one too). */
export async function getKey<P extends string>(
  context: ApiKeysContext<P>,
  id: string,
  scope: ScopeOptions = {},
): Promise<ApiKey<P> | null> {
  const parsedScope = parseInput(schemasOf(context).scope, scope);
  if (!keyIdSchema.safeParse(id).success) return null;
  const row = await context.storage(() => context.store.findById(id));
  return row === undefined || !inScope(row, parsedScope) ? null : toApiKey<P>(row, context.clock());
}
