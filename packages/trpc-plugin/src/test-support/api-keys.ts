import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createApiKeys } from '@latchkey/core';
import { afterEach } from 'vitest';

export const PERMISSIONS = ['invoices:read', 'invoices:write', 'reports:read'] as const;
export type Permission = (typeof PERMISSIONS)[number];

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** Runs after the current test, in reverse order of registration. */
export function afterThisTest(cleanup: () => Promise<void> | void): void {
  cleanups.push(cleanup);
}

/** A clock the test moves by hand. */
export function manualClock(start = Date.UTC(2026, 0, 1)) {
  let now = start;
  return {
    now: () => now,
    advance: (ms: number) => {
      now += ms;
    },
  };
}

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
  const folder = mkdtempSync(join(tmpdir(), 'latchkey-plugin-test-'));
  const path = join(folder, 'not-a-database.db');
  writeFileSync(path, 'this file is not a SQLite database, '.repeat(200));
  const apiKeys = createApiKeys({
    database: { url: pathToFileURL(path).href },
    prefix: 'acme',
    permissions: PERMISSIONS,
    onBackgroundError: () => {},
  });
  afterThisTest(async () => {
    await apiKeys.close().catch(() => {});
    rmSync(folder, { recursive: true, force: true });
  });
  return { apiKeys };
}
