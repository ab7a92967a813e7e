import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterThisTest } from '@latchkey/test-support';

/** A lock on a database file held by another process (`lock-worker.ts`) until `release()`. */
export interface HeldLock {
  /** Commits the other process's transaction; resolves once it has. */
  release(): Promise<void>;
}

/**
 * Starts a process that holds the write lock of the database file at `path`; resolves once it
 * holds it. The process is killed after the test if it is still running.
 */
export async function holdLockInAnotherProcess(path: string): Promise<HeldLock> {
  const worker = fileURLToPath(new URL('./lock-worker.ts', import.meta.url));
  const child = spawn(
    process.execPath,
    ['--conditions=@latchkey/source', '--import', 'tsx', worker, path],
    { stdio: ['pipe', 'pipe', 'inherit'] },
  );
  afterThisTest(() => {
    if (child.exitCode === null) child.kill();
  });
  let output = '';
  const said = (line: string) =>
    new Promise<void>((resolve, reject) => {
      const check = () => {
        if (output.split('\n').includes(line)) resolve();
      };
      child.stdout.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        check();
      });
      child.once('exit', (code) =>
        reject(new Error(`the lock worker exited (${code}) before "${line}"`)),
      );
      check();
    });
  await said('locked');
  return {
    async release() {
      child.stdin.write('release\n');
      await said('released');
    },
  };
}
