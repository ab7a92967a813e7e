import type {
  ApiKey,
  AuditEvent,
  CreatedApiKey,
  JsonObject,
  Page,
  RateLimit,
  RateLimitState,
  RolledApiKey,
  UsageDay,
} from '@latchkey/core';
import type { TRPCMutationProcedure, TRPCQueryProcedure } from '@trpc/server';

/** What a signed-in user asks the router to do; passed to `authorize`. */
export type ApiKeyAction =
  | 'config'
  | 'list'
  | 'get'
  | 'create'
  | 'update'
  | 'revoke'
  | 'roll'
  | 'auditLog'
  | 'usage';

/** The actions `config` reports on: every `ApiKeyAction` but `config` itself. */
export type ApiKeyUserAction = Exclude<ApiKeyAction, 'config'>;

/**
 * What `authorize` answers: `true` allows; `false`, or a refusal with words for the user (e.g.
 * `{ reason: 'Only admins may create API keys.' }`), refuses. Anything else refuses too.
 */
export type AuthorizeAnswer = boolean | { reason: string };

/** The consumer (team, org, tenant) whose keys the signed-in user manages, and who they are. */
export interface ApiKeyScope {
  consumerId: string;
  /** The signed-in user: the owner of the keys they create and the actor in the audit log. */
  ownerId: string;
}

/** What the router tells the UI about the app. */
export interface ApiKeyConfig<P extends string = string> {
  /** The prefix every key starts with, e.g. `acme`. */
  prefix: string;
  /** Every permission a key may hold, in the order the app declared them. */
  permissions: P[];
  /** The app-wide rate limits (`createApiKeys`'s `rateLimits`), for keys without one of the name. */
  rateLimits: RateLimit[];
  /**
   * Whether `authorize` allows this user each action, so a UI offers only those; the router still
   * checks every call. All `true` without `authorize`.
   */
  actions: Record<ApiKeyUserAction, boolean>;
  /** Why each refused action is refused: the message its procedure answers `FORBIDDEN` with. */
  refusals: Partial<Record<ApiKeyUserAction, string>>;
}

export interface ListApiKeysRequest {
  /** `nextCursor` of the previous page; absent or `null` for the first page. */
  cursor?: string | null;
  /** 1 to 100; default 20. */
  limit?: number;
  /** Sent by tRPC's `useInfiniteQuery`; pages only go forward (newest first). */
  direction?: 'forward';
}

export interface GetApiKeyRequest {
  id: string;
}

export interface CreateApiKeyRequest<P extends string = string> {
  name: string;
  permissions?: P[];
  metadata?: JsonObject;
  /** Epoch ms in the future, or `null` (the default) for a key that never expires. */
  expiresAt?: number | null;
}

export interface UpdateApiKeyRequest<P extends string = string> {
  id: string;
  name?: string;
  permissions?: P[];
  metadata?: JsonObject;
  enabled?: boolean;
  /** Epoch ms in the future, or `null` to remove the expiry. */
  expiresAt?: number | null;
}

export interface RevokeApiKeyRequest {
  id: string;
  reason?: string;
}

export interface RollApiKeyRequest {
  id: string;
  /** How long the old key keeps working, in ms, at most 30 days; default 0 (it stops at once). */
  gracePeriodMs?: number;
}

export interface AuditLogRequest {
  /** Only this key's events; default every key of the consumer. */
  keyId?: string;
  cursor?: string | null;
  /** 1 to 100; default 20. */
  limit?: number;
  /** Sent by tRPC's `useInfiniteQuery`; pages only go forward (newest first). */
  direction?: 'forward';
}

export interface ApiKeyUsageRequest {
  id: string;
  /** How many UTC days back, today included: 1 to 90; default 30. */
  days?: number;
}

/** Verifications of one key per UTC day and outcome, for a chart. */
export interface ApiKeyUsage {
  keyId: string;
  /** Oldest day first, one entry per day (days without verifications are zeros). */
  days: UsageDay[];
}

/**
 * The key-management procedures, to nest in the host's router: `router({ apiKeys: apiKeyRouter })`.
 * A plain record (not a router) so that it takes the host's transformer, error formatter and
 * context. `P` is the app's permission union, `TMeta` the host's procedure meta.
 */
export type ApiKeyRouter<P extends string = string, TMeta = object> = {
  // biome-ignore lint/suspicious/noConfusingVoidType: tRPC's own input type for a procedure without input
  config: TRPCQueryProcedure<{ input: void; output: ApiKeyConfig<P>; meta: TMeta }>;
  list: TRPCQueryProcedure<{ input: ListApiKeysRequest; output: Page<ApiKey<P>>; meta: TMeta }>;
  get: TRPCQueryProcedure<{ input: GetApiKeyRequest; output: ApiKey<P>; meta: TMeta }>;
  create: TRPCMutationProcedure<{
    input: CreateApiKeyRequest<P>;
    output: CreatedApiKey<P>;
    meta: TMeta;
  }>;
  update: TRPCMutationProcedure<{
    input: UpdateApiKeyRequest<P>;
    output: ApiKey<P>;
    meta: TMeta;
  }>;
  revoke: TRPCMutationProcedure<{ input: RevokeApiKeyRequest; output: ApiKey<P>; meta: TMeta }>;
  roll: TRPCMutationProcedure<{ input: RollApiKeyRequest; output: RolledApiKey<P>; meta: TMeta }>;
  auditLog: TRPCQueryProcedure<{ input: AuditLogRequest; output: Page<AuditEvent>; meta: TMeta }>;
  usage: TRPCQueryProcedure<{ input: ApiKeyUsageRequest; output: ApiKeyUsage; meta: TMeta }>;
};

/** The verified key, as `keyProcedure` puts it in `ctx.apiKey`. */
export interface KeyProcedureApiKey<P extends string = string> {
  id: string;
  /** The user of the host app who created the key. */
  ownerId: string;
  permissions: readonly P[];
  metadata: Readonly<JsonObject>;
  /**
   * The rate limit this call spent from, as it stands after the call (`remaining` in the window,
   * `resetAt`): `null` for a key without that limit.
   */
  rateLimit: RateLimitState | null;
  /** The uses left after this call, for a key with a usage limit; `null` for one without. */
  remaining: number | null;
}

/** What `keyProcedure` adds to the host's context. */
export interface KeyProcedureContext<P extends string = string> {
  /** The consumer the key acts for: never `null` inside a `keyProcedure`. */
  consumerId: string;
  apiKey: KeyProcedureApiKey<P>;
}
