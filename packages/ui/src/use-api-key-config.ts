import type { RateLimit } from '@latchkey/core';
import type { ApiKeyConfig, ApiKeyUserAction } from '@latchkey/trpc-plugin';
import type { ApiKeyClientError, ApiKeyRouterHooks } from './types.js';

type Can = Record<ApiKeyUserAction, boolean>;

// One object each, so that `can` keeps its identity from render to render. The UI takes only types
// from the plugin, so it cannot import the plugin's list of actions: typed as `Can`, this one
// fails to compile when the router's actions change.
const EVERYTHING: Can = {
  list: true,
  get: true,
  create: true,
  update: true,
  revoke: true,
  roll: true,
  auditLog: true,
  usage: true,
};
const NOTHING = Object.fromEntries(Object.keys(EVERYTHING).map((action) => [action, false])) as Can;
const NO_REFUSALS: ApiKeyConfig['refusals'] = {};
const EMPTY: never[] = [];

/** What the router's `config` says, with stable empty values until it has loaded. @internal */
export interface ApiKeyConfigState<P extends string> {
  permissions: P[];
  prefix: string;
  rateLimits: RateLimit[];
  can: Can;
  refusals: ApiKeyConfig['refusals'];
  isPending: boolean;
  error: ApiKeyClientError | null;
  refetch: () => unknown;
}

/**
 * The app's config, read once (it changes only with a deploy or the user's role, and every
 * mutation invalidates it). Until it loads nothing is offered; a router from before `actions`
 * offers everything, and its procedures still refuse what `authorize` refuses.
 * @internal
 */
export function useApiKeyConfig<P extends string>(
  router: Pick<ApiKeyRouterHooks<P>, 'config'>,
  retry: (failureCount: number, error: unknown) => boolean,
): ApiKeyConfigState<P> {
  const config = router.config.useQuery(undefined, {
    staleTime: Number.POSITIVE_INFINITY,
    retry,
  });
  const data = config.data;
  return {
    permissions: data?.permissions ?? EMPTY,
    prefix: data?.prefix ?? '',
    rateLimits: data?.rateLimits ?? EMPTY,
    can: data === undefined ? NOTHING : (data.actions ?? EVERYTHING),
    refusals: data?.refusals ?? NO_REFUSALS,
    isPending: config.isPending,
    error: config.error,
    refetch: config.refetch,
  };
}
