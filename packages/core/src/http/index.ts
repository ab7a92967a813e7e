// `@latchkey/core/http`: the plumbing of the request helpers, for adapters (core's Next.js and
// Express helpers, the tRPC plugin, one of your own) rather than for apps, which call
// `authenticateRequest` and the adapters. Every adapter reads keys, words refusals and sends
// headers with these, so a machine gets the same answer whichever door it knocks on.

export { authenticateKey } from '../request/authenticate-request.js';
export {
  authenticatedKeyAuth,
  type KeyAuthFields,
  unauthenticatedKeyAuth,
} from '../request/key-auth.js';
export { AUTH_FAILURE_MESSAGES, AUTH_FAILURE_STATUS } from './auth-failure-status.js';
export { assertDeclaredPermission, assertDeclaredPermissions } from './declared-permissions.js';
export {
  type FailureResponseParts,
  failureFromResult,
  failureOf,
  failureResponseParts,
  type RequestAuthFailure,
  type RequestFailureCode,
  storageFailure,
} from './failure-response.js';
export { type RateLimitFields, rateLimitFields } from './rate-limit-fields.js';
export {
  type HeaderGetter,
  type KeyReading,
  MAX_KEY_HEADER_LENGTH,
  queryOf,
  type ResolvedKeyOptions,
  readKey,
  resolveKeyOptions,
} from './read-key.js';
