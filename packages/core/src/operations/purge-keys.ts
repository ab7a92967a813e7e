import type { ApiKeysContext } from '../api-keys-context.js';
import type { PurgeInput } from '../api-keys-types.js';
import { parseInput } from '../validation.js';
import { schemasOf } from './input-schemas.js';

/** `apiKeys.purge`: deletes the records of keys revoked, or expired, before the retention. */
export async function purgeKeys(
  context: ApiKeysContext<string>,
  input: PurgeInput,
): Promise<{ purgedKeyIds: string[] }> {
  const { store, storage, recorder } = context;
  const { retentionMs } = parseInput(schemasOf(context).purge, input);
  // Counts made so far are written first: the purge then deletes them with the key's rows,
  // and what is counted meanwhile for a purged key is dropped, so no row outlives its key.
  await recorder.flush();
  const purgedKeyIds = await storage(() => store.purgeKeys(context.clock() - retentionMs));
  recorder.forget(purgedKeyIds);
  // A purged key is NOT_FOUND at once in this process, not REVOKED from the cache.
  context.verifier.forget(purgedKeyIds);
  return { purgedKeyIds };
}
