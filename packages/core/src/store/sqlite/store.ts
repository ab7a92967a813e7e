import type { InArgs, Value } from '@libsql/client';
import {
  and,
  desc,
  eq,
  fillPlaceholders,
  getTableColumns,
  gte,
  isNull,
  lt,
  not,
  or,
  type Placeholder,
  type SQL,
  sql,
} from 'drizzle-orm';
import { alias, type SQLiteColumn, type SQLiteTable } from 'drizzle-orm/sqlite-core';
import { releaseClosedConnections } from '#file-database';
import { type NativeKeyReader, openNativeKeyReader } from '#native-reader';
import { groupCommit } from '../group-commit.js';
import type { ApiKeyRow, KeyFilter, KeyStore, RevokeManyFilter, RowCursor } from '../key-store.js';
import { budgetColumn, PERMISSIONS_WITH_BUDGET } from './budget.js';
import { DEFAULT_BUSY_TIMEOUT_MS, isBusy, retryWhileBusy } from './busy.js';
import {
  assertDatabaseOption,
  type DatabaseOption,
  type LibSQLDrizzle,
} from './database-option.js';
import { migrate } from './migrate.js';
import { type OpenedDatabase, openDatabase } from './open-database.js';
import { apiKeysTable, auditEventsTable, usageTable } from './schema.js';

export type { DatabaseOption, LibSQLDrizzle };

const keys = apiKeysTable;
const events = auditEventsTable;
const usage = usageTable;

