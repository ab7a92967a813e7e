import { and, desc, eq } from 'drizzle-orm';
import type { AuditEventRow, RowCursor } from '../../key-store.js';
import type { SqliteContext } from '../context.js';
import { auditEventsTable as events } from '../schema.js';
import { before } from './statements.js';

export async function listAuditEvents(
  { db }: SqliteContext,
  filter: { consumerId: string; keyId?: string },
  limit: number,
  after?: RowCursor,
): Promise<AuditEventRow[]> {
  return db
    .select()
    .from(events)
    .where(
      and(
        eq(events.consumerId, filter.consumerId),
        filter.keyId === undefined ? undefined : eq(events.keyId, filter.keyId),
        before(events.at, events.id, after),
      ),
    )
    .orderBy(desc(events.at), desc(events.id))
    .limit(limit);
}
