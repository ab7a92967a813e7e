import type { ApiKeysOptions } from './api-keys-types.js';
import { assertPrefix } from './key-format.js';
import { integerParser, optionalTextParser, type Parser } from './parsers.js';
import type { KeyStore } from './store/key-store.js';
import { createSqliteStore } from './store/sqlite/index.js';
import { describeIssues } from './validation.js';

// The options' bounds: a timer beyond ~24.8 days overflows to 1 ms, and a negative TTL or size
// would quietly turn the cache off.
const MAX_TIMER_MS = 2 ** 31 - 1;
export const secretSchema = optionalTextParser;
export const cacheTtlSchema = integerParser({ min: 0, max: MAX_TIMER_MS });
export const cacheEntriesSchema = integerParser({ min: 0 });
export const flushIntervalSchema = integerParser({ min: 1, max: MAX_TIMER_MS });

/** The store the options name: `storage` as given, or a drizzle store over `database`. */
export function resolveStore<T extends readonly string[]>(options: ApiKeysOptions<T>): KeyStore {
  if (options.storage !== undefined && options.database !== undefined) {
    throw new TypeError('Latchkey: give `database` or `storage`, not both.');
  }
  if (options.storage !== undefined) return options.storage;
  if (options.database !== undefined) return createSqliteStore(options.database);
  throw new TypeError(
    "Latchkey: give `database` (e.g. { url: 'file:.data/latchkey.db' }) or `storage`.",
  );
}

/** The prefixes whose keys an instance verifies: its own first, then those it accepts besides. */
export function verifiedPrefixes(
  prefix: string,
  accepted: readonly string[] | undefined,
): string[] {
  if (accepted === undefined) return [prefix];
  if (!Array.isArray(accepted)) {
    throw new TypeError(
      "Latchkey: invalid `acceptPrefixes` option: give a list of key prefixes, e.g. ['acme_old'].",
    );
  }
  for (const other of accepted) {
    if (typeof other !== 'string') {
      throw new TypeError(
        `Latchkey: invalid \`acceptPrefixes\` option: ${JSON.stringify(other)} is not a prefix.`,
      );
    }
    assertPrefix(other);
  }
  return [...new Set([prefix, ...accepted])];
}

/** Validates an option of `createApiKeys`: a misconfiguration is a programmer error, thrown at once. */
export function parseOption<T>(schema: Parser<T>, value: unknown, name: string): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw new TypeError(
    `Latchkey: invalid \`${name}\` option: ${describeIssues(result.error.issues)}`,
  );
}
