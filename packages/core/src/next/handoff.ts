import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import type { KeyAuthFields } from '../http/index.js';
import type { JsonObject } from '../json.js';
import type { RateLimitState } from '../types.js';

/**
 * How the proxy hands an authenticated key on to the route: a request header whose value is the
 * key's auth fields, signed with HMAC-SHA-256. The proxy overwrites any such header a client sent,
 * and the route trusts only a value whose signature holds, so a forged header gives nothing.
 */
export interface HandoffOptions {
  /**
   * Signs the hand-off; at least 32 characters. Default: 32 random bytes made once per process
   * (kept on `globalThis`, so the proxy and the route handlers of one `next start` share it even
   * from separate bundles; so do the helpers of every `ApiKeys` in the process: give each set of
   * keys its own `handoffHeader` or secret). Set it (from an environment variable) when the proxy
   * and the routes can run in different processes, as on serverless platforms.
   */
  handoffSecret?: string;
  /** The request header that carries the hand-off. Default `'x-latchkey-auth'`. */
  handoffHeader?: string;
  /**
   * How long after signing a hand-off is honoured, so a value that leaked (a route forwarding
   * its request headers upstream) is soon worthless: 1 000 to 600 000 ms. Default 60 000 ms.
   */
  handoffMaxAgeMs?: number;
  /**
   * The time in epoch milliseconds, for a hand-off's age and the `t` of the `RateLimit` field
   * (seconds until the window resets): give the clock you gave `createApiKeys`. Default `Date.now`.
   */
  clock?: () => number;
}

/**
 * Signs the hand-off in the proxy and reads it back in the route.
 * @internal
 */
export interface Handoff {
  header: string;
  sign(fields: KeyAuthFields): string;
  /** The fields of a genuine, fresh hand-off; `null` for anything else, never an exception. */
  read(value: string | null): KeyAuthFields | null;
}

const SECRET_SLOT = Symbol.for('@latchkey/core/next:handoff-secret');
const MIN_SECRET_LENGTH = 32;
// The proxy hands on at once; ten minutes leaves room for clocks of separate processes to differ.
const MAX_HANDOFF_AGE_MS = 600_000;
// Metadata is at most 4 kB of JSON; anything far larger is not ours and is not even decoded.
const MAX_HANDOFF_LENGTH = 32 * 1024;
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const BASE64URL = /^[A-Za-z0-9_-]+$/;

/**
 * The hand-off of one set of Next.js helpers; throws a `TypeError` for a bad option.
 * @internal
 */
export function createHandoff(options: HandoffOptions = {}): Handoff {
  const header = (options.handoffHeader ?? 'x-latchkey-auth').toLowerCase();
  if (!HEADER_NAME.test(header)) {
    throw new TypeError(`Invalid handoffHeader ${JSON.stringify(options.handoffHeader)}.`);
  }
  const secret = resolveSecret(options.handoffSecret);
  const maxAgeMs = options.handoffMaxAgeMs ?? 60_000;
  // NaN (from an unset environment variable) or Infinity would honour a hand-off forever.
  if (!Number.isSafeInteger(maxAgeMs) || maxAgeMs < 1000 || maxAgeMs > MAX_HANDOFF_AGE_MS) {
    throw new TypeError(
      `handoffMaxAgeMs must be a whole number of ms from 1000 to ${MAX_HANDOFF_AGE_MS}; got ${String(options.handoffMaxAgeMs)}.`,
    );
  }
  const clock = options.clock ?? Date.now;
  const mac = (payload: string) => toBase64Url(hmac(sha256, secret, encoder.encode(payload)));

  return {
    header,
    sign(fields) {
      const payload = toBase64Url(
        encoder.encode(
          JSON.stringify({
            iat: clock(),
            keyId: fields.keyId,
            consumerId: fields.consumerId,
            ownerId: fields.ownerId,
            permissions: fields.permissions,
            metadata: fields.metadata,
            // Left out of the JSON when absent.
            rateLimit: fields.rateLimit,
            remaining: fields.remaining,
          }),
        ),
      );
      return `${payload}.${mac(payload)}`;
    },
    read(value) {
      if (value === null || value.length > MAX_HANDOFF_LENGTH) return null;
      const [payload, signature, extra] = value.split('.');
      if (payload === undefined || signature === undefined || extra !== undefined) return null;
      if (!BASE64URL.test(payload) || !constantTimeEqual(mac(payload), signature)) return null;
      const fields = parsePayload(payload);
      if (fields === null || Math.abs(clock() - fields.iat) > maxAgeMs) return null;
      const { iat: _, ...auth } = fields;
      return auth;
    },
  };
}

function resolveSecret(secret: string | undefined): Uint8Array {
  if (secret !== undefined) {
    if (secret.length < MIN_SECRET_LENGTH) {
      throw new TypeError(`handoffSecret must be at least ${MIN_SECRET_LENGTH} characters long.`);
    }
    return encoder.encode(secret);
  }
  const slot = globalThis as { [SECRET_SLOT]?: Uint8Array };
  if (slot[SECRET_SLOT] === undefined) {
    const bytes = new Uint8Array(32);
    globalThis.crypto.getRandomValues(bytes);
    slot[SECRET_SLOT] = bytes;
  }
  return slot[SECRET_SLOT];
}

// The signature was checked first, so the payload is one this code wrote; the checks below keep
// the function total all the same.
function parsePayload(payload: string): (KeyAuthFields & { iat: number }) | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(decoder.decode(fromBase64Url(payload)));
  } catch {
    return null;
  }
  if (typeof parsed !== 'object' || parsed === null) return null;
  const { iat, keyId, consumerId, ownerId, permissions, metadata, rateLimit, remaining } =
    parsed as Record<string, unknown>;
  if (
    typeof iat !== 'number' ||
    typeof keyId !== 'string' ||
    typeof consumerId !== 'string' ||
    typeof ownerId !== 'string' ||
    !Array.isArray(permissions) ||
    !permissions.every((permission) => typeof permission === 'string') ||
    typeof metadata !== 'object' ||
    metadata === null ||
    Array.isArray(metadata) ||
    (rateLimit !== undefined && !isRateLimitState(rateLimit)) ||
    (remaining !== undefined && typeof remaining !== 'number')
  ) {
    return null;
  }
  return {
    iat,
    keyId,
    consumerId,
    ownerId,
    permissions: Object.freeze(permissions as string[]),
    metadata: Object.freeze(metadata as JsonObject),
    ...(rateLimit === undefined ? {} : { rateLimit: Object.freeze(rateLimit) }),
    ...(remaining === undefined ? {} : { remaining }),
  };
}

function isRateLimitState(value: unknown): value is RateLimitState {
  if (typeof value !== 'object' || value === null) return false;
  const { name, limit, remaining, resetAt, windowMs } = value as Record<string, unknown>;
  return (
    typeof name === 'string' &&
    typeof limit === 'number' &&
    typeof remaining === 'number' &&
    typeof resetAt === 'number' &&
    typeof windowMs === 'number'
  );
}

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

function toBase64Url(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '');
}

function fromBase64Url(text: string): Uint8Array {
  const binary = atob(text.replaceAll('-', '+').replaceAll('_', '/'));
  return Uint8Array.from(binary, (char) => char.charCodeAt(0));
}

// Compares without stopping at the first difference, so timing reveals nothing of the signature.
function constantTimeEqual(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let difference = 0;
  for (let i = 0; i < a.length; i++) difference |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return difference === 0;
}
