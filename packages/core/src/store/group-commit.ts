/** Writes that go to storage together: see `groupCommit`. */
export interface GroupCommit<T, R> {
  /** Queues `item` for the next commit; resolves with its result once committed. */
  write(item: T): Promise<R>;
  /** Resolves when every write queued so far has been committed or has failed. */
  idle(): Promise<void>;
}

/**
 * Group commit: writes go to storage together, in one transaction, so that concurrent callers
 * share one commit (one fsync of a `file:` database) instead of queueing for one each. A write
 * waits for the event loop's next turn (`setImmediate`, where the runtime has it), so every
 * request handled in this turn joins it, and writes asked for while a commit runs join the next.
 * `commit` returns one result per item, in order; when it fails, every item of that batch fails
 * with its error, and the next batch is tried afresh.
 */
export function groupCommit<T, R>(
  commit: (items: readonly T[]) => Promise<readonly R[]>,
  maxBatch: number,
): GroupCommit<T, R> {
  type Waiting = { item: T; resolve: (result: R) => void; reject: (error: unknown) => void };
  let queue: Waiting[] = [];
  // Set from the first queued write until the queue is empty again.
  let draining: Promise<void> | undefined;

  async function drain(): Promise<void> {
    while (queue.length > 0) {
      const batch = queue.slice(0, maxBatch);
      queue = queue.slice(batch.length);
      try {
        const results = await commit(batch.map((waiting) => waiting.item));
        for (const [i, waiting] of batch.entries()) waiting.resolve(results[i] as R);
      } catch (error) {
        for (const waiting of batch) waiting.reject(error);
      }
    }
    draining = undefined;
  }

  return {
    write: (item) =>
      new Promise<R>((resolve, reject) => {
        queue.push({ item, resolve, reject });
        draining ??= new Promise<void>((done) => nextTurn(() => void drain().then(done)));
      }),
    idle: () => draining ?? Promise.resolve(),
  };
}

const nextTurn: (run: () => void) => void =
  typeof setImmediate === 'function' ? (run) => setImmediate(run) : queueMicrotask;
