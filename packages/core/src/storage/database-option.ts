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
