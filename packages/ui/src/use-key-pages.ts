import type { ApiKey } from '@latchkey/core';
import { useCallback, useMemo, useState } from 'react';
import type { ApiKeyClientError, ApiKeyRouterHooks } from './types.js';

// one empty array, so that `apiKeys` keeps its identity from render to render while loading
const EMPTY: never[] = [];

/** The consumer's keys, page by page. @internal */
export interface KeyPagesState<P extends string> {
  apiKeys: ApiKey<P>[];
  isPending: boolean;
  /** Why the first page could not be loaded. */
  error: ApiKeyClientError | null;
  /** Why the last next page could not be loaded (the pages loaded stay). */
  loadMoreError: ApiKeyClientError | null;
  hasMore: boolean;
  isLoadingMore: boolean;
  loadMore: () => void;
  refetch: () => unknown;
}

/** The router's `list`, newest first, `pageSize` keys a page. @internal */
export function useKeyPages<P extends string>(
  router: Pick<ApiKeyRouterHooks<P>, 'list'>,
  pageSize: number,
  retry: (failureCount: number, error: unknown) => boolean,
): KeyPagesState<P> {
  const list = router.list.useInfiniteQuery(
    { limit: pageSize },
    { getNextPageParam: (page) => page.nextCursor, retry },
  );
  const pages = list.data?.pages;
  const apiKeys = useMemo(() => pages?.flatMap((page) => page.items) ?? EMPTY, [pages]);
  const { fetchNextPage } = list;
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
    isPending: list.isPending,
    error: nextPageFailed ? null : list.error,
    loadMoreError: nextPageFailed ? list.error : null,
    hasMore: list.hasNextPage,
    isLoadingMore: list.isFetchingNextPage,
    loadMore,
    refetch: list.refetch,
  };
}
