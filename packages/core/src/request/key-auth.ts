import type { JsonObject } from '../json.js';
import type { RateLimitState } from '../types.js';

/** Who a request acts for, as a route sees it: read `consumerId`, ask `has({ permission })`. */
export type ApiKeyAuth<TPermission extends string = string> =
  | AuthenticatedKeyAuth<TPermission>
  | UnauthenticatedKeyAuth<TPermission>;

export interface AuthenticatedKeyAuth<TPermission extends string = string> {
  /** The consumer (team, org, tenant) the key acts for. */
  consumerId: string;
  keyId: string;
  /** The user who created the key. */
  ownerId: string;
  permissions: readonly TPermission[];
  metadata: Readonly<JsonObject>;
  /**
   * The rate limit this request spent from, as it stands after the request (`remaining` in the
   * window, `resetAt`): `null` for a key without that limit.
   */
  rateLimit: RateLimitState | null;
  /** The uses left after this request, for a key with a usage limit; `null` for one without. */
  remaining: number | null;
  /** Whether the key holds this permission. */
  has(check: { permission: TPermission }): boolean;
}

/** No valid key: every field is empty, so `if (auth.consumerId === null)` narrows the union. */
export interface UnauthenticatedKeyAuth<TPermission extends string = string> {
  consumerId: null;
  keyId: null;
  ownerId: null;
  permissions: readonly [];
  metadata: null;
  rateLimit: null;
  remaining: null;
  has(check: { permission: TPermission }): false;
}

/** The fields of an authenticated key, as `verify` or a signed hand-off gives them. */
export interface KeyAuthFields<TPermission extends string = string> {
  keyId: string;
  consumerId: string;
  ownerId: string;
  permissions: readonly TPermission[];
  metadata: Readonly<JsonObject>;
  /** Set when the key has the rate limit the request spent from. */
  rateLimit?: RateLimitState | undefined;
  /** Set when the key has a usage limit. */
  remaining?: number | undefined;
}

export function authenticatedKeyAuth<TPermission extends string>(
  fields: KeyAuthFields<TPermission>,
): AuthenticatedKeyAuth<TPermission> {
  const held = new Set<string>(fields.permissions);
  return Object.freeze({
    consumerId: fields.consumerId,
    keyId: fields.keyId,
    ownerId: fields.ownerId,
    permissions: fields.permissions,
    metadata: fields.metadata,
    rateLimit: fields.rateLimit ?? null,
    remaining: fields.remaining ?? null,
    has: ({ permission }: { permission: TPermission }) => held.has(permission),
  });
}

const UNAUTHENTICATED: UnauthenticatedKeyAuth<never> = Object.freeze({
  consumerId: null,
  keyId: null,
  ownerId: null,
  permissions: Object.freeze([]) as readonly [],
  metadata: null,
  rateLimit: null,
  remaining: null,
  has: () => false as const,
});

export function unauthenticatedKeyAuth<
  TPermission extends string,
>(): UnauthenticatedKeyAuth<TPermission> {
  return UNAUTHENTICATED;
}
