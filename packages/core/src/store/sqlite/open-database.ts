import { type Client, createClient } from '@libsql/client';
import { drizzle } from 'drizzle-orm/libsql';
import { fileIdentity, prepareFileDatabase } from '#file-database';
import { type NativeWriter, openNativeWriter } from '#native-writer';
import { DEFAULT_BUSY_TIMEOUT_MS, retryWhileBusy } from './busy.js';
import type { DatabaseOption, DatabaseUrlOption, LibSQLDrizzle } from './database-option.js';
import { retryingClient } from './retrying-client.js';

/** A database as the store runs on it. */
export interface OpenedDatabase {
  /** drizzle over the database's client, which waits for locks without blocking (`RetryingClient`). */
  db: LibSQLDrizzle;
  busyTimeoutMs: number;
  /** A `file:` database that the store opened itself: only then may it read the file natively. */
  file?: {
    path: string;
    /**
     * Throws when the file at `path` is no longer the one opened: removed (a volume unmounted)
     * or replaced (by a new, empty database, say), where a key that exists would read as unknown.
     */
    assertSameFile(): void;
  };
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
  let writer: NativeWriter | undefined;
  let client: Client | undefined;
  const close = () => {
    writer?.close();
    client?.close();
  };
  try {
    if (path !== undefined) writer = await openNativeWriter(path);
    client = createClient({
      url: database.url,
      ...(database.authToken === undefined ? {} : { authToken: database.authToken }),
      // No busy handler: it would wait for a lock inside SQLite, blocking the process.
      timeout: 0,
    });
    if (path === undefined) {
      return {
        db: drizzle(retryingClient(client, { busyTimeoutMs })) as LibSQLDrizzle,
        busyTimeoutMs,
        close,
      };
    }
    await useWal(writer, client, busyTimeoutMs);
    const file = watchedFile(path);
    const options = { busyTimeoutMs, writer, beforeWrite: file.assertSameFile };
    return {
      db: drizzle(retryingClient(client, options)) as LibSQLDrizzle,
      busyTimeoutMs,
      file,
      close,
    };
  } catch (error) {
    close();
    throw error;
  }
}

/** WAL mode, so that readers and the writer do not wait for each other. */
async function useWal(
  writer: NativeWriter | undefined,
  client: Client,
  busyTimeoutMs: number,
): Promise<void> {
  // Not `execute`: a statement that fails busy on a client's connection breaks it (see
  // `RetryingClient`); `exec` and `executeMultiple` leave nothing behind.
  const set = 'PRAGMA journal_mode = WAL';
  await retryWhileBusy(
    () => (writer === undefined ? client.executeMultiple(set) : writer.exec(set)),
    busyTimeoutMs,
  );
}

function watchedFile(path: string): NonNullable<OpenedDatabase['file']> {
  const opened = fileIdentity(path);
  return {
    path,
    assertSameFile() {
      if (fileIdentity(path) === opened) return;
      throw new Error(
        `the database file ${path} was removed or replaced after Latchkey opened it (a volume unmounted, the file deleted or swapped?): refusing to answer from a database that may not hold the keys. Put the file back, or restart once the right file is in place.`,
      );
    },
  };
}

function isDrizzle(database: DatabaseOption): database is LibSQLDrizzle {
  return '$client' in database && typeof database.select === 'function';
}

function isClient(database: DatabaseOption): database is Client {
  return typeof (database as Client).execute === 'function' && !('$client' in database);
}
