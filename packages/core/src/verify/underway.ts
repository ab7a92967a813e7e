import type { VerifierContext } from './context.js';

/** Counts `work` as under way until it settles, for `settle`; returns it. */
export function track<T>(context: VerifierContext, work: Promise<T>): Promise<T> {
  const { underway } = context;
  underway.add(work);
  const done = () => underway.delete(work);
  work.then(done, done);
  return work;
}

/**
 * Resolves once every verification that was waiting for storage has its answer and is counted,
 * and every refund is written: for `close()`, so that a shutdown neither refuses nor forgets
 * calls already under way. A call whose read ends in a spend is waited for too: the read's end
 * starts the spend before this looks again.
 */
export async function settle(context: VerifierContext): Promise<void> {
  const { underway } = context;
  while (underway.size > 0) await Promise.allSettled([...underway]);
}
