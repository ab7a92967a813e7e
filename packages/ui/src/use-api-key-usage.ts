import type { UsageDay } from '@latchkey/core';
import { useCallback } from 'react';
import { retryUnlessFinal } from './query-retry.js';
import type { ApiKeyClientError, ApiKeyRouterHooks } from './types.js';
import { useHostQueryClient } from './use-host-query-client.js';

// one empty array, so that `days` keeps its identity from render to render while loading
const EMPTY: never[] = [];

export interface UseApiKeyUsageOptions {
  /** How many UTC days back, today included: 1 to 90. Default 30. */
  days?: number;
}

export interface ApiKeyUsageState {
  /** Verifications per UTC day and outcome, oldest day first, days without any as zeros. */
  days: UsageDay[];
  /** True until the first answer. */
  isLoading: boolean;
  /** Why the usage could not be loaded (`NOT_FOUND` for an id outside the consumer); `null` otherwise. */
  error: ApiKeyClientError | null;
  /** Loads the usage again (after an error, or for the latest counts). */
  refetch: () => void;
}

/**
 * The hook behind `createApiKeyUI(…).useApiKeyUsage`: one key's usage, fetched when the component
 * that calls it mounts, so a chart costs a request only once it is shown.
 * @internal
 */
export function useApiKeyUsageFor(
  router: Pick<ApiKeyRouterHooks, 'usage'>,
  id: string,
  options: UseApiKeyUsageOptions = {},
): ApiKeyUsageState {
  // A key that is not the consumer's (or no longer there) is NOT_FOUND at once, not after retries.
  const retry = retryUnlessFinal(useHostQueryClient());
  const usage = router.usage.useQuery({ id, days: options.days }, { retry });
  const { refetch: refetchUsage } = usage;
  const refetch = useCallback(() => void refetchUsage(), [refetchUsage]);
  return {
    days: usage.data?.days ?? EMPTY,
    isLoading: usage.isPending,
    error: usage.error,
    refetch,
  };
}