/** The `KeyStore` on drizzle-orm over libsql. Opens and migrates the database on `init`. */
export function createSqliteStore(database: DatabaseOption): KeyStore {
  if ('url' in database) assertDatabaseOption(database);
  let opened: OpenedDatabase | undefined;
  let db: LibSQLDrizzle | undefined;
  let findByHashQuery: ReturnType<typeof prepareFindByHash> | undefined;
  let nativeReader: NativeKeyReader | undefined;

  function ready(): LibSQLDrizzle {
    if (db === undefined) throw new Error('Latchkey storage used before init()');
    return db;
  }

  /** A key that reads as absent is absent from the database opened, not from one put in its place. */
  function assertSameFile(): void {
    opened?.file?.assertSameFile();
  }

  // Concurrent verifications of keys with a usage limit share a write transaction. The statement
  // is built once: drizzle takes longer to build it than libsql takes to run it.
  let spendQuery: { sql: string; params: unknown[] } | undefined;
  const spends = groupCommit(async (batch: readonly Spend[]) => {
    const database = ready();
    spendQuery ??= spendStatement(database).toSQL();
    const { sql: text, params } = spendQuery;
    const statements = batch.map((values) => ({
      sql: text,
      args: fillPlaceholders(params, { ...values }) as InArgs,
    }));
    const results = await database.$client.batch(statements, 'write');
    return results.map(({ rows: [row] }): Spent | undefined =>
      row === undefined
        ? undefined
        : { remaining: nullableNumber(row[0]), lastRefillAt: nullableNumber(row[1]) },
    );
  }, MAX_SPENDS_PER_COMMIT);

  return {
    async init() {
      if (db !== undefined) return;
      const candidate = await openDatabase(database);
      try {
        await assertNumberIntegers(candidate.db.$client);
        await migrate(candidate.db.$client);
        // The native read needs the migrated table, so it is prepared here, after `migrate`.
        if (candidate.file !== undefined) {
          nativeReader = await openNativeKeyReader(candidate.file.path);
        }
      } catch (error) {
        // The next call retries `init` and opens anew: what this one opened must not outlive it
        // (a native reader that fails to open closes itself).
        candidate.close();
        throw error;
      }
      if (nativeReader === undefined) findByHashQuery = prepareFindByHash(candidate.db);
      opened = candidate;
      db = candidate.db;
    },

    async findByHash(hash) {
      ready();
      const reader = nativeReader;
      let row =
        reader === undefined ? await findByHashQuery?.get({ hash }) : readNatively(reader, hash);
      if (row === LOCKED) {
        const busyTimeoutMs = opened?.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS;
        row = await retryWhileBusy(
          () => (reader as NativeKeyReader).findByHash(hash),
          busyTimeoutMs,
        );
      }
      if (row === undefined) assertSameFile();
      return row;
    },

    async findById(id) {
      const row = await selectRecord(ready()).where(eq(k.id, id)).get();
      if (row === undefined) assertSameFile();
      return row;
    },

    async listKeys(consumerId, limit, after) {
      return selectRecord(ready())
        .where(and(eq(k.consumerId, consumerId), before(k.createdAt, k.id, after)))
        .orderBy(desc(k.createdAt), desc(k.id))
        .limit(limit);
    },

    async insertKey(row, event, limit) {
      const database = ready();
      try {
        const [inserted] = await database.batch([
          insertIf(
            database,
            keys,
            row,
            limit === undefined ? sql`1` : underLimit(row.consumerId, limit),
          ),
          insertIfChanged(database, events, event),
        ]);
        return inserted.rowsAffected === 1 ? 'inserted' : 'limit-reached';
      } catch (error) {
        if (isUniqueViolation(error)) return 'taken';
        throw error;
      }
    },

    async updateKey(id, filter, changes, event) {
      const database = ready();
      const [updated, , [record]] = await database.batch([
        database.update(keys).set(changes).where(unrevoked(id, filter)).returning({ id: keys.id }),
        insertIfChanged(database, events, event),
        selectRecord(database).where(eq(k.id, id)),
      ]);
      return updated.length === 1 ? record : undefined;
    },

    async replaceKey(oldId, filter, { expiresAt, ...changes }, newRow, newEvents, expiresBy) {
      const database = ready();
      // The old key's expiry is capped only once the new key has copied it, below.
      const cap = expiresBy ?? expiresAt ?? null;
      try {
        const [replaced, , copied] = await database.batch([
          database
            .update(keys)
            .set(changes)
            .where(unrevoked(oldId, { ...filter, notRolled: true }))
            .returning({ id: keys.id }),
          insertIfChanged(database, keys, newRow),
          copySettings(database, oldId, newRow.id),
          // Only now that the new key has the old one's expiry: the old key's ends the grace period.
          database
            .update(keys)
            .set({
              expiresAt: sql`coalesce(min(${keys.expiresAt}, ${cap}), ${keys.expiresAt}, ${cap})`,
            })
            .where(and(eq(keys.id, oldId), eq(keys.replacedById, newRow.id))),
          ...newEvents.map((event) => insertIfChanged(database, events, event)),
          // Keys that spent from the old key (rolled before it, still in a grace period) spend
          // from the new one now, if there is one.
          database
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
    },

    async findUnrevoked(filter: RevokeManyFilter) {
      const conditions = [isNull(keys.revokedAt)];
      if (filter.consumerId !== undefined) conditions.push(eq(keys.consumerId, filter.consumerId));
      if (filter.ownerId !== undefined) conditions.push(eq(keys.ownerId, filter.ownerId));
      return ready()
        .select({ id: keys.id, consumerId: keys.consumerId })
        .from(keys)
        .where(and(...conditions));
    },

    async revokeKeys(targets, revokedAt, reason, eventFor) {
      if (targets.length === 0) return [];
      const database = ready();
      const statements = targets.flatMap((target) => [
        database
          .update(keys)
          .set({ revokedAt, revokedReason: reason, updatedAt: revokedAt })
          .where(unrevoked(target.id, {}))
          .returning(),
        insertIfChanged(database, events, eventFor(target)),
      ]);
      const results = await batchOf(database, statements);
      return results.flatMap((result, index) => (index % 2 === 0 ? (result as ApiKeyRow[]) : []));
    },

    async purgeKeys(before) {
      const database = ready();
      const old = or(lt(keys.revokedAt, before), lt(keys.expiresAt, before));
      // Not a key whose `remaining` a key that stays still spends (a rolled key in its grace
      // period): it goes with the last of them.
      const spentFrom = sql`exists (select 1 from ${keys} spender
        where spender.budget_key_id = latchkey_keys.id
          and (spender.revoked_at is null or spender.revoked_at >= ${before})
          and (spender.expires_at is null or spender.expires_at >= ${before}))`;
      const [purged] = await database.batch([
        database
          .delete(keys)
          .where(and(old, not(spentFrom)))
          .returning({ id: keys.id }),
        // Usage rows whose key is gone: of these keys, and of any purged before.
        database.delete(usage).where(sql`${usage.keyId} not in (select ${keys.id} from ${keys})`),
      ]);
      return purged.map((row) => row.id);
    },

    async spendUsage(id, cost, now) {
      const spent = await spends.write({ id, cost, now });
      if (spent !== undefined) return { spent: true, ...spent };
      // Refused: why, in one read of the key's own state and of its budget (`k` and `b`).
      const row = await ready()
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
    },

    async refundUsage(id, cost, lastRefillAt) {
      await ready()
        .update(keys)
        .set({ remaining: sql`${keys.remaining} + ${cost}` })
        .where(
          and(
            eq(keys.id, budgetKeyId(id)),
            sql`${keys.remaining} is not null`,
            sql`${keys.lastRefillAt} is ${lastRefillAt}`,
          ),
        );
    },

    async recordUsage({ lastUsed, counts }) {
      const database = ready();
      const statements: unknown[] = [...lastUsed].map(([id, at]) =>
        database
          .update(keys)
          .set({ lastUsedAt: sql`max(coalesce(${keys.lastUsedAt}, 0), ${at})` })
          .where(eq(keys.id, id)),
      );
      // In inserts of at most USAGE_ROWS_PER_INSERT rows: SQLite binds at most 32 766 values to
      // one statement, and one insert of every row failed, on every retry, past about 6 500.
      for (let start = 0; start < counts.length; start += USAGE_ROWS_PER_INSERT) {
        statements.push(
          database
            .insert(usage)
            .values(counts.slice(start, start + USAGE_ROWS_PER_INSERT))
            .onConflictDoUpdate({
              target: [usage.keyId, usage.day, usage.code],
              set: { count: sql`${usage.count} + excluded.count` },
            }),
        );
      }
      if (statements.length > 0) await batchOf(database, statements);
    },

    async readUsage(keyId, fromDay) {
      return ready()
        .select()
        .from(usage)
        .where(and(eq(usage.keyId, keyId), gte(usage.day, fromDay)))
        .orderBy(usage.day);
    },

    async listAuditEvents(filter, limit, after) {
      return ready()
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
    },

    async close() {
      await spends.idle(); // verifications already under way get their answer
      nativeReader?.close();
      nativeReader = undefined;
      findByHashQuery = undefined;
      db = undefined;
      const closing = opened;
      opened = undefined;
      closing?.close();
      // Once per instance, not after a failed `init` (which the next call retries, perhaps on
      // every request): a full collection costs milliseconds.
      if (closing?.file !== undefined) await releaseClosedConnections();
    },
  };
}

/** `createSqliteStore` by its earlier name, which stays public. */
export const createDrizzleStore: (database: DatabaseOption) => KeyStore = createSqliteStore;

const LOCKED = Symbol('locked');

/**
 * The native read, at once; `LOCKED` when it found the database locked, to be tried again on
 * timers. A read in WAL mode does not wait for writers, but another connection recovering the WAL
 * after a crash holds readers off, and that wait must not block the process.
 */
function readNatively(reader: NativeKeyReader, hash: string) {
  try {
    return reader.findByHash(hash);
  } catch (error) {
    if (isBusy(error)) return LOCKED;
    throw error;
  }
}

type BatchItem = Parameters<LibSQLDrizzle['batch']>[0][number];

/** A batch of a length known only at run time (drizzle's types want a non-empty tuple). */
function batchOf(database: LibSQLDrizzle, statements: readonly unknown[]): Promise<unknown[]> {
  return database.batch(statements as unknown as [BatchItem, ...BatchItem[]]);
}

/** `latchkey_keys` as `k` joined to its budget key `b`: the aliases that `budgetColumn` reads. */
const k = alias(keys, 'k');
const b = alias(keys, 'b');
const withBudget = eq(b.id, k.budgetKeyId);

/**
 * A key's record as its owner sees it, and as it is verified: a rolled key's metadata, rate
 * limits, `remaining` and refill are its budget key's (and the two keys count on one rate-limit
 * counter), and its permissions those of its own that its budget key holds too. Its state
 * (enabled, expiry, revocation) is its own.
 */
const recordColumns = {
  ...getTableColumns(k),
  permissions: sql`${sql.raw(PERMISSIONS_WITH_BUDGET)}`.mapWith(k.permissions),
  metadata: sql`${sql.raw(budgetColumn('metadata'))}`.mapWith(k.metadata),
  rateLimits: sql`${sql.raw(budgetColumn('rate_limits'))}`.mapWith(k.rateLimits),
  remaining: sql<number | null>`${sql.raw(budgetColumn('remaining'))}`,
  refillAmount: sql<number | null>`${sql.raw(budgetColumn('refill_amount'))}`,
  refillIntervalMs: sql<number | null>`${sql.raw(budgetColumn('refill_interval_ms'))}`,
  lastRefillAt: sql<number | null>`${sql.raw(budgetColumn('last_refill_at'))}`,
};

/** Keys' records as `recordColumns` reads them, through the budget key once rolled; add `where`. */
function selectRecord(database: LibSQLDrizzle) {
  return database.select(recordColumns).from(k).leftJoin(b, withBudget);
}

function prepareFindByHash(db: LibSQLDrizzle) {
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

interface Spend {
  id: string;
  cost: number;
  now: number;
}

interface Spent {
  remaining: number | null;
  lastRefillAt: number | null;
}

// Bounds how long one group of spends holds the write lock that other processes wait for.
const MAX_SPENDS_PER_COMMIT = 256;

// Five bound values a row: 5 000 of the 32 766 that SQLite binds to one statement.
const USAGE_ROWS_PER_INSERT = 1000;

/**
 * Spends `cost` uses of key `id` at `now` (placeholders): the refill, the check and the decrement
 * are one statement, so no other writer can come between them, in this process or another.
 * Only while key `id` itself (not the budget key it spends from once rolled) is neither revoked,
 * disabled nor expired: a change made by another process stops the spends of a key that this one
 * holds in its cache. Returns the row when spent.
 */
function spendStatement(database: LibSQLDrizzle) {
  const id = sql.placeholder('id');
  const cost = sql.placeholder('cost');
  const now = sql.placeholder('now');
  const due = sql`(${keys.refillIntervalMs} is not null and ${now} >= ${keys.lastRefillAt} + ${keys.refillIntervalMs})`;
  const available = sql`(case when ${due} then ${keys.refillAmount} else ${keys.remaining} end)`;
  const usable = sql`exists (select 1 from ${keys} own where own.id = ${id}
    and own.revoked_at is null and own.enabled = 1
    and (own.expires_at is null or own.expires_at > ${now}))`;
  return database
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

/**
 * Copies the settings and expiry of a roll's old key to its new one as they are when the roll
 * commits (not as they were read before it), so that a change or a spend in between is not lost.
 * The new row, or none.
 */
function copySettings(database: LibSQLDrizzle, oldId: string, newId: string) {
  const fromOld = (column: { name: string }) =>
    sql`(select source.${sql.identifier(column.name)} from ${keys} source where source.id = ${oldId})`;
  return database
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

function nullableNumber(value: Value | undefined): number | null {
  return value === null || value === undefined ? null : Number(value);
}

/**
 * Refuses a host's libsql client that reads integers other than as numbers (`intMode: 'bigint'`
 * or `'string'`): times, counts and uses would reach callers as values JSON cannot carry, and
 * comparisons would go wrong. Said once, at first use, rather than as odd failures later.
 */
async function assertNumberIntegers(client: LibSQLDrizzle['$client']): Promise<void> {
  const { rows } = await client.execute('select 1');
  const value = rows[0]?.[0];
  if (typeof value !== 'number') {
    throw new TypeError(
      `Latchkey needs a libsql client that reads integers as numbers (intMode 'number', the default); this one reads them as ${typeof value}.`,
    );
  }
}

function unrevoked(id: string, filter: KeyFilter): SQL | undefined {
  return and(
    eq(keys.id, id),
    isNull(keys.revokedAt),
    filter.consumerId === undefined ? undefined : eq(keys.consumerId, filter.consumerId),
    filter.notRolled === true ? isNull(keys.replacedById) : undefined,
  );
}

/** Rows strictly after `cursor` in newest-first order of (`at`, `id`). */
function before(
  atColumn: SQLiteColumn,
  idColumn: SQLiteColumn,
  cursor: RowCursor | undefined,
): SQL | undefined {
  if (cursor === undefined) return undefined;
  return or(lt(atColumn, cursor.at), and(eq(atColumn, cursor.at), lt(idColumn, cursor.id)));
}

/** Whether `consumerId` has fewer than `maxLive` keys neither revoked nor expired at `now`. */
function underLimit(consumerId: string, { maxLive, now }: { maxLive: number; now: number }): SQL {
  return sql`(select count(*) from ${keys} live where live.consumer_id = ${consumerId}
    and live.revoked_at is null and (live.expires_at is null or live.expires_at > ${now})) < ${maxLive}`;
}

/**
 * `INSERT … SELECT … WHERE changes() = 1`: inserts the row only when the statement before it in
 * the same batch changed a row. It lets a batch (one transaction, no interactive lock held across
 * awaits) write a key's change and its audit event together, or neither.
 */
function insertIfChanged<T extends SQLiteTable>(
  database: LibSQLDrizzle,
  table: T,
  row: T['$inferInsert'],
) {
  return insertIf(database, table, row, sql`changes() = 1`);
}

/** Inserts `row` when `condition` holds, in one statement. */
function insertIf<T extends SQLiteTable>(
  database: LibSQLDrizzle,
  table: T,
  row: T['$inferInsert'],
  condition: SQL,
) {
  const columns = Object.entries(getTableColumns(table));
  const values = row as Record<string, unknown>;
  const names = columns.map(([, column]) => sql.identifier(column.name));
  const params = columns.map(([property, column]) => {
    const value = values[property];
    return value === undefined || value === null
      ? sql`null`
      : sql`${column.mapToDriverValue(value)}`;
  });
  return database.run(
    sql`insert into ${table} (${sql.join(names, sql`, `)}) select ${sql.join(params, sql`, `)} where ${condition}`,
  );
}

/**
 * Only these mean a hash or id is taken, to retry with a fresh one: any other constraint (NOT NULL,
 * CHECK, a trigger's RAISE) is a fault of the storage, and retrying would answer
 * KEY_GENERATION_FAILED for it. libsql gives the extended code as `extendedCode` on its own error
 * and as `code` on the native error it wraps.
 */
const UNIQUE_VIOLATIONS: ReadonlySet<unknown> = new Set([
  'SQLITE_CONSTRAINT_UNIQUE',
  'SQLITE_CONSTRAINT_PRIMARYKEY',
]);

function isUniqueViolation(error: unknown): boolean {
  for (let cause = error; cause instanceof Error; cause = cause.cause) {
    const { code, extendedCode } = cause as { code?: unknown; extendedCode?: unknown };
    if (UNIQUE_VIOLATIONS.has(extendedCode) || UNIQUE_VIOLATIONS.has(code)) return true;
    // A remote database's error has no extended code; its message names a UNIQUE constraint,
    // as it does for a PRIMARY KEY.
    if (/UNIQUE constraint failed/.test(cause.message)) return true;
  }
  return false;
}
