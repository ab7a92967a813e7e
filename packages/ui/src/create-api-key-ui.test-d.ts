import { type ApiKey, createApiKeys, type UsageDay } from '@latchkey/core';
import { createApiKeyPlugin } from '@latchkey/trpc-plugin';
import { createTRPCReact } from '@trpc/react-query';
import { initTRPC } from '@trpc/server';
import { expectTypeOf, test } from 'vitest';
import { createApiKeyUI } from './create-api-key-ui.js';
import type { AppRouter } from './test-support/server.js';

type Permission = 'invoices:read' | 'invoices:write' | 'reports:read';
const trpc = createTRPCReact<AppRouter>();

test("the permissions are exactly the host router's, everywhere", () => {
  const { useApiKeyManager } = createApiKeyUI(trpc.apiKeys);
  const manager = useApiKeyManager();
  expectTypeOf(manager.permissions).toEqualTypeOf<Permission[]>();
  expectTypeOf(manager.apiKeys).toEqualTypeOf<ApiKey<Permission>[]>();
  void manager.createApiKey({ name: 'a', permissions: ['invoices:read'] });
  // @ts-expect-error not a permission the app declared
  void manager.createApiKey({ name: 'a', permissions: ['invoices:delete'] });
  // @ts-expect-error not a permission the app declared
  void manager.updateApiKey({ id: 'key_1', permissions: ['admin'] });
  expectTypeOf(manager.rollApiKey).parameter(0).toEqualTypeOf<{
    id: string;
    gracePeriodMs?: number;
  }>();
});

test("a key's usage is typed from the router", () => {
  const { useApiKeyUsage } = createApiKeyUI(trpc.apiKeys);
  expectTypeOf(useApiKeyUsage('key_1', { days: 14 }).days).toEqualTypeOf<UsageDay[]>();
  // @ts-expect-error the key's id is required
  useApiKeyUsage();
});

test('a router of another shape is refused', () => {
  // @ts-expect-error the whole client is not the key router
  createApiKeyUI(trpc);
  // @ts-expect-error a router without `roll`
  createApiKeyUI({ ...trpc.apiKeys, roll: undefined });
  // @ts-expect-error a router from before `usage`
  createApiKeyUI({ ...trpc.apiKeys, usage: undefined });
});

test('a host with a transformer and its own error formatter fits too', () => {
  const t = initTRPC.create({
    transformer: { serialize: (value: unknown) => value, deserialize: (value: unknown) => value },
    errorFormatter: ({ shape }) => ({ ...shape, data: { ...shape.data, requestId: 'r_1' } }),
  });
  const apiKeys = createApiKeys({ database: { url: ':memory:' }, permissions: ['a', 'b'] });
  const { apiKeyRouter } = createApiKeyPlugin({
    apiKeys,
    userProcedure: t.procedure,
    machineProcedure: t.procedure,
    consumer: () => ({ consumerId: 'team_1', ownerId: 'user_1' }),
    headers: () => null,
  });
  const router = t.router({ keys: apiKeyRouter });
  const client = createTRPCReact<typeof router>();
  const { useApiKeyManager } = createApiKeyUI(client.keys);
  expectTypeOf(useApiKeyManager().permissions).toEqualTypeOf<('a' | 'b')[]>();
});
