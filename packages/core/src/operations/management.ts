// The management calls, loaded together at the first one (see `createApiKeys`): with them come
// zod and the input schemas, which verifying a key does not need.
export { auditLog } from './audit-log.js';
export { createKey } from './create-key.js';
export { getKey } from './get-key.js';
export { keyUsage } from './key-usage.js';
export { listKeys } from './list-keys.js';
export { purgeKeys } from './purge-keys.js';
export { revokeKey } from './revoke-key.js';
export { revokeMany } from './revoke-many.js';
export { rollKey } from './roll-key.js';
export { updateKey } from './update-key.js';
