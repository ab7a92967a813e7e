import { and, desc, eq, type SQL, sql } from 'drizzle-orm';
import type {
  ApiKeyRow,
  AuditEventRow,
  KeyChanges,
  KeyFilter,
  RowCursor,
  VerifiableKeyRow,
} from '../../key-store.js';
import type { SqliteContext } from '../context.js';
import type { LibSQLDrizzle } from '../database-option.js';
import { findByHashNatively } from '../native-find-by-hash.js';
import { auditEventsTable as events, apiKeysTable as keys } from '../schema.js';
import { b, k, recordColumns, selectRecord, withBudget } from './records.js';
import { before, insertIf, insertIfChanged, isUniqueViolation, unrevoked } from './statements.js';

/** The verification read: one indexed lookup by hash, through the budget key once rolled. */
export async function findByHash(
  context: SqliteContext,
  hash: string,
): Promise<VerifiableKeyRow | undefined> {
  const { reader, findByHashQuery } = context;
  if (reader !== undefined) {
    return findByHashNatively(reader, hash, context.busyTimeoutMs, context.assertSameFile);
  }
  const row = await findByHashQuery?.get({ hash });
  // A key that reads as absent is absent from the database opened, not from one put in its place.
  if (row === undefined) context.assertSameFile();
  return row;
}

/** `findByHash` through drizzle, for a database without the native read. */
export function prepareFindByHash(db: LibSQLDrizzle) {
  return db
    .select({
      id: k.id,
      consumerId: k.consumerId,
      ownerId: k.ownerId,
      name: k.name,
      permissions: recordColumns.permissions,
      metadata: recordColumns.metadata,
      enabled: k.enabled,
      expiresAt: k.expiresAt,
      revokedAt: k.revokedAt,
      rateLimits: recordColumns.rateLimits,
      remaining: recordColumns.remaining,
      budgetKeyId: k.budgetKeyId,
    })
    .from(k)
    .leftJoin(b, withBudget)
    .where(eq(k.hash, sql.placeholder('hash')))
    .limit(1)
    .prepare();
}

export async function findById(context: SqliteContext, id: string): Promise<ApiKeyRow | undefined> {
  const row = await selectRecord(context.db).where(eq(k.id, id)).get();
  if (row === undefined) context.assertSameFile();
  return row;
}

export async function listKeys(
  { db }: SqliteContext,
  consumerId: string,
  limit: number,
  after?: RowCursor,
): Promise<ApiKeyRow[]> {
  return selectRecord(db)
    .where(and(eq(k.consumerId, consumerId), before(k.createdAt, k.id, after)))
    .orderBy(desc(k.createdAt), desc(k.id))
    .limit(limit);
}

export async function insertKey(
  { db }: SqliteContext,
  row: ApiKeyRow,
  event: AuditEventRow,
  limit?: { maxLive: number; now: number },
): Promise<'inserted' | 'taken' | 'limit-reached'> {
  try {
    const [inserted] = await db.batch([
      insertIf(db, keys, row, limit === undefined ? sql`1` : underLimit(row.consumerId, limit)),
      insertIfChanged(db, events, event),
    ]);
    return inserted.rowsAffected === 1 ? 'inserted' : 'limit-reached';
  } catch (error) {
    if (isUniqueViolation(error)) return 'taken';
    throw error;
  }
}

/** Whether `consumerId` has fewer than `maxLive` keys neither revoked nor expired at `now`. */
function underLimit(consumerId: string, { maxLive, now }: { maxLive: number; now: number }): SQL {
  return sql`(select count(*) from ${keys} live where live.consumer_id = ${consumerId}
    and live.revoked_at is null and (live.expires_at is null or live.expires_at > ${now})) < ${maxLive}`;
}

export async function updateKey(
  { db }: SqliteContext,
  id: string,
  filter: KeyFilter,
  changes: KeyChanges,
  event: AuditEventRow,
): Promise<ApiKeyRow | undefined> {
  const [updated, , [record]] = await db.batch([
    db.update(keys).set(changes).where(unrevoked(id, filter)).returning({ id: keys.id }),
    insertIfChanged(db, events, event),
    selectRecord(db).where(eq(k.id, id)),
  ]);
  return updated.length === 1 ? record : undefined;
}
