import { afterThisTest, manualClock, PERMISSIONS, tempDatabase } from '@latchkey/test-support';
import { onTestFinished } from 'vitest';
import { createApiKeys } from '../api-keys.js';
import type { ApiKeysOptions } from '../api-keys-types.js';

export { countCalls } from './count-calls.js';

/** A fresh libsql file for the running test, deleted when it finishes. */
export function testDatabase(name?: string): ReturnType<typeof tempDatabase> {
  const database = tempDatabase(name);
  onTestFinished(database.remove);
  return database;
}

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
  afterThisTest(database.remove);
  afterThisTest(() => apiKeys.close());
  return { apiKeys, clock, database };
}

export const base = { consumerId: 'team_1', ownerId: 'user_1' } as const;
