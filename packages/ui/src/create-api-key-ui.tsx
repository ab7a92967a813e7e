import type { ReactElement } from 'react';
import { ApiKeyManagerView, type ApiKeyManagerViewProps } from './api-key-manager.js';
import { KeyLimits } from './key-limits.js';
import { KeyUsageChart } from './key-usage-chart.js';
import { assertRouterHooks } from './router-hooks-check.js';
import type { ApiKeyRouterHooks } from './types.js';
import {
  type ApiKeyManagerState,
  type UseApiKeyManagerOptions,
  useApiKeyManagerFor,
} from './use-api-key-manager.js';
import {
  type ApiKeyUsageState,
  type UseApiKeyUsageOptions,
  useApiKeyUsageFor,
} from './use-api-key-usage.js';

export type ApiKeyManagerProps = Omit<ApiKeyManagerViewProps, 'manager' | 'renderUsage'> &
  UseApiKeyManagerOptions & {
    /** Days shown by a key's usage chart, today included: 1 to 90. Default 30. */
    usageDays?: number;
  };

export interface ApiKeyUI<P extends string> {
  /** The keys and their mutations, typed by the host's router; see `ApiKeyManagerState`. */
  useApiKeyManager: (options?: UseApiKeyManagerOptions) => ApiKeyManagerState<P>;
  /** One key's verifications per day, fetched once the calling component mounts. */
  useApiKeyUsage: (id: string, options?: UseApiKeyUsageOptions) => ApiKeyUsageState;
  /**
   * The ready screen: key table with each key's usage chart, create dialog, reveal-once panel,
   * revoke and roll dialogs.
   */
  ApiKeyManager: (props: ApiKeyManagerProps) => ReactElement;
}

/**
 * Binds the hooks and the component to the host's client for the key router:
 * `createApiKeyUI(trpc.apiKeys)` where `trpc = createTRPCReact<AppRouter>()`. Adds types and
 * nothing else: every request goes through the host's own `trpc.apiKeys.*` hooks, links and
 * query client.
 * @throws when `router` is not that client's router, e.g. `undefined` because it was called in a
 * Server Component: call it in a `'use client'` module.
 */
export function createApiKeyUI<P extends string>(router: ApiKeyRouterHooks<P>): ApiKeyUI<P> {
  assertRouterHooks(router);
  // The factory runs once, at module level, as `createTRPCReact` does: the hooks and the
  // components keep one identity for the life of the app.
  // biome-ignore lint/correctness/noComponentHookFactories: see above
  function useApiKeyManager(options?: UseApiKeyManagerOptions): ApiKeyManagerState<P> {
    return useApiKeyManagerFor(router, options);
  }
  // biome-ignore lint/correctness/noComponentHookFactories: see above
  function useApiKeyUsage(id: string, options?: UseApiKeyUsageOptions): ApiKeyUsageState {
    return useApiKeyUsageFor(router, id, options);
  }
  // Mounted only in the open usage row, so the manager asks for one key's usage when it is shown.
  // biome-ignore lint/correctness/noComponentHookFactories: see above
  function KeyUsage({ id, days }: { id: string; days: number | undefined }): ReactElement {
    const usage = useApiKeyUsage(id, { days });
    return (
      <KeyUsageChart
        days={usage.days}
        isLoading={usage.isLoading}
        error={usage.error}
        onRetry={usage.refetch}
      />
    );
  }
  // biome-ignore lint/correctness/noComponentHookFactories: see above
  function ApiKeyManager({ pageSize, usageDays, ...props }: ApiKeyManagerProps): ReactElement {
    const manager = useApiKeyManager({ pageSize });
    return (
      <ApiKeyManagerView
        manager={manager}
        renderUsage={(apiKey) => (
          <>
            <KeyLimits apiKey={apiKey} defaults={manager.rateLimits} />
            <KeyUsage id={apiKey.id} days={usageDays} />
          </>
        )}
        {...props}
      />
    );
  }
  return { useApiKeyManager, useApiKeyUsage, ApiKeyManager };
}
