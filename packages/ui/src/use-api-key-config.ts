import type { RateLimit } from '@latchkey/core';
import type { ApiKeyConfig, ApiKeyUserAction } from '@latchkey/trpc-plugin';
import type { ApiKeyClientError, ApiKeyRouterHooks } from './types.js';

type Can = Record<ApiKeyUserAction, boolean>;

const ACTIONS: readonly ApiKeyUserAction[] = [
  'list',
  'get',
  'create',
  'update',
  'revoke',
  'roll',
  'auditLog',
  'usage',
];
const everything = (allowed: boolean): Can =>
  Object.fromEntries(ACTIONS.map((action) => [action, allowed])) as Can;
// One object each, so that `can` keeps its identity from render to render.
const NOTHING = everything(false);
const EVERYTHING = everything(true);
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
