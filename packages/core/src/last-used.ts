import type { KeyStore } from './storage/store.js';

/**
 * Aggregates `lastUsedAt` in memory so that a verification never writes: the latest use of each key
 * is flushed in one batch, at most once per interval, and on `flush()` / `close()`. A failed flush
 * keeps its uses for the next one and never reaches the caller of `verify`.
 */
export class LastUsedRecorder {
  #pending = new Map<string, number>();
  #timer: ReturnType<typeof setTimeout> | undefined;
  #flushing: Promise<void> = Promise.resolve();
  readonly #store: KeyStore;
  readonly #intervalMs: number;
  readonly #onError: (error: unknown) => void;

  constructor(store: KeyStore, intervalMs: number, onError: (error: unknown) => void) {
    this.#store = store;
    this.#intervalMs = intervalMs;
    this.#onError = onError;
  }

  record(keyId: string, at: number): void {
    this.#pending.set(keyId, at);
    if (this.#timer === undefined) this.#schedule();
  }

  /** Writes what is pending; resolves when written (or when the write failed and was kept). */
  flush(): Promise<void> {
    this.#cancelTimer();
    this.#flushing = this.#flushing.then(() => this.#write());
    return this.#flushing;
  }

  stop(): void {
    this.#cancelTimer();
  }

  async #write(): Promise<void> {
    if (this.#pending.size === 0) return;
    const batch = this.#pending;
    this.#pending = new Map();
    try {
      await this.#store.recordLastUsed(batch);
    } catch (error) {
      for (const [keyId, at] of batch) {
        if ((this.#pending.get(keyId) ?? 0) < at) this.#pending.set(keyId, at);
      }
      this.#onError(error);
    }
    if (this.#pending.size > 0 && this.#timer === undefined) this.#schedule();
  }

  #schedule(): void {
    const timer = setTimeout(() => {
      this.#timer = undefined;
      void this.flush();
    }, this.#intervalMs);
    // In Node a pending flush must not keep the process alive; `close()` flushes on the way out.
    (timer as { unref?: () => void }).unref?.();
    this.#timer = timer;
  }

  #cancelTimer(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}
