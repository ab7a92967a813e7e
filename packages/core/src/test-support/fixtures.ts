import {
  afterThisTest,
  manualClock,
  PERMISSIONS,
  type Permission,
  tempDatabase,
} from '@latchkey/test-support';
import { onTestFinished } from 'vitest';
import { createApiKeys } from '../api-keys.js';
import type { ApiKeysOptions, CreateApiKeyInput } from '../api-keys-types.js';

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

/**
 * `setup()` and one key of `base`'s consumer: `invoices:read` and `{ plan: 'pro' }` metadata
 * unless `input` says otherwise. `auth` is what the key's auth object holds.
 */
export async function setupWithKey(input: Partial<CreateApiKeyInput<Permission>> = {}) {
  const { apiKeys, clock } = setup();
  const made = {
    ...base,
    name: 'reader',
    permissions: ['invoices:read'] as Permission[],
    metadata: { plan: 'pro' },
    ...input,
  };
  const { key, apiKey } = await apiKeys.create(made);
  const { consumerId, ownerId, permissions, metadata } = made;
  const auth = { consumerId, keyId: apiKey.id, ownerId, permissions, metadata };
  return { apiKeys, clock, key, apiKey, auth };
}
