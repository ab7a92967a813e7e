import { and, eq, sql } from 'drizzle-orm';
import type { ApiKeyRow, AuditEventRow, KeyChanges, KeyFilter } from '../../key-store.js';
import type { SqliteContext } from '../context.js';
import type { LibSQLDrizzle } from '../database-option.js';
import { auditEventsTable as events, apiKeysTable as keys } from '../schema.js';
import { insertIfChanged, isUniqueViolation, unrevoked } from './statements.js';

/**
 * The roll, in one batch: the old key changed, the new one inserted with the old one's settings
 * as they are at commit, the old key's expiry capped, both events, and the keys that spent from
 * the old key moved on to the new one.
 */
export async function replaceKey(
  { db }: SqliteContext,
  oldId: string,
  filter: KeyFilter,
  { expiresAt, ...changes }: KeyChanges,
  newRow: ApiKeyRow,
  newEvents: AuditEventRow[],
  expiresBy?: number,
): Promise<ApiKeyRow | 'not-found' | 'hash-taken'> {
  // The old key's expiry is capped only once the new key has copied it, below.
  const cap = expiresBy ?? expiresAt ?? null;
  try {
    const [replaced, , copied] = await db.batch([
      db
        .update(keys)
        .set(changes)
        .where(unrevoked(oldId, { ...filter, notRolled: true }))
        .returning({ id: keys.id }),
      insertIfChanged(db, keys, newRow),
      copySettings(db, oldId, newRow.id),
      // Only now that the new key has the old one's expiry: the old key's ends the grace period.
      db
        .update(keys)
        .set({
          expiresAt: sql`coalesce(min(${keys.expiresAt}, ${cap}), ${keys.expiresAt}, ${cap})`,
        })
        .where(and(eq(keys.id, oldId), eq(keys.replacedById, newRow.id))),
      ...newEvents.map((event) => insertIfChanged(db, events, event)),
      // Keys that spent from the old key (rolled before it, still in a grace period) spend
      // from the new one now, if there is one.
      db
        .update(keys)
        .set({ budgetKeyId: newRow.id })
        .where(
          and(
            eq(keys.budgetKeyId, oldId),
            sql`exists (select 1 from ${keys} fresh where fresh.id = ${newRow.id})`,
          ),
        ),
    ]);
    return replaced.length === 1 ? (copied[0] ?? newRow) : 'not-found';
  } catch (error) {
    if (isUniqueViolation(error)) return 'hash-taken';
    throw error;
  }
}

/**
 * Copies the settings and expiry of a roll's old key to its new one as they are when the roll
 * commits (not as they were read before it), so that a change or a spend in between is not lost.
 * The new row, or none.
 */
function copySettings(db: LibSQLDrizzle, oldId: string, newId: string) {
  const fromOld = (column: { name: string }) =>
    sql`(select source.${sql.identifier(column.name)} from ${keys} source where source.id = ${oldId})`;
  return db
    .update(keys)
    .set({
      name: fromOld(keys.name),
      expiresAt: fromOld(keys.expiresAt),
      permissions: fromOld(keys.permissions),
      metadata: fromOld(keys.metadata),
      enabled: fromOld(keys.enabled),
      rateLimits: fromOld(keys.rateLimits),
      remaining: fromOld(keys.remaining),
      refillAmount: fromOld(keys.refillAmount),
      refillIntervalMs: fromOld(keys.refillIntervalMs),
      lastRefillAt: fromOld(keys.lastRefillAt),
    })
    .where(eq(keys.id, newId))
    .returning();
}
