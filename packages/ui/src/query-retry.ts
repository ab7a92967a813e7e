import type { QueryClient } from '@tanstack/react-query';

// Answers about who is asking or what they ask for: asking again gives the same answer, and a
// signed-out user would wait through every retry (about 7 s with TanStack Query's defaults)
// before being told.
const FINAL_CODES: ReadonlySet<unknown> = new Set(['UNAUTHORIZED', 'FORBIDDEN', 'NOT_FOUND']);

// TanStack Query's own default, for a query client that sets none.
const DEFAULT_RETRIES = 3;

type ShouldRetry = (failureCount: number, error: unknown) => boolean;

/**
 * The `retry` of the hooks' queries: never after `UNAUTHORIZED`, `FORBIDDEN` or `NOT_FOUND`,
 * whatever the host's query client says; otherwise as its default `retry` says (a number, a
 * boolean or a function), or 3 times when it says nothing.
 * @internal
 */
export function retryUnlessFinal(queryClient: QueryClient): ShouldRetry {
  const hostRetry: unknown = queryClient.getDefaultOptions().queries?.retry;
  return (failureCount, error) => {
    const code = (error as { data?: { code?: unknown } | null } | null)?.data?.code;
    if (FINAL_CODES.has(code)) return false;
    if (typeof hostRetry === 'function') return Boolean(hostRetry(failureCount, error));
    if (typeof hostRetry === 'boolean') return hostRetry;
    const retries = typeof hostRetry === 'number' ? hostRetry : DEFAULT_RETRIES;
    return failureCount < retries;
  };
}
