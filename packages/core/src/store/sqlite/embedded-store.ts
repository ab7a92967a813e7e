import { releaseClosedConnections } from '#file-database';
import type { KeyStore } from '../key-store.js';
import type { DatabaseOption } from './database-option.js';
import { type EmbeddedDatabase, openEmbeddedDatabase } from './embedded-database.js';
import { findByHashNatively } from './native-find-by-hash.js';

/**
 * The `KeyStore` on libsql, with drizzle-orm and `@libsql/client` loaded only when a query needs
 * them. A `file:` database that the store opens itself is opened and migrated on native `libsql`
 * alone (`openEmbeddedDatabase`), and the verification read needs nothing more: a cold start that
 * only verifies keys never pays the ~100 ms that loading drizzle and the client costs. Any other
 * query, and any other database, runs on the drizzle store of `./store.ts`, loaded once.
 */
export function createEmbeddedStore(database: DatabaseOption): KeyStore {
  let opening: Promise<void> | undefined;
  let opened = false;
  let embedded: EmbeddedDatabase | undefined;
  let loading: Promise<KeyStore> | undefined;

  async function open(): Promise<void> {
    embedded = 'url' in database ? await openEmbeddedDatabase(database) : undefined;
    if (embedded === undefined) await drizzleStore();
    opened = true;
  }

  /** The drizzle store, loaded and opened once; concurrent first calls share the load. */
  function drizzleStore(): Promise<KeyStore> {
    loading ??= loadDrizzleStore(database, embedded).catch((error) => {
      loading = undefined; // the next call tries again
      throw error;
    });
    return loading;
  }

  function store(): Promise<KeyStore> {
    if (!opened) throw new Error('Latchkey storage used before init()');
    return drizzleStore();
  }

  /** Closes the native connections if the drizzle store never took them; whether it did so. */
  function closeEmbedded(): boolean {
    // In a function of its own: no variable that outlives it holds the connections (or their
    // statements) while `releaseClosedConnections` collects them.
    const closing = embedded;
    embedded = undefined;
    if (closing === undefined) return false;
    closing.reader.close();
    closing.writer.close();
    return true;
  }

  return {
    async init() {
      opening ??= open().catch((error) => {
        opening = undefined; // the next call opens anew
        throw error;
      });
      await opening;
    },
    async findByHash(hash) {
      if (embedded === undefined) return (await store()).findByHash(hash);
      const { reader, busyTimeoutMs, file } = embedded;
      return findByHashNatively(reader, hash, busyTimeoutMs, file.assertSameFile);
    },
    findById: async (id) => (await store()).findById(id),
    listKeys: async (consumerId, limit, after) =>
      (await store()).listKeys(consumerId, limit, after),
    insertKey: async (row, event, limit) => (await store()).insertKey(row, event, limit),
    updateKey: async (id, filter, changes, event) =>
      (await store()).updateKey(id, filter, changes, event),
    replaceKey: async (oldId, filter, changes, newRow, events, expiresBy) =>
      (await store()).replaceKey(oldId, filter, changes, newRow, events, expiresBy),
    findUnrevoked: async (filter) => (await store()).findUnrevoked(filter),
    revokeKeys: async (keys, revokedAt, reason, eventFor) =>
      (await store()).revokeKeys(keys, revokedAt, reason, eventFor),
    purgeKeys: async (before) => (await store()).purgeKeys(before),
    spendUsage: async (id, cost, now) => (await store()).spendUsage(id, cost, now),
    refundUsage: async (id, cost, lastRefillAt) =>
      (await store()).refundUsage(id, cost, lastRefillAt),
    recordUsage: async (batch) => (await store()).recordUsage(batch),
    readUsage: async (keyId, fromDay) => (await store()).readUsage(keyId, fromDay),
    listAuditEvents: async (filter, limit, after) =>
      (await store()).listAuditEvents(filter, limit, after),
    async close() {
      await opening?.catch(() => {}); // an open under way finishes first, and is closed
      const loaded = await loading?.catch(() => undefined);
      opening = undefined;
      opened = false;
      loading = undefined;
      if (loaded !== undefined) {
        embedded = undefined; // the drizzle store took the native connections, and closes them
        await loaded.close();
      } else if (closeEmbedded()) {
        await releaseClosedConnections();
      }
    },
  };
}

async function loadDrizzleStore(
  database: DatabaseOption,
  embedded: EmbeddedDatabase | undefined,
): Promise<KeyStore> {
  const { createSqliteStore } = await import('./store.js');
  const store = createSqliteStore(database, embedded);
  await store.init();
  return store;
}
