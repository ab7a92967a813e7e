export { afterThisTest } from './after-this-test.js';
export { manualClock } from './manual-clock.js';
export { tempDatabase } from './temp-database.js';

/** The permissions every package's test app declares. */
export const PERMISSIONS = ['invoices:read', 'invoices:write', 'reports:read'] as const;
export type Permission = (typeof PERMISSIONS)[number];
