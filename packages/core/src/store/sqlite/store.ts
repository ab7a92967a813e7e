import { DrizzleQueryError } from 'drizzle-orm';
import { releaseClosedConnections } from '#file-database';
import type { NativeKeyReader } from '#native-reader';
import type { KeyStore } from '../key-store.js';
import type { SqliteContext } from './context.js';
import {
  assertDatabaseOption,
  type DatabaseOption,
  type LibSQLDrizzle,
} from './database-option.js';
import type { EmbeddedDatabase } from './embedded-database.js';
import { migrate } from './migrate.js';
import { type OpenedDatabase, openDatabase, openOnEmbedded } from './open-database.js';
import { listAuditEvents } from './queries/audit.js';
import {
  findByHash,
  findById,
  insertKey,
  listKeys,
  prepareFindByHash,
  updateKey,
} from './queries/keys.js';
import { findUnrevoked, purgeKeys, revokeKeys } from './queries/revoke.js';
import { replaceKey } from './queries/roll.js';
import { refundUsage, spendGroup, spendUsage } from './queries/spend.js';
import { readUsage, recordUsage } from './queries/usage.js';

export type { DatabaseOption, LibSQLDrizzle };

/**
 * The `KeyStore` on drizzle-orm over libsql: a `file:` database (created and migrated), `:memory:`,
 * a remote libsql URL, or the host's own drizzle database or libsql client, which it never closes.
 * Opens and migrates the database on `init`, or runs on `embedded`, a `file:` database already
 * opened and migrated natively, which it then closes; each method is a query of `./queries/`.
 */
export function createSqliteStore(database: DatabaseOption, embedded?: EmbeddedDatabase): KeyStore {
  if ('url' in database) assertDatabaseOption(database);
  let context: SqliteContext | undefined;
  // Held only until `init` takes it: the store must not keep the native reader from being
  // collected once closed (see `releaseClosedConnections`).
  let handed = embedded;

  function ready(): SqliteContext {
    if (context === undefined) throw new Error('Latchkey storage used before init()');
    return context;
  }

  /** A query on the opened database; a driver's fault comes out as itself, not drizzle's wrapper. */
  function run<A extends unknown[], R>(query: (context: SqliteContext, ...args: A) => Promise<R>) {
    return async (...args: A): Promise<R> => {
      try {
        return await query(ready(), ...args);
      } catch (error) {
        throw driverFault(error);
      }
    };
  }

  return {
    async init() {
      if (context === undefined) context = await openContext(database, handed);
      handed = undefined;
    },
    findByHash: run(findByHash),
    findById: run(findById),
    listKeys: run(listKeys),
    insertKey: run(insertKey),
    updateKey: run(updateKey),
    replaceKey: run(replaceKey),
    findUnrevoked: run(findUnrevoked),
    revokeKeys: run(revokeKeys),
    purgeKeys: run(purgeKeys),
    spendUsage: run(spendUsage),
    refundUsage: run(refundUsage),
    recordUsage: run(recordUsage),
    readUsage: run(readUsage),
    listAuditEvents: run(listAuditEvents),
    async close() {
      await context?.spends.idle(); // verifications already under way get their answer
      const closing = context;
      context = undefined;
      await closing?.close();
    },
  };
}

/**
 * The driver's own error, not drizzle's wrapper of it: that one quotes the query's parameters,
 * among them the hash of the key being verified, which has no place in a log.
 */
function driverFault(error: unknown): unknown {
  return error instanceof DrizzleQueryError && error.cause !== undefined ? error.cause : error;
}

/** Opens and migrates the database, or builds on the one `embedded` opened and migrated. */
async function openContext(
  database: DatabaseOption,
  embedded: EmbeddedDatabase | undefined,
): Promise<SqliteContext> {
  if (embedded !== undefined && 'url' in database) {
    return contextOf(await openOnEmbedded(database, embedded), embedded.reader);
  }
  const opened = await openDatabase(database);
  try {
    await assertNumberIntegers(opened.db.$client);
    await migrate(opened.db.$client);
  } catch (error) {
    // The next call retries `init` and opens anew: what this one opened must not outlive it.
    opened.close();
    throw error;
  }
  return contextOf(opened, undefined);
}

/** What the queries run on, over a database opened and migrated. */
function contextOf(opened: OpenedDatabase, reader: NativeKeyReader | undefined): SqliteContext {
  const { db, busyTimeoutMs, file } = opened;
  const context: SqliteContext = {
    db,
    busyTimeoutMs,
    reader,
    findByHashQuery: reader === undefined ? prepareFindByHash(db) : undefined,
    spends: spendGroup(db),
    assertSameFile: () => file?.assertSameFile(),
    async close() {
      context.reader?.close();
      // A native connection lets go of its file only once its statements are collected (see
      // `releaseClosedConnections`): the context, still referenced meanwhile, must not hold them.
      context.reader = undefined;
      context.findByHashQuery = undefined;
      opened.close();
      // Once per instance, not after a failed `init` (which the next call retries, perhaps on
      // every request): a full collection costs milliseconds.
      if (file !== undefined) await releaseClosedConnections();
    },
  };
  return context;
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
