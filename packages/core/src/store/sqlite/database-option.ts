import type { Client } from '@libsql/client';
import type { LibSQLDatabase } from 'drizzle-orm/libsql';

// biome-ignore lint/suspicious/noExplicitAny: any schema the host's drizzle database was made with
export type LibSQLDrizzle = LibSQLDatabase<any> & { $client: Client };

/** Where the keys live: a libsql URL (an embedded `file:` database by default) or the host's own. */
export type DatabaseOption =
  | {
      /** `file:.data/latchkey.db` (folder and file are created), `:memory:`, or a remote libsql URL. */
      url: string;
      authToken?: string;
      /**
       * How long a statement waits, in all, for another connection's lock on a `file:` database
       * before it fails as `STORAGE_UNAVAILABLE`. It waits on timers, never blocking the process.
       * Default 5000 ms.
       */
      busyTimeoutMs?: number;
      /**
       * Whether a `file:` database that does not exist is created (and migrated). With `false`, a
       * missing file is `STORAGE_UNAVAILABLE` naming its path, not an empty database in which
       * every key is unknown. Default `true`.
       */
      create?: boolean;
    }
  | LibSQLDrizzle
  | Client;

/** The `url` shape of `DatabaseOption`. */
export type DatabaseUrlOption = Extract<DatabaseOption, { url: string }>;

// A timer beyond ~24.8 days overflows to 1 ms.
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Refuses a `database` option that could only fail later, and obscurely, inside libsql: a URL
 * without a scheme (libsql's `URL_INVALID` says nothing of `file:`), a bad `busyTimeoutMs` or
 * `create`.
 */
export function assertDatabaseOption(database: DatabaseUrlOption): void {
  const { url, busyTimeoutMs, create } = database;
  if (typeof url !== 'string' || (url !== ':memory:' && !SCHEME.test(url))) {
    throw new TypeError(
      `Latchkey: \`database.url\` ${JSON.stringify(url)} is not a URL. ${suggestionFor(url)}`,
    );
  }
  if (
    busyTimeoutMs !== undefined &&
    !(Number.isInteger(busyTimeoutMs) && busyTimeoutMs >= 0 && busyTimeoutMs <= MAX_TIMER_MS)
  ) {
    throw new TypeError(
      `Latchkey: invalid \`database.busyTimeoutMs\` option: a whole number of milliseconds from 0 to ${MAX_TIMER_MS}.`,
    );
  }
  if (create !== undefined && typeof create !== 'boolean') {
    throw new TypeError('Latchkey: invalid `database.create` option: `true` or `false`.');
  }
}

/** `scheme:` at the start, as in `file:`, `libsql:`, `https:`; not a Windows drive (`C:\`). */
const SCHEME = /^[a-z][a-z\d+.-]+:/i;
const WINDOWS_DRIVE = /^[a-z]:[\\/]/i;

function suggestionFor(url: unknown): string {
  const others = 'or a libsql URL (`libsql://…`, `https://…`), or `:memory:`.';
  if (typeof url !== 'string' || url === '') return `Give \`file:path/to/latchkey.db\`, ${others}`;
  const file = WINDOWS_DRIVE.test(url) ? `file:///${url.replaceAll('\\', '/')}` : `file:${url}`;
  return `For a database file write \`${file}\`, ${others}`;
}
