import { and, eq, getTableColumns, isNull, lt, or, type SQL, sql } from 'drizzle-orm';
import type { SQLiteColumn, SQLiteTable } from 'drizzle-orm/sqlite-core';
import type { KeyFilter, RowCursor } from '../../key-store.js';
import type { LibSQLDrizzle } from '../database-option.js';
import { apiKeysTable as keys } from '../schema.js';

type BatchItem = Parameters<LibSQLDrizzle['batch']>[0][number];

/** A batch of a length known only at run time (drizzle's types want a non-empty tuple). */
export function batchOf(db: LibSQLDrizzle, statements: readonly unknown[]): Promise<unknown[]> {
  return db.batch(statements as unknown as [BatchItem, ...BatchItem[]]);
}

/** Key `id` while it is unrevoked, and of `filter.consumerId` and not rolled when asked. */
export function unrevoked(id: string, filter: KeyFilter): SQL | undefined {
  return and(
    eq(keys.id, id),
    isNull(keys.revokedAt),
    filter.consumerId === undefined ? undefined : eq(keys.consumerId, filter.consumerId),
    filter.notRolled === true ? isNull(keys.replacedById) : undefined,
  );
}

/** Rows strictly after `cursor` in newest-first order of (`at`, `id`). */
export function before(
  atColumn: SQLiteColumn,
  idColumn: SQLiteColumn,
  cursor: RowCursor | undefined,
): SQL | undefined {
  if (cursor === undefined) return undefined;
  return or(lt(atColumn, cursor.at), and(eq(atColumn, cursor.at), lt(idColumn, cursor.id)));
}

/**
 * `INSERT … SELECT … WHERE changes() = 1`: inserts the row only when the statement before it in
 * the same batch changed a row. It lets a batch (one transaction, no interactive lock held across
 * awaits) write a key's change and its audit event together, or neither.
 */
export function insertIfChanged<T extends SQLiteTable>(
  db: LibSQLDrizzle,
  table: T,
  row: T['$inferInsert'],
) {
  return insertIf(db, table, row, sql`changes() = 1`);
}

/** Inserts `row` when `condition` holds, in one statement. */
export function insertIf<T extends SQLiteTable>(
  db: LibSQLDrizzle,
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
  return db.run(
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

export function isUniqueViolation(error: unknown): boolean {
  for (let cause = error; cause instanceof Error; cause = cause.cause) {
    const { code, extendedCode } = cause as { code?: unknown; extendedCode?: unknown };
    if (UNIQUE_VIOLATIONS.has(extendedCode) || UNIQUE_VIOLATIONS.has(code)) return true;
    // A remote database's error has no extended code; its message names a UNIQUE constraint,
    // as it does for a PRIMARY KEY.
    if (/UNIQUE constraint failed/.test(cause.message)) return true;
  }
  return false;
}
