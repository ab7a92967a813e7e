// Benchmark data sets: libsql files holding N keys, built once and kept in .bench-data/ (ignored by
// git) because building a million keys takes a while. A sidecar JSON keeps a sample of the keys'
// secrets so the benchmark can verify real keys.
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createClient, type InStatement } from '@libsql/client';
import { cryptoRandom } from '../src/base62.js';
import { createKeyHasher } from '../src/hash/node.js';
import { newKeyId } from '../src/ids.js';
import { displayParts, generateKey } from '../src/key-format.js';
import { migrate } from '../src/store/sqlite/migrate.js';

const folder = fileURLToPath(new URL('../.bench-data/', import.meta.url));
const SAMPLE_SIZE = 2000;
const ROWS_PER_STATEMENT = 400;
const STATEMENTS_PER_BATCH = 25;

/** The prefix of the data sets' keys: an instance verifying them must be made with it. */
export const DATASET_PREFIX = 'bench';

export interface Dataset {
  url: string;
  sampleKeys: string[];
}

export async function dataset(size: number): Promise<Dataset> {
  mkdirSync(folder, { recursive: true });
  const path = `${folder}keys-${size}.db`;
  const samplePath = `${folder}keys-${size}.json`;
  if (!existsSync(path) || !existsSync(samplePath)) await build(size, path, samplePath);
  return {
    url: pathToFileURL(path).href,
    sampleKeys: JSON.parse(readFileSync(samplePath, 'utf8')),
  };
}

async function build(size: number, path: string, samplePath: string): Promise<void> {
  const started = performance.now();
  const partial = `${path}.partial`;
  rmSync(partial, { force: true });
  const client = createClient({ url: pathToFileURL(partial).href });
  await migrate(client);
  const hash = createKeyHasher();
  const sampleEvery = Math.max(1, Math.floor(size / SAMPLE_SIZE));
  const sample: string[] = [];
  const now = Date.now();
  let batch: InStatement[] = [];
  for (let start = 0; start < size; start += ROWS_PER_STATEMENT) {
    const count = Math.min(ROWS_PER_STATEMENT, size - start);
    const args: (string | number)[] = [];
    for (let i = start; i < start + count; i++) {
      const key = generateKey(DATASET_PREFIX, cryptoRandom);
      if (i % sampleEvery === 0) sample.push(key);
      const { start: keyStart, last4 } = displayParts(key);
      args.push(newKeyId(cryptoRandom), hash(key), keyStart, last4, `key ${i}`);
      args.push(`team_${i % 1000}`, `user_${i % 5000}`, now - i, now - i);
    }
    const values = Array.from({ length: count }, () => ROW).join(',');
    batch.push({ sql: `${INSERT} ${values}`, args });
    if (batch.length === STATEMENTS_PER_BATCH || start + count >= size) {
      await client.batch(batch, 'write');
      batch = [];
    }
  }
  client.close();
  renameSync(partial, path);
  writeFileSync(samplePath, JSON.stringify(sample));
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  console.log(`built a data set of ${size.toLocaleString('en-US')} keys in ${seconds} s`);
}

const INSERT = `insert into latchkey_keys (id, hash, start, last4, name, consumer_id, owner_id,
  permissions, metadata, enabled, created_at, updated_at, rate_limits) values`;
const ROW = `(?, ?, ?, ?, ?, ?, ?, '["invoices:read"]', '{}', 1, ?, ?, '[]')`;
