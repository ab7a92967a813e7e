import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

const SECRET_FILE = '.data/playground-secret';

/**
 * The playground's signing secret: `PLAYGROUND_SECRET`, or one made on first start and kept in a
 * git-ignored file, so that sessions survive restarts and the proxy and the routes (separate
 * bundles in Next.js) agree without any set-up.
 */
export function playgroundSecret(): string {
  const fromEnv = process.env.PLAYGROUND_SECRET;
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
  try {
    return readFileSync(SECRET_FILE, 'utf8').trim();
  } catch {
    const secret = randomBytes(32).toString('base64url');
    mkdirSync(dirname(SECRET_FILE), { recursive: true });
    writeFileSync(SECRET_FILE, secret, { flag: 'wx' }); // a concurrent first start keeps the first
    return readFileSync(SECRET_FILE, 'utf8').trim();
  }
}
