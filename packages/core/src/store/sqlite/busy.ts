/** How long Latchkey waits for another connection's write lock, unless told otherwise. */
export const DEFAULT_BUSY_TIMEOUT_MS = 5000;

// The first retry comes after ~1 ms, each next one after twice as long, up to ~50 ms: a short
// lock (another process's commit) costs about a millisecond, and a long one some twenty wake-ups
// a second rather than a spin.
const FIRST_DELAY_MS = 1;
const MAX_DELAY_MS = 50;

/**
 * Whether `error` (or one it wraps) is SQLite's "another connection holds the lock"
 * (`SQLITE_BUSY` and its extended codes): the operation did nothing and can be tried again.
 */
export function isBusy(error: unknown): boolean {
  for (let cause = error; cause instanceof Error; cause = cause.cause) {
    const { code, extendedCode } = cause as { code?: unknown; extendedCode?: unknown };
    if (isBusyCode(code) || isBusyCode(extendedCode)) return true;
  }
  return false;
}

function isBusyCode(code: unknown): boolean {
  return typeof code === 'string' && code.startsWith('SQLITE_BUSY');
}

/**
 * Runs `operation`, and again while it fails with `SQLITE_BUSY`, waiting between tries with a
 * jittered exponential backoff (~1, 2, 4 … ms, at most ~50 ms), until `timeoutMs` have passed
 * in all; then fails with an error that says how long the database stayed locked. The wait is
 * a timer, never a blocking sleep: the process goes on serving requests meanwhile. `operation`
 * must do nothing when it fails busy (a write transaction that could not begin, or a read).
 */
export async function retryWhileBusy<T>(
  operation: () => T | Promise<T>,
  timeoutMs: number,
): Promise<T> {
  const started = performance.now();
  for (let delay = FIRST_DELAY_MS; ; delay = Math.min(delay * 2, MAX_DELAY_MS)) {
    try {
      return await operation();
    } catch (error) {
      if (!isBusy(error)) throw error;
      const waited = performance.now() - started;
      if (waited >= timeoutMs) throw stillLocked(timeoutMs, error);
      // Jittered, so that processes that met at one lock do not all come back together.
      const jittered = delay * (0.5 + Math.random() / 2);
      await new Promise((resolve) => setTimeout(resolve, Math.min(jittered, timeoutMs - waited)));
    }
  }
}

function stillLocked(timeoutMs: number, cause: unknown): Error {
  return new Error(
    `the database stayed locked by another connection for ${timeoutMs} ms (busyTimeoutMs)`,
    { cause },
  );
}
