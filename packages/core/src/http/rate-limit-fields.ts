import type { RateLimitState } from '../types.js';

/**
 * The IETF RateLimit header fields of draft-ietf-httpapi-ratelimit-headers-10 (structured field
 * Lists, RFC 9651), by their lower-case names: the quota policy and what is left of it. A type,
 * not an interface, so that it is a `Record<string, string>` of headers too.
 */
export type RateLimitFields = {
  /** `"default";q=100;w=60`: `q` units per window, `w` the window in seconds (when known). */
  'ratelimit-policy': string;
  /** `"default";r=42;t=17`: `r` units left, `t` seconds until the window resets (when known). */
  ratelimit: string;
};

/**
 * The RateLimit fields for a rate limit's state after a verification. `resetInMs` is the time
 * left in the window (`resetAt` minus now, or a refusal's `retryAfterMs`); without it the
 * `RateLimit` field has no `t`. Both are rounded up to whole seconds, so a client that waits `t`
 * seconds is never early, and `t` then equals a 429's `Retry-After`, as the draft asks.
 */
export function rateLimitFields(
  state: RateLimitState,
  resetInMs: number | undefined,
): RateLimitFields {
  // A String item: rate-limit names are letters, digits and `_ . : -`, so nothing needs escaping.
  const policy = `"${state.name}"`;
  const window = `;w=${Math.max(1, Math.ceil(state.windowMs / 1000))}`;
  const reset = resetInMs === undefined ? '' : `;t=${Math.max(0, Math.ceil(resetInMs / 1000))}`;
  return {
    'ratelimit-policy': `${policy};q=${state.limit}${window}`,
    ratelimit: `${policy};r=${Math.max(0, state.remaining)}${reset}`,
  };
}
