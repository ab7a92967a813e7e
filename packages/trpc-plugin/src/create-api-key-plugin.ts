import { resolveKeyOptions } from '@latchkey/core/http';
import { createKeyCheck } from './key-check.js';
import { keyProcedureRequiring } from './key-procedure.js';
import type { ApiKeyPlugin, ApiKeyPluginOptions } from './plugin-options.js';
import { requirePermissionsOf } from './require-permissions.js';
import { buildApiKeyRouter } from './router/api-key-router.js';
import { createRouterContext } from './router/context.js';

/**
 * Builds the API-key router and procedures on the host's own tRPC procedures, so they share its
 * transformer, error formatter, context and meta (DESIGN.md "tRPC shape").
 */
export function createApiKeyPlugin<
  P extends string,
  TContext extends object,
  TMeta,
  TUserContextOverrides extends object,
  TMachineContextOverrides extends object,
>(
  options: ApiKeyPluginOptions<P, TContext, TMeta, TUserContextOverrides, TMachineContextOverrides>,
): ApiKeyPlugin<P, TContext, TMeta, TMachineContextOverrides> {
  // Throws at startup for a header name no request can carry, or with both headers turned off.
  const keyOptions = resolveKeyOptions({
    authorizationHeader: options.authorizationHeader,
    apiKeyHeader: options.apiKeyHeader,
  });
  const keyCheck = createKeyCheck({
    apiKeys: options.apiKeys,
    headers: options.headers,
    url: options.url,
    responseHeaders: options.responseHeaders,
    keyOptions,
    clock: options.clock ?? Date.now,
  });
  const routerContext = createRouterContext(options, checkedKeyLimit(options.maxKeysPerConsumer));
  return {
    apiKeyRouter: buildApiKeyRouter(routerContext),
    keyProcedure: keyProcedureRequiring(keyCheck, [], options.machineProcedure),
    requirePermissions: requirePermissionsOf(keyCheck),
  };
}

const DEFAULT_MAX_KEYS_PER_CONSUMER = 100;

/** The option, checked once at startup: a positive whole number, or `null` for no limit. */
function checkedKeyLimit(limit: number | null | undefined): number | null {
  if (limit === undefined) return DEFAULT_MAX_KEYS_PER_CONSUMER;
  if (limit === null || (Number.isSafeInteger(limit) && limit >= 1)) return limit;
  throw new TypeError(
    `Latchkey: maxKeysPerConsumer must be a whole number of at least 1, or null; got ${String(limit)}.`,
  );
}
