import { afterThisTest } from '@latchkey/test-support';
import { describe } from 'vitest';
import { keysContract } from './store-contract/keys.js';
import { lifecycleContract } from './store-contract/lifecycle.js';
import { listingsContract } from './store-contract/listings.js';
import { revocationContract } from './store-contract/revocation.js';
import { rollsContract } from './store-contract/rolls.js';
import type { StoreFactory } from './store-contract/rows.js';
import { spendContract } from './store-contract/spend.js';
import { updatesContract } from './store-contract/updates.js';
import { usageContract } from './store-contract/usage.js';

export type { StoreFactory };

export interface KeyStoreContractOptions {
  /** A store whose storage cannot be reached (a server on a closed port, say). */
  unreachable: StoreFactory;
}

/**
 * The behaviour every `KeyStore` owes Latchkey, as tests: each method and the edge cases its doc
 * comment promises (cursors, roll chains and their shared budget, the guarded spend, batched
 * usage, purge, faults), called on the store itself rather than through `createApiKeys`. Every
 * engine runs it, once for each way it can be opened: a new engine is one more call.
 *
 * @param name what this run is of, e.g. `'libsql file: database'`
 * @param makeStore a new store on empty storage of its own, not yet initialised; the suite calls
 *   it once per test, initialises the store and closes it after the test
 * @example
 * keyStoreContract('libsql :memory:', () => createSqliteStore({ url: ':memory:' }), { unreachable });
 */
export function keyStoreContract(
  name: string,
  makeStore: StoreFactory,
  options: KeyStoreContractOptions,
): void {
  const open = async () => {
    const store = await makeStore();
    afterThisTest(() => store.close());
    await store.init();
    return store;
  };
  describe(`KeyStore contract: ${name}`, () => {
    keysContract(open);
    listingsContract(open);
    updatesContract(open);
    rollsContract(open);
    revocationContract(open);
    spendContract(open);
    usageContract(open);
    lifecycleContract(open, options.unreachable);
  });
}
