// @vitest-environment jsdom
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { act, cleanup, renderHook, screen, waitFor } from '@testing-library/react';
import { httpBatchLink } from '@trpc/client';
import { createTRPCReact } from '@trpc/react-query';
import { createContext, type ReactNode } from 'react';
import { afterEach, expect, test } from 'vitest';
import { createApiKeyUI } from './create-api-key-ui.js';
import { errorMessage } from './error-message.js';
import { renderHookWithClient, trpc, useApiKeyManager } from './test-support/render.js';
import { type AppRouter, startTestServer } from './test-support/server.js';
import { useApiKeyManagerFor } from './use-api-key-manager.js';

afterEach(cleanup);

/** Another view of the same keys, mounted beside the hook under test. */
function OtherView() {
  const { apiKeys, revealedKey } = useApiKeyManager();
  return (
    <p data-testid="other-view">
      {apiKeys.map((apiKey) => `${apiKey.name}:${apiKey.status}`).join(' ')}
      {revealedKey === null ? '' : ' (secret)'}
    </p>
  );
}

const otherView = () => screen.getByTestId('other-view').textContent;

test('every mutation refreshes every mounted view; the secret stays with its caller', async () => {
  const server = await startTestServer();
  const { result } = renderHookWithClient(() => useApiKeyManager(), server.url, <OtherView />);
  await waitFor(() => expect(result.current.isLoading).toBe(false));
  expect(result.current.permissions).toEqual(['invoices:read', 'invoices:write', 'reports:read']);
  expect(result.current.prefix).toBe('acme');

  const created = await act(() => result.current.createApiKey({ name: 'A' }));
  expect(result.current.revealedKey).toEqual({ key: created.key, apiKey: created.apiKey });
  await waitFor(() => expect(otherView()).toBe('A:active'));

  await act(() => result.current.updateApiKey({ id: created.apiKey.id, enabled: false }));
  await waitFor(() => expect(otherView()).toBe('A:disabled'));

  const b = await server.apiKeys.create({ name: 'B', consumerId: 'team_1', ownerId: 'user_1' });
  const rolled = await act(() => result.current.rollApiKey({ id: b.apiKey.id }));
  expect(result.current.revealedKey?.key).toBe(rolled.key);
  expect(result.current.revealedKey?.previous?.id).toBe(b.apiKey.id);
  await waitFor(() => expect(otherView()).toBe('B:active B:expired A:disabled'));

  await act(() => result.current.revokeApiKey({ id: created.apiKey.id }));
  await waitFor(() => expect(otherView()).toBe('B:active B:expired A:revoked'));

  act(() => result.current.dismissRevealedKey());
  expect(result.current.revealedKey).toBeNull();
});

/**
 * The host's `trpc.apiKeys` as it behaves on an early TanStack Query 5.x, whose `onSuccess` gets
 * three arguments: not the fourth, with the query client, that late 5.x releases add.
 */
const onOlderTanStackQuery = new Proxy(trpc.apiKeys, {
  get(target, name, receiver) {
    if (name !== 'create' && name !== 'roll') return Reflect.get(target, name, receiver);
    const procedure = target[name];
    return {
      useMutation: (options: { onSuccess: (...args: unknown[]) => unknown }) =>
        procedure.useMutation({
          ...options,
          onSuccess: (data, variables, onMutateResult) =>
            options.onSuccess(data, variables, onMutateResult),
        } as typeof options),
    };
  },
});

test('create and roll reveal the secret and refresh every view on an early TanStack Query 5.x', async () => {
  const server = await startTestServer();
  const { result } = renderHookWithClient(
    () => useApiKeyManagerFor(onOlderTanStackQuery),
    server.url,
    <OtherView />,
  );
  await waitFor(() => expect(result.current.isLoading).toBe(false));

  const created = await act(() => result.current.createApiKey({ name: 'A' }));
  expect(result.current.revealedKey?.key).toBe(created.key);
  await waitFor(() => expect(otherView()).toBe('A:active'));

  const rolled = await act(() => result.current.rollApiKey({ id: created.apiKey.id }));
  expect(result.current.revealedKey?.key).toBe(rolled.key);
  await waitFor(() => expect(otherView()).toBe('A:active A:expired'));
});

test('a host that gives createTRPCReact its own context has its query client refreshed', async () => {
  const server = await startTestServer();
  const own = createTRPCReact<AppRouter>({ context: createContext(null) });
  const ui = createApiKeyUI(own.apiKeys);
  const queryClient = new QueryClient();
  const client = own.createClient({ links: [httpBatchLink({ url: server.url })] });
  const wrapper = ({ children }: { children: ReactNode }) => (
    <own.Provider client={client} queryClient={queryClient}>
      <QueryClientProvider client={queryClient}>{children}</QueryClientProvider>
    </own.Provider>
  );
  const { result } = renderHook(() => ui.useApiKeyManager(), { wrapper });
  await waitFor(() => expect(result.current.isLoading).toBe(false));

  await act(() => result.current.createApiKey({ name: 'A' }));
  expect(result.current.revealedKey).not.toBeNull();
  expect(result.current.apiKeys.map((apiKey) => apiKey.name)).toEqual(['A']);
});

