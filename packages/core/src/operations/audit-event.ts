import type { RandomSource } from '../base62.js';
import { newEventId } from '../ids.js';
import type { JsonObject } from '../json.js';
import type { ApiKeyRow, AuditEventRow } from '../store/key-store.js';

/** An audit event of a change to a key, written with the change. */
export function auditEvent(
  random: RandomSource,
  row: Pick<ApiKeyRow, 'id' | 'consumerId'>,
  action: AuditEventRow['action'],
  at: number,
  actorId: string | undefined,
  details: JsonObject,
): AuditEventRow {
  return {
    id: newEventId(random),
    keyId: row.id,
    consumerId: row.consumerId,
    actorId: actorId ?? null,
    action,
    at,
    details,
  };
}
