// A second (and third) process for the cross-process usage-limit test: opens the same database
// file, says "ready", waits for "go" on stdin so that all processes start together, then verifies
// one key `count` times concurrently and prints how many verifications were valid.
import { createInterface } from 'node:readline';
import { createApiKeys } from '../api-keys.js';
import { parseKey } from '../key-format.js';

const [url, key, count] = process.argv.slice(2) as [string, string, string];
const apiKeys = createApiKeys({
  database: { url },
  prefix: parseKey(key)?.prefix ?? '',
  onBackgroundError: () => {},
});
await apiKeys.ready();
process.stdout.write('ready\n');
const lines = createInterface({ input: process.stdin });
for await (const line of lines) if (line === 'go') break;
const results = await Promise.all(Array.from({ length: Number(count) }, () => apiKeys.verify(key)));
const valid = results.filter((result) => result.valid).length;
const exceeded = results.filter((result) => result.code === 'USAGE_EXCEEDED').length;
process.stdout.write(`${JSON.stringify({ valid, exceeded })}\n`);
await apiKeys.close();
lines.close();
