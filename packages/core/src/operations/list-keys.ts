import type { ApiKeysContext } from '../api-keys-context.js';
import type { ListApiKeysInput } from '../api-keys-types.js';
import { decodeCursor } from '../cursor.js';
import { toApiKey } from '../records.js';
import type { ApiKey, Page } from '../types.js';
import { parseInput } from '../validation.js';
import { schemasOf } from './input-schemas.js';
import { page } from './page.js';

/** `apiKeys.list`: a consumer's keys, newest first, a page at a time. */
export async function listKeys<P extends string>(
  context: ApiKeysContext<P>,
  input: ListApiKeysInput,
): Promise<Page<ApiKey<P>>> {
  const parsed = parseInput(schemasOf(context).list, input);
  const after = decodeCursor(parsed.cursor);
  const rows = await context.storage(() =>
    context.store.listKeys(parsed.consumerId, parsed.limit + 1, after),
  );
  const now = context.clock();
  return page(
    rows,
    parsed.limit,
    (row) => toApiKey<P>(row, now),
    (row) => row.createdAt,
  );
}
