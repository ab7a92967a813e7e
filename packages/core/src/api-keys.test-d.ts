import { expectTypeOf, test } from 'vitest';
import { createApiKeys } from './api-keys.js';
import type { ApiKeys } from './api-keys-types.js';
import type { ApiKey, VerifyResult } from './types.js';

const database = { url: ':memory:' };

test('permissions are the union of the declared strings, everywhere', () => {
  const apiKeys = createApiKeys({ database, permissions: ['invoices:read', 'invoices:write'] });
  type Permission = 'invoices:read' | 'invoices:write';
  expectTypeOf(apiKeys).toEqualTypeOf<ApiKeys<Permission>>();
  expectTypeOf(apiKeys.permissions).toEqualTypeOf<readonly Permission[]>();

  const who = { name: 'a', consumerId: 'c', ownerId: 'o' };
  void apiKeys.create({ ...who, permissions: ['invoices:read'] });
  // @ts-expect-error not a declared permission
  void apiKeys.create({ ...who, permissions: ['invoices:delete'] });
  // @ts-expect-error not a declared permission
  void apiKeys.update('key_x', { permissions: ['admin'] });
  // @ts-expect-error not a declared permission
  void apiKeys.verify('k', { permissions: ['invoices:read', 'typo'] });

  expectTypeOf(apiKeys.get).returns.resolves.toEqualTypeOf<ApiKey<Permission> | null>();
  expectTypeOf(apiKeys.verify).returns.resolves.toEqualTypeOf<VerifyResult<Permission>>();
});

test('the verify result narrows on `valid`', async () => {
  const apiKeys = createApiKeys({ database, permissions: ['a'] });
  const result = await apiKeys.verify('k');
  if (result.valid) {
    expectTypeOf(result.consumerId).toEqualTypeOf<string>();
    expectTypeOf(result.permissions).toEqualTypeOf<readonly 'a'[]>();
  } else {
    expectTypeOf(result.code).toEqualTypeOf<
      | 'MALFORMED'
      | 'NOT_FOUND'
      | 'REVOKED'
      | 'EXPIRED'
      | 'DISABLED'
      | 'INSUFFICIENT_PERMISSIONS'
      | 'RATE_LIMITED'
      | 'USAGE_EXCEEDED'
    >();
    // @ts-expect-error a rejected key has no consumer
    void result.consumerId;
  }
});

test('with no permissions declared, none can be given', () => {
  const apiKeys = createApiKeys({ database });
  void apiKeys.create({ name: 'a', consumerId: 'c', ownerId: 'o', permissions: [] });
  // @ts-expect-error nothing was declared
  void apiKeys.create({ name: 'a', consumerId: 'c', ownerId: 'o', permissions: ['anything'] });
});
