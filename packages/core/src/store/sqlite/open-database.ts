import { type Client, createClient } from '@libsql/client';
import { drizzle } from 'drizzle-orm/libsql';
import { prepareFileDatabase } from '#file-database';
import { DEFAULT_BUSY_TIMEOUT_MS, retryWhileBusy } from './busy.js';
import type { DatabaseOption, DatabaseUrlOption, LibSQLDrizzle } from './database-option.js';
import { type EmbeddedDatabase, type WatchedFile, watchedFile } from './embedded-database.js';
import { retryingClient } from './retrying-client.js';

/** A database as the store runs on it. */
export interface OpenedDatabase {
  /** drizzle over the database's client, which waits for locks without blocking (`RetryingClient`). */
  db: LibSQLDrizzle;
  busyTimeoutMs: number;
  /** A `file:` database that the store opened itself: only then may it read the file natively. */
  file?: WatchedFile;
  /**
   * Closes what the store opened (never the host's own client). Native connections let go of
   * their files only once collected: see `releaseClosedConnections`.
   */
  close(): void;
}

/** Opens (and for `file:`, creates unless told not to) the database that `database` names. */
export async function openDatabase(database: DatabaseOption): Promise<OpenedDatabase> {
  if (isDrizzle(database)) return hostDatabase(database.$client);
  if (isClient(database)) return hostDatabase(database);
  return openUrl(database);
}

function hostDatabase(client: Client): OpenedDatabase {
  // The host's client keeps its own busy timeout, which may block while it waits; a lock it
  // gives up on is waited for here, on timers, instead of failing at once.
  const busyTimeoutMs = DEFAULT_BUSY_TIMEOUT_MS;
  return {
    db: drizzle(retryingClient(client, { busyTimeoutMs })) as LibSQLDrizzle,
    busyTimeoutMs,
    close: () => {},
  };
}

async function openUrl(database: DatabaseUrlOption): Promise<OpenedDatabase> {
  const busyTimeoutMs = database.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS;
  const path = await prepareFileDatabase(database.url, database.create ?? true);
  const client = clientFor(database);
  try {
    if (path === undefined) {
      return {
        db: drizzle(retryingClient(client, { busyTimeoutMs })) as LibSQLDrizzle,
        busyTimeoutMs,
        close: () => client.close(),
      };
    }
    // A `file:` database without native `libsql` (see `openEmbeddedDatabase`). Not `execute`: a
    // statement that fails busy on a client's connection breaks it (see `RetryingClient`);
    // `executeMultiple` leaves nothing behind.
    await retryWhileBusy(() => client.executeMultiple('PRAGMA journal_mode = WAL'), busyTimeoutMs);
    const file = watchedFile(path);
    const options = { busyTimeoutMs, beforeWrite: file.assertSameFile };
    return {
      db: drizzle(retryingClient(client, options)) as LibSQLDrizzle,
      busyTimeoutMs,
      file,
      close: () => client.close(),
    };
  } catch (error) {
    client.close();
    throw error;
  }
}

/**
 * drizzle over an embedded database already opened and migrated natively: writes go to its native
 * writer, other reads to a new `@libsql/client` client. `close` closes the writer and the client;
 * the caller closes the reader.
 */
export async function openOnEmbedded(
  database: DatabaseUrlOption,
  { busyTimeoutMs, file, writer }: EmbeddedDatabase,
): Promise<OpenedDatabase> {
  const client = clientFor(database);
  try {
    // The client's connection reads the file now, and it must be the file the native connections
    // opened: SQLite reads a schema at the first statement that needs it, and a file removed by
    // then fails that read with an I/O error instead of as the removed file it is.
    const firstRead = 'SELECT 1 FROM latchkey_migrations LIMIT 1';
    await retryWhileBusy(() => client.execute(firstRead), busyTimeoutMs);
    file.assertSameFile();
  } catch (error) {
    client.close();
    throw error;
  }
  const options = { busyTimeoutMs, writer, beforeWrite: file.assertSameFile };
  return {
    db: drizzle(retryingClient(client, options)) as LibSQLDrizzle,
    busyTimeoutMs,
    file,
    close: () => {
      writer.close();
      client.close();
    },
  };
}

function clientFor(database: DatabaseUrlOption): Client {
  return createClient({
    url: database.url,
    ...(database.authToken === undefined ? {} : { authToken: database.authToken }),
    // No busy handler: it would wait for a lock inside SQLite, blocking the process.
    timeout: 0,
  });
}

function isDrizzle(database: DatabaseOption): database is LibSQLDrizzle {
  return '$client' in database && typeof database.select === 'function';
}

function isClient(database: DatabaseOption): database is Client {
  return typeof (database as Client).execute === 'function' && !('$client' in database);
}
