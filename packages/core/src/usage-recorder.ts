import type { KeyStore, UsageBatch } from './store/key-store.js';
import { DAY_MS, utcDay } from './time.js';
import type { VerifyCode } from './types.js';

/** A key's outcome counts on one UTC day (`YYYY-MM-DD`). */
export interface DayCounts {
  day: string;
  counts: Partial<Record<VerifyCode, number>>;
}

interface KeyUsage extends DayCounts {
  consumerId: string;
  lastUsedAt: number | null;
  /** Counts of days that ended before the flush. */
  earlier: DayCounts[];
}

/** How many times `readWithPending` reads again before it writes the pending counts instead. */
const READ_ATTEMPTS = 3;

/**
 * Aggregates `lastUsedAt` and per-day outcome counts in memory so that a verification never
 * writes: everything pending is written in one batch per interval, and on `flush()` / `close()`.
 * A failed flush keeps its data for the next one and never reaches the caller of `verify`.
 * Steady state allocates nothing per verification (one entry per key, one counter per code).
 */
export class UsageRecorder {
  #pending = new Map<string, KeyUsage>();
  #timer: ReturnType<typeof setTimeout> | undefined;
  #flushing: Promise<void> = Promise.resolve();
  /** Writes begun so far: a read that saw none begin while it ran saw storage hold still. */
  #writesBegun = 0;
  #stopped = false;
  // No day yet: the first call works it out, whatever its time (an injected clock may start at 0).
  #dayStart = Number.NaN;
  #day = '';
  readonly #store: KeyStore;
  readonly #intervalMs: number;
  readonly #onError: (error: unknown) => void;

  constructor(store: KeyStore, intervalMs: number, onError: (error: unknown) => void) {
    this.#store = store;
    this.#intervalMs = intervalMs;
    this.#onError = onError;
  }

  /**
   * Counts a verification of a known key (a valid one moves `lastUsedAt`). `count` is -1 to take
   * one back, when a valid verification is refunded and counted under its refusal instead.
   */
  record(keyId: string, consumerId: string, code: VerifyCode, now: number, count = 1): void {
    const day = this.#dayOf(now);
    let usage = this.#pending.get(keyId);
    if (usage === undefined) {
      usage = { consumerId, lastUsedAt: null, day, counts: {}, earlier: [] };
      this.#pending.set(keyId, usage);
    } else if (usage.day !== day) {
      usage.earlier.push({ day: usage.day, counts: usage.counts });
      usage.day = day;
      usage.counts = {};
    }
    if (code === 'VALID' && count > 0 && (usage.lastUsedAt ?? 0) < now) usage.lastUsedAt = now;
    usage.counts[code] = (usage.counts[code] ?? 0) + count;
    if (this.#timer === undefined) this.#schedule();
  }

  /**
   * Writes what is pending in one batch; resolves when written, or when the write failed and was
   * kept. Never rejects.
   */
  flush(): Promise<void> {
    // After `close()` storage is closed: what a late refund counted stays in memory, unwritten.
    if (this.#stopped) return this.#flushing;
    this.#cancelTimer();
    this.#flushing = this.#flushing.then(() => this.#write());
    return this.#flushing;
  }

  /**
   * What `read` finds in storage, and what is counted in memory for `keyId` but not yet written:
   * for `usage()`, which shows the last seconds this way without writing them, so that a
   * dashboard polling it does not write more often than the flush interval. A write that begins
   * while `read` runs may or may not be in what it saw, so `read` is then made again; after a few
   * such, the pending counts are written first instead, as a flush would.
   */
  async readWithPending<T>(
    keyId: string,
    read: () => Promise<T>,
  ): Promise<{ stored: T; pending: DayCounts[] }> {
    for (let attempt = 0; attempt < READ_ATTEMPTS; attempt++) {
      await this.#flushing; // no write under way
      const begun = this.#writesBegun;
      const stored = await read();
      if (this.#writesBegun === begun) return { stored, pending: this.#pendingOf(keyId) };
    }
    await this.flush();
    return { stored: await read(), pending: [] };
  }

  #pendingOf(keyId: string): DayCounts[] {
    const usage = this.#pending.get(keyId);
    if (usage === undefined) return [];
    return [...usage.earlier, usage].map(({ day, counts }) => ({ day, counts: { ...counts } }));
  }

  /** Drops what is pending for keys that no longer exist (purged), so no row is written for them. */
  forget(keyIds: readonly string[]): void {
    for (const keyId of keyIds) this.#pending.delete(keyId);
  }

  /** For `close()`, after its last flush: no flush is scheduled again, since storage is closed. */
  stop(): void {
    this.#stopped = true;
    this.#cancelTimer();
  }

  async #write(): Promise<void> {
    if (this.#pending.size === 0) return;
    const pending = this.#pending;
    this.#pending = new Map();
    this.#writesBegun++;
    try {
      await this.#store.recordUsage(toBatch(pending));
    } catch (error) {
      this.#restore(pending);
      try {
        this.#onError(error);
      } catch {
        // A logger that throws must not break flushing: this flush's promise is the chain that
        // every later flush, `usage()` and `close()` wait on, and the timer's flush has no caller.
      }
    }
    if (this.#pending.size > 0 && this.#timer === undefined) this.#schedule();
  }

  /**
   * Puts a failed batch back, merged with whatever was recorded meanwhile, day by day: however
   * many flushes fail in a row, a key holds one set of counts per day, not one per failure.
   */
  #restore(failed: Map<string, KeyUsage>): void {
    for (const [keyId, old] of failed) {
      const newer = this.#pending.get(keyId);
      if (newer === undefined) {
        this.#pending.set(keyId, old);
        continue;
      }
      for (const { day, counts } of [...old.earlier, { day: old.day, counts: old.counts }]) {
        if (day === newer.day) addCounts(newer.counts, counts);
        else {
          const same = newer.earlier.find((entry) => entry.day === day);
          if (same === undefined) newer.earlier.push({ day, counts });
          else addCounts(same.counts, counts);
        }
      }
      if ((old.lastUsedAt ?? 0) > (newer.lastUsedAt ?? 0)) newer.lastUsedAt = old.lastUsedAt;
    }
  }

  #dayOf(now: number): string {
    if (!(now >= this.#dayStart && now < this.#dayStart + DAY_MS)) {
      this.#dayStart = now - (now % DAY_MS);
      this.#day = utcDay(this.#dayStart);
    }
    return this.#day;
  }

  #schedule(): void {
    // A refund after `close()` still counts, in memory only: a flush could only fail, again and
    // again, on its timer.
    if (this.#stopped) return;
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

function addCounts(
  into: Partial<Record<VerifyCode, number>>,
  from: Partial<Record<VerifyCode, number>>,
): void {
  for (const [code, count] of Object.entries(from) as [VerifyCode, number][]) {
    into[code] = (into[code] ?? 0) + count;
  }
}

function toBatch(pending: Map<string, KeyUsage>): UsageBatch {
  const lastUsed = new Map<string, number>();
  const counts: UsageBatch['counts'] = [];
  for (const [keyId, usage] of pending) {
    if (usage.lastUsedAt !== null) lastUsed.set(keyId, usage.lastUsedAt);
    for (const { day, counts: byCode } of [...usage.earlier, usage]) {
      for (const [code, count] of Object.entries(byCode)) {
        if (count !== 0) counts.push({ keyId, consumerId: usage.consumerId, day, code, count });
      }
    }
  }
  return { lastUsed, counts };
}
