import { QueryClient } from '@tanstack/react-query';
import { type RenderResult, render } from '@testing-library/react';
import { httpBatchLink } from '@trpc/client';
import { createTRPCReact } from '@trpc/react-query';
import type { ReactNode } from 'react';
import { createApiKeyUI } from '../create-api-key-ui.js';
import type { AppRouter } from './server.js';

// What a host writes once: its tRPC React client, and the UI bound to its `apiKeys` router.
export const trpc = createTRPCReact<AppRouter>();
export const { useApiKeyManager, ApiKeyManager } = createApiKeyUI(trpc.apiKeys);

/**
 * Renders `ui` under the host's providers, talking over HTTP to `url`. Only `trpc.Provider`, as
 * tRPC's hooks take the query client from it: the UI must not need a QueryClientProvider.
 */
export function renderWithClient(
  ui: ReactNode,
  url: string,
): RenderResult & { queryClient: QueryClient } {
  const queryClient = new QueryClient({
    defaultOptions: { queries: { retry: false }, mutations: { retry: false } },
  });
  const client = trpc.createClient({ links: [httpBatchLink({ url })] });
  const result = render(
    <trpc.Provider client={client} queryClient={queryClient}>
      {ui}
    </trpc.Provider>,
  );
  return { ...result, queryClient };
}
