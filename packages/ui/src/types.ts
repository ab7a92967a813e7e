import type { ApiKey, CreatedApiKey, JsonObject, Page, RolledApiKey } from '@latchkey/core';
import type { TRPCClientErrorLike } from '@trpc/react-query';
import type { DecorateProcedure } from '@trpc/react-query/shared';

/** What the router's `config` query tells the UI about the app. */
export interface ApiKeyConfig<P extends string = string> {
  prefix: string;
  /** Every permission a key may hold, in the order the app declared them. */
  permissions: P[];
}

export interface ListApiKeysInput {
  cursor?: string | null;
  /** 1 to 100; default 20. */
  limit?: number;
}

export interface CreateApiKeyInput<P extends string = string> {
  name: string;
  permissions?: P[];
  metadata?: JsonObject;
  /** Epoch ms in the future, or `null` (the default) for a key that never expires. */
  expiresAt?: number | null;
}

export interface UpdateApiKeyInput<P extends string = string> {
  id: string;
  name?: string;
  permissions?: P[];
  metadata?: JsonObject;
  enabled?: boolean;
  /** Epoch ms in the future, or `null` to remove the expiry. */
  expiresAt?: number | null;
}

export interface RevokeApiKeyInput {
  id: string;
  reason?: string;
}

export interface RollApiKeyInput {
  id: string;
  /** How long the old key keeps working, in ms (at most 30 days); default 0. */
  gracePeriodMs?: number;
}

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

/**
 * The part of `createTRPCReact<AppRouter>()`'s `trpc.apiKeys` that the UI calls: the router's
 * procedures as `@trpc/react-query` decorates them. `P` is the app's permission union.
 */
// A type alias rather than an interface: `getQueryKey` wants a record with an index signature.
export type ApiKeyRouterHooks<P extends string = string> = {
  config: DecorateProcedure<'query', Def<void, ApiKeyConfig<P>>>;
  list: DecorateProcedure<'query', Def<ListApiKeysInput, Page<ApiKey<P>>>>;
  create: DecorateProcedure<'mutation', Def<CreateApiKeyInput<P>, CreatedApiKey<P>>>;
  update: DecorateProcedure<'mutation', Def<UpdateApiKeyInput<P>, ApiKey<P>>>;
  revoke: DecorateProcedure<'mutation', Def<RevokeApiKeyInput, ApiKey<P>>>;
  roll: DecorateProcedure<'mutation', Def<RollApiKeyInput, RolledApiKey<P>>>;
};
