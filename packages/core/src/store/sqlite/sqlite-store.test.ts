import { createServer } from 'node:net';
import { afterThisTest } from '@latchkey/test-support';
import { createClient } from '@libsql/client';
import { drizzle } from 'drizzle-orm/libsql';
import { testDatabase } from '../../test-support/fixtures.js';
import { keyStoreContract } from '../../test-support/store-contract.js';
import { createSqliteStore } from './index.js';

/** A port on 127.0.0.1 that nothing listens on: a remote libsql server that is down. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  return typeof address === 'object' && address !== null ? address.port : 0;
}

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
