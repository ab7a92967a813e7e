import type { AuthFailureCode } from '../types.js';

/**
 * The HTTP status for each way a request can fail to authenticate (DESIGN.md "Verification"). The
 * request helpers and the tRPC plugin both answer with these, so a machine sees the same status
 * whichever door it knocked on. A storage fault is not here: it is an error, answered with 503.
 */
export const AUTH_FAILURE_STATUS: Readonly<Record<AuthFailureCode, 401 | 403 | 429>> = {
  MISSING: 401,
  MALFORMED: 401,
  NOT_FOUND: 401,
  REVOKED: 401,
  EXPIRED: 401,
  DISABLED: 401,
  INSUFFICIENT_PERMISSIONS: 403,
  RATE_LIMITED: 429,
  USAGE_EXCEEDED: 429,
};

/** Human-readable reasons, safe to send to the caller (they reveal nothing about other keys). */
export const AUTH_FAILURE_MESSAGES: Readonly<Record<AuthFailureCode, string>> = {
  MISSING: 'An API key is required: send it as `Authorization: Bearer <key>` or `x-api-key`.',
  MALFORMED: 'The API key is malformed.',
  NOT_FOUND: 'The API key is not valid.',
  REVOKED: 'The API key has been revoked.',
  EXPIRED: 'The API key has expired.',
  DISABLED: 'The API key is disabled.',
  INSUFFICIENT_PERMISSIONS: 'The API key lacks a permission this request needs.',
  RATE_LIMITED: 'Too many requests with this API key; retry later.',
  USAGE_EXCEEDED: 'This API key has no uses left.',
};
