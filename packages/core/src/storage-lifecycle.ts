import { isLatchkeyError, LatchkeyError } from './errors.js';
import type { KeyStore } from './store/key-store.js';

/**
 * An instance's hold on its store: opened once, on first use or `ready()`; every storage call
 * through `storage`, so that a fault is `STORAGE_UNAVAILABLE`; closed once, for good.
 * @internal
 */
export interface StorageLifecycle {
  /** Opens and migrates storage now rather than on first use. */
  ready(): Promise<void>;
  /** Runs a storage operation, turning any fault into `STORAGE_UNAVAILABLE`. */
  storage<T>(operation: () => Promise<T>): Promise<T>;
  /** Throws `STORAGE_UNAVAILABLE` once `close()` has begun. */
  admit(): void;
  /**
   * Runs `drain` (the instance's own shutdown: work under way, pending writes), then closes the
   * store. Once: a second call, even during the first, waits for the same shutdown.
   */
  close(drain: () => Promise<void>): Promise<void>;
}

/** @internal */
export function createStorageLifecycle(store: KeyStore): StorageLifecycle {
  let initialized = false;
  let initializing: Promise<void> | undefined;
  // Once closed, storage stays closed: reopening it silently would answer a `:memory:` database's
  // keys as NOT_FOUND (401), and open a client the host believes closed.
  let closing: Promise<void> | undefined;
  function ready(): Promise<void> {
    // Once `close()` has begun, no open starts: one that began before is waited for by `close()`,
    // which then forgets it.
    if (closing !== undefined && initializing === undefined) return Promise.reject(closed());
    initializing ??= store.init().then(
      () => {
        initialized = true;
      },
      (error: unknown) => {
        initializing = undefined; // the next call tries again
        throw storageUnavailable(error);
      },
    );
    return initializing;
  }

  /** Runs a storage operation, turning any fault into `STORAGE_UNAVAILABLE`. */
  async function storage<T>(operation: () => Promise<T>): Promise<T> {
    if (!initialized) await ready();
    try {
      return await operation();
    } catch (error) {
      throw storageUnavailable(error);
    }
  }

  return {
    ready,
    storage,
    admit: () => {
      if (closing !== undefined) throw closed();
    },
    close(drain) {
      closing ??= (async () => {
        await drain();
        // An open still under way would otherwise finish after this and leave storage open.
        await initializing?.catch(() => undefined);
        initialized = false;
        initializing = undefined;
        await store.close();
      })();
      return closing;
    },
  };
}

function closed(): LatchkeyError {
  return new LatchkeyError('STORAGE_UNAVAILABLE', {
    message: 'The API key storage was closed by apiKeys.close(); create a new instance.',
  });
}

function storageUnavailable(error: unknown): LatchkeyError {
  if (isLatchkeyError(error)) return error;
  const detail = error instanceof Error ? `: ${error.message}` : '';
  return new LatchkeyError('STORAGE_UNAVAILABLE', {
    message: `The API key storage cannot be reached${detail}`,
    cause: error,
  });
}
