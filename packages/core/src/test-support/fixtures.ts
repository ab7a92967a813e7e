import { afterEach, onTestFinished } from 'vitest';
import { type ApiKeysOptions, createApiKeys } from '../api-keys.js';
import { tempDatabase } from './temp-database.js';

export { countCalls } from './count-calls.js';

export const PERMISSIONS = ['invoices:read', 'invoices:write', 'reports:read'] as const;

/** A fresh libsql file for the running test, deleted when it finishes. */
export function testDatabase(name?: string): ReturnType<typeof tempDatabase> {
  const database = tempDatabase(name);
  onTestFinished(database.remove);
  return database;
}

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

export const base = { consumerId: 'team_1', ownerId: 'user_1' } as const;
