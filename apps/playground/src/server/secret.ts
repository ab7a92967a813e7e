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
    mkdirSync(dirname(SECRET_FILE), { recursive: true });
    try {
      writeFileSync(SECRET_FILE, randomBytes(32).toString('base64url'), { flag: 'wx' });
    } catch (error) {
      // Another process (a parallel build worker) made it first: its secret is the one.
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    return readFileSync(SECRET_FILE, 'utf8').trim();
  }
}
