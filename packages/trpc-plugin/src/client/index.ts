export { type ApiKeyLinkOptions, apiKeyLink } from './api-key-link.js';
export { type FailedCall, parseRetryAfter, retryDelayMs } from './retry-after.js';
