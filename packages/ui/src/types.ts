import type { ApiKey, CreatedApiKey, Page, RolledApiKey } from '@latchkey/core';
import type {
  ApiKeyConfig,
  ApiKeyUsage,
  ApiKeyUsageRequest,
  CreateApiKeyRequest,
  ListApiKeysRequest,
  RevokeApiKeyRequest,
  RollApiKeyRequest,
  UpdateApiKeyRequest,
} from '@latchkey/trpc-plugin';
import type { TRPCClientErrorLike } from '@trpc/react-query';
import type { DecorateProcedure } from '@trpc/react-query/shared';

// The host's transformer and error shape are its own business: the UI reads only `message` and
// `data.code` from errors, and the router's outputs are JSON-safe with or without a transformer.
interface HostTypes {
  // biome-ignore lint/suspicious/noExplicitAny: any transformer of the host's
  transformer: any;
  // biome-ignore lint/suspicious/noExplicitAny: any error formatter of the host's
  errorShape: any;
}

interface Def<TInput, TOutput> extends HostTypes {
  input: TInput;
  output: TOutput;
}

/** An error of the router as the host's tRPC client reports it: `message`, `data.code`, `shape`. */
export type ApiKeyClientError = TRPCClientErrorLike<HostTypes>;

// A type alias rather than an interface: `getQueryKey` wants a record with an index signature.
/**
 * The part of `createTRPCReact<AppRouter>()`'s `trpc.apiKeys` that the UI calls: the router's
 * procedures as `@trpc/react-query` decorates them. `P` is the app's permission union.
 */
export type ApiKeyRouterHooks<P extends string = string> = {
  config: DecorateProcedure<'query', Def<void, ApiKeyConfig<P>>>;
  list: DecorateProcedure<'query', Def<ListApiKeysRequest, Page<ApiKey<P>>>>;
  create: DecorateProcedure<'mutation', Def<CreateApiKeyRequest<P>, CreatedApiKey<P>>>;
  update: DecorateProcedure<'mutation', Def<UpdateApiKeyRequest<P>, ApiKey<P>>>;
  revoke: DecorateProcedure<'mutation', Def<RevokeApiKeyRequest, ApiKey<P>>>;
  roll: DecorateProcedure<'mutation', Def<RollApiKeyRequest, RolledApiKey<P>>>;
  usage: DecorateProcedure<'query', Def<ApiKeyUsageRequest, ApiKeyUsage>>;
};
