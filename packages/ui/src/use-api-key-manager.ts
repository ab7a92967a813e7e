import type { ApiKey, CreatedApiKey, RateLimit, RolledApiKey } from '@latchkey/core';
import type {
  CreateApiKeyRequest,
  RevokeApiKeyRequest,
  RollApiKeyRequest,
  UpdateApiKeyRequest,
} from '@latchkey/trpc-plugin';
import { getQueryKey } from '@trpc/react-query';
import { useCallback, useMemo, useState } from 'react';
import { retryUnlessFinal } from './query-retry.js';
import type { ApiKeyClientError, ApiKeyRouterHooks } from './types.js';
import { useHostQueryClient } from './use-host-query-client.js';

// one empty array, so that the fields keep their identity from render to render while loading
const EMPTY: never[] = [];

export interface UseApiKeyManagerOptions {
  /** Keys fetched per page (1 to 100). Default 20. */
  pageSize?: number;
}

/** A secret that was just made, by `createApiKey` or `rollApiKey`, until it is dismissed. */
export interface RevealedKey<P extends string = string> {
  /** The secret. Shown once; the server cannot show it again. */
  key: string;
  apiKey: ApiKey<P>;
  /** For a rolled key: the key it replaced, now expiring at the end of the grace period. */
  previous?: ApiKey<P>;
}

export interface ApiKeyManagerState<P extends string = string> {
  /** The consumer's keys, newest first, as far as the pages are loaded. */
  apiKeys: ApiKey<P>[];
  /** Every permission the app declared: exactly what a key may be given. */
  permissions: P[];
  /** The app's key prefix, e.g. `acme`; empty until loaded. */
  prefix: string;
  /** The app-wide rate limits, which every key without one of the same name has; empty until loaded. */
  rateLimits: RateLimit[];
  /** True until the first page and the app's config have loaded. */
  isLoading: boolean;
  /** Why the keys or the config could not be loaded; `null` otherwise. */
  error: ApiKeyClientError | null;
  /** Loads the keys and config again (after an error). */
  refetch: () => void;
  /** There is another page of keys. */
  hasMore: boolean;
  isLoadingMore: boolean;
  /** Why the last `loadMore` failed (the keys loaded so far stay); `null` otherwise. */
  loadMoreError: ApiKeyClientError | null;
  /** Loads the next page, appended to `apiKeys`; after a `loadMoreError`, tries it again. */
  loadMore: () => void;
  /** Creates a key and reveals its secret; rejects with the server's error. */
  createApiKey: (input: CreateApiKeyRequest<P>) => Promise<CreatedApiKey<P>>;
  updateApiKey: (input: UpdateApiKeyRequest<P>) => Promise<ApiKey<P>>;
  revokeApiKey: (input: RevokeApiKeyRequest) => Promise<ApiKey<P>>;
  /** Replaces a key with a new one (same settings) and reveals the new secret. */
  rollApiKey: (input: RollApiKeyRequest) => Promise<RolledApiKey<P>>;
  isCreating: boolean;
  isUpdating: boolean;
  isRevoking: boolean;
  isRolling: boolean;
  /**
   * The secret from the last create or roll, held in this component's state only (not in the
   * query cache, the URL or storage) until `dismissRevealedKey` drops it, or this hook revokes or
   * rolls that key.
   */
  revealedKey: RevealedKey<P> | null;
  dismissRevealedKey: () => void;
}

/**
 * The hook behind `createApiKeyUI(…).useApiKeyManager`: the router's queries and mutations, with
 * every mutation invalidating the router's queries so that each mounted view stays current.
 */
