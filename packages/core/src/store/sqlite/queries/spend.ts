import type { InArgs, Value } from '@libsql/client';
import {
  and,
  eq,
  fillPlaceholders,
  gte,
  isNull,
  or,
  type Placeholder,
  type SQL,
  sql,
} from 'drizzle-orm';
import { type GroupCommit, groupCommit } from '../../group-commit.js';
import type { SpendResult } from '../../key-store.js';
import type { Spend, Spent, SqliteContext } from '../context.js';
import type { LibSQLDrizzle } from '../database-option.js';
import { apiKeysTable as keys } from '../schema.js';
import { b, k } from './records.js';

// Bounds how long one group of spends holds the write lock that other processes wait for.
const MAX_SPENDS_PER_COMMIT = 256;

/**
 * Concurrent verifications of keys with a usage limit share a write transaction. The statement
 * is built once: drizzle takes longer to build it than libsql takes to run it.
 */
export function spendGroup(db: LibSQLDrizzle): GroupCommit<Spend, Spent | undefined> {
  let statement: { sql: string; params: unknown[] } | undefined;
  return groupCommit(async (batch: readonly Spend[]) => {
    statement ??= spendStatement(db).toSQL();
    const { sql: text, params } = statement;
    const statements = batch.map((values) => ({
      sql: text,
      args: fillPlaceholders(params, { ...values }) as InArgs,
    }));
    const results = await db.$client.batch(statements, 'write');
    return results.map(({ rows: [row] }): Spent | undefined =>
      row === undefined
        ? undefined
        : { remaining: nullableNumber(row[0]), lastRefillAt: nullableNumber(row[1]) },
    );
  }, MAX_SPENDS_PER_COMMIT);
}

export async function spendUsage(
  context: SqliteContext,
  id: string,
  cost: number,
  now: number,
): Promise<SpendResult> {
  const spent = await context.spends.write({ id, cost, now });
  if (spent !== undefined) return { spent: true, ...spent };
  return refusal(context.db, id, cost, now);
}

/** Why a spend was refused, in one read of the key's own state and of its budget (`k`, `b`). */
async function refusal(
  db: LibSQLDrizzle,
  id: string,
  cost: number,
  now: number,
): Promise<SpendResult> {
  const row = await db
    .select({
      revokedAt: k.revokedAt,
      enabled: k.enabled,
      expiresAt: k.expiresAt,
      lastRefillAt: b.lastRefillAt,
      refillIntervalMs: b.refillIntervalMs,
      refillAmount: b.refillAmount,
    })
    .from(k)
    .leftJoin(b, eq(b.id, sql`coalesce(${k.budgetKeyId}, ${k.id})`))
    .where(eq(k.id, id))
    .get();
  if (row === undefined) return { spent: false, nextRefillAt: null, refusal: 'NOT_FOUND' };
  if (row.revokedAt !== null) return { spent: false, nextRefillAt: null, refusal: 'REVOKED' };
  if (!row.enabled) return { spent: false, nextRefillAt: null, refusal: 'DISABLED' };
  if (row.expiresAt !== null && now >= row.expiresAt) {
    return { spent: false, nextRefillAt: null, refusal: 'EXPIRED' };
  }
  // A refill smaller than the cost never covers the call: there is no time to retry at.
  const nextRefillAt =
    row.lastRefillAt != null &&
    row.refillIntervalMs != null &&
    row.refillAmount != null &&
    row.refillAmount >= cost
      ? row.lastRefillAt + row.refillIntervalMs
      : null;
  return { spent: false, nextRefillAt };
}

export async function refundUsage(
  { db }: SqliteContext,
  id: string,
  cost: number,
  lastRefillAt: number | null,
): Promise<void> {
  await db
    .update(keys)
    .set({ remaining: sql`${keys.remaining} + ${cost}` })
    .where(
      and(
        eq(keys.id, budgetKeyId(id)),
        sql`${keys.remaining} is not null`,
        sql`${keys.lastRefillAt} is ${lastRefillAt}`,
      ),
    );
}

/**
 * Spends `cost` uses of key `id` at `now` (placeholders): the refill, the check and the decrement
 * are one statement, so no other writer can come between them, in this process or another.
 * Only while key `id` itself (not the budget key it spends from once rolled) is neither revoked,
 * disabled nor expired: a change made by another process stops the spends of a key that this one
 * holds in its cache. Returns the row when spent.
 */
function spendStatement(db: LibSQLDrizzle) {
  const id = sql.placeholder('id');
  const cost = sql.placeholder('cost');
  const now = sql.placeholder('now');
  const due = sql`(${keys.refillIntervalMs} is not null and ${now} >= ${keys.lastRefillAt} + ${keys.refillIntervalMs})`;
  const available = sql`(case when ${due} then ${keys.refillAmount} else ${keys.remaining} end)`;
  const usable = sql`exists (select 1 from ${keys} own where own.id = ${id}
    and own.revoked_at is null and own.enabled = 1
    and (own.expires_at is null or own.expires_at > ${now}))`;
  return db
    .update(keys)
    .set({
      remaining: sql`case when ${keys.remaining} is null then null else ${available} - ${cost} end`,
      lastRefillAt: sql`case when ${due} then ${keys.lastRefillAt} + cast((${now} - ${keys.lastRefillAt}) / ${keys.refillIntervalMs} as integer) * ${keys.refillIntervalMs} else ${keys.lastRefillAt} end`,
    })
    .where(
      and(eq(keys.id, budgetKeyId(id)), usable, or(isNull(keys.remaining), gte(available, cost))),
    )
    .returning({ remaining: keys.remaining, lastRefillAt: keys.lastRefillAt });
}

/**
 * The key whose `remaining` key `id` spends: its `budget_key_id` once rolled (the newest key of its
 * rolls, which each roll moves on), else itself. Looked up in the statement, so that a roll is seen
 * by every process at once and keys in a grace period share one budget instead of each holding a
 * copy; one primary-key lookup, where a walk along the chain of rolls made the statement several
 * times slower to prepare.
 */
function budgetKeyId(id: Placeholder | string): SQL {
  return sql`coalesce((select budget.budget_key_id from ${keys} budget where budget.id = ${id}), ${id})`;
}

function nullableNumber(value: Value | undefined): number | null {
  return value === null || value === undefined ? null : Number(value);
}
