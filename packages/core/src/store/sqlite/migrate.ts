import type { Client } from '@libsql/client';
import { MIGRATIONS } from './migrations.generated.js';

export interface Migration {
  /** drizzle-kit's name for it, e.g. `0000_init`; applied in order, once. */
  tag: string;
  statements: string[];
}

const MIGRATIONS_TABLE = 'latchkey_migrations';

/**
 * Applies core's migrations that the database lacks. Safe to run from several processes at once:
 * each migration is applied in one write batch with its bookkeeping row, and a process that loses the
 * race sees the migration as applied and moves on.
 */
export async function migrate(
  client: Pick<Client, 'execute' | 'batch'>,
  migrations: readonly Migration[] = MIGRATIONS,
): Promise<void> {
  await client.execute(
    `CREATE TABLE IF NOT EXISTS ${MIGRATIONS_TABLE} (tag text PRIMARY KEY NOT NULL, applied_at integer NOT NULL)`,
  );
  for (const migration of migrations) {
    if (await isApplied(client, migration.tag)) continue;
    try {
      await client.batch(
        [
          ...migration.statements,
          {
            sql: `INSERT INTO ${MIGRATIONS_TABLE} (tag, applied_at) VALUES (?, ?)`,
            args: [migration.tag, Date.now()],
          },
        ],
        'write',
      );
    } catch (error) {
      // Another process applied it between our check and our batch, which then failed as a whole.
      if (await isApplied(client, migration.tag)) continue;
      throw /already exists/.test(String(error)) ? createdElsewhere(migration.tag, error) : error;
    }
  }
}

async function isApplied(client: Pick<Client, 'execute'>, tag: string): Promise<boolean> {
  const result = await client.execute({
    sql: `SELECT 1 FROM ${MIGRATIONS_TABLE} WHERE tag = ?`,
    args: [tag],
  });
  return result.rows.length > 0;
}

/** The tables are there but not by these migrations: most likely drizzle-kit made them. */
function createdElsewhere(tag: string, cause: unknown): Error {
  return new Error(
    `Latchkey's migration ${tag} finds its tables already there, created by something else (drizzle-kit, from \`@latchkey/core/schema\` in your schema files?). Latchkey creates and migrates its own tables: keep them out of your drizzle-kit migrations, and drop the ones it created.`,
    { cause },
  );
}
