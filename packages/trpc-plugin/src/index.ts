export type { ApiKeyAuthorize } from './authorization.js';
export { createApiKeyPlugin } from './create-api-key-plugin.js';
export type {
  ApiKeyMiddleware,
  HostContext,
  HostProcedure,
  KeyProcedure,
} from './host-procedure.js';
export {
  type LatchkeyCode,
  type LatchkeyErrorData,
  withLatchkeyData,
} from './latchkey-error-data.js';
export type { ApiKeyPlugin, ApiKeyPluginOptions } from './plugin-options.js';
export type { RequestHeaders } from './request-headers.js';
export type { ResponseHeaders } from './response-headers.js';
export type {
  ApiKeyAction,
  ApiKeyConfig,
  ApiKeyRouter,
  ApiKeyScope,
  ApiKeyUsage,
  ApiKeyUsageRequest,
  ApiKeyUserAction,
  AuditLogRequest,
  AuthorizeAnswer,
  CreateApiKeyRequest,
  GetApiKeyRequest,
  KeyProcedureApiKey,
  KeyProcedureContext,
  ListApiKeysRequest,
  RevokeApiKeyRequest,
  RollApiKeyRequest,
  UpdateApiKeyRequest,
} from './types.js';
