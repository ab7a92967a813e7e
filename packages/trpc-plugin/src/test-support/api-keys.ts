import { writeFileSync } from 'node:fs';
import { createApiKeys } from '@latchkey/core';
import { afterThisTest, manualClock, PERMISSIONS, tempDatabase } from '@latchkey/test-support';

/** `createApiKeys` on its own in-memory libsql database, closed after the test. */
export function testApiKeys() {
  const clock = manualClock();
  const apiKeys = createApiKeys({
    database: { url: ':memory:' },
    prefix: 'acme',
    permissions: PERMISSIONS,
    clock: clock.now,
  });
  afterThisTest(() => apiKeys.close());
  return { apiKeys, clock };
}

/** `createApiKeys` on a real file that is not a database: every storage call fails. */
export function brokenApiKeys() {
  const file = tempDatabase('not-a-database.db');
  writeFileSync(file.path, 'this file is not a SQLite database, '.repeat(200));
  const apiKeys = createApiKeys({
    database: { url: file.url },
    prefix: 'acme',
    permissions: PERMISSIONS,
    onBackgroundError: () => {},
  });
  afterThisTest(async () => {
    await apiKeys.close().catch(() => {});
    file.remove();
  });
  return { apiKeys };
}
