import { randomBytes } from 'node:crypto';
import { linkSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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
    // Written whole to a file of its own, then linked into place: the link either appears with
    // the whole secret or fails because another process (a parallel build worker) linked first,
    // whose secret is then the one. No process ever reads a file still being written.
    mkdirSync(dirname(SECRET_FILE), { recursive: true });
    const draft = `${SECRET_FILE}.${process.pid}.${randomBytes(4).toString('hex')}`;
    writeFileSync(draft, randomBytes(32).toString('base64url'));
    try {
      linkSync(draft, SECRET_FILE);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    } finally {
      rmSync(draft, { force: true });
    }
    return readFileSync(SECRET_FILE, 'utf8').trim();
  }
}
