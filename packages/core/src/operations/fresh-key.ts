import type { ApiKeysContext } from '../api-keys-context.js';
import { LatchkeyError } from '../errors.js';
import { newKeyId } from '../ids.js';
import { displayParts, generateKey } from '../key-format.js';
import type { ApiKeyRow } from '../store/key-store.js';

const MAX_CREATE_ATTEMPTS = 3;

/** The columns a new secret gives a record. */
export type FreshKeyColumns = Pick<ApiKeyRow, 'id' | 'hash' | 'start' | 'last4'>;

/**
 * Runs `write` with a new secret and the columns it gives a record (id, hash, display parts),
 * and again with fresh ones while `write` reports a taken hash or id (`undefined`): a bounded
 * retry, so a collision never fails a create or a roll, nor loops forever.
 */
export async function withFreshKey<T>(
  context: ApiKeysContext<string>,
  write: (fresh: { key: string; columns: FreshKeyColumns }) => Promise<T | undefined>,
): Promise<T> {
  const { prefix, random, hash } = context;
  for (let attempt = 0; attempt < MAX_CREATE_ATTEMPTS; attempt++) {
    const key = generateKey(prefix, random);
    const written = await write({
      key,
      columns: { id: newKeyId(random), hash: hash(key), ...displayParts(key) },
    });
    if (written !== undefined) return written;
  }
  throw new LatchkeyError('KEY_GENERATION_FAILED');
}
