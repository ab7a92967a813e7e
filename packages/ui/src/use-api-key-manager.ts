import type { ApiKey, CreatedApiKey, RateLimit, RolledApiKey } from '@latchkey/core';
import type {
  ApiKeyUserAction,
  CreateApiKeyRequest,
  RevokeApiKeyRequest,
  RollApiKeyRequest,
  UpdateApiKeyRequest,
} from '@latchkey/trpc-plugin';
import { getQueryKey } from '@trpc/react-query';
import { useCallback, useState } from 'react';
import { retryUnlessFinal } from './query-retry.js';
import type { ApiKeyClientError, ApiKeyRouterHooks } from './types.js';
import { useApiKeyConfig } from './use-api-key-config.js';
import { useHostQueryClient } from './use-host-query-client.js';
import { useKeyPages } from './use-key-pages.js';

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
  /**
   * What the router's `authorize` allows this user (`can.create`, `can.revoke`…), to offer only
   * that; all `false` until loaded. The server still refuses what it refuses.
   */
  can: Record<ApiKeyUserAction, boolean>;
  /** Why each refused action is refused, in the server's words, e.g. `refusals.create`. */
  refusals: Partial<Record<ApiKeyUserAction, string>>;
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
 * @internal
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
  const config = useApiKeyConfig(router, retry);
  const list = useKeyPages(router, options.pageSize ?? 20, retry);
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

  const { refetch: refetchList } = list;
  const { refetch: refetchConfig } = config;
  const refetch = useCallback(() => {
    void refetchList();
    void refetchConfig();
  }, [refetchList, refetchConfig]);

  return {
    apiKeys: list.apiKeys,
    permissions: config.permissions,
    prefix: config.prefix,
    rateLimits: config.rateLimits,
    can: config.can,
    refusals: config.refusals,
    isLoading: list.isPending || config.isPending,
    error: list.error ?? config.error ?? null,
    refetch,
    hasMore: list.hasMore,
    isLoadingMore: list.isLoadingMore,
    loadMoreError: list.loadMoreError,
    loadMore: list.loadMore,
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
