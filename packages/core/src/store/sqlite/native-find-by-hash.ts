import type { NativeKeyReader } from '#native-reader';
import type { VerifiableKeyRow } from '../key-store.js';
import { isBusy, retryWhileBusy } from './busy.js';

/**
 * The verification read through the native reader of a `file:` database, with no drizzle loaded:
 * the only query an embedded database answers before anything else needs drizzle.
 */
export async function findByHashNatively(
  reader: NativeKeyReader,
  hash: string,
  busyTimeoutMs: number,
  assertSameFile: () => void,
): Promise<VerifiableKeyRow | undefined> {
  let row = readNatively(reader, hash);
  if (row === LOCKED) row = await retryWhileBusy(() => reader.findByHash(hash), busyTimeoutMs);
  // A key that reads as absent is absent from the database opened, not from one put in its place.
  if (row === undefined) assertSameFile();
  return row;
}

const LOCKED = Symbol('locked');

/**
 * The native read, at once; `LOCKED` when it found the database locked, to be tried again on
 * timers. A read in WAL mode does not wait for writers, but another connection recovering the WAL
 * after a crash holds readers off, and that wait must not block the process.
 */
function readNatively(reader: NativeKeyReader, hash: string) {
  try {
    return reader.findByHash(hash);
  } catch (error) {
    if (isBusy(error)) return LOCKED;
    throw error;
  }
}
