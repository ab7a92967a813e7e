import type { Client, InArgs, InStatement, ResultSet } from '@libsql/client';
import { retryWhileBusy } from './busy.js';
import type { NativeWriter } from './native-writer.node.js';

export interface RetryingClientOptions {
  /** How long a statement waits, in all, for another connection's lock. */
  busyTimeoutMs: number;
  /** The store's own write connection to a `file:` database, when it has one. */
  writer?: NativeWriter | undefined;
  /** Runs before every write; throws to refuse it (the database file is not the one opened). */
  beforeWrite?: (() => void) | undefined;
}

/**
 * The libsql client as Latchkey's store uses it (drizzle runs on it): a statement that finds the
 * database locked is tried again asynchronously (`retryWhileBusy`) instead of failing at once or
 * blocking the process, and every write is a write transaction (`BEGIN IMMEDIATE`) that takes the
 * lock before it reads, so that it cannot fail half-way on a stale snapshot.
 *
 * Writes go to `writer` when there is one. Otherwise (the host's own client) each write first
 * takes and drops the lock with `executeMultiple`, which leaves nothing behind when it fails busy,
 * and only then runs the batch: `@libsql/client` 0.18 leaves a `BEGIN IMMEDIATE` that failed busy
 * un-reset, which breaks that connection of the host's pool (failing commits, stale reads) until
 * garbage collection. Only a lock taken in the moment between the two can still do that.
 *
 * @internal
 */
export class RetryingClient {
  readonly #client: Client;
  readonly #options: RetryingClientOptions;

  constructor(client: Client, options: RetryingClientOptions) {
    this.#client = client;
    this.#options = options;
  }

  get protocol(): string {
    return this.#client.protocol;
  }

  get closed(): boolean {
    return this.#client.closed;
  }

  async execute(statementOrSql: InStatement, args?: InArgs): Promise<ResultSet> {
    const statement: InStatement =
      typeof statementOrSql === 'string'
        ? { sql: statementOrSql, args: args ?? [] }
        : statementOrSql;
    const sql = typeof statement === 'string' ? statement : statement.sql;
    if (!READ.test(sql)) return (await this.batch([statement]))[0] as ResultSet;
    return retryWhileBusy(() => this.#client.execute(statement), this.#options.busyTimeoutMs);
  }

  /** Always a write transaction, whatever mode is asked for: Latchkey batches only to write. */
  async batch(statements: InStatement[], _mode?: string): Promise<ResultSet[]> {
    const { writer, beforeWrite, busyTimeoutMs } = this.#options;
    beforeWrite?.();
    if (writer !== undefined) {
      return retryWhileBusy(() => writer.transaction(statements), busyTimeoutMs);
    }
    return retryWhileBusy(async () => {
      if (this.#client.protocol === 'file') {
        await this.#client.executeMultiple('BEGIN IMMEDIATE; ROLLBACK');
      }
      return this.#client.batch(statements, 'write');
    }, busyTimeoutMs);
  }

  /** The client itself is the store's to close, not drizzle's. */
  close(): void {}
}

/** A statement that only reads: everything else goes through `batch`, as a write. */
const READ = /^\s*select\b/i;

/** `client` wrapped for drizzle, typed as the client drizzle expects. */
export function retryingClient(client: Client, options: RetryingClientOptions): Client {
  return new RetryingClient(client, options) as unknown as Client;
}
