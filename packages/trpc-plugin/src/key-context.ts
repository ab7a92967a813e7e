import type { RateLimitState, VerifiedKey } from '@latchkey/core';
import type { KeyProcedureApiKey, KeyProcedureContext } from './types.js';

/**
 * `ctx.apiKey`: what resolvers see of the verified key, and, in a private field, the verification
 * itself, so that `requirePermissions` can refund exactly that call. Made afresh for every call,
 * so a refusal in a nested call (a `createCaller` inside a resolver) refunds the nested call.
 */
class VerifiedApiKey<P extends string> implements KeyProcedureApiKey<P> {
  readonly id: string;
  readonly ownerId: string;
  readonly permissions: readonly P[];
  readonly metadata: VerifiedKey<P>['metadata'];
  readonly rateLimit: RateLimitState | null;
  readonly remaining: number | null;
  readonly #verification: VerifiedKey<P>;

  constructor(verification: VerifiedKey<P>) {
    this.id = verification.keyId;
    this.ownerId = verification.ownerId;
    this.permissions = verification.permissions;
    this.metadata = verification.metadata;
    this.rateLimit = verification.rateLimit ?? null;
    this.remaining = verification.remaining ?? null;
    this.#verification = verification;
  }

  static verificationOf<Q extends string>(
    apiKey: KeyProcedureApiKey<Q>,
  ): VerifiedKey<Q> | undefined {
    if (!(#verification in apiKey)) return undefined;
    // The brand check forgets `Q`; the key context was made from a verification of this `Q`.
    const verification: VerifiedKey<string> = apiKey.#verification;
    return verification as VerifiedKey<Q>;
  }
}

/**
 * What `keyProcedure` adds to the context for a valid key.
 * @internal
 */
export function keyContext<P extends string>(verification: VerifiedKey<P>): KeyProcedureContext<P> {
  return { consumerId: verification.consumerId, apiKey: new VerifiedApiKey(verification) };
}

/**
 * The verification behind a `ctx.apiKey` made by `keyProcedure`; none for one made otherwise.
 * @internal
 */
export const verificationOf = VerifiedApiKey.verificationOf;
