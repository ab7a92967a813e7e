import type { KeyStore } from '../key-store.js';
import { assertDatabaseOption, type DatabaseOption } from './database-option.js';

export type { DatabaseOption };

/**
 * The `KeyStore` on libsql (see `./embedded-store.ts`), loaded on `init`: its drivers cost a
 * serverless function or a fresh instance hundreds of milliseconds to import, which an app that
 * has not yet touched storage should not pay. A bad `database` option still throws at once.
 */
export function createSqliteStore(database: DatabaseOption): KeyStore {
  if ('url' in database) assertDatabaseOption(database);
  let loading: Promise<KeyStore> | undefined;
  let store: KeyStore | undefined;

  function loaded(): KeyStore {
    if (store === undefined) throw new Error('Latchkey storage used before init()');
    return store;
  }

  return {
    async init() {
      loading ??= import('./embedded-store.js').then((module) =>
        module.createEmbeddedStore(database),
      );
      store = await loading;
      await store.init();
    },
    findByHash: async (hash) => loaded().findByHash(hash),
    findById: async (id) => loaded().findById(id),
    listKeys: async (consumerId, limit, after) => loaded().listKeys(consumerId, limit, after),
    insertKey: async (row, event, limit) => loaded().insertKey(row, event, limit),
    updateKey: async (id, filter, changes, event) => loaded().updateKey(id, filter, changes, event),
    replaceKey: async (oldId, filter, changes, newRow, events, expiresBy) =>
      loaded().replaceKey(oldId, filter, changes, newRow, events, expiresBy),
    findUnrevoked: async (filter) => loaded().findUnrevoked(filter),
    revokeKeys: async (keys, revokedAt, reason, eventFor) =>
      loaded().revokeKeys(keys, revokedAt, reason, eventFor),
    purgeKeys: async (before) => loaded().purgeKeys(before),
    spendUsage: async (id, cost, now) => loaded().spendUsage(id, cost, now),
    refundUsage: async (id, cost, lastRefillAt) => loaded().refundUsage(id, cost, lastRefillAt),
    recordUsage: async (batch) => loaded().recordUsage(batch),
    readUsage: async (keyId, fromDay) => loaded().readUsage(keyId, fromDay),
    listAuditEvents: async (filter, limit, after) => loaded().listAuditEvents(filter, limit, after),
    close: async () => store?.close(),
  };
}

/** `createSqliteStore` by its earlier name, which stays public. */
export const createDrizzleStore: (database: DatabaseOption) => KeyStore = createSqliteStore;
