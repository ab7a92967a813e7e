import type { InStatement, InValue, ResultSet, Row } from '@libsql/client';

/** Runs write transactions on a connection of its own; see `openNativeWriter`. */
export type NativeWriter = {
  /**
   * Runs `statements` in one write transaction and returns their results, or throws and writes
   * nothing. Throws `SQLITE_BUSY` at once, having done nothing, when another connection holds the
   * write lock.
   */
  transaction(statements: readonly InStatement[]): ResultSet[];
  /** Runs SQL without results (a pragma), as `transaction` does: at once, busy or not. */
  exec(sql: string): void;
  close(): void;
};

type Database = import('libsql').Database;
type Statement = ReturnType<Database['prepare']>;

// Statements are prepared once per SQL text, which makes a write a little cheaper than through
// `@libsql/client` (it prepares every statement anew); the few shapes Latchkey writes fit.
const MAX_PREPARED = 64;

/**
 * The write connection to an embedded `file:` database that the store opened: native `libsql`,
 * with no busy timeout, and transactions under its own control. `@libsql/client` waits for a lock
 * inside SQLite's busy handler, which blocks the event loop (the whole process) for up to its
 * `timeout`; and once its `BEGIN IMMEDIATE` has failed busy, it leaves that statement un-reset,
 * so every later `COMMIT` on the connection fails ("SQL statements in progress") and its reads
 * see an old snapshot, until the statement is garbage-collected. Here the transaction begins with
 * `exec`, which leaves nothing behind when it fails, and every statement after it runs while the
 * write lock is held, so none of them can fail busy. The caller waits for the lock (see
 * `retryWhileBusy`). `undefined` when the native module cannot be loaded.
 */
export async function openNativeWriter(path: string): Promise<NativeWriter | undefined> {
  let Database: typeof import('libsql');
  try {
    Database = (await import('libsql')).default;
  } catch {
    return undefined;
  }
  const db = new Database(path, { timeout: 0 });
  const prepared = new Map<string, Statement>();

  function statementFor(sql: string): Statement {
    let statement = prepared.get(sql);
    if (statement === undefined) {
      statement = db.prepare(sql);
      if (prepared.size >= MAX_PREPARED) prepared.delete(prepared.keys().next().value as string);
      prepared.set(sql, statement);
    }
    return statement;
  }

  function run(input: InStatement): ResultSet {
    const { sql, args } = typeof input === 'string' ? { sql: input, args: [] } : input;
    const statement = statementFor(sql);
    const values = bindable(args ?? []);
    if (!statement.reader) {
      const { changes, lastInsertRowid } = statement.run(values);
      return resultSet([], [], changes, BigInt(lastInsertRowid));
    }
    const columns = statement.columns().map((column) => column.name);
    const rows = (statement.raw(true).all(values) as unknown[][]).map((row) => toRow(row, columns));
    return resultSet(columns, rows, 0, undefined);
  }

  return {
    transaction(statements) {
      db.exec('BEGIN IMMEDIATE');
      try {
        const results = statements.map(run);
        db.exec('COMMIT');
        return results;
      } catch (error) {
        if (db.inTransaction) db.exec('ROLLBACK');
        throw error;
      }
    },
    exec(sql) {
      db.exec(sql);
    },
    close() {
      prepared.clear();
      db.close();
    },
  };
}

type Args = NonNullable<Exclude<InStatement, string>['args']>;

/** Arguments as the native module binds them (it has no booleans or dates), as the client does. */
function bindable(args: Args): unknown[] | Record<string, unknown> {
  if (Array.isArray(args)) return args.map(bindableValue);
  const named: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(args)) named[name.replace(/^[:@$]/, '')] = value;
  for (const name in named) named[name] = bindableValue(named[name] as InValue);
  return named;
}

function bindableValue(value: InValue): unknown {
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (value instanceof Date) return value.valueOf();
  if (value instanceof ArrayBuffer) return new Uint8Array(value);
  if (value === undefined)
    throw new TypeError('undefined cannot be passed as argument to the database');
  return value;
}

/** A row as `@libsql/client` gives it: by position, and by column name. */
function toRow(values: unknown[], columns: readonly string[]): Row {
  const row = {};
  Object.defineProperty(row, 'length', { value: values.length });
  for (const [index, value] of values.entries()) {
    Object.defineProperty(row, index, { value });
    const name = columns[index] as string;
    if (!Object.hasOwn(row, name)) {
      Object.defineProperty(row, name, {
        value,
        enumerable: true,
        configurable: true,
        writable: true,
      });
    }
  }
  return row as Row;
}

function resultSet(
  columns: string[],
  rows: Row[],
  rowsAffected: number,
  lastInsertRowid: bigint | undefined,
): ResultSet {
  return {
    columns,
    columnTypes: columns.map(() => ''),
    rows,
    rowsAffected,
    lastInsertRowid,
    toJSON: () => ({ columns, rows: rows.map((row) => Array.from(row)), rowsAffected }),
  };
}
