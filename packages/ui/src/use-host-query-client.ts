import { type QueryClient, QueryClientContext } from '@tanstack/react-query';
import { TRPCContext } from '@trpc/react-query/shared';
import { useContext } from 'react';

/**
 * The query client the host gave `trpc.Provider`, so no QueryClientProvider is assumed; a host
 * that gave `createTRPCReact` its own `context` has it in QueryClientProvider instead.
 * @internal
 */
export function useHostQueryClient(): QueryClient {
  const trpcQueryClient: QueryClient | undefined = useContext(TRPCContext)?.queryClient;
  const providedQueryClient = useContext(QueryClientContext);
  const queryClient = trpcQueryClient ?? providedQueryClient;
  if (queryClient === undefined) {
    throw new Error(
      'No query client: give one to trpc.Provider, or with createTRPCReact({ context }) to a QueryClientProvider.',
    );
  }
  return queryClient;
}
