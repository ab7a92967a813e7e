import type { VerifiableKeyRow } from '../key-store.js';
import { budgetColumn, KEY_WITH_BUDGET, PERMISSIONS_WITH_BUDGET } from './budget.js';

/** Looks a key up by hash, synchronously; `undefined` when there is no such key. */
export type NativeKeyReader = {
  findByHash(hash: string): VerifiableKeyRow | undefined;
  close(): void;
};

interface RawRow {
  id: string;
  consumer_id: string;
  owner_id: string;
  name: string;
  permissions: string;
  metadata: string;
  enabled: number;
  expires_at: number | null;
  revoked_at: number | null;
  rate_limits: string;
  remaining: number | null;
  budget_key_id: string | null;
}

/** The read connection's own page cache, in KiB (SQLite's `cache_size` when negative). */
const READ_CACHE_KIB = 32 * 1024;

/**
 * The verification read on an embedded `file:` database, through a statement prepared once on a
 * read-only connection of its own. `@libsql/client` prepares every statement anew and builds each
 * row property by property, which made this one indexed read ~85 µs instead of ~15 µs. WAL mode
 * (set when the store opens the file) lets this connection read alongside the client's writes.
 * `undefined` when the native `libsql` module cannot be loaded: the store then reads through the
 * client as for any other database.
 */
export async function openNativeKeyReader(path: string): Promise<NativeKeyReader | undefined> {
  let Database: typeof import('libsql');
  try {
    Database = (await import('libsql')).default;
  } catch {
    return undefined;
  }
  // No busy timeout: SQLite would wait for a lock inside the call, blocking the process. A read in
  // WAL mode does not wait for writers; in the rare case that it finds the database locked
  // (a WAL being recovered), the caller tries again on timers.
  const db = new Database(path, { readonly: true, timeout: 0 });
  let statement: ReturnType<typeof db.prepare>;
  try {
    // No memory map: a file truncated or replaced under a mapping makes the next read fault
    // (SIGBUS) and kills the process, where a read() call fails with an error that the caller
    // answers as STORAGE_UNAVAILABLE. Said explicitly, so that a build mapping by default cannot.
    db.pragma('mmap_size = 0');
    // Without the map each page outside SQLite's page cache is a read() call: a lookup in a table
    // of 1M keys took ~4 µs longer with the default 2 MB cache, and as long as with the map with
    // this one. It grows only as pages are read, and is dropped when another connection writes.
    db.pragma(`cache_size = -${READ_CACHE_KIB}`);
    statement = db.prepare(
      `select k.id, k.consumer_id, k.owner_id, k.name,
         ${PERMISSIONS_WITH_BUDGET} as permissions, ${budgetColumn('metadata')} as metadata,
         k.enabled, k.expires_at, k.revoked_at, ${budgetColumn('rate_limits')} as rate_limits,
         ${budgetColumn('remaining')} as remaining,
         k.budget_key_id
       from ${KEY_WITH_BUDGET} where k.hash = ? limit 1`,
    );
  } catch (error) {
    db.close(); // a table not as migrated, say: the caller is told, and opens anew next time
    throw error;
  }
  return {
    findByHash(hash) {
      const row = statement.get(hash) as RawRow | undefined;
      if (row === undefined) return undefined;
      return {
        id: row.id,
        consumerId: row.consumer_id,
        ownerId: row.owner_id,
        name: row.name,
        permissions: JSON.parse(row.permissions),
        metadata: JSON.parse(row.metadata),
        enabled: row.enabled === 1,
        expiresAt: row.expires_at,
        revokedAt: row.revoked_at,
        rateLimits: JSON.parse(row.rate_limits),
        remaining: row.remaining,
        budgetKeyId: row.budget_key_id,
      };
    },
    close() {
      db.close();
    },
  };
}
