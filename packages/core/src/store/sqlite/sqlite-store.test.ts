import { afterThisTest } from '@latchkey/test-support';
import { createClient } from '@libsql/client';
import { drizzle } from 'drizzle-orm/libsql';
import { closedPort } from '../../test-support/closed-port.js';
import { testDatabase } from '../../test-support/fixtures.js';
import { keyStoreContract } from '../../test-support/store-contract.js';
import { createSqliteStore } from './index.js';

// The assertions are the contract's: each call below runs every test of `keyStoreContract` (see
// test-support/store-contract.ts) against one way of opening libsql.

const unreachable = async () =>
  createSqliteStore({ url: `http://127.0.0.1:${await closedPort()}` });

/** The host's own libsql client on `url`, closed after the test (after the store, which does not). */
function hostClient(url: string) {
  const client = createClient({ url });
  afterThisTest(() => client.close());
  return client;
}

keyStoreContract('libsql file: database', () => createSqliteStore({ url: testDatabase().url }), {
  unreachable,
});

keyStoreContract('libsql :memory: database', () => createSqliteStore({ url: ':memory:' }), {
  unreachable,
});

keyStoreContract(
  'the host’s drizzle database on a file',
  () => createSqliteStore(drizzle(hostClient(testDatabase().url))),
  {
    unreachable: async () =>
      createSqliteStore(drizzle(hostClient(`http://127.0.0.1:${await closedPort()}`))),
  },
);

keyStoreContract(
  'the host’s libsql client on :memory:',
  () => createSqliteStore(hostClient(':memory:')),
  {
    unreachable: async () =>
      createSqliteStore(hostClient(`http://127.0.0.1:${await closedPort()}`)),
  },
);
