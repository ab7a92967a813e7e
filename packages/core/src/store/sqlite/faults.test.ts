import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { createClient } from '@libsql/client';
import { describe, expect, it } from 'vitest';
import { createApiKeys } from '../../api-keys.js';
import { base, testDatabase } from '../../test-support/fixtures.js';
import { MIGRATIONS } from './migrations.generated.js';

/** Runs `script` (an ES module, argv after the script's own) in a child Node.js with tsx. */
function runScript(
  script: string,
  args: string[],
): Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        '--conditions=@latchkey/source',
        '--import',
        'tsx',
        '--input-type=module',
        '-e',
        script,
        ...args,
      ],
      // The package's folder, where the script's bare imports (`@libsql/client`) resolve.
      {
        cwd: fileURLToPath(new URL('../../..', import.meta.url)),
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

describe('a database file that goes bad under a running process', () => {
  it('truncated while open: a cold verify answers STORAGE_UNAVAILABLE, the process lives', async () => {
    const database = testDatabase();
    const apiKeysModule = new URL('../../api-keys.ts', import.meta.url).href;
    // Two keys whose rows fill a page each, so that the second one's page has not been read when
    // the file is cut; the first verify reads the file itself once the WAL is checkpointed.
    const script = `
      import { truncateSync } from 'node:fs';
      import { createClient } from '@libsql/client';
      import { createApiKeys } from ${JSON.stringify(apiKeysModule)};
      const [path, url] = process.argv.slice(1);
      const apiKeys = createApiKeys({ database: { url }, cache: { ttlMs: 0 }, onBackgroundError: () => {} });
      const metadata = { pad: 'x'.repeat(3000) };
      const first = await apiKeys.create({ consumerId: 'c', ownerId: 'o', name: 'first', metadata });
      const second = await apiKeys.create({ consumerId: 'c', ownerId: 'o', name: 'second', metadata });
      const client = createClient({ url });
      await client.execute('PRAGMA wal_checkpoint(TRUNCATE)');
      client.close();
      console.log((await apiKeys.verify(first.key)).code);
      truncateSync(path, 0);
      try {
        console.log((await apiKeys.verify(second.key)).code);
      } catch (error) {
        console.log(error.code);
      }
    `;
    const result = await runScript(script, [database.path, database.url]);
    expect(result.signal, result.stderr).toBeNull();
    expect(result.stdout.trim().split('\n'), result.stderr).toEqual([
      'VALID',
      'STORAGE_UNAVAILABLE',
    ]);
  });
});

describe('a first open that fails', () => {
  // A closed connection lets go of its file only once its statements are garbage collected, so
  // files are counted after a collection: what is left open then was never closed.
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  const openFiles = async () => {
    gc();
    await new Promise((resolve) => setTimeout(resolve, 50)); // native finalizers run after it
    return readdirSync('/proc/self/fd').length;
  };

  /** 100 calls that each retry the open and fail; how many more files are open afterwards. */
  async function filesLeftOpenBy(url: string): Promise<number> {
    const apiKeys = createApiKeys({ database: { url } });
    const failing = () =>
      expect(apiKeys.ready()).rejects.toMatchObject({ code: 'STORAGE_UNAVAILABLE' });
    await failing(); // whatever the first open loads for good (the native module) is loaded
    const before = await openFiles();
    for (let i = 0; i < 100; i++) await failing();
    const grown = (await openFiles()) - before;
    await apiKeys.close();
    return grown;
  }

  it('closes the client it opened when migrating fails', async () => {
    const database = testDatabase();
    const client = createClient({ url: database.url });
    await client.execute('create table latchkey_keys (x)');
    client.close();
    expect(await filesLeftOpenBy(database.url)).toBeLessThan(5);
  });

  it('closes the client and the native reader when the reader cannot be prepared', async () => {
    const database = testDatabase();
    const client = createClient({ url: database.url });
    // Migrations recorded as applied to a table that is not Latchkey's: migrating succeeds and
    // preparing the native read fails.
    await client.execute(
      'create table latchkey_migrations (tag text primary key not null, applied_at integer not null)',
    );
    for (const { tag } of MIGRATIONS) {
      await client.execute({ sql: 'insert into latchkey_migrations values (?, 0)', args: [tag] });
    }
    await client.execute('create table latchkey_keys (x)');
    client.close();
    expect(await filesLeftOpenBy(database.url)).toBeLessThan(5);
  });
});

describe('a write refused by a constraint other than a unique one', () => {
  it('is STORAGE_UNAVAILABLE, not a taken hash to retry (KEY_GENERATION_FAILED)', async () => {
    const database = testDatabase();
    const apiKeys = createApiKeys({ database: { url: database.url } });
    const { apiKey } = await apiKeys.create({ ...base, name: 'before the trigger' });
    const client = createClient({ url: database.url });
    await client.execute(
      `create trigger refuse before insert on latchkey_keys begin select raise(abort, 'no more keys'); end`,
    );
    client.close();
    await expect(apiKeys.create({ ...base, name: 'a' })).rejects.toMatchObject({
      code: 'STORAGE_UNAVAILABLE',
    });
    await expect(apiKeys.roll(apiKey.id)).rejects.toMatchObject({ code: 'STORAGE_UNAVAILABLE' });
    await apiKeys.close();
  });
});
