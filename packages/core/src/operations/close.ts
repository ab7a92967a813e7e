import type { ApiKeysContext } from '../api-keys-context.js';

/** `apiKeys.close`: lets verifications under way finish, flushes, then closes storage. */
export function close(context: ApiKeysContext<string>): Promise<void> {
  const { cache, recorder, verifier } = context;
  return context.lifecycle.close(async () => {
    await verifier.settle();
    // From here every call misses the cache and is refused (`admit`), so none is answered
    // after the last flush and left uncounted.
    cache.clear();
    await recorder.flush();
    recorder.stop();
  });
}