test('revoking the key whose secret is shown drops the secret; revoking another keeps it', async () => {
  const server = await startTestServer();
  const other = await server.apiKeys.create({ name: 'B', consumerId: 'team_1', ownerId: 'user_1' });
  const { result } = renderHookWithClient(() => useApiKeyManager(), server.url);
  await waitFor(() => expect(result.current.isLoading).toBe(false));

  const created = await act(() => result.current.createApiKey({ name: 'A' }));
  await act(() => result.current.revokeApiKey({ id: other.apiKey.id }));
  expect(result.current.revealedKey?.key).toBe(created.key);

  await act(() => result.current.revokeApiKey({ id: created.apiKey.id }));
  expect(result.current.revealedKey).toBeNull();
});

test('a failed mutation rejects with the server error and reveals nothing', async () => {
  const server = await startTestServer();
  const { result } = renderHookWithClient(() => useApiKeyManager(), server.url);
  await waitFor(() => expect(result.current.isLoading).toBe(false));

  const failure = await act(() => result.current.createApiKey({ name: '' }).catch((e) => e));
  expect(failure).toMatchObject({ data: { code: 'BAD_REQUEST' } });
  expect(result.current.revealedKey).toBeNull();
});

test('pages load on demand', async () => {
  const server = await startTestServer();
  for (const name of ['one', 'two', 'three']) {
    await server.apiKeys.create({ name, consumerId: 'team_1', ownerId: 'user_1' });
  }
  const { result } = renderHookWithClient(() => useApiKeyManager({ pageSize: 2 }), server.url);
  await waitFor(() => expect(result.current.apiKeys).toHaveLength(2));
  expect(result.current.hasMore).toBe(true);

  act(() => result.current.loadMore());
  await waitFor(() => expect(result.current.apiKeys).toHaveLength(3));
  // created within the same millisecond, so only the set is certain
  expect(result.current.apiKeys.map((apiKey) => apiKey.name).sort()).toEqual([
    'one',
    'three',
    'two',
  ]);
  expect(result.current.hasMore).toBe(false);
});

test('a next page that fails is loadMoreError, and the pages loaded stay', async () => {
  const server = await startTestServer();
  for (const name of ['one', 'two', 'three']) {
    await server.apiKeys.create({ name, consumerId: 'team_1', ownerId: 'user_1' });
  }
  const { result } = renderHookWithClient(() => useApiKeyManager({ pageSize: 2 }), server.url);
  await waitFor(() => expect(result.current.apiKeys).toHaveLength(2));

  server.down = true;
  act(() => result.current.loadMore());
  await waitFor(() =>
    expect(errorMessage(result.current.loadMoreError)).toMatch(/^Could not reach the server/),
  );
  expect(result.current.error).toBeNull();
  expect(result.current.apiKeys).toHaveLength(2);
  expect(result.current.hasMore).toBe(true);

  server.down = false;
  act(() => result.current.loadMore());
  await waitFor(() => expect(result.current.apiKeys).toHaveLength(3));
  expect(result.current.loadMoreError).toBeNull();
});

test('can and refusals say what authorize() allows this user, and nothing until known', async () => {
  const member = await startTestServer('member');
  const { result } = renderHookWithClient(() => useApiKeyManager(), member.url);
  expect(result.current.can.create).toBe(false); // not offered before the server says
  await waitFor(() => expect(result.current.isLoading).toBe(false));
  expect(result.current.can).toEqual({
    list: true,
    get: true,
    create: false,
    update: false,
    revoke: false,
    roll: false,
    auditLog: true,
    usage: true,
  });
  expect(result.current.refusals.create).toBe('You may not manage API keys.');

  const admin = await startTestServer('admin');
  const { result: forAdmin } = renderHookWithClient(() => useApiKeyManager(), admin.url);
  await waitFor(() => expect(forAdmin.current.isLoading).toBe(false));
  expect(Object.values(forAdmin.current.can).every(Boolean)).toBe(true);
  expect(forAdmin.current.refusals).toEqual({});
});

test('a failure that may pass is retried as the host’s query client says', async () => {
  const server = await startTestServer();
  await server.apiKeys.create({ name: 'A', consumerId: 'team_1', ownerId: 'user_1' });
  server.failNext = 1; // a 503 blip
  const retryOnce = new QueryClient({ defaultOptions: { queries: { retry: 1, retryDelay: 0 } } });
  const { result } = renderHookWithClient(
    () => useApiKeyManager(),
    server.url,
    undefined,
    retryOnce,
  );
  await waitFor(() => expect(result.current.apiKeys.map((apiKey) => apiKey.name)).toEqual(['A']));
  expect(result.current.error).toBeNull();
  expect(server.requests.flatMap((request) => request.split(',')).sort()).toEqual([
    'apiKeys.config',
    'apiKeys.config',
    'apiKeys.list',
    'apiKeys.list',
  ]);
});
