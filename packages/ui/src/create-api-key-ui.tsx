import type { ReactElement } from 'react';
import { ApiKeyManagerView, type ApiKeyManagerViewProps } from './api-key-manager.js';
import type { ApiKeyRouterHooks } from './types.js';
import {
  type ApiKeyManagerState,
  type UseApiKeyManagerOptions,
  useApiKeyManagerFor,
} from './use-api-key-manager.js';

export type ApiKeyManagerProps = Omit<ApiKeyManagerViewProps, 'manager'> & UseApiKeyManagerOptions;

export interface ApiKeyUI<P extends string> {
  /** The keys and their mutations, typed by the host's router; see `ApiKeyManagerState`. */
  useApiKeyManager: (options?: UseApiKeyManagerOptions) => ApiKeyManagerState<P>;
  /** The ready screen: key table, create dialog, reveal-once panel, revoke and roll dialogs. */
  ApiKeyManager: (props: ApiKeyManagerProps) => ReactElement;
}

/**
 * Binds the hooks and the component to the host's client for the key router:
 * `createApiKeyUI(trpc.apiKeys)` where `trpc = createTRPCReact<AppRouter>()`. Adds types and
 * nothing else: every request goes through the host's own `trpc.apiKeys.*` hooks, links and
 * query client.
 */
export function createApiKeyUI<P extends string>(router: ApiKeyRouterHooks<P>): ApiKeyUI<P> {
  // The factory runs once, at module level, as `createTRPCReact` does: the hook and the component
  // keep one identity for the life of the app.
  // biome-ignore lint/correctness/noComponentHookFactories: see above
  function useApiKeyManager(options?: UseApiKeyManagerOptions): ApiKeyManagerState<P> {
    return useApiKeyManagerFor(router, options);
  }
  // biome-ignore lint/correctness/noComponentHookFactories: see above
  function ApiKeyManager({ pageSize, ...props }: ApiKeyManagerProps): ReactElement {
    const manager = useApiKeyManager({ pageSize });
    return <ApiKeyManagerView manager={manager} {...props} />;
  }
  return { useApiKeyManager, ApiKeyManager };
}
