import { QueryClient } from '@tanstack/react-query';
import { type RenderHookResult, render, renderHook } from '@testing-library/react';
import { httpBatchLink } from '@trpc/client';
import { createTRPCReact } from '@trpc/react-query';
import type { ReactNode } from 'react';
import { createApiKeyUI } from '../create-api-key-ui.js';
import type { AppRouter } from './server.js';

// What a host writes once: its tRPC React client, and the UI bound to its `apiKeys` router.
export const trpc = createTRPCReact<AppRouter>();
export const { useApiKeyManager, useApiKeyUsage, ApiKeyManager } = createApiKeyUI(trpc.apiKeys);

/** A query client that never retries, so that a failure shows at once. */
const noRetries = () =>
  new QueryClient({ defaultOptions: { queries: { retry: false }, mutations: { retry: false } } });

/**
 * The host's providers, talking over HTTP to `url`. Only `trpc.Provider`, as tRPC's hooks take
 * the query client from it: the UI must not need a QueryClientProvider.
 */
function providers(url: string, queryClient: QueryClient) {
  const client = trpc.createClient({ links: [httpBatchLink({ url })] });
  const wrapper = ({ children }: { children: ReactNode }) => (
    <trpc.Provider client={client} queryClient={queryClient}>
      {children}
    </trpc.Provider>
  );
  return { queryClient, wrapper };
}

export function renderWithClient(
  ui: ReactNode,
  url: string,
  queryClient: QueryClient = noRetries(),
): { queryClient: QueryClient; unmount: () => void } {
  const { wrapper } = providers(url, queryClient);
  const { unmount } = render(ui, { wrapper });
  return { queryClient, unmount };
}

/** `renderHook` under the host's providers, with `alongside` mounted next to the hook. */
export function renderHookWithClient<T>(
  hook: () => T,
  url: string,
  alongside?: ReactNode,
  queryClient: QueryClient = noRetries(),
): RenderHookResult<T, unknown> {
  const { wrapper: Providers } = providers(url, queryClient);
  return renderHook(hook, {
    wrapper: ({ children }) => (
      <Providers>
        {alongside}
        {children}
      </Providers>
    ),
  });
}
