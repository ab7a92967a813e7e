import { afterEach } from 'vitest';
import { type ApiKeysOptions, createApiKeys } from '../api-keys.js';
import type { KeyStore } from '../storage/store.js';
import { tempDatabase } from './temp-database.js';

export const PERMISSIONS = ['invoices:read', 'invoices:write', 'reports:read'] as const;

/** A clock the test moves by hand. */
export function manualClock(start = Date.UTC(2026, 0, 1)) {
  let now = start;
  return {
    now: () => now,
    advance: (ms: number) => {
      now += ms;
    },
  };
}

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** `createApiKeys` on a fresh temp-file database, closed and deleted after the test. */
export function setup(options: Omit<ApiKeysOptions<typeof PERMISSIONS>, 'permissions'> = {}) {
  const database = tempDatabase();
  const clock = manualClock();
  const apiKeys = createApiKeys({
    ...(options.storage === undefined && options.database === undefined
      ? { database: { url: database.url } }
      : {}),
    prefix: 'acme',
    permissions: PERMISSIONS,
    clock: clock.now,
    ...options,
  });
  cleanups.push(database.remove, () => apiKeys.close());
  return { apiKeys, clock, database };
}

/** Wraps a store and counts calls per method, to prove what the hot path touches. */
export function countCalls(store: KeyStore): { store: KeyStore; calls: Map<string, number> } {
  const calls = new Map<string, number>();
  const counted = new Proxy(store, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (typeof value !== 'function' || typeof property !== 'string') return value;
      return (...args: unknown[]) => {
        calls.set(property, (calls.get(property) ?? 0) + 1);
        return value.apply(target, args);
      };
    },
  });
  return { store: counted, calls };
}

export const base = { consumerId: 'team_1', ownerId: 'user_1' } as const;
