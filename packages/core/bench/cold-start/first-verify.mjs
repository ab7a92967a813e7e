// One cold start, in a fresh process: import the built `@latchkey/core` as an app would, open
// an existing embedded database, and verify a key once. Prints the times in ms as JSON.
// Arguments: the database file, the key.
const [file, key] = process.argv.slice(2);
const started = performance.now();
const { createApiKeys } = await import('@latchkey/core');
const imported = performance.now();
const apiKeys = createApiKeys({ database: { url: `file:${file}` }, prefix: 'cold' });
await apiKeys.ready();
const ready = performance.now();
const result = await apiKeys.verify(key);
const verified = performance.now();
if (!result.valid) throw new Error(`the cold-start key does not verify: ${result.code}`);
process.stdout.write(
  JSON.stringify({
    importMs: imported - started,
    readyMs: ready - imported,
    verifyMs: verified - ready,
    totalMs: verified - started,
  }),
);
await apiKeys.close();
