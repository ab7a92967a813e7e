export { type ApiKeyLinkOptions, apiKeyLink } from './api-key-link.js';
export { type FailedCall, parseRetryAfter, RefusedResponse, retryDelayMs } from './retry-after.js';