export function useApiKeyManagerFor<P extends string>(
  router: ApiKeyRouterHooks<P>,
  options: UseApiKeyManagerOptions = {},
): ApiKeyManagerState<P> {
  // Taken here rather than from `onSuccess`'s fourth argument, which only late TanStack Query 5.x
  // releases pass: without it `onSuccess` would throw after the server made the key, and the
  // secret would be lost.
  const queryClient = useHostQueryClient();
  const retry = retryUnlessFinal(queryClient);
  const config = router.config.useQuery(undefined, {
    staleTime: Number.POSITIVE_INFINITY,
    retry,
  });
  const list = router.list.useInfiniteQuery(
    { limit: options.pageSize ?? 20 },
    { getNextPageParam: (page) => page.nextCursor, retry },
  );
  // Returning the promise makes `mutateAsync` resolve only once the list is fresh.
  const invalidate = () => queryClient.invalidateQueries({ queryKey: getQueryKey(router) });
  // `gcTime: 0` and the `reset()` below drop a secret-bearing result from the mutation cache as
  // soon as it has been handed over.
  const create = router.create.useMutation({ onSuccess: invalidate, gcTime: 0 });
  const roll = router.roll.useMutation({ onSuccess: invalidate, gcTime: 0 });
  const update = router.update.useMutation({ onSuccess: invalidate });
  const revoke = router.revoke.useMutation({ onSuccess: invalidate });

  const [revealedKey, setRevealedKey] = useState<RevealedKey<P> | null>(null);

  const { mutateAsync: createAsync, reset: resetCreate } = create;
  const createApiKey = useCallback(
    async (input: CreateApiKeyRequest<P>) => {
      const created = await createAsync(input);
      resetCreate();
      setRevealedKey({ key: created.key, apiKey: created.apiKey });
      return created;
    },
    [createAsync, resetCreate],
  );
  const { mutateAsync: rollAsync, reset: resetRoll } = roll;
  const rollApiKey = useCallback(
    async (input: RollApiKeyRequest) => {
      const rolled = await rollAsync(input);
      resetRoll();
      setRevealedKey({ key: rolled.key, apiKey: rolled.apiKey, previous: rolled.previous });
      return rolled;
    },
    [rollAsync, resetRoll],
  );
  const { mutateAsync: revokeAsync } = revoke;
  const revokeApiKey = useCallback(
    async (input: RevokeApiKeyRequest) => {
      const revoked = await revokeAsync(input);
      // A revoked key's secret is of no use any more; still shown, it would be copied and deployed.
      setRevealedKey((shown) => (shown?.apiKey.id === revoked.id ? null : shown));
      return revoked;
    },
    [revokeAsync],
  );
  const dismissRevealedKey = useCallback(() => setRevealedKey(null), []);

  const pages = list.data?.pages;
  const apiKeys = useMemo(() => pages?.flatMap((page) => page.items) ?? EMPTY, [pages]);
  const { refetch: refetchList, fetchNextPage } = list;
  const { refetch: refetchConfig } = config;
  const refetch = useCallback(() => {
    void refetchList();
    void refetchConfig();
  }, [refetchList, refetchConfig]);
  // A next page that failed leaves the pages already loaded standing, so its error is
  // `loadMoreError`, not `error`. Noted here rather than read from `isFetchNextPageError`, which
  // early TanStack Query 5.x releases lack; it holds only while it is still the list's error.
  const [nextPageError, setNextPageError] = useState<typeof list.error>(null);
  const loadMore = useCallback(() => {
    void fetchNextPage().then((result) => setNextPageError(result.error));
  }, [fetchNextPage]);
  const nextPageFailed = nextPageError !== null && list.error === nextPageError;

  return {
    apiKeys,
    permissions: config.data?.permissions ?? EMPTY,
    prefix: config.data?.prefix ?? '',
    rateLimits: config.data?.rateLimits ?? EMPTY,
    isLoading: list.isPending || config.isPending,
    error: (nextPageFailed ? null : list.error) ?? config.error ?? null,
    refetch,
    hasMore: list.hasNextPage,
    isLoadingMore: list.isFetchingNextPage,
    loadMoreError: nextPageFailed ? list.error : null,
    loadMore,
    createApiKey,
    updateApiKey: update.mutateAsync,
    revokeApiKey,
    rollApiKey,
    isCreating: create.isPending,
    isUpdating: update.isPending,
    isRevoking: revoke.isPending,
    isRolling: roll.isPending,
    revealedKey,
    dismissRevealedKey,
  };
}
