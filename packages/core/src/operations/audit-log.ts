import type { ApiKeysContext } from '../api-keys-context.js';
import type { AuditLogInput } from '../api-keys-types.js';
import { decodeCursor } from '../cursor.js';
import { toAuditEvent } from '../records.js';
import type { AuditEvent, Page } from '../types.js';
import { parseInput } from '../validation.js';
import { schemasOf } from './input-schemas.js';
import { page } from './page.js';

/** `apiKeys.auditLog`: a consumer's audit events (or one key's), newest first, a page at a time. */
export async function auditLog(
  context: ApiKeysContext<string>,
  input: AuditLogInput,
): Promise<Page<AuditEvent>> {
  const parsed = parseInput(schemasOf(context).auditLog, input);
  const after = decodeCursor(parsed.cursor);
  const rows = await context.storage(() =>
    context.store.listAuditEvents(
      { consumerId: parsed.consumerId, ...(parsed.keyId ? { keyId: parsed.keyId } : {}) },
      parsed.limit + 1,
      after,
    ),
  );
  return page(rows, parsed.limit, toAuditEvent, (row) => row.at);
}
