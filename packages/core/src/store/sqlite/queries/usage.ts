import { and, eq, gte, sql } from 'drizzle-orm';
import type { UsageBatch, UsageRow } from '../../key-store.js';
import type { SqliteContext } from '../context.js';
import { apiKeysTable as keys, usageTable as usage } from '../schema.js';
import { batchOf } from './statements.js';

// Five bound values a row: 5 000 of the 32 766 that SQLite binds to one statement.
const USAGE_ROWS_PER_INSERT = 1000;

export async function recordUsage(
  { db }: SqliteContext,
  { lastUsed, counts }: UsageBatch,
): Promise<void> {
  const statements: unknown[] = [...lastUsed].map(([id, at]) =>
    db
      .update(keys)
      .set({ lastUsedAt: sql`max(coalesce(${keys.lastUsedAt}, 0), ${at})` })
      .where(eq(keys.id, id)),
  );
  // In inserts of at most USAGE_ROWS_PER_INSERT rows: SQLite binds at most 32 766 values to
  // one statement, and one insert of every row failed, on every retry, past about 6 500.
  for (let start = 0; start < counts.length; start += USAGE_ROWS_PER_INSERT) {
    statements.push(
      db
        .insert(usage)
        .values(counts.slice(start, start + USAGE_ROWS_PER_INSERT))
        .onConflictDoUpdate({
          target: [usage.keyId, usage.day, usage.code],
          set: { count: sql`${usage.count} + excluded.count` },
        }),
    );
  }
  if (statements.length > 0) await batchOf(db, statements);
}

export async function readUsage(
  { db }: SqliteContext,
  keyId: string,
  fromDay: string,
): Promise<UsageRow[]> {
  return db
    .select()
    .from(usage)
    .where(and(eq(usage.keyId, keyId), gte(usage.day, fromDay)))
    .orderBy(usage.day);
}
