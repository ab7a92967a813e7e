import type { JsonObject } from '../json.js';

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
  has(check: { permission: TPermission }): false;
}

/** The fields of an authenticated key, as `verify` or a signed hand-off gives them. */
export interface KeyAuthFields<TPermission extends string = string> {
  keyId: string;
  consumerId: string;
  ownerId: string;
  permissions: readonly TPermission[];
  metadata: Readonly<JsonObject>;
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
    has: ({ permission }: { permission: TPermission }) => held.has(permission),
  });
}

const UNAUTHENTICATED: UnauthenticatedKeyAuth<never> = Object.freeze({
  consumerId: null,
  keyId: null,
  ownerId: null,
  permissions: Object.freeze([]) as readonly [],
  metadata: null,
  has: () => false as const,
});

export function unauthenticatedKeyAuth<
  TPermission extends string,
>(): UnauthenticatedKeyAuth<TPermission> {
  return UNAUTHENTICATED;
}
