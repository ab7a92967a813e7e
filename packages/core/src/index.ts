export { createApiKeys } from './api-keys.js';
export type {
  ActorOptions,
  ApiKeys,
  ApiKeysOptions,
  AuditLogInput,
  CreateApiKeyInput,
  KeyLimitsInput,
  ListApiKeysInput,
  PurgeInput,
  RateLimitInput,
  RevokeApiKeyInput,
  RevokeManyInput,
  RollApiKeyInput,
  ScopeOptions,
  UpdateApiKeyInput,
  UsageInput,
} from './api-keys-types.js';
export type { RandomSource } from './base62.js';
export {
  type InputIssue,
  isLatchkeyError,
  LATCHKEY_ERROR_CODES,
  LatchkeyError,
  type LatchkeyErrorCode,
} from './errors.js';
export type { RequestKeyOptions } from './http/read-key.js';
export type { JsonObject, JsonPrimitive, JsonValue } from './json.js';
export {
  isWellFormed,
  KEY_BODY_LENGTH,
  KEY_PATTERN,
  keyPattern,
  type ParsedKey,
  parseKey,
} from './key-format.js';
export type { RateLimitDecision, RateLimiter } from './limits/rate-limiter.js';
export type { UsageLimiter } from './limits/usage-limiter.js';
export {
  type ApiKeyRequestState,
  type AuthenticatedRequestState,
  type AuthenticateRequestOptions,
  authenticateRequest,
  type KeyVerifier,
  type UnauthenticatedRequestState,
} from './request/authenticate-request.js';
export type {
  ApiKeyAuth,
  AuthenticatedKeyAuth,
  UnauthenticatedKeyAuth,
} from './request/key-auth.js';
export type {
  ApiKeyRow,
  AuditEventRow,
  KeyChanges,
  KeyFilter,
  KeyRef,
  KeyStore,
  RateLimit,
  RevokeManyFilter,
  RowCursor,
  SpendRefusal,
  SpendResult,
  UsageBatch,
  UsageRow,
  VerifiableKeyRow,
} from './store/key-store.js';
export {
  createDrizzleStore,
  createSqliteStore,
  type DatabaseOption,
} from './store/sqlite/index.js';
export { type Migration, migrate } from './store/sqlite/migrate.js';
export type {
  ApiKey,
  ApiKeyStatus,
  AuditEvent,
  AuthFailureCode,
  CreatedApiKey,
  Page,
  RateLimitState,
  Refill,
  RejectedKey,
  RolledApiKey,
  UsageDay,
  VerifiedKey,
  VerifyCode,
  VerifyFailureCode,
  VerifyOptions,
  VerifyResult,
} from './types.js';
export { INPUT_LIMITS } from './validation.js';
