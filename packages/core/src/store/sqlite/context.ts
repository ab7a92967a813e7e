import type { NativeKeyReader } from '#native-reader';
import type { GroupCommit } from '../group-commit.js';
import type { VerifiableKeyRow } from '../key-store.js';
import type { LibSQLDrizzle } from './database-option.js';

/** A spend of `cost` uses of key `id` at `now`, waiting for its group commit. */
export interface Spend {
  id: string;
  cost: number;
  now: number;
}

/** What a spend left of the uses it spent from. */
export interface Spent {
  remaining: number | null;
  lastRefillAt: number | null;
}

/**
 * The opened database the store's queries run on (each query takes it first): made by `init`,
 * dropped by `close`.
 */
export interface SqliteContext {
  /** drizzle over the database's client, which waits for locks on timers (`RetryingClient`). */
  db: LibSQLDrizzle;
  /** How long, in all, a statement waits for another connection's lock. */
  busyTimeoutMs: number;
  /** The verification read on a `file:` database the store opened, when native `libsql` loads. */
  reader: NativeKeyReader | undefined;
  /** The verification read through drizzle, prepared once, when there is no `reader`. */
  findByHashQuery:
    | { get(values: { hash: string }): Promise<VerifiableKeyRow | undefined> }
    | undefined;
  /** Concurrent spends, committed together in one write transaction. */
  spends: GroupCommit<Spend, Spent | undefined>;
  /**
   * Throws when the database file is no longer the one opened (removed or replaced), where a key
   * that exists would read as absent; does nothing for other databases.
   */
  assertSameFile(): void;
  /** Closes what the store opened (never the host's own client). */
  close(): Promise<void>;
}
