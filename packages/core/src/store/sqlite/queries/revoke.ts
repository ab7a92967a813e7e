import { and, eq, isNull, lt, not, or, sql } from 'drizzle-orm';
import type { ApiKeyRow, AuditEventRow, KeyRef, RevokeManyFilter } from '../../key-store.js';
import type { SqliteContext } from '../context.js';
import {
  auditEventsTable as events,
  apiKeysTable as keys,
  usageTable as usage,
} from '../schema.js';
import { batchOf, insertIfChanged, unrevoked } from './statements.js';

export async function findUnrevoked(
  { db }: SqliteContext,
  filter: RevokeManyFilter,
): Promise<KeyRef[]> {
  const conditions = [isNull(keys.revokedAt)];
  if (filter.consumerId !== undefined) conditions.push(eq(keys.consumerId, filter.consumerId));
  if (filter.ownerId !== undefined) conditions.push(eq(keys.ownerId, filter.ownerId));
  return db
    .select({ id: keys.id, consumerId: keys.consumerId })
    .from(keys)
    .where(and(...conditions));
}

export async function revokeKeys(
  { db }: SqliteContext,
  targets: readonly KeyRef[],
  revokedAt: number,
  reason: string | null,
  eventFor: (key: KeyRef) => AuditEventRow,
): Promise<ApiKeyRow[]> {
  if (targets.length === 0) return [];
  const statements = targets.flatMap((target) => [
    db
      .update(keys)
      .set({ revokedAt, revokedReason: reason, updatedAt: revokedAt })
      .where(unrevoked(target.id, {}))
      .returning(),
    insertIfChanged(db, events, eventFor(target)),
  ]);
  const results = await batchOf(db, statements);
  return results.flatMap((result, index) => (index % 2 === 0 ? (result as ApiKeyRow[]) : []));
}

export async function purgeKeys({ db }: SqliteContext, before: number): Promise<string[]> {
  const old = or(lt(keys.revokedAt, before), lt(keys.expiresAt, before));
  // Not a key whose `remaining` a key that stays still spends (a rolled key in its grace
  // period): it goes with the last of them.
  const spentFrom = sql`exists (select 1 from ${keys} spender
    where spender.budget_key_id = latchkey_keys.id
      and (spender.revoked_at is null or spender.revoked_at >= ${before})
      and (spender.expires_at is null or spender.expires_at >= ${before}))`;
  const [purged] = await db.batch([
    db
      .delete(keys)
      .where(and(old, not(spentFrom)))
      .returning({ id: keys.id }),
    // Usage rows whose key is gone: of these keys, and of any purged before.
    db.delete(usage).where(sql`${usage.keyId} not in (select ${keys.id} from ${keys})`),
  ]);
  return purged.map((row) => row.id);
}
