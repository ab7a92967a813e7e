import type { InStatement, ResultSet } from '@libsql/client';
import { fileIdentity, prepareFileDatabase } from '#file-database';
import { type NativeKeyReader, openNativeKeyReader } from '#native-reader';
import { type NativeWriter, openNativeWriter } from '#native-writer';
import { DEFAULT_BUSY_TIMEOUT_MS, retryWhileBusy } from './busy.js';
import type { DatabaseUrlOption } from './database-option.js';
import { migrate } from './migrate.js';

/** The file of a `file:` database that the store opened itself. */
export interface WatchedFile {
  path: string;
  /**
   * Throws when the file at `path` is no longer the one opened: removed (a volume unmounted)
   * or replaced (by a new, empty database, say), where a key that exists would read as unknown.
   */
  assertSameFile(): void;
}

/**
 * An embedded `file:` database opened and migrated on native `libsql` alone: its write
 * connection, and the verification read on a connection of its own. drizzle-orm and
 * `@libsql/client` load later, for the first query other than the verification read.
 */
export interface EmbeddedDatabase {
  busyTimeoutMs: number;
  file: WatchedFile;
  writer: NativeWriter;
  reader: NativeKeyReader;
}

/**
 * Opens (creating it unless told not to), sets to WAL and migrates the `file:` database that
 * `database` names, through native `libsql`. `undefined` for any other database, or when the
 * native module cannot be loaded: the store then opens it through `@libsql/client`.
 */
export async function openEmbeddedDatabase(
  database: DatabaseUrlOption,
): Promise<EmbeddedDatabase | undefined> {
  const busyTimeoutMs = database.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS;
  const path = await prepareFileDatabase(database.url, database.create ?? true);
  if (path === undefined) return undefined;
  const writer = await openNativeWriter(path);
  if (writer === undefined) return undefined;
  try {
    await useWal(writer, busyTimeoutMs);
    const file = watchedFile(path);
    await migrate(migrationClient(writer, busyTimeoutMs, file.assertSameFile));
    // The native read needs the migrated table, so it is prepared here, after `migrate` (a reader
    // that fails to prepare closes itself).
    const reader = await openNativeKeyReader(path);
    if (reader === undefined) throw new Error('the native libsql module loaded for writes only');
    return { busyTimeoutMs, file, writer, reader };
  } catch (error) {
    // The next call retries `init` and opens anew: what this one opened must not outlive it.
    writer.close();
    throw error;
  }
}

/** WAL mode, so that readers and the writer do not wait for each other. */
export async function useWal(writer: NativeWriter, busyTimeoutMs: number): Promise<void> {
  await retryWhileBusy(() => writer.exec('PRAGMA journal_mode = WAL'), busyTimeoutMs);
}

/** `migrate`'s client on the native writer: every statement a write transaction of its own. */
function migrationClient(writer: NativeWriter, busyTimeoutMs: number, beforeWrite: () => void) {
  // Waits for another process's lock on timers; `transaction` does nothing when it fails busy,
  // so a migration and its bookkeeping row are written together or not at all.
  const transaction = (statements: readonly InStatement[]) => {
    beforeWrite();
    return retryWhileBusy(() => writer.transaction(statements), busyTimeoutMs);
  };
  return {
    execute: async (statement: InStatement) => (await transaction([statement]))[0] as ResultSet,
    batch: (statements: InStatement[]) => transaction(statements),
  };
}

/** The file at `path` as opened now, to notice later that it was removed or replaced. */
export function watchedFile(path: string): WatchedFile {
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
